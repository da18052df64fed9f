"""The school's pages over HTTP against the real app: the inbox of what was sent to the school, confirming
receipt, returning an overdracht, and the warme overdracht page (the school plans and records it, a parent
may only ask for one). Every step goes through the real service layer and workflow."""

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import UUID

import asyncpg
import httpx
import pytest

from core.settings import Settings
from db import web_sessies
from overdracht import demo
from tests.cases import FIRST_SCHOOL_DAY, WARM_DAY, Case, NewCase, events
from tests.conftest import Login, app_client
from tests.test_ouder_brieven import PM, code_in
from tests.test_web_pages import ORIGIN, sign_in
from web import sessions

IB_STER, IB_POLDER = demo.SCHOOL_USER[demo.STER], demo.SCHOOL_USER[demo.POLDER]


@pytest.fixture
async def browser_like(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """A client of its own: its cookie jar is one browser's."""
    async with app_client(settings) as client:
        yield client


def name_of(case: Case) -> str:
    return f"Testkind Proef-{str(case.kind_id)[:8]}"


def id_of(case: Case) -> str:
    return case.path.rsplit("/", 1)[1]


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


async def post_form(client: httpx.AsyncClient, url: str, data: dict[str, str | list[str]]) -> httpx.Response:
    """Post the form on `url` as a browser does: the page's CSRF token, from our own origin."""
    shown = await client.get(url)
    assert shown.status_code == 200, shown.text
    return await client.post(url, data={**data, "csrf": csrf_in(shown.text)}, headers=ORIGIN)


async def session_csrf(client: httpx.AsyncClient, pool: asyncpg.Pool, settings: Settings) -> str:
    """The CSRF token of the client's session, as the forms on its pages carry it."""
    idle = timedelta(minutes=settings.web_sessie_idle_minutes)
    sessie = await web_sessies.get(pool, client.cookies[sessions.COOKIE], idle)
    assert sessie is not None
    return sessie.csrf


def field_value(html: str, name: str) -> str | None:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    return found.group(1) if found else None


async def test_the_inbox_lists_what_was_sent_to_the_school_and_nothing_else(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    sent = await new_case("verzonden")
    not_sent = await new_case("gereed_voor_verzending")
    await sign_in(browser_like, IB_STER)

    inbox = await browser_like.get("/")

    assert inbox.status_code == 200 and "Ontvangen overdrachten" in inbox.text
    te_doen = inbox.text.split('id="eerder"')[0]
    assert name_of(sent) in te_doen
    assert f'href="/overdrachten/{id_of(sent)}/ontvangst"' in te_doen
    assert f'Ontvangst bevestigen<span class="visueel-verborgen"> voor {name_of(sent)}' in te_doen
    assert name_of(not_sent) not in inbox.text
    # Another school sees neither.
    await sign_in(browser_like, IB_POLDER)
    other = await browser_like.get("/")
    assert other.status_code == 200 and name_of(sent) not in other.text


async def test_the_school_confirms_receipt_on_its_page(browser_like: httpx.AsyncClient, new_case: NewCase) -> None:
    case = await new_case("verzonden")  # no warme overdracht needed: receipt completes it
    await sign_in(browser_like, IB_STER)
    url = f"/overdrachten/{id_of(case)}/ontvangst"

    csrf = csrf_in((await browser_like.get(url)).text)  # the session's token: a second tab still holds it

    confirmed = await post_form(browser_like, url, {"eersteSchooldag": FIRST_SCHOOL_DAY})

    assert (confirmed.status_code, confirmed.headers["location"]) == (
        303,
        f"/overdrachten/{id_of(case)}?gedaan=ontvangst-bevestigd",
    )
    shown = await browser_like.get(confirmed.headers["location"])
    assert "De ontvangst is bevestigd" in shown.text and "afgerond" in shown.text
    after = await case.get(case.school)
    assert (after["status"], after["tijdstippen"]["eersteSchooldag"]) == ("afgerond", FIRST_SCHOOL_DAY)
    # Once confirmed, the page says so instead of offering the form; a second post is refused with why.
    again = await browser_like.get(url)
    assert "al bevestigd" in again.text and 'name="eersteSchooldag"' not in again.text
    twice = await browser_like.post(url, data={"eersteSchooldag": FIRST_SCHOOL_DAY, "csrf": csrf}, headers=ORIGIN)
    assert twice.status_code == 409 and "Dit kan nu niet" in twice.text and "al bevestigd" in twice.text


async def test_a_bad_date_keeps_the_input_and_says_what_is_wrong(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    case = await new_case("verzonden")
    await sign_in(browser_like, IB_STER)
    url = f"/overdrachten/{id_of(case)}/ontvangst"

    bad = await post_form(
        browser_like, url, {"eersteSchooldag": "31-02-2027", "warmeOverdrachtGewenst": "true", "reden": "Graag."}
    )

    assert bad.status_code == 400
    assert field_value(bad.text, "eersteSchooldag") == "31-02-2027"
    assert "Vul de eerste schooldag in als dag-maand-jaar" in bad.text
    assert 'aria-invalid="true"' in bad.text and 'href="#veld-eersteSchooldag"' in bad.text
    assert 'name="warmeOverdrachtGewenst" value="true" checked' in bad.text and ">Graag.</textarea>" in bad.text
    empty = await post_form(browser_like, url, {"eersteSchooldag": ""})
    assert empty.status_code == 400 and "Vul de eerste schooldag in." in empty.text
    assert (await case.get(case.school))["status"] == "verzonden"  # nothing changed


async def test_a_returned_overdracht_leaves_the_inbox(browser_like: httpx.AsyncClient, new_case: NewCase) -> None:
    case = await new_case("verzonden")
    await sign_in(browser_like, IB_STER)
    url = f"/overdrachten/{id_of(case)}/retour"
    assert "niet meer inzien" in (await browser_like.get(url)).text  # what it means, before doing it

    without_reason = await post_form(browser_like, url, {"reden": "  "})
    assert without_reason.status_code == 400 and "Vul de reden in." in without_reason.text
    returned = await post_form(browser_like, url, {"reden": "Niet bij ons ingeschreven."})

    assert (returned.status_code, returned.headers["location"]) == (303, "/?gedaan=geretourneerd")
    inbox = await browser_like.get(returned.headers["location"])
    assert "teruggestuurd naar de voorschool" in inbox.text and name_of(case) not in inbox.text
    assert (await browser_like.get(f"/overdrachten/{id_of(case)}")).status_code == 404
    assert (await case.get(case.pm))["status"] == "wacht_op_school"


async def test_the_school_asks_plans_and_records_the_warme_overdracht(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    case = await new_case("verzonden")
    await sign_in(browser_like, IB_STER)
    page = f"/overdrachten/{id_of(case)}/warme-overdracht"

    confirmed = await post_form(
        browser_like,
        f"/overdrachten/{id_of(case)}/ontvangst",
        {
            "eersteSchooldag": FIRST_SCHOOL_DAY,
            "warmeOverdrachtGewenst": "true",
            "reden": "Wij kennen het gezin nog niet.",
        },
    )
    assert (confirmed.status_code, confirmed.headers["location"]) == (303, f"{page}?gedaan=ontvangst-bevestigd-warm")
    shown = await browser_like.get(confirmed.headers["location"])
    assert "Plan nu de warme overdracht" in shown.text and "Warme overdracht plannen" in shown.text

    no_form = await post_form(browser_like, page, {"actie": "plannen", "plannen.datum": WARM_DAY})
    assert no_form.status_code == 400 and "Kies hoe de warme overdracht gaat." in no_form.text
    assert field_value(no_form.text, "plannen.datum") == WARM_DAY
    planned = await post_form(
        browser_like, page, {"actie": "plannen", "plannen.datum": WARM_DAY, "plannen.vorm": "video"}
    )
    assert (planned.status_code, planned.headers["location"]) == (303, f"{page}?gedaan=warme-overdracht-gepland")
    after_plan = await browser_like.get(planned.headers["location"])
    assert "De warme overdracht is gepland" in after_plan.text and "Opnieuw plannen" in after_plan.text
    assert field_value(after_plan.text, "vastleggen.datum") == WARM_DAY  # the planned day, to record
    assert (await case.get(case.school))["warmeOverdracht"]["geplandOp"] == WARM_DAY

    nobody = await post_form(
        browser_like, page, {"actie": "vastleggen", "vastleggen.datum": WARM_DAY, "vastleggen.vorm": "video"}
    )
    assert nobody.status_code == 400 and "Kies wie er meededen" in nobody.text
    held = await post_form(
        browser_like,
        page,
        {
            "actie": "vastleggen",
            "vastleggen.datum": WARM_DAY,
            "vastleggen.vorm": "video",
            "vastleggen.deelnemers": ["mentor", "intern begeleider"],
            "vastleggen.anders": "tolk",
        },
    )

    assert (held.status_code, held.headers["location"]) == (
        303,
        f"/overdrachten/{id_of(case)}?gedaan=warme-overdracht-vastgelegd",
    )
    assert "De warme overdracht is vastgelegd" in (await browser_like.get(held.headers["location"])).text
    done = await case.get(case.school)
    assert (done["status"], done["warmeOverdracht"]["gehoudenOp"]) == ("afgerond", WARM_DAY)
    [event] = events(await case.timeline(case.pm), "warme_overdracht_gehouden")
    assert event["toelichting"] == "mentor, intern begeleider, tolk"
    closed = await browser_like.get(page)
    assert "gehouden en vastgelegd" in closed.text and 'value="vastleggen"' not in closed.text


async def test_another_schools_overdracht_is_a_404_page(
    browser_like: httpx.AsyncClient, new_case: NewCase, pool: asyncpg.Pool, settings: Settings
) -> None:
    case = await new_case("verzonden")
    await sign_in(browser_like, IB_POLDER)

    for sub in ("ontvangst", "retour", "warme-overdracht"):
        r = await browser_like.get(f"/overdrachten/{id_of(case)}/{sub}")
        assert r.status_code == 404, sub
        assert r.headers["content-type"].startswith("text/html")
        assert "bestaat niet of u heeft er geen toegang toe" in r.text and name_of(case) not in r.text
    csrf = await session_csrf(browser_like, pool, settings)  # no page of Polder's has a form to take it from
    posted = await browser_like.post(
        f"/overdrachten/{id_of(case)}/ontvangst",
        data={"eersteSchooldag": FIRST_SCHOOL_DAY, "csrf": csrf},
        headers=ORIGIN,
    )
    assert posted.status_code == 404
    assert (await case.get(case.school))["status"] == "verzonden"


async def test_a_parent_sees_only_the_request_form(
    browser_like: httpx.AsyncClient, new_case: NewCase, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    case = await new_case("ontvangen", vve=True)  # a warme overdracht is needed, not yet planned
    parent_id: UUID = await pool.fetchval("SELECT id FROM gebruikers WHERE kind_id = $1", case.kind_id)
    letter = await api.post(f"{case.path}/ouders/{parent_id}/brieven", headers=await login(PM))
    assert letter.status_code == 200, letter.text
    assert (await browser_like.get("/ouder", params={"code": code_in(letter.content)})).status_code == 303
    page = f"/overdrachten/{id_of(case)}/warme-overdracht"

    shown = await browser_like.get(page)

    assert shown.status_code == 200
    assert "Gesprek aanvragen" in shown.text and "Waarom wilt u dit gesprek?" in shown.text
    assert "plannen" not in shown.text.lower() and "vastleggen" not in shown.text.lower()
    plan = await browser_like.post(
        page,
        data={"actie": "plannen", "plannen.datum": WARM_DAY, "plannen.vorm": "gesprek", "csrf": csrf_in(shown.text)},
        headers=ORIGIN,
    )
    assert plan.status_code == 403 and "Ouders kunnen een warme overdracht aanvragen" in plan.text
    asked = await post_form(browser_like, page, {"actie": "aanvragen", "aanvragen.reden": "Hij is erg verlegen."})
    assert (asked.status_code, asked.headers["location"]) == (
        303,
        f"/overdrachten/{id_of(case)}?gedaan=warme-overdracht-gevraagd",
    )
    [event] = events(await case.timeline(case.pm), "warme_overdracht_gevraagd")
    assert (event["rol"], event["toelichting"]) == ("ouder", "Hij is erg verlegen.")
    assert (await case.get(case.pm))["warmeOverdracht"]["geplandOp"] is None


async def test_only_the_school_confirms_receipt(browser_like: httpx.AsyncClient, new_case: NewCase) -> None:
    case = await new_case("verzonden")
    await sign_in(browser_like, demo.PM_USER[demo.BOOMHUT])

    r = await browser_like.get(f"/overdrachten/{id_of(case)}/ontvangst")

    assert r.status_code == 403 and "Alleen de school" in r.text
