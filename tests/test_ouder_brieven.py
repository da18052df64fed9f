"""A parent's printed letter (POST /v1/overdrachten/{id}/ouders/{ouderId}/brieven), through the real
API and database: one A4 page, in plain Dutch, with a fresh one-time code that works once and a QR
code of the parent's link with that code; the code kept only as a hash; only the child's location
may print one, and a refusal changes nothing."""

import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import asyncpg
import httpx
import pytest
import segno
from pypdf import PdfReader

from activities.berichtteksten import ouder_link
from core.settings import Settings
from db import ouder_codes
from overdracht import demo
from services.ouder_brieven import QR_ERROR, Brief, grouped, printable, render
from tests.conftest import Login
from tests.happy_path import place_child
from tests.helpers import assert_problem

PM, LM = demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT]
CODE = re.compile(r"\(((?:[A-Za-z0-9_-]{4} ){10}[A-Za-z0-9_-]{3})\) Tj")
RECT = re.compile(r"([\d.]+) ([\d.]+) ([\d.]+) -([\d.]+) re f")


# Reading the PDF as a test must: its content streams, the code printed in it, the QR code drawn in it.


def page_content(pdf: bytes) -> str:
    """The page's content stream, read by a PDF parser (a regular expression over the file can be fooled
    by the font's binary data)."""
    contents = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert contents is not None
    return contents.get_data().decode("latin-1")


def code_in(pdf: bytes) -> str:
    """The code as printed (in groups of four, in Courier: a plain string in the page)."""
    [printed] = CODE.findall(page_content(pdf))
    return printed.replace(" ", "")


def qr_in(pdf: bytes) -> list[list[bool]]:
    """The QR code's modules, from the filled rectangles it is drawn with (one per run in a row)."""
    rects = [tuple(map(float, m)) for m in RECT.findall(page_content(pdf))]
    module = rects[0][3]
    left, top = min(r[0] for r in rects), max(r[1] for r in rects)
    rows = round((top - min(r[1] for r in rects)) / module) + 1
    cols = round((max(r[0] + r[2] for r in rects) - left) / module)
    matrix = [[False] * cols for _ in range(rows)]
    for x, y, w, _ in rects:
        row, start = round((top - y) / module), round((x - left) / module)
        for c in range(start, start + round(w / module)):
            matrix[row][c] = True
    return matrix


def qr_of(link: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in segno.make(link, error=QR_ERROR).matrix]


# The world: a child at De Boomhut with an open overdracht, and its parent (without an address)


@dataclass
class Child:
    overdracht_id: str
    kind_id: UUID
    parent_id: UUID

    @property
    def letter(self) -> str:
        return f"/v1/overdrachten/{self.overdracht_id}/ouders/{self.parent_id}/brieven"


async def open_child(api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login) -> Child:
    kind_id, parent_id = await place_child(pool)
    r = await api.post("/v1/overdrachten", headers=await login(PM), json={"kindId": str(kind_id)})
    assert r.status_code == 201, r.text
    return Child(r.json()["id"], kind_id, parent_id)


@pytest.fixture
async def child(api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login) -> Child:
    return await open_child(api, pool, login)


async def codes(pool: asyncpg.Pool, parent_id: UUID) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM ouder_codes WHERE gebruiker_id = $1 ORDER BY created_at", parent_id)


async def test_the_letter_is_one_a4_page_with_a_code_that_works_once_and_a_qr_code_of_its_link(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, settings: Settings, child: Child
) -> None:
    r = await api.post(child.letter, headers=await login(PM))

    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["content-disposition"] == 'attachment; filename="brief-ouder.pdf"'
    pdf = r.content
    assert pdf.startswith(b"%PDF-") and b"/Count 1" in pdf  # one page
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf  # A4, in points
    code = code_in(pdf)
    assert len(code) == 43
    # The QR code is the parent's page with this code: the link their messages carry.
    link = ouder_link(settings.public_base_url, code)
    assert link == f"http://127.0.0.1:8000/ouder?code={code}"
    assert qr_in(pdf) == qr_of(link)
    # Stored as a hash only, for this parent and child, with no message; it expires as a mailed one does.
    [row] = await codes(pool, child.parent_id)
    assert bytes(row["hash"]) == ouder_codes.code_hash(code)
    assert (row["kind_id"], row["overdracht_id"], row["bericht_id"]) == (child.kind_id, UUID(child.overdracht_id), None)
    ttl = timedelta(hours=settings.ouder_code_ttl_hours)
    assert abs(row["expires_at"] - row["created_at"] - ttl) < timedelta(seconds=5)


async def test_a_code_from_a_letter_signs_the_parent_in_once_for_their_own_child(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, child: Child
) -> None:
    code = code_in((await api.post(child.letter, headers=await login(PM))).content)

    # Typed over as printed, in groups: the spaces do not count.
    r = await api.post("/v1/ouder-sessies", json={"code": grouped(code)})

    assert r.status_code == 200, r.text
    headers = {"Authorization": f"Bearer {r.json()['accessToken']}"}
    own = await api.get(f"/v1/overdrachten/{child.overdracht_id}", headers=headers)
    assert own.status_code == 200 and own.json()["status"] == "concept"
    assert_problem(await api.post("/v1/ouder-sessies", json={"code": code}), 401)  # once only


