"""The audit export page of the beheerder (`/beheer/audit`), over HTTP against the real app: a period and
a user chosen by name give the same CSV as the API, the export is itself recorded, bad input comes back
with a message per field, and another gemeente's users and rows are never in it."""

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import httpx
import pytest

from overdracht import demo
from protocol.dates import amsterdam_date
from tests.conftest import Login
from tests.test_protocol_beheer import a_gemeente
from tests.test_protocol_versions import a_child
from tests.test_web_beheer_protocol import csrf_in
from tests.test_web_pages import ORIGIN, browser_like, sign_in

__all__ = ["browser_like"]  # the fixture, used by name

PAGE = "/beheer/audit"


def rows_of(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


async def test_the_beheerder_downloads_one_users_rows_of_a_period_as_the_api_gives_them(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    kind = await a_child(pool, g.locatie, date(2023, 5, 10))
    opened = await api.post("/v1/overdrachten", headers=await login(g.pm), json={"kindId": str(kind)})
    assert opened.status_code == 201
    await sign_in(browser_like, g.beheerder)
    form = await browser_like.get(PAGE)
    assert form.status_code == 200
    # The gemeente's users by name, and no one of another gemeente.
    assert f'<option value="{g.pm}">PM (pedagogisch medewerker)</option>' in form.text
    assert f'<option value="{g.beheerder}">Bea Beheer (functioneel beheer)</option>' in form.text
    assert "Sanne de Vries" not in form.text and str(demo.COORDINATOR) not in form.text
    today = amsterdam_date(datetime.now(UTC)).isoformat()

    r = await browser_like.post(
        PAGE, data={"csrf": csrf_in(form.text), "van": today, "tot": today, "gebruiker": str(g.pm)}, headers=ORIGIN
    )

    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="auditlog-\d{4}-\d{2}-\d{2}\.csv"', r.headers["content-disposition"])
    rows = rows_of(r.text)
    assert rows and {row["Gebruiker-id"] for row in rows} == {str(g.pm)}
    assert str(kind) in {k for row in rows for k in row["Kind-ids"].split()}
    api_csv = await api.get(
        "/v1/audit",
        headers={**await login(g.beheerder), "Accept": "text/csv"},
        params={"van": today, "tot": today, "gebruikerId": str(g.pm)},
    )
    assert rows_of(api_csv.text) == rows
    exports = await pool.fetch(
        "SELECT resultaat FROM audit_log WHERE gebruiker_id = $1 AND actie = 'exporteren' AND onderwerp = 'auditlog'",
        g.beheerder,
    )
    assert [e["resultaat"] for e in exports] == [200, 200]  # the page's and the API's
    # Another day: none of them.
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    earlier = await browser_like.post(
        PAGE, data={"csrf": csrf_in(form.text), "van": yesterday, "tot": yesterday, "gebruiker": str(g.pm)},
        headers=ORIGIN,
    )  # fmt: skip
    assert earlier.status_code == 200 and rows_of(earlier.text) == []


async def test_bad_input_comes_back_with_a_message_per_field_and_what_was_typed(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    await sign_in(browser_like, g.beheerder)
    csrf = csrf_in((await browser_like.get(PAGE)).text)

    r = await browser_like.post(
        PAGE, data={"csrf": csrf, "van": "2026-05-10", "tot": "2026-05-01", "gebruiker": "iemand"}, headers=ORIGIN
    )

    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "De laatste dag ligt voor de eerste dag" in r.text and "Kies een gebruiker uit de lijst" in r.text
    assert 'href="#veld-tot"' in r.text and 'href="#veld-gebruiker"' in r.text
    assert 'value="2026-05-10"' in r.text and 'value="2026-05-01"' in r.text
    typo = await browser_like.post(PAGE, data={"csrf": csrf, "van": "31-13-2026", "tot": ""}, headers=ORIGIN)
    assert typo.status_code == 400 and "Vul de eerste dag in als dag-maand-jaar" in typo.text
    assert 'value="31-13-2026"' in typo.text


async def test_another_gemeentes_rows_are_not_in_the_export(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    ours, theirs = await a_gemeente(pool), await a_gemeente(pool)
    kind = await a_child(pool, ours.locatie, date(2023, 5, 10))
    assert (
        await api.post("/v1/overdrachten", headers=await login(ours.pm), json={"kindId": str(kind)})
    ).status_code == 201
    await sign_in(browser_like, theirs.beheerder)
    form = await browser_like.get(PAGE)
    assert str(ours.pm) not in form.text

    everything = await browser_like.post(PAGE, data={"csrf": csrf_in(form.text), "van": "", "tot": ""}, headers=ORIGIN)
    chosen = await browser_like.post(PAGE, data={"csrf": csrf_in(form.text), "gebruiker": str(ours.pm)}, headers=ORIGIN)

    assert everything.status_code == chosen.status_code == 200
    users = {row["Gebruiker-id"] for row in rows_of(everything.text)}
    gemeenten = await pool.fetch(
        "SELECT DISTINCT gemeente_id FROM gebruikers WHERE id = ANY($1::uuid[])", [uuid.UUID(u) for u in users]
    )
    assert [r["gemeente_id"] for r in gemeenten] == [theirs.id]
    assert str(kind) not in everything.text and rows_of(chosen.text) == []


@pytest.mark.parametrize(
    "user",
    [demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT], demo.SCHOOL_USER[demo.STER], demo.COORDINATOR],
    ids=["pm", "lm", "school", "coordinator"],
)
async def test_no_other_role_gets_in(browser_like: httpx.AsyncClient, user: uuid.UUID) -> None:
    await sign_in(browser_like, user)
    csrf = csrf_in((await browser_like.get("/")).text)

    pages = [await browser_like.get(PAGE), await browser_like.post(PAGE, data={"csrf": csrf}, headers=ORIGIN)]

    assert [p.status_code for p in pages] == [403, 403]
    assert all(p.headers["content-type"].startswith("text/html") for p in pages)


async def test_without_signing_in_the_page_sends_you_to_sign_in(browser_like: httpx.AsyncClient) -> None:
    r = await browser_like.get(PAGE)

    assert (r.status_code, r.headers["location"]) == (303, "/aanmelden")
