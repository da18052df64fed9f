"""Records the workflow histories that tests/test_replay.py replays: one for every path through the
lifecycle, so a change to the workflow that would break a running overdracht fails CI.

    .venv/bin/python -m tests.histories.record [SCENARIO ...]   (default: all)

Record again only when a path is added. Never to make a failing replay pass: a failing replay means
the change would break overdrachten already running; put the change behind `workflow.patched`."""

import asyncio
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from core.settings import Environment, Settings
from db.cluster import LocalCluster
from db.migrate import migrate
from db.pool import create_pool
from overdracht import demo
from overdracht.devstack import temporal_binary
from overdracht.worker import build_worker
from schemas.formulier import Formulier
from schemas.overdracht import Besluit, Deadline, Eens, Rol, Vorm, Wijze
from schemas.workflow import (
    Actor,
    Cancel,
    ChooseSchool,
    ConfirmReceipt,
    MoveDeadline,
    MoveLocation,
    Open,
    PlanWarmHandover,
    ReceiveByCode,
    RecordConsent,
    RecordOuderreactie,
    RecordPaperCopy,
    RecordWarmHandover,
    RequestWarmHandover,
    ReturnToSender,
    SaveForm,
    Send,
    Submit,
    TakeBack,
)
from tests.conftest import free_port, suite_data_converter, time_skipping_server_path
from tests.happy_path import COMPLETE_FORM, VVE_FORM, handover_input, place_child
from tests.helpers import HandoverHandle
from workflows import search_attributes
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id

HERE = Path(__file__).parent
QUEUE = "overdracht-record"
PM = Actor(gebruiker_id=demo.PM_USER[demo.BOOMHUT], rol=Rol.PEDAGOGISCH_MEDEWERKER)
LM = Actor(gebruiker_id=demo.LM_USER[demo.BOOMHUT], rol=Rol.LOCATIEMANAGER)
SCHOOL = Actor(gebruiker_id=demo.SCHOOL_USER[demo.STER], rol=Rol.SCHOOL)
COORDINATOR = Actor(gebruiker_id=demo.COORDINATOR, rol=Rol.COORDINATOR)
MUM = Actor(gebruiker_id=uuid.UUID("70000000-0000-4000-8000-0000000009a1"), rol=Rol.OUDER)
DAD = Actor(gebruiker_id=uuid.UUID("70000000-0000-4000-8000-0000000009a2"), rol=Rol.OUDER)

Scenario = Callable[[HandoverHandle, WorkflowEnvironment], Awaitable[None]]


async def _to_consent(
    h: HandoverHandle, form: dict[str, Any] = COMPLETE_FORM, parents: tuple[Actor, ...] = (MUM,)
) -> None:
    await h.execute_update(HandoverWorkflow.open, Open(actor=PM))
    await h.execute_update(HandoverWorkflow.save_form, SaveForm(actor=PM, formulier=Formulier.model_validate(form)))
    await h.execute_update(HandoverWorkflow.submit, Submit(actor=PM, ouders=[p.gebruiker_id for p in parents]))
    await h.execute_update(
        HandoverWorkflow.record_reaction, RecordOuderreactie(actor=MUM, eens=Eens.JA, zienswijze="Klopt")
    )
    await h.execute_update(HandoverWorkflow.record_paper_copy, RecordPaperCopy(actor=PM))


async def _consent(h: HandoverHandle, *parents: Actor) -> None:
    for p in parents:
        await h.execute_update(HandoverWorkflow.record_consent, RecordConsent(actor=p, besluit=Besluit.GEGEVEN))