async def test_every_letter_has_a_new_code_and_the_earlier_ones_keep_working(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, child: Child
) -> None:
    pm = await login(PM)
    first, second = [code_in((await api.post(child.letter, headers=pm)).content) for _ in range(2)]

    assert first != second
    assert len(await codes(pool, child.parent_id)) == 2
    for code in (first, second):
        assert (await api.post("/v1/ouder-sessies", json={"code": code})).status_code == 200


async def test_the_code_is_stored_nowhere_in_clear_not_even_for_a_repeated_request(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, child: Child
) -> None:
    headers = {**await login(LM), "Idempotency-Key": f"brief-{uuid.uuid4()}"}
    first = await api.post(child.letter, headers=headers)
    again = await api.post(child.letter, headers=headers)

    # Never replayed from a stored answer: each is a letter of its own, with its own code.
    assert first.status_code == again.status_code == 200
    assert "idempotency-replayed" not in again.headers
    printed = [code_in(first.content), code_in(again.content)]
    assert printed[0] != printed[1]
    tables = await pool.fetch(
        "SELECT quote_ident(table_name) AS name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    for code in printed:
        for table in tables:
            found = await pool.fetchval(f"SELECT count(*) FROM {table['name']} t WHERE strpos(t::text, $1) > 0", code)
            assert found == 0, table["name"]


async def test_the_letter_is_recorded_in_the_childs_inzage_log(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, child: Child
) -> None:
    assert (await api.post(child.letter, headers=await login(PM))).status_code == 200

    row = await pool.fetchrow(
        "SELECT * FROM audit_log WHERE overdracht_ids = ARRAY[$1::uuid] AND onderwerp = 'ouder_brief'",
        UUID(child.overdracht_id),
    )
    assert row is not None
    assert (row["gebruiker_id"], row["actie"], row["grondslag"], row["resultaat"]) == (
        PM, "exporteren", "OuderCodeUitgeven", 200,
    )  # fmt: skip
    assert (row["kind_ids"], row["velden"]) == ([child.kind_id], ["kind.naam", "ouder.naam", "ouder.code"])
    log = await api.get(f"/v1/overdrachten/{child.overdracht_id}/inzage-log", headers=await login(child.parent_id))
    [entry] = [e for e in log.json()["resultaten"] if e["onderwerp"] == "ouder_brief"]
    assert entry["omschrijving"] == "een ouder een nieuwe code geven (per brief of e-mail)"


async def test_only_the_childs_location_prints_a_letter_and_a_refusal_changes_nothing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, child: Child
) -> None:
    other = await open_child(api, pool, login)  # another child at the same location
    refused = [
        (child.letter, demo.SCHOOL_USER[demo.STER], 403),
        (child.letter, demo.COORDINATOR, 403),
        (child.letter, child.parent_id, 403),
        (child.letter, demo.PM_USER[demo.ZONNETJE], 404),  # another location: no such overdracht
        (child.letter, demo.LM_USER[demo.ZONNETJE], 404),
        # Not a parent of this child: another child's, or no one.
        (f"/v1/overdrachten/{child.overdracht_id}/ouders/{other.parent_id}/brieven", PM, 404),
        (f"/v1/overdrachten/{child.overdracht_id}/ouders/{uuid.uuid4()}/brieven", PM, 404),
        (f"/v1/overdrachten/{uuid.uuid4()}/ouders/{child.parent_id}/brieven", PM, 404),
    ]
    for path, who, status in refused:
        body = assert_problem(await api.post(path, headers=await login(who)), status)
        assert "Testkind" not in body["detail"] and "Proef" not in body["detail"]
    assert_problem(await api.post(child.letter), 401)
    assert_problem(await api.post(child.letter.replace(str(child.parent_id), "geen-id"), headers=await login(PM)), 400)

    assert await codes(pool, child.parent_id) == [] and await codes(pool, other.parent_id) == []


async def test_no_letter_once_the_overdracht_has_ended(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, child: Child
) -> None:
    r = await api.post(
        f"/v1/overdrachten/{child.overdracht_id}/annuleringen", headers=await login(LM), json={"reden": "Verhuisd"}
    )
    assert r.status_code == 201, r.text
    # Cancelled (its content, the parent's account too, purged at once): the PM'er still sees it, ended.
    body = assert_problem(await api.post(child.letter, headers=await login(PM)), 409)
    assert body["code"] == "stap_niet_toegestaan" and "afgesloten" in body["detail"]
    assert await codes(pool, child.parent_id) == []


def test_a_name_the_font_cannot_draw_is_printed_with_a_question_mark() -> None:
    assert printable("Ayşe  Yılmaz-Łukasz") == "Ayşe Yılmaz-Łukasz"
    assert printable("Li 李") == "Li ?"
    brief = Brief(
        ouder="李 Wei", kind="Noor", locatie="Peuteropvang De Boomhut", link="http://x/ouder?code=abc",
        pagina="http://x/ouder", code="a" * 43, geldig_tot=datetime(2027, 3, 26, 16, 0), datum=date(2027, 3, 12),
    )  # fmt: skip
    assert render(brief).startswith(b"%PDF-")
