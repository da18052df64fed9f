"""An API process keeps its start-up objects out of the garbage collector's walks (core/heap.py): a full
collection over them took up to 700 ms in the middle of a request (docs/performance.md). And after a
large request it gives the memory it freed back to the system."""

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import api.app

ROOT = Path(__file__).resolve().parents[1]


def test_an_api_process_freezes_what_it_built_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERDRACHT_ENVIRONMENT", "test")
    # Not this process's logging: the suite's own handlers stay.
    monkeypatch.setattr(api.app, "configure_logging", lambda settings: None)
    gc.unfreeze()
    try:
        api.app.create_app_from_env()
        # Every module, model and route alive then: far more than a handful.
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()  # the test process collects as usual


# A thread holds ~60 MB of objects too large for Python's own small-object allocator (as reading and
# sealing an upload in threads does), then frees them, a few kept between them; the process's RSS before
# and after release_freed_memory.
_HELD_THEN_FREED = textwrap.dedent(
    """
    import threading
    from core.heap import release_freed_memory

    def rss_mb():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))

    kept = []

    def work():
        held = []
        for i in range(40_000):
            held.append(bytes(1500) + str(i).encode())
            if i % 1000 == 0:
                kept.append(bytes(600) + str(i).encode())

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    before = rss_mb()
    release_freed_memory()
    print(before, rss_mb())
    """
)


def test_memory_freed_after_a_large_request_goes_back_to_the_system() -> None:
    out = subprocess.run([sys.executable, "-c", _HELD_THEN_FREED], capture_output=True, text=True, check=True, cwd=ROOT)
    before, after = map(float, out.stdout.split())
    assert before - after > 40, (before, after)  # kept by the allocator until given back
