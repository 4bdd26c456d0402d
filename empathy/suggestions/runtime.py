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


def refit_without_deleted() -> None:
    """After an account deletion: refit and rewrite the saved model, so that its file keeps none of the
    person's profile text (their document, and words of the vocabulary only they used). Runs on a
    thread of its own; a refit already running is followed by another. No file yet: nothing to do."""
    path = model_path()
    if path.exists():
        index_for(path, org_timezone()).refit_in_background(get_engine(), again=True)

