"""Where the app keeps its matching model: the store of versions and the file of releases before them."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app

from empathy.core.db import get_engine
from empathy.suggestions.store import STORES, ModelStore


def model_path() -> Path:
    """The single model file of releases before versions (still followed while no version is stored)."""
    return Path(os.path.join(current_app.instance_path, current_app.config["MATCH_MODEL_PATH"]))


def model_store() -> ModelStore:
    """The app's model store: files in MATCH_MODEL_DIR (default: the instance folder), or the database
    when MATCH_MODEL_STORE is "database" (each version copied once into MATCH_MODEL_CACHE_DIR to be mapped).
    Raises ValueError for another MATCH_MODEL_STORE."""
    kind = current_app.config.get("MATCH_MODEL_STORE") or "directory"
    if kind not in STORES:
        raise ValueError(f"MATCH_MODEL_STORE {kind!r}: use one of {', '.join(STORES)}")
    if kind == "database":
        cache = current_app.config.get("MATCH_MODEL_CACHE_DIR") or "match-cache"
        return ModelStore(get_engine(), None, Path(os.path.join(current_app.instance_path, cache)))
    directory = current_app.config.get("MATCH_MODEL_DIR") or current_app.instance_path
    return ModelStore(get_engine(), Path(os.path.join(current_app.instance_path, directory)))
