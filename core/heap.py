"""The Python heap of a long-running process (an API process, a worker): what the garbage collector walks."""

import gc


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
