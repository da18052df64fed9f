"""The protocol pages of the beheerder (`/beheer/protocol`), over HTTP against the real app: a bad file
comes back with its errors beside the lines they are on and its text kept to correct, a good one is a
draft whose differences are a table, activating it is a form; another gemeente's versions are 404 pages,
and no other role gets in."""

import re
import uuid

import asyncpg
import httpx
import pytest

from overdracht import demo
from protocol.loader import parse
from schemas.protocol import ProtocolConfig
from tests.test_protocol_beheer import LATER, WRONG, a_gemeente
from tests.test_web_pages import ORIGIN, browser_like, sign_in

__all__ = ["browser_like"]  # the fixture, used by name

PAGE = "/beheer/protocol"


def csrf_in(html: str) -> str:
    [token] = set(re.findall(r'name="csrf" value="([^"]+)"', html))
    return token


async def upload(client: httpx.AsyncClient, *, bestand: bytes | None = None, tekst: str = "") -> httpx.Response:
    csrf = csrf_in((await client.get(PAGE)).text)
    files = {"bestand": ("protocol.toml", bestand, "application/toml")} if bestand is not None else None
    return await client.post(PAGE, data={"csrf": csrf, "tekst": tekst}, files=files, headers=ORIGIN)


async def test_a_bad_file_shows_each_error_beside_its_line_and_keeps_the_text(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    await sign_in(browser_like, g.beheerder)
    assert f'href="{PAGE}"' in (await browser_like.get("/beheer")).text

    r = await upload(browser_like, bestand=WRONG.encode())

    assert r.status_code == 400
    html = r.text
    assert "<title>Fout: Protocol" in html and "Het protocol heeft 4 fouten" in html
    for veld, reden, on in [
        ("start.maanden", "moet 11 of minder zijn", "maanden = 14"),
        ("schoolvakanties.4.tot", "tot (2026-06-30) ligt voor van (2026-07-18)", "tot = 2026-06-30"),
        (
            "escalatie.naar_coordinator_na_werkdagen",
            "moet groter zijn dan naar_leidinggevende_na_werkdagen",
            "naar_coordinator_na_werkdagen = 3",
        ),
        ("bewaartermijnen.na_afronding_maand", "onbekende sleutel", "na_afronding_maand = 4"),
    ]:
        anchor = "veld-" + re.sub(r"[^0-9A-Za-z]", "-", veld)
        assert f'href="#{anchor}"' in html, veld  # the summary links to it...
        # ...beside the line it is on, in the listing of the file.
        row = re.search(rf'<tr class="utrecht-table__row" id="regel-(\d+)">((?:(?!</tr>).)*)id="{anchor}"', html, re.S)
        assert row is not None, veld
        cells = html[row.start() : html.index("</tr>", row.end())]
        assert reden in cells and on in cells, veld
        assert on in WRONG.splitlines()[int(row[1]) - 1]
    # The text sent is kept in the box, to correct it here.
    kept = re.search(r'<textarea[^>]*name="tekst"[^>]*>(.*?)</textarea>', html, re.S)
    assert kept is not None and "na_afronding_maand = 4" in kept[1]
    assert await pool.fetchval("SELECT count(*) FROM protocol_versies WHERE gemeente_id = $1", g.id) == 1


async def test_a_corrected_text_is_a_draft_whose_differences_are_a_table_until_activated(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    await sign_in(browser_like, g.beheerder)

    stored = await upload(browser_like, tekst=LATER)

    assert (stored.status_code, stored.headers["location"]) == (303, f"{PAGE}/2?gedaan=protocol-geupload")
    draft = await browser_like.get(stored.headers["location"])
    assert "opgeslagen als concept" in draft.text and "concept: nog niet geactiveerd" in draft.text
    row = re.search(r"<code class=\"utrecht-code\">verzenden_uiterlijk</code></th>(.*?)</tr>", draft.text, re.S)
    assert row is not None
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row[1]) == ["3 jaar en 10 maanden", "3 jaar en 11 maanden"]
    assert draft.text.count('<code class="utrecht-code">verzenden_uiterlijk</code></th>') == 1  # only what differs
    listing = await browser_like.get(PAGE)
    assert re.search(r"Versie 2</a>.*?concept", listing.text, re.S)

    forged = await browser_like.post(f"{PAGE}/2/activering", data={"csrf": "nep"}, headers=ORIGIN)
    assert forged.status_code == 403
    activated = await browser_like.post(f"{PAGE}/2/activering", data={"csrf": csrf_in(draft.text)}, headers=ORIGIN)

    assert (activated.status_code, activated.headers["location"]) == (303, f"{PAGE}?gedaan=protocol-geactiveerd")
    after = await browser_like.get(activated.headers["location"])
    assert "De versie is geactiveerd" in after.text
    assert re.search(r"Versie 2</a>(?:(?!</tr>).)*<strong>actief</strong>", after.text, re.S)
    assert re.search(r"Versie 1</a>(?:(?!</tr>).)*eerder actief", after.text, re.S)
    active = await browser_like.get(f"{PAGE}/2")
    assert "Dit is de actieve versie" in active.text and "Activeren" not in active.text
    downloaded = await browser_like.get(f"{PAGE}/2/bestand")
    assert downloaded.headers["content-disposition"] == 'attachment; filename="protocol-versie-2.toml"'
    assert parse(downloaded.text) == parse(LATER)
    # A version stored by the command line (no file) downloads as one that reads back the same.
    assert parse((await browser_like.get(f"{PAGE}/1/bestand")).text) == ProtocolConfig()


async def test_another_gemeentes_versions_are_404_pages(browser_like: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    ours, theirs = await a_gemeente(pool), await a_gemeente(pool)
    await sign_in(browser_like, ours.beheerder)
    assert (await upload(browser_like, tekst=LATER)).status_code == 303
    await sign_in(browser_like, theirs.beheerder)
    csrf = csrf_in((await browser_like.get(PAGE)).text)

    pages = [
        await browser_like.get(f"{PAGE}/2"),
        await browser_like.get(f"{PAGE}/2/bestand"),
        await browser_like.post(f"{PAGE}/2/activering", data={"csrf": csrf}, headers=ORIGIN),
    ]

    assert [p.status_code for p in pages] == [404, 404, 404]
    assert all("protocolversie 2" in p.text for p in pages)
    assert "Versie 2" not in (await browser_like.get(PAGE)).text
    assert (
        await pool.fetchval(
            "SELECT geactiveerd_op FROM protocol_versies WHERE gemeente_id = $1 AND versie = 2", ours.id
        )
        is None
    )


@pytest.mark.parametrize(
    "user",
    [demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT], demo.SCHOOL_USER[demo.STER], demo.COORDINATOR],
    ids=["pm", "lm", "school", "coordinator"],
)
async def test_no_other_role_gets_in(browser_like: httpx.AsyncClient, pool: asyncpg.Pool, user: uuid.UUID) -> None:
    before = await pool.fetchval("SELECT count(*) FROM protocol_versies WHERE gemeente_id = $1", demo.ALMERE)
    await sign_in(browser_like, user)
    csrf = csrf_in((await browser_like.get("/")).text)

    pages = [
        await browser_like.get(PAGE),
        await browser_like.get(f"{PAGE}/1"),
        await browser_like.get(f"{PAGE}/1/bestand"),
        await browser_like.post(PAGE, data={"csrf": csrf, "tekst": LATER}, headers=ORIGIN),
        await browser_like.post(f"{PAGE}/1/activering", data={"csrf": csrf}, headers=ORIGIN),
    ]

    assert [p.status_code for p in pages] == [403] * 5
    assert all("het protocol van de gemeente beheren" in p.text for p in pages)
    assert await pool.fetchval("SELECT count(*) FROM protocol_versies WHERE gemeente_id = $1", demo.ALMERE) == before


async def test_without_signing_in_the_pages_send_you_to_sign_in(browser_like: httpx.AsyncClient) -> None:
    pages = [
        await browser_like.get(PAGE),
        await browser_like.get(f"{PAGE}/1"),
        await browser_like.get(f"{PAGE}/1/bestand"),
    ]

    assert [(p.status_code, p.headers["location"]) for p in pages] == [(303, "/aanmelden")] * 3
