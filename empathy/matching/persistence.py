"""Saving and loading fitted matchers, with a fingerprint to detect stale files."""
from __future__ import annotations

import gc
import io
import os
import platform
import tempfile
from pathlib import Path
from typing import IO, Any

import joblib

# Bumped when the fitted attributes of SkillMatcher change shape: older files must be refitted.
# 3: need skill rows carry a must-have flag; scores are the whole score with fit and band.
MODEL_FORMAT = 3


class StaleModelError(RuntimeError):
    """The saved model was made with other library versions or other data."""


def library_fingerprint() -> dict[str, str]:
    """Versions whose change can alter or break a pickled model."""
    import numpy
    import scipy
    import sklearn

    return {"python": platform.python_version(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "sklearn": sklearn.__version__}


def save_model(model: Any, path: str | Path, *, data_fingerprint: str | None = None) -> Path:
    """Write a fitted matcher (and the caller's data fingerprint) to ``path`` with joblib, mode 600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The model holds every employee's profile text: only its owner may read it, from its first byte
    # (mkstemp makes the file 600 whatever the umask), and a name of its own lets two refits write at once.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            joblib.dump({"model": model, "fingerprint": library_fingerprint(), "data_fingerprint": data_fingerprint,
                         "format": MODEL_FORMAT}, fh)
        tmp.replace(path)  # readers never see a half-written file
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def model_bytes(model: Any, *, data_fingerprint: str | None = None) -> bytes:
    """The bytes :func:`save_model` would write (for a store that keeps models elsewhere than in files)."""
    buffer = io.BytesIO()
    joblib.dump({"model": model, "fingerprint": library_fingerprint(), "data_fingerprint": data_fingerprint,
                 "format": MODEL_FORMAT}, buffer)
    return buffer.getvalue()


def load_model(path: str | Path | IO[bytes], *, data_fingerprint: str | None = None, strict: bool = True) -> Any:
    """Read a matcher saved by :func:`save_model` (or :func:`model_bytes`) from a path or a binary file object.

    With ``strict``, raise :class:`StaleModelError` when the file's model format or library
    versions differ from the running ones, or when ``data_fingerprint`` is given and differs from the saved one.
    """
    # Unpickling allocates millions of objects at 100,000 profiles; the cyclic collector ran a full
    # pass over all of them again and again (13 passes, up to 4 s each, while loading). Nothing made
    # while loading is garbage, so it is paused until the load ends.
    enabled = gc.isenabled()
    gc.disable()
    try:
        payload = joblib.load(path if hasattr(path, "read") else Path(path))
    finally:
        if enabled:
            gc.enable()
    if strict and payload.get("format") != MODEL_FORMAT:
        raise StaleModelError(f"saved in model format {payload.get('format', 1)}, this version reads {MODEL_FORMAT}")
    if strict and payload["fingerprint"] != library_fingerprint():
        raise StaleModelError(f"saved with {payload['fingerprint']}, running {library_fingerprint()}")
    if strict and data_fingerprint is not None and payload["data_fingerprint"] != data_fingerprint:
        raise StaleModelError("saved model was fitted on other data")
    model = payload["model"]
    model.data_fingerprint_ = payload["data_fingerprint"]
    return model
