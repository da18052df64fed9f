"""The overdracht on paper (web/routes/afdruk.py): the print page and its PDF show the form as the
reader may read it, in Dutch words; the PDF is an A4 download without a name in its file name and
is audited as a read; an overdracht outside the reader's scope is a 404 page, as a PDF too; in a
real browser the page passes axe and prints without the sign-out button."""

import io
import re
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from playwright.async_api import Page, expect
from pypdf import PdfReader

from api.static import NODE_MODULES
from core.settings import Settings
from overdracht import demo
from tests.browser import assert_accessible
from tests.cases import Case, NewCase
from tests.conftest import Login, app_client
from tests.happy_path import VVE_FORM
from tests.test_ouder_brieven import code_in
from tests.test_web_pages import sign_in
from web.pdf import BASE_URL, OwnFiles, vendor_files

PM = demo.PM_USER[demo.BOOMHUT]
DOMEINEN = {
    "taal": "Taal",
    "rekenen": "Rekenen",
    "motoriek_grof": "Grote motoriek",
    "motoriek_fijn": "Fijne motoriek",
    "sociaal_emotioneel": "Sociaal-emotionele ontwikkeling",
    "spel": "Spel",
    "zelfredzaamheid": "Zelfredzaamheid",
    "welbevinden": "Welbevinden",
}
ZIENSWIJZE = "Thuis zien we hetzelfde."


def note(domein: str, case: Case) -> str:
    """Each domain's note is its own, per child: a note shown in the wrong place or of another child fails."""
    return f"Notitie {domein.replace('_', ' ')} {str(case.kind_id)[:8]}"


