"""P4's benchmark (bench/footprint.py) in its tiny mode: `overdracht worker` and `overdracht api` as
subprocesses, 100 overdrachten opened through the import, and both processes' memory read when idle.
Nothing about size is asserted (docs/performance.md has the figures)."""

import os
from pathlib import Path

from bench import footprint, rss_mb
from tests.helpers import tiny_bench
from tests.log_scan import find_names


def test_the_tiny_run_opens_the_overdrachten_and_measures_both_processes(tmp_path: Path) -> None:
    results, printed = tiny_bench("footprint", tmp_path)

    assert (results["scenario"], results["mode"], results["goals_missed"]) == ("footprint", "tiny", [])
    assert results["open_requested"] == footprint.TINY_OPEN and results["import_seconds"] > 0
    # The demo's own overdrachten run on the stack's queue; these are the import's alone.
    assert results["open_workflows"] in (None, footprint.TINY_OPEN)
    assert results["api_reads"] == footprint.TINY_READS
    assert "worker_max_cached_workflows" in results  # what bounds the worker's memory, with the figure
    for process in ("worker", "api"):
        # A Python process with the service loaded is tens of MB at least: 0 would mean nothing was read.
        assert results[f"{process}_rss_mb_at_start"] > 20 and results[f"{process}_rss_mb"] > 20
    assert find_names(printed) == []


def test_the_resident_set_of_this_process_is_read() -> None:
    assert rss_mb(os.getpid()) > 10
