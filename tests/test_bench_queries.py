"""The query benchmark (bench/queries.py) in its tiny mode: a private PostgreSQL with a few thousand
overdrachten made by SQL, the app in-process, and every JSON page of the monitoring and the list asked as
the coordinator and as a PM'er. Every page answers 200 and is measured; no speed is asserted (a full run's
figures, at 1,000,000 overdrachten, are in docs/performance.md): this keeps the script working."""

from pathlib import Path

from bench import queries
from tests.helpers import tiny_bench
from tests.log_scan import find_names


def test_the_tiny_run_measures_every_page_for_both_people(tmp_path: Path) -> None:
    results, printed = tiny_bench("queries", tmp_path)

    assert (results["scenario"], results["mode"], results["requests_per_page"]) == ("queries", "tiny", 3)
    assert results["failed"] == [] and results["over_limits"] == []
    assert results["seeded"]["overdrachten"] == queries.TINY_ROWS
    assert 0 < results["seeded"]["te_laat"] < results["seeded"]["open"] < results["seeded"]["overdrachten"]
    measured = {(p["person"], p["path"]) for p in results["pages"]}
    assert measured == {(v.person, v.path) for v in queries.VISITS}
    for p in results["pages"]:
        assert p["status"] == 200 and p["n"] == 3, p
        assert 0 < p["p50_ms"] <= p["p95_ms"] <= p["max_ms"], p
    assert find_names(printed) == []
