"""P2's benchmark (bench/formulier.py) in its tiny mode: the draft form saved through the API one at a
time and 8 at a time, and the ratios of its p99 to the bare update's p99 at the same concurrency.
Nothing about time is asserted (docs/performance.md has the figures)."""

from pathlib import Path

from bench import formulier
from tests.helpers import tiny_bench
from tests.log_scan import find_names


def test_the_tiny_run_measures_both_concurrencies_and_their_ratios(tmp_path: Path) -> None:
    results, printed = tiny_bench("formulier", tmp_path)

    assert (results["scenario"], results["mode"], results["goals_missed"]) == ("formulier", "tiny", [])
    sequential, concurrent = results["sequential"], results["concurrent"]
    assert sequential["n"] == formulier.TINY_SEQUENTIAL
    assert (concurrent["concurrency"], concurrent["n"]) == (8, 8 * formulier.TINY_PER_LANE)
    bare = results["bare"]
    for mine, theirs, key in (
        (sequential, bare["update_sequential"], "sequential"),
        (concurrent, bare["update_concurrent"], "concurrent"),
    ):
        assert 0 < mine["p50_ms"] <= mine["p99_ms"] <= mine["max_ms"]
        assert theirs["p99_ms"] > 0
        assert results["ratio_p99_to_bare_update_p99"][key] == round(mine["p99_ms"] / theirs["p99_ms"], 2)
        assert results["ratio_p50_to_bare_update_p50"][key] == round(mine["p50_ms"] / theirs["p50_ms"], 2)
    assert find_names(printed) == []
