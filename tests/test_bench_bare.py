"""The bare baseline (bench/bare.py) in its tiny mode: a trivial workflow on its own task queue and
worker, started and updated, and its update timed one at a time and 8 at a time. Nothing about time is
asserted; this keeps the baseline every engine scenario divides by from rotting."""

from pathlib import Path

from bench import bare
from tests.helpers import tiny_bench


def test_the_tiny_run_measures_the_start_update_rate_and_both_update_latencies(tmp_path: Path) -> None:
    results, _ = tiny_bench("bare", tmp_path)

    assert (results["scenario"], results["mode"]) == ("bare", "tiny")
    measured = results["bare"]
    assert measured["starts"] == bare.TINY_STARTS and measured["concurrency"] == 16
    assert measured["start_update_per_s"] > 0
    for latency in (measured["update_sequential"], measured["update_concurrent"]):
        assert latency["n"] == bare.TINY_UPDATES
        assert 0 < latency["p50_ms"] <= latency["p99_ms"] <= latency["max_ms"]
