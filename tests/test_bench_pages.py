"""The page benchmark (bench/pages.py) in its tiny mode, as `make bench` runs it but with 3 requests per
page: it starts its own stack with the demo data, signs every person in, and every page it visits answers
200 and is measured, with its queries counted. No timing is asserted (that is what a full run is for:
docs/performance.md); this keeps the script from rotting as the pages change."""

import json
from pathlib import Path

import pytest

from bench import pages
from tests.helpers import tiny_bench
from tests.log_scan import find_names


def test_the_tiny_run_measures_every_page_and_counts_its_queries(tmp_path: Path) -> None:
    results, printed = tiny_bench("pages", tmp_path)

    assert (results["scenario"], results["mode"], results["requests_per_page"]) == ("pages", "tiny", 3)
    assert results["machine"]["cpus"] >= 1 and results["failed"] == []
    visited = {(p["person"], p["page"], p["path"]) for p in results["pages"]}
    assert visited == {(v.person.key, v.page, v.path) for v in pages.VISITS}
    measured = [p for p in results["pages"] if not p["missing"]]
    for p in measured:
        where = f"{p['person']} {p['page']}"
        assert p["status"] == 200 and p["n"] == 3, where
        assert 0 < p["p50_ms"] <= p["p95_ms"] <= p["max_ms"], where
        # Every page reads the session at least: a count of 0 would mean the counting is broken.
        assert p["queries"] >= 1 and p["connections"] >= 1, where
    for p in results["pages"]:
        assert not p["missing"] or p["status"] in (404, 405), p
    # The pages that were there from the start are never "missing".
    assert {("pm", "/"), ("pm", "/overdrachten/{id}"), ("ouder", "/overdrachten/{id}")} <= {
        (p["person"], p["page"]) for p in measured
    }
    assert results["overall"]["n"] == 3 * len(measured)
    # Nothing of a child or a parent in what it prints or writes (its log file is searched by log_scan).
    assert find_names(printed) == []


def test_a_page_over_a_limit_fails_the_full_run_and_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slow = pages.Result("ouder", "ouder", "/overdrachten/{id}", "bij_ouders", "/overdrachten/x", 200, n=5)
    slow.seconds, slow.p50_ms, slow.p95_ms, slow.max_ms, slow.queries = [0.01] * 5, 10.0, 150.0, 160.0, 12
    fine = pages.Result("pm", "pm", "/", "", "/", 200, n=5)
    fine.seconds, fine.p50_ms, fine.p95_ms, fine.max_ms, fine.queries = [0.01] * 5, 10.0, 20.0, 30.0, 3
    slow.over, fine.over = pages.over_limits(slow), pages.over_limits(fine)

    code = pages.report([fine, slow], 5, 1, "full", "test", tmp_path / "pages.json")

    assert code == 1
    assert fine.over == [] and slow.over == ["p95 150.0 ms > 100 ms", "12 queries > 10"]
    err = capsys.readouterr().err
    assert "OVER LIMIT: ouder /overdrachten/{id} (bij_ouders): p95 150.0 ms > 100 ms; 12 queries > 10" in err
    assert json.loads((tmp_path / "pages.json").read_text())["over_limits"] == [
        "ouder /overdrachten/{id} (bij_ouders): p95 150.0 ms > 100 ms; 12 queries > 10"
    ]
