"""The API processes benchmark (bench/api_processes.py) in its tiny mode: its own stack with the demo data,
`overdracht api` with one process and with two, each answering the readers' requests (every answer a 200).
No speed is asserted (a full run's figures are in docs/performance.md); this keeps the script working."""

from pathlib import Path

from tests.helpers import tiny_bench


def test_the_tiny_run_measures_one_and_two_processes(tmp_path: Path) -> None:
    results, _ = tiny_bench("api_processes", tmp_path)
    assert [row["processes"] for row in results["rows"]] == [1, 2]
    assert all(row["answers"] > 0 and row["readers"] == 50 for row in results["rows"])
