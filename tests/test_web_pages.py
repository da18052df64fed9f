"""The web app's first pages, over HTTP against the real app: sign-in (development), the PM'er's start
page, one overdracht's page, the parents' entry from their personal link; sessions in a cookie,
security headers, and refusals as pages. The browser tests (tests/test_web_browser.py) drive the same
pages in chromium, with axe."""

import re
from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg
import httpx
import pytest

from core.settings import Settings
from db import web_sessies
from overdracht import demo
from schemas.ids import overdracht_id_for
from tests.conftest import Login, app_client
from tests.happy_path import place_child
from tests.test_ouder_brieven import PM, code_in, open_child

ORIGIN = {"Origin": "http://test"}


@pytest.fixture
async def browser_like(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """A client of its own: its cookie jar is one browser's (`pool`: the demo users are there)."""
    async with app_client(settings) as client:
        yield client


def csrf(html: str) -> str:
    """The session's CSRF token, as the first form of a page carries it."""
    return re.findall(r'name="csrf" value="([^"]+)"', html)[0]


async def sign_in(client: httpx.AsyncClient, gebruiker_id: UUID) -> httpx.Response:
    return await client.post("/aanmelden", data={"gebruikerId": str(gebruiker_id)}, headers=ORIGIN)


async def test_a_pm_signs_in_and_sees_what_to_do(browser_like: httpx.AsyncClient) -> None:
    first = await browser_like.get("/")
    assert (first.status_code, first.headers["location"]) == (303, "/aanmelden")
    listing = await browser_like.get("/aanmelden")
    assert "Sanne de Vries" in listing.text and "pedagogisch medewerker" in listing.text

    signed_in = await sign_in(browser_like, demo.PM_USER[demo.BOOMHUT])

    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    start = await browser_like.get("/")
    assert start.status_code == 200
    assert "Wat moet ik doen" in start.text and "Sanne de Vries" in start.text
    assert "script-src 'self'" in start.headers["content-security-policy"]
    assert start.headers["cache-control"] == "no-store"
    assert "<script" not in start.text  # nothing inline for the policy to forbid


async def test_a_form_from_another_site_signs_nobody_in(browser_like: httpx.AsyncClient) -> None:
    r = await browser_like.post(
        "/aanmelden", data={"gebruikerId": str(demo.PM_USER[demo.BOOMHUT])}, headers={"Origin": "https://evil.example"}
    )

    assert r.status_code == 403
    assert (await browser_like.get("/")).status_code == 303


async def test_an_overdracht_page_shows_what_the_role_may_see_and_a_foreign_one_is_a_404_page(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    await sign_in(browser_like, demo.PM_USER[demo.BOOMHUT])

    own = await browser_like.get(f"/overdrachten/{child.overdracht_id}")
    assert own.status_code == 200 and "in voorbereiding" in own.text and "Tijdlijn" in own.text

    forged = await browser_like.post("/afmelden", headers=ORIGIN)  # without the token: still signed in
    assert (await browser_like.get(f"/overdrachten/{child.overdracht_id}")).status_code == 200
    [csrf] = re.findall(r'name="csrf" value="([^"]+)"', own.text)[:1]
    await browser_like.post("/afmelden", data={"csrf": csrf}, headers=ORIGIN)
    assert forged.status_code == 303
    assert (await browser_like.get(f"/overdrachten/{child.overdracht_id}")).status_code == 303  # signed out
    await sign_in(browser_like, demo.PM_USER[demo.ZONNETJE])
    foreign = await browser_like.get(f"/overdrachten/{child.overdracht_id}")
    assert foreign.status_code == 404
    assert foreign.headers["content-type"].startswith("text/html")
    assert "bestaat niet of u heeft er geen toegang toe" in foreign.text


async def test_a_parent_comes_in_with_their_personal_link_once(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, settings: Settings
) -> None:
    child = await open_child(api, pool, login)
    letter = await api.post(child.letter, headers=await login(PM))
    code = code_in(letter.content)

    entered = await browser_like.get("/ouder", params={"code": code})

    assert (entered.status_code, entered.headers["location"]) == (303, f"/overdrachten/{child.overdracht_id}")
    page = await browser_like.get(f"/overdrachten/{child.overdracht_id}")
    assert page.status_code == 200 and "Overdracht" in page.text
    assert (await browser_like.get("/")).headers["location"] == f"/overdrachten/{child.overdracht_id}"
    async with app_client(settings) as another_browser:
        again = await another_browser.get("/ouder", params={"code": code})
    assert again.status_code == 401 and "Deze link werkt niet meer" in again.text


async def test_an_ended_session_signs_nobody_in_and_is_removed(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    await sign_in(browser_like, demo.LM_USER[demo.BOOMHUT])
    assert (await browser_like.get("/")).status_code == 200
    user = demo.LM_USER[demo.BOOMHUT]
    await pool.execute(
        "UPDATE web_sessies SET laatst_gebruikt_op = now() - interval '31 minutes' WHERE gebruiker_id = $1", user
    )

    idle = await browser_like.get("/")

    assert (idle.status_code, idle.headers["location"]) == (303, "/aanmelden")
    await pool.execute("UPDATE web_sessies SET verloopt_op = now() WHERE gebruiker_id = $1", user)
    assert await web_sessies.delete_ended(pool) >= 1
    assert await pool.fetchval("SELECT count(*) FROM web_sessies WHERE gebruiker_id = $1", user) == 0


async def test_the_pm_opens_an_overdracht_for_a_placed_child_from_the_start_page(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    kind_id, _ = await place_child(pool)
    name = f"Proef-{str(kind_id)[:8]}"
    await sign_in(browser_like, demo.PM_USER[demo.BOOMHUT])
    start = await browser_like.get("/")
    assert "Kinderen zonder overdracht" in start.text and name in start.text
    [csrf] = re.findall(r'name="csrf" value="([^"]+)"', start.text)[:1]

    forged = await browser_like.post("/overdrachten", data={"kindId": str(kind_id), "csrf": "fout"}, headers=ORIGIN)
    assert forged.status_code == 403
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE kind_id = $1", kind_id) == 0

    opened = await browser_like.post("/overdrachten", data={"kindId": str(kind_id), "csrf": csrf}, headers=ORIGIN)

    assert (opened.status_code, opened.headers["location"]) == (303, f"/overdrachten/{overdracht_id_for(kind_id)}")
    assert (await browser_like.get(opened.headers["location"])).status_code == 200
    assert f'name="kindId" value="{kind_id}"' not in (await browser_like.get("/")).text  # no second open
