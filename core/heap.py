"""The Python heap of a long-running process (an API process, a worker): what the garbage collector walks."""

import ctypes
import ctypes.util
import gc
from collections.abc import Callable


def freeze_startup_objects() -> None:
    """Keep the objects made at start-up out of every later collection.

    Python's cyclic garbage collector walks the whole heap on a collection of its oldest generation, and
    a process that has imported FastAPI, pydantic's schemas, Temporal's SDK and the app holds hundreds of
    thousands of long-lived objects. Measured in the API at a million overdrachten (bench/queries.py),
    such a collection took 80–700 ms in the middle of a request: the slowest requests of every page.
    gc.freeze() moves every object alive now to a permanent generation that collections skip. They are
    still freed when nothing refers to them; only a reference cycle among them would stay, and the
    collection just before leaves none behind."""
    gc.collect()
    gc.freeze()


def _libc_malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator gives memory back by itself, or not at all
        return None
    return trim


_MALLOC_TRIM = _libc_malloc_trim()


def release_freed_memory() -> None:
    """Give the memory freed since back to the operating system.

    glibc's allocator keeps what a process frees in its heaps for the next allocation, one heap (arena)
    per thread that allocated. After a request that held megabytes at once (a placements file, read and
    sealed in threads: services/imports.py) that memory stays with the process, free but counted in its
    RSS, until it happens to be reused: measured, an API process kept ~13 MB of one 10,000-row upload.
    malloc_trim returns the free pages of every arena. It takes a few milliseconds, so it is for after a
    large request (api/limits.py), not every request."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
