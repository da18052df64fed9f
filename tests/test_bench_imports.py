"""P1's benchmark (bench/imports.py) in its tiny mode: a file of 20 made-up children past 3½ uploaded
through the API to the service's processes (two worker replicas), the job polled until done, and the bare baseline measured at the import's
concurrency. Nothing about time is asserted (docs/performance.md has the figures)."""

from pathlib import Path

from bench import bare, imports
from bench.imports import Run
from tests.helpers import tiny_bench
from tests.log_scan import find_names


def test_the_tiny_run_imports_every_child_and_computes_the_ratio(tmp_path: Path) -> None:
    results, printed = tiny_bench("imports", tmp_path)

    assert (results["scenario"], results["mode"], results["goals_missed"]) == ("imports", "tiny", [])
    [run] = results["runs"]
    assert run["rijen"] == run["geimporteerd"] == imports.TINY_SIZES[0]
    assert run["seconds"] > 0 and run["children_per_s"] > 0
    assert run["requests"] >= 2 and 0 < run["upload_s"] <= run["longest_request_s"]
    assert results["concurrency"] == results["bare"]["concurrency"] >= 1
    assert results["workers"] == imports.WORKERS == 2  # as docker-compose.yml runs them
    assert results["bare"]["starts"] == bare.TINY_STARTS and results["bare"]["start_update_per_s"] > 0
    assert results["ratio_to_bare_start_update"] == round(
        run["children_per_s"] / results["bare"]["start_update_per_s"], 2
    )
    assert find_names(printed) == []


def test_the_file_has_a_row_per_child_every_one_past_the_start_age() -> None:
    lines = imports.csv_file(3, "x").decode().splitlines()

    assert lines[0].split(";") == list(imports.COLUMNS)
    assert len(lines) == 4 and len({line.split(";")[1] for line in lines[1:]}) == 3


def test_a_missed_goal_is_named() -> None:
    fast = Run(1000, 1000, seconds=10.0, children_per_s=100.0, longest_request_s=0.1)
    slow = Run(3000, 3000, seconds=75.0, children_per_s=40.0, longest_request_s=1.5)

    assert imports.missed_goals([fast], 0.6) == []
    assert imports.missed_goals([fast, slow], 0.3) == [
        "children/s is 0.3× bare start+update/s < 0.5×",
        "3000 children took 75.0 s ≥ 60 s",
        "a request took 1.5 s > 1 s",
    ]
