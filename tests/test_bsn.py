"""The child's BSN: shown in the detail of its overdracht to the sending location and (once sent)
the receiving school only; in no other answer, list or timeline, and never in the workflow engine:
not in its history (payloads decoded), its workflow id or its search attributes."""

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.testing import WorkflowEnvironment

from overdracht import demo
from schemas.overdracht import Rol
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM, place_child
from tests.log_scan import TEST_BSNS
from workflows.ids import workflow_id

BSN = "999990019"  # passes the elfproef; in the test range 9999xxxxx, no one's
assert BSN in TEST_BSNS  # the log scan looks for it too


async def child_with_bsn(pool: asyncpg.Pool) -> tuple[UUID, UUID]:
    kind_id, parent_id = await place_child(pool)
    await pool.execute("UPDATE kinderen SET bsn = $1 WHERE id = $2", BSN, kind_id)
    return kind_id, parent_id


def payloads(message: Message) -> Iterator[Payload]:
    """Every Payload anywhere in a protobuf message (events, inputs, results, search attributes)."""
    if isinstance(message, Payload):
        yield message
        return
    for descriptor, value in message.ListFields():
        if descriptor.message_type is None:
            continue
        if isinstance(value, Message):
            values: Any = [value]
        elif hasattr(value, "values") and callable(value.values):  # a map
            values = list(value.values())
        else:  # a repeated field
            values = list(value)
        for item in values:
            if isinstance(item, Message):
                yield from payloads(item)


async def engine_bytes(env: WorkflowEnvironment, overdracht_id: str) -> tuple[bytes, bytes]:
    """The workflow's history as the engine stores it, and every payload in it decoded (decrypted)."""
    handle = env.client.get_workflow_handle(workflow_id(overdracht_id))
    history = await handle.fetch_history()
    described = await handle.describe()
    stored = history.to_json().encode() + described.raw_description.SerializeToString()
    found = [p for event in history.events for p in payloads(event)] + list(payloads(described.raw_description))
    codec = env.client.data_converter.payload_codec
    decoded: list[Payload] = []
    for p in found:
        try:
            decoded += await codec.decode([p]) if codec else [p]
        except Exception:  # noqa: BLE001 - not encoded by the codec (a search attribute): as stored
            decoded.append(p)
    return stored, b"\n".join(p.data for p in decoded)


async def test_the_bsn_is_for_the_sending_location_and_the_receiving_school_only(
    api: httpx.AsyncClient, pool: asyncpg.Pool, env: WorkflowEnvironment, login: Login
) -> None:
    kind_id, parent_id = await child_with_bsn(pool)
    pm = await login(demo.PM_USER[demo.BOOMHUT])
    lm = await login(demo.LM_USER[demo.BOOMHUT])
    other_pm = await login(demo.PM_USER[demo.ZONNETJE])
    parent = await login(parent_id)
    school = await login(demo.SCHOOL_USER[demo.STER])
    coordinator = await login(demo.COORDINATOR)
    beheerder = await login(next(u.id for u in demo.STAFF_USERS if u.rol is Rol.BEHEERDER))

    opened = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
    assert opened.status_code == 201, opened.text
    oid = opened.json()["id"]
    path = f"/v1/overdrachten/{oid}"
    # Answers of those who may not see the BSN: each is searched for it at the end.
    not_theirs: list[httpx.Response] = []

    async def get(who: dict[str, str], url: str = path, **params: Any) -> httpx.Response:
        return await api.get(url, headers=who, params=params)

    # Before sending: the location sees it in the detail, in every step's answer too.
    assert opened.json()["kind"]["bsn"] == BSN
    for staff in (pm, lm):
        r = await get(staff)
        assert r.status_code == 200 and r.json()["kind"]["bsn"] == BSN
    # Not in a list (nor its exports): a child is found by name there.
    listing = await get(pm, "/v1/overdrachten", pageSize=100)
    assert listing.status_code == 200 and BSN not in listing.text
    assert any(o["id"] == oid and o["kind"]["bsn"] is None for o in listing.json()["resultaten"])

    r = await get(parent)
    assert r.status_code == 200 and r.json()["kind"]["voornaam"] == "Testkind" and r.json()["kind"]["bsn"] is None
    not_theirs.append(r)
    r = await get(coordinator)
    assert r.status_code == 200 and r.json()["kind"] is None
    not_theirs.append(r)
    r = await get(school)  # not sent to it yet
    assert r.status_code == 404
    not_theirs += [r, await get(other_pm)]

    # Sent: now the school sees it as well.
    steps = [
        await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM),
        await api.post(f"{path}/indieningen", headers=pm),
        await api.post(f"{path}/toestemmingen", headers=parent, json={"besluit": "gegeven"}),
        await api.post(f"{path}/verzendingen", headers=pm),
    ]
    assert [s.status_code for s in steps] == [200, 201, 201, 201], [s.text for s in steps]
    assert steps[-1].json()["status"] == "verzonden"
    not_theirs.append(steps[2])  # the parent's own step

    r = await get(school)
    assert r.status_code == 200 and r.json()["kind"]["bsn"] == BSN
    for staff in (pm, lm):
        assert (await get(staff)).json()["kind"]["bsn"] == BSN

    for who in (parent, coordinator, beheerder, other_pm):
        not_theirs += [await get(who), await get(who, f"{path}/tijdlijn"), await get(who, "/v1/overdrachten")]
    for who in (pm, lm, school):  # everyone's list and timeline: never the BSN
        not_theirs += [await get(who, f"{path}/tijdlijn"), await get(who, "/v1/overdrachten", pageSize=100)]
    not_theirs += [
        await get(coordinator, "/v1/monitoring/achterstanden"),
        await get(coordinator, "/v1/monitoring/zonder-overdracht"),
    ]
    for r in not_theirs:
        assert r.status_code < 500, r.text
        assert BSN not in r.text and BSN not in str(r.headers), f"{r.request.method} {r.request.url}: {r.text[:300]}"

    # Never in the engine: not in a payload (decoded), the workflow id or a search attribute.
    stored, decoded = await engine_bytes(env, oid)
    assert str(kind_id).encode() in decoded  # the payloads were read in clear
    assert BSN.encode() not in stored and BSN.encode() not in decoded
    assert BSN not in workflow_id(oid)
