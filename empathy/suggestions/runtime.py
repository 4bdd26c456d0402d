"""The matching index of the running app: where its model file is, and this process's copy of it."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app

from empathy.core.db import get_engine
from empathy.core.runtime import org_timezone
from empathy.suggestions.index import MatchIndex, index_for


def model_path() -> Path:
    return Path(os.path.join(current_app.instance_path, current_app.config["MATCH_MODEL_PATH"]))


def match_index() -> MatchIndex:
    """This process's matching index; starts a background refit when it has no usable model
    (none yet, or one saved by other library versions) or has drifted far from its fit."""
    index = index_for(model_path(), org_timezone())
    if not current_app.testing and not index.is_refitting and index.wants_refit():
        index.refit_in_background(get_engine())
    return index
