"""Replays the saved histories of every path through the lifecycle (tests/histories/) against the
workflow as it is now: a change that would break running overdrachten fails here, not in production."""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.conftest import suite_data_converter
from workflows.handover import HandoverWorkflow

HISTORIES = Path(__file__).parent / "histories"
PATHS = {
    "happy", "happy_dev_server", "warm_two_parents_late_receipt", "refused", "withdrawn",
    "returned_and_resent", "left_alone_then_cancelled", "never_opened", "dispatch_expired",
    "opens_itself_when_asked", "returned_and_moved", "left_before_opening", "unfinished_expired",
    "consent_on_paper_after_a_correction", "another_school_asks_again",
    "code_redeemed_by_school", "announced_at_each_dispatch", "happy_recorded_locally",
    "happy_opened_in_one_call", "happy_opened_by_import", "happy_at_patch_level",
    "opened_by_import_at_patch_level", "warm_two_parents_at_patch_level", "happy_on_one_clock",
    "left_alone_on_one_clock", "unfinished_expired_on_one_clock", "happy_dev_server_one_clock",
    "opened_by_import_delivered_in_its_task",
}  # fmt: skip


def test_every_path_has_a_saved_history() -> None:
    assert {p.stem for p in HISTORIES.glob("*.json")} == PATHS


@pytest.mark.parametrize("name", sorted(PATHS))
async def test_a_saved_history_still_replays(name: str) -> None:
    path = HISTORIES / f"{name}.json"
    history = WorkflowHistory.from_json(f"replay-{name}", path.read_text())
    # The service's converter: histories saved before the codec are plain and pass through it.
    replayer = Replayer(workflows=[HandoverWorkflow], data_converter=suite_data_converter())

    await replayer.replay_workflow(history)
