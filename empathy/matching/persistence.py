"""Saving and loading fitted matchers, with a fingerprint to detect stale files.

A model file is a small JSON header, then the model pickled with protocol 5 whose numpy arrays (scipy
sparse matrices' ``data``, ``indices`` and ``indptr`` too) are written out of band: raw, each aligned
to 64 bytes, after the pickle. :func:`load_model` maps the file read-only and unpickles the model with
its arrays built over the mapping (no copy): every process that loads the same file shares one copy of
the arrays in the page cache, loading costs only the Python objects around them (the C unpickler, a few
seconds at 100,000 employees, where joblib's pure-Python one took 40 s), and an array of a loaded model
can never be changed in place (a write raises ``ValueError``; upserts make new arrays, see ``pool.py``).
Files of the earlier layout (one joblib pickle) are still read (into memory, as before).
"""
from __future__ import annotations

import gc
import io
import json
import mmap as mmap_module
import os
import pickle  # nosec B403
import platform
import struct
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import joblib
import numpy as np
import scipy.sparse as sp

# Bumped when the fitted attributes of SkillMatcher change shape: older files must be refitted.
# 3: need skill rows carry a must-have flag; scores are the whole score with fit and band.
# 4: related skills (need skill rows' related pairs, the taxonomy's relations) and employees' free_skills flag.
MODEL_FORMAT = 4
# The file layout (header, pickle, aligned arrays), apart from what the model holds.
MAGIC = b"EMPATHY-MATCH-MODEL\n"
LAYOUT = 1
ALIGN = 64


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
    """Write a fitted matcher (and the caller's data fingerprint) to ``path``, mode 600, atomically."""
    return _write_atomically(path, lambda fh: _dump(model, data_fingerprint, fh))


def save_bytes(data: bytes, path: str | Path) -> Path:
    """Write the bytes of :func:`model_bytes` to ``path`` as :func:`save_model` writes a model (atomically,
    mode 600), so that :func:`load_model` can map it (a database store's local copy of a version)."""
    return _write_atomically(path, lambda fh: fh.write(data))


def _meta(data_fingerprint: str | None) -> dict:
    return {"fingerprint": library_fingerprint(), "data_fingerprint": data_fingerprint, "format": MODEL_FORMAT}


def _padding(position: int) -> int:
    return -position % ALIGN


def _dump(model: Any, data_fingerprint: str | None, fh: IO[bytes]) -> None:
    buffers: list[pickle.PickleBuffer] = []
    out = io.BytesIO()
    _Pickler(out, protocol=5, buffer_callback=buffers.append).dump(model)
    body = out.getbuffer()
    raws = [b.raw() for b in buffers]
    header = json.dumps({**_meta(data_fingerprint), "layout": LAYOUT, "pickle": len(body),
                         "buffers": [r.nbytes for r in raws]}).encode()
    fh.write(MAGIC + struct.pack("<Q", len(header)) + header)
    fh.write(body)
    position = len(MAGIC) + 8 + len(header) + len(body)
    for raw in raws:
        pad = _padding(position)
        fh.write(b"\0" * pad)
        fh.write(raw)
        position += pad + raw.nbytes


# A dict of more entries than this (documents by id, vocabularies) is pickled in slices of `SLICE` entries,
# each unpickled by its own call: one C call holds the GIL throughout, and the whole model in one call held
# it for seconds at 100,000 employees, stalling every request thread of the process meanwhile.
LARGE = 10_000
SLICE = 2_000


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if type(obj) is dict and len(obj) > LARGE:
            items = list(obj.items())
            # An object a large dict shares with the rest of the model is copied (none does in a matcher).
            return ("dict", tuple(pickle.dumps(dict(items[i : i + SLICE]), protocol=5)
                                  for i in range(0, len(items), SLICE)))
        return None

    def reducer_override(self, obj):
        # numpy writes only plain arrays out of band: a model loaded from a joblib file holds np.memmaps.
        if isinstance(obj, np.memmap):
            return obj.view(np.ndarray).__reduce_ex__(5)
        return NotImplemented