async def happy(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await _to_consent(h)
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await h.execute_update(
        HandoverWorkflow.confirm_receipt, ConfirmReceipt(actor=SCHOOL, eerste_schooldag=date(2027, 8, 30))
    )


async def warm(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await _to_consent(h, VVE_FORM, (MUM, DAD))
    await _consent(h, MUM, DAD)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await env.sleep(timedelta(days=20))  # the school's reminder, flag and escalation
    await h.execute_update(
        HandoverWorkflow.confirm_receipt,
        ConfirmReceipt(actor=SCHOOL, eerste_schooldag=date(2027, 8, 30), warme_overdracht_gewenst=True, reden="VVE"),
    )
    await h.execute_update(HandoverWorkflow.request_warm_handover, RequestWarmHandover(actor=MUM, reden="Graag"))
    await h.execute_update(
        HandoverWorkflow.plan_warm_handover, PlanWarmHandover(actor=SCHOOL, datum=date(2027, 6, 1), vorm=Vorm.GESPREK)
    )
    await h.execute_update(
        HandoverWorkflow.record_warm_handover,
        RecordWarmHandover(actor=SCHOOL, datum=date(2027, 6, 1), vorm=Vorm.GESPREK, deelnemers=["mentor"]),
    )


async def refused(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await _to_consent(h)
    await h.execute_update(HandoverWorkflow.record_consent, RecordConsent(actor=MUM, besluit=Besluit.GEWEIGERD))


async def withdrawn(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await _to_consent(h)
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.record_consent, RecordConsent(actor=MUM, besluit=Besluit.INGETROKKEN))


async def returned(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await _to_consent(h)
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await h.execute_update(HandoverWorkflow.return_to_sender, ReturnToSender(actor=SCHOOL, reden="Niet ingeschreven"))
    await h.execute_update(HandoverWorkflow.choose_school, ChooseSchool(actor=PM, school_id=demo.POLDER))
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await h.execute_update(
        HandoverWorkflow.confirm_receipt, ConfirmReceipt(actor=SCHOOL, eerste_schooldag=date(2027, 8, 30))
    )


async def announced_at_each_dispatch(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    """Sent, returned, sent to another school (the parents consent again for it): two arrival notices."""
    await _to_consent(h)
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await h.execute_update(HandoverWorkflow.return_to_sender, ReturnToSender(actor=SCHOOL, reden="Niet ingeschreven"))
    await h.execute_update(HandoverWorkflow.choose_school, ChooseSchool(actor=PM, school_id=demo.POLDER))
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await h.execute_update(
        HandoverWorkflow.confirm_receipt, ConfirmReceipt(actor=SCHOOL, eerste_schooldag=date(2027, 8, 30))
    )


async def left_alone_then_cancelled(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await env.sleep(timedelta(days=60))  # opens itself, then the consent deadline and its escalations
    await h.execute_update(
        HandoverWorkflow.move_deadline,
        MoveDeadline(
            actor=COORDINATOR,
            deadline=Deadline.TOESTEMMING,
            tot=await env.get_current_time() + timedelta(days=10),
            reden="Ziek",
        ),
    )
    await env.sleep(timedelta(days=130))
    await h.execute_update(HandoverWorkflow.cancel, Cancel(actor=LM, reden="Verhuisd"))


async def never_opened(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    pass


async def dispatch_expired(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await _to_consent(h)
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))  # and the school never answers


async def opens_itself_when_asked(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    ask = Open(actor=LM, op_startleeftijd=True)  # as the import asks, before the child is 3½
    await h.execute_update(HandoverWorkflow.open, ask)
    await h.execute_update(HandoverWorkflow.open, ask)  # asked again: nothing changes
    await env.sleep(timedelta(days=30))  # opens itself at 3½ and invites the PM'er
    await h.execute_update(HandoverWorkflow.open, ask)  # open already
    await h.execute_update(HandoverWorkflow.cancel, Cancel(actor=LM, reden="Verhuisd"))


async def returned_and_moved(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    """Recorded with the patches of issue 9: the parents told at opening, a fresh term after a return,
    a move to another location, a late flag lifted by a later first school day."""
    await _to_consent(h)
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await h.execute_update(HandoverWorkflow.return_to_sender, ReturnToSender(actor=SCHOOL, reden="Niet ingeschreven"))
    await h.execute_update(HandoverWorkflow.move_location, MoveLocation(actor=LM, locatie_id=demo.ZONNETJE))
    await h.execute_update(HandoverWorkflow.choose_school, ChooseSchool(actor=PM, school_id=demo.POLDER))
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await h.execute_update(
        HandoverWorkflow.confirm_receipt, ConfirmReceipt(actor=SCHOOL, eerste_schooldag=date(2027, 8, 30))
    )


async def consent_on_paper_after_a_correction(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    """A correction round, then each parent's consent recorded by the PM'er from the signed form."""
    await _to_consent(h, COMPLETE_FORM, (MUM, DAD))
    await h.execute_update(HandoverWorkflow.take_back, TakeBack(actor=PM, reden="Na het gesprek"))
    await h.execute_update(HandoverWorkflow.save_form, SaveForm(actor=PM, formulier=Formulier.model_validate(VVE_FORM)))
    await h.execute_update(HandoverWorkflow.submit, Submit(actor=PM, ouders=[MUM.gebruiker_id, DAD.gebruiker_id]))
    for parent in (MUM, DAD):
        signed = RecordConsent(
            actor=PM,
            besluit=Besluit.GEGEVEN,
            namens=parent.gebruiker_id,
            wijze=Wijze.HANDTEKENING,
            datum=date(2026, 11, 30),
        )
        await h.execute_update(HandoverWorkflow.record_consent, signed)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))


async def another_school_asks_again(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    """Consent for the named school; another school named: the parents are asked again."""
    await _to_consent(h)
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.choose_school, ChooseSchool(actor=PM, school_id=demo.POLDER))
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.send, Send(actor=PM))
    await h.execute_update(HandoverWorkflow.return_to_sender, ReturnToSender(actor=SCHOOL, reden="Niet ingeschreven"))
    await h.execute_update(HandoverWorkflow.choose_school, ChooseSchool(actor=PM, school_id=demo.STER))


async def code_redeemed_by_school(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    """No school named: consent for wherever the child is enrolled; the school enters the parents' code."""
    await _to_consent(h)
    await _consent(h, MUM)
    await h.execute_update(HandoverWorkflow.receive_by_code, ReceiveByCode(actor=SCHOOL, school_id=demo.STER))


async def left_before_opening(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await h.execute_update(HandoverWorkflow.open, Open(actor=LM, op_startleeftijd=True))
    await h.execute_update(HandoverWorkflow.cancel, Cancel(actor=LM, reden="Verhuisd"))


async def unfinished_expired(h: HandoverHandle, env: WorkflowEnvironment) -> None:
    await h.execute_update(HandoverWorkflow.open, Open(actor=PM))
    await env.sleep(timedelta(days=500))  # every deadline, then the term for an unfinished overdracht


# name: (scenario, options for the workflow input)
SCENARIOS: dict[str, tuple[Scenario, dict[str, Any]]] = {
    "happy": (happy, {}),
    "warm_two_parents_late_receipt": (warm, {"vve_indicatie": True}),
    "refused": (refused, {}),
    "withdrawn": (withdrawn, {}),
    "returned_and_resent": (returned, {}),
    "left_alone_then_cancelled": (left_alone_then_cancelled, {"automatisch_openen": True, "school_id": None}),
    "never_opened": (never_opened, {}),
    # Recorded after the patch "verzending-verloopt"; the others before it, so they prove old runs replay.
    "dispatch_expired": (dispatch_expired, {}),
    # Recorded when `open` learnt `op_startleeftijd`.
    "opens_itself_when_asked": (opens_itself_when_asked, {"school_id": None}),
    # Recorded with the patches of issue 9 (workflows/handover.py, Patch).
    "returned_and_moved": (returned_and_moved, {}),
    "consent_on_paper_after_a_correction": (consent_on_paper_after_a_correction, {}),
    "another_school_asks_again": (another_school_asks_again, {}),
    "code_redeemed_by_school": (code_redeemed_by_school, {"school_id": None}),
    "left_before_opening": (left_before_opening, {"school_id": None, "geboortedatum_dagen": 3 * 365}),
    "unfinished_expired": (unfinished_expired, {"vve_indicatie": True}),
    # Recorded with the patches "aankomstbericht-aan-school" (an arrival notice at each dispatch) and
    # "schooltermijnen-in-schooldagen" (the school's terms in school days).
    "announced_at_each_dispatch": (announced_at_each_dispatch, {}),
    # Recorded with the patch "vastleggen-als-lokale-activiteit": each change written as a local activity,
    # each message queued and noted in the timeline in one call (workflows/recording.py).
    "happy_recorded_locally": (happy, {}),
    # Recorded with the patch "openen-met-bericht-aan-ouders": the opening written with the parents'
    # message in one activity.
    "happy_opened_in_one_call": (happy, {}),
    # Recorded when the import began to start a run with its `opener`: opened in the run's first task.
    "happy_opened_by_import": (
        happy,
        {"automatisch_openen": True, "opener": LM, "geboortedatum_dagen": 3 * 365 + 7 * 30},
    ),
    # Recorded at the first patch level (workflows/patches.py): no marker, every patch known from the input.
    # The scenarios above ran at level 0 (recorded again now, handover_input would give them the level).
    "happy_at_patch_level": (happy, {}),
    "opened_by_import_at_patch_level": (
        happy,
        {"automatisch_openen": True, "opener": LM, "geboortedatum_dagen": 3 * 365 + 7 * 30},
    ),
    "warm_two_parents_at_patch_level": (warm, {"vve_indicatie": True}),
    # Recorded with the patch "een-wekker-voor-alle-termijnen": every moment on one timer (workflows/clock.py).
    "happy_on_one_clock": (happy, {}),
    "left_alone_on_one_clock": (left_alone_then_cancelled, {"automatisch_openen": True, "school_id": None}),
    "unfinished_expired_on_one_clock": (unfinished_expired, {"vve_indicatie": True}),
    # Recorded with the patch "bericht-bezorgd-in-de-eigen-taak": the parents' message of the import's
    # opening delivered in the run's first task (workflows/outbox.py).
    "opened_by_import_delivered_in_its_task": (
        happy,
        {"automatisch_openen": True, "opener": LM, "geboortedatum_dagen": 3 * 365 + 7 * 30},
    ),
}


async def _record(
    client: Client,
    env: WorkflowEnvironment,
    pool: asyncpg.Pool,
    name: str,
    scenario: Scenario,
    options: dict[str, Any],
    sa: bool,
) -> None:
    kind_id, _ = await place_child(pool)
    today = (await env.get_current_time()).date()
    options = dict(options)
    days = options.pop("geboortedatum_dagen", 3 * 365 + 170)  # the child's age in days
    options = {"geboortedatum": today - timedelta(days=days), **options}
    input = handover_input(kind_id, publish_search_attributes=sa, **options)
    handle = await client.start_workflow(
        HandoverWorkflow.run,
        input,
        id=workflow_id(input.overdracht_id),
        task_queue=QUEUE,
        # As services/commands.py starts a run: with the search attributes of its first state.
        search_attributes=search_attributes.at_start(input) if sa else None,
    )
    await scenario(handle, env)
    if not sa:
        await handle.result()  # on the time-skipping server: through retention to the end
    history = await handle.fetch_history()
    (HERE / f"{name}.json").write_text(history.to_json())
    print(f"recorded {name}: {len(history.events)} events")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cluster = LocalCluster(Path(tmp) / "pg", free_port(), durable=False)
        await cluster.start()
        try:
            await migrate(cluster.dsn)
            pool = await create_pool(cluster.dsn)
            await demo.load_reference_data(pool, date.today())
            skipping = await WorkflowEnvironment.start_time_skipping(
                test_server_existing_path=time_skipping_server_path(), data_converter=suite_data_converter()
            )
            local = await WorkflowEnvironment.start_local(
                dev_server_existing_path=temporal_binary(),
                search_attributes=search_attributes.ALL,
                # Encrypted as in production, with the development key (the replayer has it too).
                data_converter=suite_data_converter(),
            )
            settings = Settings(environment=Environment.TEST, database_url=cluster.dsn, task_queue=QUEUE)
            wanted = set(sys.argv[1:]) or {*SCENARIOS, "happy_dev_server", "happy_dev_server_one_clock"}
            async with build_worker(skipping.client, pool, settings), build_worker(local.client, pool, settings):
                for name, (scenario, options) in SCENARIOS.items():
                    if name in wanted:
                        await _record(skipping.client, skipping, pool, name, scenario, options, sa=False)
                # One path on the dev server, with the search attributes it publishes in production.
                for name in ("happy_dev_server", "happy_dev_server_one_clock"):
                    if name in wanted:
                        await _record(local.client, local, pool, name, happy, {}, sa=True)
            await skipping.shutdown()
            await local.shutdown()
            await pool.close()
        finally:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
