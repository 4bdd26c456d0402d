"""The matching model of the running app: this process's copy of it, and the requests for a refit (queued
for the worker: a web process never fits). Where the model is stored: `suggestions.location`."""

from __future__ import annotations

from flask import current_app, g

from empathy.core.runtime import org_timezone
from empathy.suggestions.index import MatchIndex, StoredModels, index_for
from empathy.suggestions.location import model_path, model_store
from empathy.suggestions.ranked import warm_rankings
from empathy.suggestions.tasks import request_refit

__all__ = ["match_index", "model_path", "model_store", "refit_without_deleted", "request_refit"]


def match_index() -> MatchIndex:
    """This process's matching index. Queues a refit (at most once a minute per process) when it has no
    usable model (none yet, or one saved by other library versions) or has drifted far from its fit;
    it keeps answering with what it has meanwhile."""
    index = index_for(StoredModels(model_store(), fallback=model_path()), org_timezone(),
                      load_in_background=current_app.config.get("MATCH_LOAD_IN_BACKGROUND", True), warm=warm_rankings)
    if current_app.config.get("MATCH_QUEUE_REFITS", not current_app.testing) and index.wants_refit():
        request_refit("no usable model" if not index.has_model() else "many rows changed since the fit")
    g.match_model_version = index.version
    return index


def refit_without_deleted() -> None:
    """After an account deletion: queue a refit that rewrites the stored model and keeps no older version,
    so that no stored model holds the person's profile text (their document, and words of the vocabulary
    only they used). A refit running meanwhile is followed by another (see `suggestions.refits`). No model
    stored yet: nothing to do."""
    if model_store().latest_version() is None and not model_path().exists():
        return
    request_refit("an account was deleted", forget=True, force=True)
