"""The proof after a scenario, once the service has settled: what every client was told against what
the workflows, the read model and the mailbox hold."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from temporalio.client import Client

from tests.faults.load import FINAL, Load
from tests.faults.stack import Sink
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id

SETTLE_WITHIN = 120.0  # seconds for the worker to deliver what was queued and the read model to catch up


@dataclass
class Findings:
    """Per scenario: the answers by status and everything that is wrong (empty when the proof holds)."""

    answers: Counter[str]
    in_doubt: int  # requests that got a 503 or no answer at first
    resolved: int  # of those, how many got their real outcome (2xx) by a repeat with the same key
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    disagree: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what happened: where each kill landed, the mail
    landed: list[bool] = field(default_factory=list)  # per kill: before the work was done (else it proves nothing)

    @property
    def errors(self) -> list[str]:
        return [*self.lost, *self.duplicated, *self.disagree, *self.other]

    @property
    def five_hundreds(self) -> int:
        return sum(n for status, n in self.answers.items() if status[:1] == "5" and not status.startswith("503"))


async def check_load(load: Load, engine: Client, pool: asyncpg.Pool, base: str, token: dict[str, str]) -> Findings:
    """No 500, every in-doubt answer resolved, every journey at its end, each step once in its
    timeline, and the read model equal to each workflow's state."""
    in_doubt = [r for r in load.requests if r.in_doubt]
    findings = Findings(
        load.by_status(), len(in_doubt), sum(1 for r in in_doubt if r.final is not None and r.final < 300)
    )
    for r in load.requests:
        if r.final is None or r.final >= 300:
            findings.lost.append(f"journey {r.journey}, {r.step}: answered {r.answers}")
    async with httpx.AsyncClient(base_url=base, headers=token) as http:
        for n, overdracht_id in sorted(load.overdrachten.items()):
            await _check_one(findings, n, overdracht_id, engine, pool, http)
    journeys = {r.journey for r in load.requests}
    for n in sorted(journeys - set(load.overdrachten)):
        findings.lost.append(f"journey {n}: not opened")
    return findings


async def _check_one(
    findings: Findings, n: int, overdracht_id: str, engine: Client, pool: asyncpg.Pool, http: httpx.AsyncClient
) -> None:
    state = await engine.get_workflow_handle(workflow_id(overdracht_id)).query(HandoverWorkflow.state)
    if state.status.value != FINAL:
        findings.lost.append(f"journey {n}: the workflow is {state.status.value}, not {FINAL}")

    async def row() -> Any:
        return await pool.fetchrow("SELECT status, revisie FROM overdrachten WHERE id = $1", UUID(overdracht_id))

    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_WITHIN
    while (found := await row()) is None or (found["status"], found["revisie"]) != (state.status.value, state.revisie):
        if loop.time() > deadline:
            findings.disagree.append(f"journey {n}: read model {dict(found or {})}, workflow {state.status.value}"
                                     f" revision {state.revisie}")  # fmt: skip
            break
        await asyncio.sleep(0.5)
    r = await http.get(f"/v1/overdrachten/{overdracht_id}/tijdlijn")
    if r.status_code != 200:
        findings.other.append(f"journey {n}: timeline answered {r.status_code}")
        return
    seen = Counter(_event(e) for e in r.json()["gebeurtenissen"])
    findings.duplicated += [f"journey {n}: {what} {count} times" for what, count in seen.items() if count > 1]
    steps = {"geopend", "formulier_opgeslagen", "ingediend", "toestemming_gegeven", "verzonden"}
    missing = steps - set(seen)
    if missing:
        findings.lost.append(f"journey {n}: {sorted(missing)} not in its timeline")


def _event(e: dict[str, Any]) -> str:
    d = e["details"]
    return ":".join(filter(None, [e["gebeurtenis"], d.get("soort"), d.get("aanleiding"), d.get("ontvanger")]))


async def check_mail(findings: Findings, sink: Sink, pool: asyncpg.Pool, before: int) -> None:
    """Every message delivered at most once, each delivered one exactly once, none left waiting.
    `before`: the mails the sink had before the scenario."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_WITHIN
    while await pool.fetchval("SELECT count(*) FROM berichten WHERE status = 'wachtend'"):
        if loop.time() > deadline:
            findings.other.append("messages still waiting in the outbox after the service settled")
            break
        await asyncio.sleep(0.5)
    findings.duplicated += [f"message {mid} delivered twice" for mid in sink.twice()]
    onzeker = await pool.fetchval("SELECT count(*) FROM berichten WHERE status = 'onzeker'")
    findings.notes.append(
        f"mails: {len(sink.message_ids) - before} delivered in this fault, none twice in the whole run"
        f" ({len(sink.twice())} twice); {onzeker} in the whole run left in doubt by a fault mid-delivery,"
        " so not sent again"
    )
    # The service makes each message's Message-ID from its id: <id@domain>, <id.n@domain> for its n-th
    # parent (each their own message, with their own code).
    delivered = {mid.strip("<>").partition("@")[0].partition(".")[0] for mid in sink.message_ids}
    for row in await pool.fetch("SELECT id FROM berichten WHERE status = 'verzonden'"):
        if str(row["id"]) not in delivered:
            findings.lost.append(f"message {row['id']} marked sent never reached the mail server")
