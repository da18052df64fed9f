"""P1's benchmark (bench/imports.py) in its tiny mode: a file of 20 made-up children past 3½ uploaded
through the API to the service's processes (two worker replicas), the job polled until done, and the bare baseline measured at the import's
concurrency. Nothing about time is asserted (docs/performance.md has the figures)."""

from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from bench import bare, imports
from bench.imports import Run
from overdracht import demo
from protocol.dates import school_year
from schemas.overdracht import Status
from schemas.protocol import ProtocolConfig
from schemas.workflow import HandoverState
from tests.helpers import tiny_bench
from tests.log_scan import find_names
from workflows import deadlines as rules


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


def test_every_child_of_the_file_opens_at_once_with_no_alarm_due() -> None:
    """The scenario is an opening, not a backlog: past the start age, before any deadline's alarm."""
    config = ProtocolConfig()  # the demo gemeente's terms (protocol/almere.toml)
    now = datetime.now(UTC)
    rows = imports.csv_file(imports.DAGEN_NA_STARTLEEFTIJD, "x").decode().splitlines()[1:]
    born = {datetime.strptime(row.split(";")[2], "%d-%m-%Y").date() for row in rows}

    assert len(born) == imports.DAGEN_NA_STARTLEEFTIJD
    for birth in born:
        assert rules.starts_at(birth, config) <= now
        state = HandoverState(
            overdracht_id=uuid4(),
            kind_id=uuid4(),
            gemeente_id=demo.ALMERE,
            locatie_id=demo.BOOMHUT,
            status=Status.CONCEPT,
            protocol_versie=1,
            schooljaar=school_year(rules.first_school_day(birth, config)),
            deadlines=rules.initial_deadlines(birth, config),
        )
        due = [
            alarm
            for deadline, moment in state.deadlines.items()
            if rules.is_open(deadline, state)
            for alarm in rules.alarms(deadline, moment, state, config)
            if alarm.moment <= now
        ]
        assert due == [], birth


def test_a_missed_goal_is_named() -> None:
    fast = Run(1000, 1000, seconds=10.0, children_per_s=100.0, longest_request_s=0.1)
    slow = Run(3000, 3000, seconds=75.0, children_per_s=40.0, longest_request_s=1.5)

    assert imports.missed_goals([fast], 0.6) == []
    assert imports.missed_goals([fast, slow], 0.3) == [
        "children/s is 0.3× bare start+update/s < 0.5×",
        "3000 children took 75.0 s ≥ 60 s",
        "a request took 1.5 s > 1 s",
    ]
