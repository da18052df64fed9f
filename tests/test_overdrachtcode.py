"""The overdracht code (Plein013's practice), through the real API, engine, worker and a real SMTP
server: parents who consent without naming a school get a code by mail; the school where they enrol
the child enters it and receives the overdracht. A code works once; a wrong one tells nothing."""

import io
import re
import uuid
from uuid import UUID

import asyncpg
import httpx
from pypdf import PdfReader

from overdracht import demo
from services.overdracht_codes import CODE_ONBEKEND
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM, place_child
from tests.helpers import assert_problem, eventually, text_of
from tests.test_ouder_sessies import Mailing, dev_login, mailing

__all__ = ["mailing"]  # the fixture

BEHEERDER = UUID("60000000-0000-4000-8000-000000000011")
PRINTED = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b")
CODE = re.compile(r"Uw overdrachtcode voor de basisschool: ([A-Z0-9-]+)")


async def test_the_school_where_the_child_is_enrolled_receives_it_with_the_parents_code(
    mailing: Mailing, pool: asyncpg.Pool
) -> None:
    api = mailing.api
    kind_id, parent_id = await place_child(pool, school_id=None)  # no school named
    address = f"ouder-{str(kind_id)[:8]}@demo.invalid"
    await pool.execute("UPDATE gebruikers SET email = $2 WHERE id = $1", parent_id, address)
    pm = await dev_login(api, demo.PM_USER[demo.BOOMHUT])
    opened = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
    path = f"/v1/overdrachten/{opened.json()['id']}"
    assert (await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)).status_code == 200
    assert (await api.post(f"{path}/indieningen", headers=pm)).status_code == 201
    parent = await dev_login(api, parent_id)

    consent = await api.post(f"{path}/toestemmingen", headers=parent, json={"besluit": "gegeven"})

    assert consent.json()["status"] == "wacht_op_school", consent.text
    assert (await api.get(path, headers=pm)).json()["toestemmingVoor"] == "ingeschreven_school"
    bericht = await eventually(
        lambda: pool.fetchrow(
            "SELECT id, status, tekst FROM berichten WHERE overdracht_id = $1 AND aanleiding = 'overdrachtcode'",
            UUID(opened.json()["id"]),
        ),
        lambda row: row is not None and row["status"] == "verzonden",
    )
    assert bericht is not None
    [mail] = [m for rcpt, m in mailing.mailbox.messages if m["Message-ID"].startswith(f"<{bericht['id']}.")]
    [code] = CODE.findall(text_of(mail))
    assert code.replace("-", "") not in bericht["tekst"].replace("-", "")  # the outbox keeps no code

    # On paper too: the letter the voorschool prints for a parent carries a fresh overdracht code.
    letter = await api.post(f"{path}/ouders/{parent_id}/brieven", headers=pm)
    assert letter.status_code == 200, letter.text
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.content)).pages)
    [on_paper] = PRINTED.findall(text)
    assert on_paper != code

    ster = await dev_login(api, demo.SCHOOL_USER[demo.STER])
    assert_problem(await api.get(path, headers=ster), 404)  # not yet the school's
    wrong = await api.post("/v1/overdrachtcode-inwisselingen", headers=ster, json={"code": "ABCD-EFGH-JKMN-PQRS"})
    received = await api.post("/v1/overdrachtcode-inwisselingen", headers=ster, json={"code": on_paper.lower()})

    assert received.status_code == 201, received.text
    body = received.json()
    assert (body["status"], body["school"]["id"]) == ("verzonden", str(demo.STER))
    assert body["formulier"] is not None  # the school reads what it received
    assert (await api.get(path, headers=pm)).json()["status"] == "verzonden"
    # Once only (the mailed code is spent with the printed one); wrong, used and expired codes get one
    # and the same answer.
    polder = await dev_login(api, demo.SCHOOL_USER[demo.POLDER])
    again = await api.post("/v1/overdrachtcode-inwisselingen", headers=polder, json={"code": code})
    assert assert_problem(again, 404)["detail"] == assert_problem(wrong, 404)["detail"] == CODE_ONBEKEND
    assert_problem(await api.get(path, headers=polder), 404)
    # Only a school enters one: every other role is refused before a code is even looked at.
    others = [demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT], parent_id, demo.COORDINATOR, BEHEERDER]
    for user in others:
        tried = await api.post(
            "/v1/overdrachtcode-inwisselingen", headers=await dev_login(api, user), json={"code": code}
        )
        assert_problem(tried, 403)
    assert_problem(await api.post("/v1/overdrachtcode-inwisselingen", json={"code": code}), 401)


async def test_a_closed_school_receives_nothing_with_a_code(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    school, ib = uuid.uuid4(), uuid.uuid4()
    wijk = await pool.fetchval("SELECT wijk_id FROM scholen WHERE id = $1", demo.STER)
    await pool.execute(
        "INSERT INTO scholen (id, wijk_id, naam, gesloten_op) VALUES ($1, $2, $3, now())",
        school, wijk, f"Gesloten school {str(school)[:8]}",
    )  # fmt: skip
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, school_id) VALUES ($1, 'IB gesloten', 'school', $2, $3)",
        ib, demo.ALMERE, school,
    )  # fmt: skip

    r = await api.post(
        "/v1/overdrachtcode-inwisselingen", headers=await login(ib), json={"code": "ABCD-EFGH-JKMN-PQRS"}
    )

    assert "gesloten" in assert_problem(r, 409)["detail"]