@pytest.fixture
async def web(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """One browser's cookie jar against the real app."""
    async with app_client(settings) as client:
        yield client


async def with_the_parents(new_case: NewCase, login: Login) -> Case:
    """A VVE child's overdracht with the parents: language needs attention (to discuss in the warme
    overdracht), every other domain as expected, each with its own note; the parents agreed."""
    case = await new_case("concept", vve=True)
    form: dict[str, Any] = {
        **VVE_FORM,
        "ontwikkeling": {
            d: {
                "niveau": "aandacht" if d == "taal" else "zoals_verwacht",
                "toelichting": note(d, case),
                "besprekenInWarmeOverdracht": d == "taal",
            }
            for d in DOMEINEN
        },
    }
    await case.step("PUT", "/formulier", case.pm, 200, form)
    await case.step("POST", "/indieningen", case.pm, 201)
    await case.step("POST", "/ouderreacties", case.parent, 201, {"eens": "ja", "zienswijze": ZIENSWIJZE})
    return case


def overdracht_id(case: Case) -> str:
    return case.path.rsplit("/", 1)[1]


def discussed(html: str, domein: str) -> str:
    """What the print page says under the domain's heading about discussing it in the warme overdracht."""
    found = re.search(
        rf">{re.escape(domein)}</h3>.*?Bespreken in de warme overdracht</dt><dd[^>]*>(\w+)</dd>", html, re.DOTALL
    )
    assert found, domein
    return found[1]


def fonts_in(pdf: PdfReader) -> set[str]:
    found: set[str] = set()
    for page in pdf.pages:
        resources: Any = page["/Resources"]
        found |= {str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()}
    return found


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_the_print_page_shows_the_form_in_dutch_words(
    web: httpx.AsyncClient, new_case: NewCase, login: Login
) -> None:
    case = await with_the_parents(new_case, login)
    await sign_in(web, PM)

    r = await web.get(f"/overdrachten/{overdracht_id(case)}/afdruk")

    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    text = r.text
    assert f"Overdracht van Testkind Proef-{str(case.kind_id)[:8]}" in text
    assert "De Boomhut" in text and "Basisschool De Ster" in text
    for domein, naam in DOMEINEN.items():
        assert f">{naam}</h3>" in text and note(domein, case) in text
    assert text.count("Zoals verwacht") == 7 and text.count("Aandacht nodig") == 1
    assert (discussed(text, "Taal"), discussed(text, "Rekenen")) == ("ja", "nee")
    assert "Piramide" in text and "KIJK!" in text and "1 oktober 2026" in text  # VVE, the instrument, its date
    assert ZIENSWIJZE in text and re.search("Eens met de inhoud</dt><dd[^>]*>ja</dd>", text)
    assert "gevraagd, de ouders hebben nog niet besloten" in text  # consent
    # The API's values are for machines.
    for value in ("motoriek_grof", "zoals_verwacht", "aandacht<", "piramide", ">kijk<", "bij_ouders"):
        assert value not in text
    assert f'href="/overdrachten/{overdracht_id(case)}/afdruk.pdf"' in text
    overdracht_page = await web.get(f"/overdrachten/{overdracht_id(case)}")
    assert f'href="/overdrachten/{overdracht_id(case)}/afdruk"' in overdracht_page.text


async def test_the_pdf_is_an_a4_download_of_the_same_page_and_is_audited_as_a_read(
    web: httpx.AsyncClient, new_case: NewCase, login: Login, pool: asyncpg.Pool
) -> None:
    case = await with_the_parents(new_case, login)
    await sign_in(web, PM)
    since = await pool.fetchval("SELECT COALESCE(max(id), 0) FROM audit_log")

    r = await web.get(f"/overdrachten/{overdracht_id(case)}/afdruk.pdf")

    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == f'attachment; filename="overdracht-{overdracht_id(case)[:8]}.pdf"'
    assert r.headers["cache-control"] == "no-store"
    assert r.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(r.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4, in points
    text = pdf_text(r.content)
    assert f"Testkind Proef-{str(case.kind_id)[:8]}" in text
    for domein, naam in DOMEINEN.items():
        assert naam in text and note(domein, case) in text
    assert ZIENSWIJZE in text and "Aandacht nodig" in text
    assert "Afmelden" not in text and "Download als PDF" not in text  # the screen's controls are not on paper
    fonts = fonts_in(reader)
    assert fonts and all("Noto-Sans" in f for f in fonts), fonts  # the pages' own font, from our own files
    rows = await pool.fetch(
        "SELECT gebruiker_id, actie, onderwerp, velden, resultaat, kind_ids FROM audit_log"
        " WHERE id > $1 AND overdracht_ids = ARRAY[$2::uuid]",
        since,
        UUID(overdracht_id(case)),
    )
    assert [(row["gebruiker_id"], row["actie"], row["onderwerp"], row["resultaat"]) for row in rows] == [
        (PM, "lezen", "overdracht.detail", 200)
    ]
    assert rows[0]["kind_ids"] == [case.kind_id] and "formulier" in rows[0]["velden"]


async def test_the_parents_print_their_copy_with_their_personal_link(
    web: httpx.AsyncClient, new_case: NewCase, login: Login, pool: asyncpg.Pool
) -> None:
    case = await with_the_parents(new_case, login)
    parent_id = await pool.fetchval("SELECT id FROM gebruikers WHERE kind_id = $1 AND rol = 'ouder'", case.kind_id)
    letter = await case.api.post(f"{case.path}/ouders/{parent_id}/brieven", headers=case.pm)
    assert (await web.get("/ouder", params={"code": code_in(letter.content)})).status_code == 303

    page = await web.get(f"/overdrachten/{overdracht_id(case)}/afdruk")
    pdf = await web.get(f"/overdrachten/{overdracht_id(case)}/afdruk.pdf")

    assert page.status_code == 200 and note("taal", case) in page.text
    assert pdf.status_code == 200 and note("welbevinden", case) in pdf_text(pdf.content)


async def test_an_overdracht_outside_the_readers_scope_is_a_404_page_and_no_pdf(
    web: httpx.AsyncClient, new_case: NewCase, login: Login
) -> None:
    case = await with_the_parents(new_case, login)
    # Another location's PM'er; the school, before the overdracht is sent to it.
    for outsider in (demo.PM_USER[demo.ZONNETJE], demo.SCHOOL_USER[demo.STER]):
        await sign_in(web, outsider)
        for suffix in ("afdruk", "afdruk.pdf"):
            r = await web.get(f"/overdrachten/{overdracht_id(case)}/{suffix}")
            assert r.status_code == 404, (outsider, suffix)
            assert r.headers["content-type"].startswith("text/html")
            assert "bestaat niet of u heeft er geen toegang toe" in r.text
            assert note("taal", case) not in r.text and "content-disposition" not in r.headers


async def test_the_coordinator_prints_the_progress_only(
    web: httpx.AsyncClient, new_case: NewCase, login: Login
) -> None:
    case = await with_the_parents(new_case, login)
    await sign_in(web, demo.COORDINATOR)

    page = await web.get(f"/overdrachten/{overdracht_id(case)}/afdruk")
    pdf = await web.get(f"/overdrachten/{overdracht_id(case)}/afdruk.pdf")

    assert page.status_code == 200 and "U ziet alleen hoe deze overdracht verloopt" in page.text
    assert pdf.status_code == 200
    for shown in (page.text, pdf_text(pdf.content)):
        assert "De Boomhut" in shown
        assert "Proef-" not in shown and note("taal", case) not in shown and ZIENSWIJZE not in shown


def test_the_pdf_fetches_our_own_static_files_only() -> None:
    fetcher = OwnFiles(NODE_MODULES)

    css = fetcher.fetch(BASE_URL + "static/web/print.css")
    assert css.content_type == "text/css" and b"@page" in css.read()
    font = fetcher.fetch(
        BASE_URL + "static/vendor/" + next(p for p in vendor_files(NODE_MODULES) if p.endswith(".woff2"))
    )
    assert font.read(4) == b"wOF2"
    for elsewhere in (
        "https://example.org/static/web/print.css",  # another host
        "http://127.0.0.1:8000/static/web/print.css",
        BASE_URL + "static/web/../render.py",  # out of the folder
        BASE_URL + "static/web/%2e%2e/render.py",
        BASE_URL + "v1/overdrachten",  # not a static file
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(elsewhere)


async def test_in_a_browser_the_print_page_is_accessible_and_prints_without_the_controls(
    live_server: str, page: Page, new_case: NewCase, login: Login
) -> None:
    case = await with_the_parents(new_case, login)
    await page.goto(f"{live_server}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(PM))
    await page.get_by_role("button", name="Aanmelden").click()
    await page.get_by_role("heading", name="Wat moet ik doen").wait_for()
    await page.goto(f"{live_server}/overdrachten/{overdracht_id(case)}")

    await page.get_by_role("link", name="Formulier afdrukken of als PDF").click()

    await page.get_by_role("heading", name=f"Overdracht van Testkind Proef-{str(case.kind_id)[:8]}").wait_for()
    assert page.url == f"{live_server}/overdrachten/{overdracht_id(case)}/afdruk"
    await assert_accessible(page)
    sign_out = page.get_by_role("button", name="Afmelden")
    await expect(sign_out).to_be_visible()
    async with page.expect_download() as download:
        await page.get_by_role("link", name="Download als PDF").click()
    assert (await download.value).suggested_filename == f"overdracht-{overdracht_id(case)[:8]}.pdf"

    await page.set_viewport_size({"width": 320, "height": 640})  # a phone: the facts reflow, nothing scrolls sideways
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320

    await page.emulate_media(media="print")

    await expect(sign_out).to_be_hidden()
    await expect(page.get_by_role("link", name="Download als PDF")).to_be_hidden()
    await expect(page.get_by_role("heading", name="Grote motoriek")).to_be_visible()
    domain = page.locator(".afdruk__domein").first
    assert await domain.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    # The overdracht's own page prints without the sign-out too.
    await page.goto(f"{live_server}/overdrachten/{overdracht_id(case)}")
    await expect(page.get_by_role("heading", name="Tijdlijn")).to_be_visible()
    await expect(page.get_by_role("button", name="Afmelden")).to_be_hidden()
