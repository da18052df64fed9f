"""Metadata only, as in the API: signed in as the coordinator, every page they can reach (the links
from the start page, each list and its next pages, the overdrachten's pages, each download) is searched
for the demo children's names, the names and dates of birth of children whose overdracht holds
content, the form's texts, the parents' view and every reason given. None may appear."""

import io
import re
from collections import deque
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook

from overdracht import demo
from tests.cases import NewCase
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM
from tests.test_web_pages import browser_like, sign_in

__all__ = ["browser_like"]  # the fixture, for the test here

FORM_TEXT = "Formuliertekst-geheim-coordinatie"
ADVIES = "Schooladvies-geheim-coordinatie"
ZIENSWIJZE = "Zienswijze-geheim-coordinatie"
REACTIE_REDEN = "Reactiereden-geheim-coordinatie"
DEADLINE_REDEN = "Deadlinereden-geheim-coordinatie"
CORRECTIE_REDEN = "Correctiereden-geheim-coordinatie"
RETOUR_REDEN = "Retourreden-geheim-coordinatie"
FORM: dict[str, Any] = {
    **COMPLETE_FORM,
    "ontwikkeling": {d: {**v, "toelichting": FORM_TEXT} for d, v in COMPLETE_FORM["ontwikkeling"].items()},
    "bijzonderheden": {"adviesVoorSchool": ADVIES},
}
# Enough of every kind of page to meet whatever they show; all of the overdrachten made here.
MAX_PER_KIND = 4


def kind_of(path: str) -> str:
    """`/overdrachten/<id>/deadline` → `/overdrachten/*/deadline`; a page's next pages as one kind."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "*", path)


def text_of(r: httpx.Response) -> str:
    if r.headers.get("content-type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(r.content))
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    return r.content.decode("utf-8-sig")


async def test_no_page_or_download_the_coordinator_reaches_holds_a_name_a_form_text_or_a_reason(
    browser_like: httpx.AsyncClient, new_case: NewCase, api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> None:
    today = date.today()
    born = [today - relativedelta(years=3, months=11, days=3), today - relativedelta(years=3, months=7, days=5),
            today - relativedelta(years=3, months=7, days=9)]  # fmt: skip
    # Past its send deadline (overdue: in the achterstanden), at the parents', with their view.
    late = await new_case("bij_ouders", form=FORM, born=born[0])
    await late.step("POST", "/ouderreacties", late.parent, 201,
                    {"eens": "nee", "zienswijze": ZIENSWIJZE, "reden": REACTIE_REDEN})  # fmt: skip
    coordinator = await login(demo.COORDINATOR)
    moved = (today + timedelta(days=40)).isoformat()
    await late.step("PUT", "/deadlines/toestemming", coordinator, 200, {"datum": moved, "reden": DEADLINE_REDEN})
    # Taken back for a correction; returned by a school.
    corrected = await new_case("bij_ouders", form=FORM, born=born[1])
    await corrected.step("POST", "/correcties", corrected.pm, 201, {"reden": CORRECTIE_REDEN})
    returned = await new_case("verzonden", form=FORM, born=born[2])
    await returned.step("POST", "/retouren", returned.school, 201, {"reden": RETOUR_REDEN})
    cases = [late, corrected, returned]
    own = {c.path.removeprefix("/v1") for c in cases}
    names = [f"Proef-{str(c.kind_id)[:8]}" for c in cases]
    secrets = [
        "Testkind", *names, FORM_TEXT, ADVIES, ZIENSWIJZE, REACTIE_REDEN, DEADLINE_REDEN, CORRECTIE_REDEN, RETOUR_REDEN,
        *(f"{c.voornaam} {c.achternaam}" for c in demo.CHILDREN),
        *(d.isoformat() for d in born), *(d.strftime("%d-%m-%Y") for d in born),
    ]  # fmt: skip
    # What the coordinator must not see is there for those who may read it.
    detail = await api.get(late.path, headers=late.pm)
    timeline = await api.get(f"{late.path}/tijdlijn", headers=late.pm)
    for secret in (names[0], FORM_TEXT, ADVIES, ZIENSWIJZE, REACTIE_REDEN, born[0].isoformat()):
        assert secret in detail.text, secret
    assert DEADLINE_REDEN in timeline.text

    await sign_in(browser_like, demo.COORDINATOR)
    # Every link from the start page on; the overdrachten made here too (a list reaches them, a page at a time).
    frontier = deque(["/", *own])
    seen: set[str] = set(frontier)
    per_kind: dict[str, int] = {}
    visited: list[str] = []
    while frontier:
        url = frontier.popleft()
        r = await browser_like.get(url)
        assert r.status_code in (200, 409), (url, r.status_code)
        text = text_of(r)
        leaked = [s for s in secrets if s in text]
        assert not leaked, (url, leaked)
        visited.append(url)
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        for href in re.findall(r'href="([^"#]+)"', text):
            link = href.replace("&amp;", "&")
            path = urlsplit(link).path
            if not link.startswith("/") or link in seen or path.startswith(("/static/", "/v1/", "/afmelden")):
                continue
            kind = kind_of(path) + ("?next" if "cursor=" in link else "")
            if path not in own and per_kind.get(kind, 0) >= MAX_PER_KIND:
                continue
            per_kind[kind] = per_kind.get(kind, 0) + 1
            seen.add(link)
            frontier.append(link)

    kinds = {kind_of(urlsplit(u).path) for u in visited}
    for must in ("/", "/coordinatie", "/coordinatie/achterstanden", "/coordinatie/zonder-overdracht",
                 "/coordinatie/prognose", "/overdrachten", "/overdrachten/*", "/overdrachten/*/deadline",
                 "/coordinatie/overzicht.xlsx", "/coordinatie/overzicht.csv", "/coordinatie/achterstanden.csv",
                 "/coordinatie/achterstanden.xlsx", "/coordinatie/zonder-overdracht.csv",
                 "/coordinatie/prognose.xlsx"):  # fmt: skip
        assert must in kinds, (must, sorted(kinds))
    assert own <= set(visited)