def _read(data: memoryview) -> tuple[dict, Any]:
    """(meta, a function unpickling the model) of a file of the current layout held in ``data``."""
    (size,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    header = json.loads(bytes(data[start : start + size]))
    position = start + size + header["pickle"]
    buffers = []
    for nbytes in header["buffers"]:
        position += _padding(position)
        buffers.append(data[position : position + nbytes])
        position += nbytes
    body = data[start + size : start + size + header["pickle"]]
    return header, lambda: _Unpickler(io.BytesIO(body), buffers=buffers).load()


class _Unpickler(pickle.Unpickler):
    # Files this program wrote (mode 600, or the bytes of a version row): the same trust as joblib's pickles.
    def persistent_load(self, pid):
        kind, slices = pid
        if kind != "dict":
            raise pickle.UnpicklingError(f"unknown persistent id {kind!r}")
        out: dict = {}
        for part in slices:  # between two slices another thread may take the GIL
            out.update(pickle.loads(part))  # nosec B301
        return out


def _write_atomically(path: str | Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The model holds every employee's profile text: only its owner may read it, from its first byte
    # (mkstemp makes the file 600 whatever the umask), and a name of its own lets two refits write at once.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        tmp.replace(path)  # readers never see a half-written file
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def remove_stale_temporaries(directory: str | Path, *, older_than: float = 3600.0) -> list[Path]:
    """Delete the temporary files of writes that died (a killed refit) older than ``older_than`` seconds."""
    removed = []
    for tmp in Path(directory).glob(".*.tmp"):
        try:
            if time.time() - tmp.stat().st_mtime > older_than:
                tmp.unlink()
                removed.append(tmp)
        except FileNotFoundError:  # another process removed or renamed it meanwhile
            continue
    return removed


def model_bytes(model: Any, *, data_fingerprint: str | None = None) -> bytes:
    """The bytes :func:`save_model` would write (for a store that keeps models elsewhere than in files)."""
    buffer = io.BytesIO()
    _dump(model, data_fingerprint, buffer)
    return buffer.getvalue()


def load_model(path: str | Path | IO[bytes], *, data_fingerprint: str | None = None, strict: bool = True,
               mmap: bool = True, freeze: Callable[[Any], bool] | None = None) -> Any:
    """Read a matcher saved by :func:`save_model` (or :func:`model_bytes`) from a path or a binary file object.

    From a path, with ``mmap``, its arrays are mapped read-only from the file (shared between processes;
    the file may be replaced or deleted meanwhile: the mapping keeps its pages); a file object is read.
    With ``strict``, raise :class:`StaleModelError` when the file's model format or library
    versions differ from the running ones, or when ``data_fingerprint`` is given and differs from the saved one.
    ``freeze`` is called with the model while the cyclic collector is still paused (see ``_without_collector``);
    when it answers True, every object tracked then, the model's included, is frozen (``gc.freeze``) before
    the collector resumes.
    """
    if hasattr(path, "read"):
        data = memoryview(path.read())
    else:
        with open(path, "rb") as fh:
            if not mmap:
                data = memoryview(fh.read())
            elif os.fstat(fh.fileno()).st_size == 0:
                raise EOFError(f"{path} is empty")
            else:
                data = memoryview(mmap_module.mmap(fh.fileno(), 0, access=mmap_module.ACCESS_READ))
    if bytes(data[: len(MAGIC)]) == MAGIC:
        meta, unpickle = _read(data)
        if strict:
            _check(meta, data_fingerprint)
        model = _without_collector(unpickle, freeze)
    else:  # a joblib file of releases before the current layout
        data.release()
        source = io.BytesIO(path.getvalue()) if isinstance(path, io.BytesIO) else path
        if hasattr(source, "seek"):
            source.seek(0)
        # Read, not mapped: joblib maps arrays as np.memmap, whose every operation goes through Python
        # (pages on such a model were far slower); the next refit writes the current layout.
        meta = _without_collector(lambda: joblib.load(source if hasattr(source, "read") else Path(source)),
                                  freeze and (lambda meta: freeze(meta["model"])))
        if strict:
            _check({**meta, "format": meta.get("format", 1)}, data_fingerprint)
        model = meta["model"]
    model.data_fingerprint_ = meta["data_fingerprint"]
    return model


def _without_collector(load, freeze=None):
    # Unpickling allocates millions of objects at 100,000 profiles; the cyclic collector ran a full
    # pass over all of them again and again (13 passes, up to 4 s each, while loading). Nothing made
    # while loading is garbage, so it is paused until the load ends. Paused, it still counts what is
    # made: the first allocation after it resumes collects the youngest generation, all of the load's
    # objects, in one C call holding the GIL (0.5-0.6 s at 100,000 employees, a stall of every request
    # thread of the process). Frozen first, they are out of its reach, and the count starts again at 0.
    enabled = gc.isenabled()
    gc.disable()
    try:
        loaded = load()
        if freeze is not None and freeze(loaded):
            gc.freeze()
        return loaded
    finally:
        if enabled:
            gc.enable()


def _check(meta: dict, data_fingerprint: str | None) -> None:
    if meta.get("format") != MODEL_FORMAT:
        raise StaleModelError(f"saved in model format {meta.get('format')}, this version reads {MODEL_FORMAT}")
    if meta["fingerprint"] != library_fingerprint():
        raise StaleModelError(f"saved with {meta['fingerprint']}, running {library_fingerprint()}")
    if data_fingerprint is not None and meta["data_fingerprint"] != data_fingerprint:
        raise StaleModelError("saved model was fitted on other data")


def array_bytes(obj: Any) -> tuple[int, int]:
    """(bytes mapped from a file, bytes in private memory) of the numpy arrays reachable from ``obj``
    through attributes, dicts, lists, tuples and sparse matrices (each array counted once)."""
    seen: set[int] = set()
    mapped = private = 0
    stack = [obj]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            if item.dtype == object:
                stack.extend(item.ravel().tolist())
            elif is_mapped(item):
                mapped += item.nbytes
            else:
                private += item.nbytes
        elif sp.issparse(item):
            stack.extend((item.data, getattr(item, "indices", None), getattr(item, "indptr", None)))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            if item and isinstance(item[0], str):
                continue  # ids and names: no arrays inside
            stack.extend(item)
        elif hasattr(item, "__dict__") and not isinstance(item, type):
            stack.extend(vars(item).values())
    return mapped, private


def is_mapped(array: np.ndarray) -> bool:
    """Whether ``array`` lies in a file mapping (a model file's pages, shared between processes)."""
    base = array
    while True:
        if isinstance(base, (np.memmap, mmap_module.mmap)):
            return True
        if isinstance(base, memoryview):
            base = base.obj
        elif isinstance(base, np.ndarray) and base.base is not None:
            base = base.base
        else:
            return False
