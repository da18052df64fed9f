"""The fault suite, shortened (tests/faults/; `make faults` runs it at full size): the service as
separate processes, clients at work, and in turn the worker killed twice during an import and during
the clients' steps and mail, the engine killed, the database stopped at once. For each: no 500, every
in-doubt answer resolved by a repeat with its key, nothing lost or duplicated, the read model equal to
the workflows, and every kill landed while there was work left to do."""

from pathlib import Path

from tests.faults.run import held, report
from tests.faults.scenarios import SHORT, run_all
from tests.faults.stack import FaultStack


async def test_every_answer_is_true_under_each_fault(tmp_path: Path) -> None:
    async with FaultStack.running(tmp_path / "stack") as stack:
        results = await run_all(stack, SHORT)

    assert [r.fault for r in results if not held(r)] == [], report(results)
    assert all(r.findings.in_doubt for r in results[1:]), report(results)  # the clients met each outage
