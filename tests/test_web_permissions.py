"""The permission matrix of the pages: every page of one overdracht, opened by every kind of person.
The pages call the same use cases as the API, so the same rules hold: a role without the capability gets
a 403 page, an overdracht outside the person's scope a 404 page (both HTML, in Dutch), and a page the
person may use opens. The overdracht is with the parents (BIJ_OUDERS), not yet sent to its school."""

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from core.settings import Settings
from overdracht import demo
from tests.conftest import Login, app_client
from tests.happy_path import COMPLETE_FORM, place_child
from tests.test_ouder_brieven import code_in
from tests.test_web_pages import sign_in

BEHEERDER = demo.STAFF_USERS[10].id
STAFF = {
    "pm": demo.PM_USER[demo.BOOMHUT],
    "pm_elders": demo.PM_USER[demo.ZONNETJE],
    "lm": demo.LM_USER[demo.BOOMHUT],
    "lm_elders": demo.LM_USER[demo.ZONNETJE],
    "school": demo.SCHOOL_USER[demo.STER],  # the overdracht's school, before it is sent
    "coordinator": demo.COORDINATOR,
    "beheerder": BEHEERDER,
}
WHO = [*STAFF, "ouder"]
# page -> the status each person gets, in the order of WHO.
#                                        pm   pm_elders lm  lm_elders school coord beheer ouder
MATRIX: dict[str, tuple[int, ...]] = {
    "":                                   (200, 404,     200, 404,      404,   200,  200,   200),
    "/formulier":                         (200, 404,     200, 404,      403,   403,  403,   403),
    "/ouders":                            (200, 404,     200, 404,      403,   403,  403,   403),
    "/school":                            (200, 404,     200, 404,      403,   403,  403,   303),
    "/mentor":                            (403, 403,     200, 404,      403,   403,  403,   403),
    "/correctie":                         (200, 404,     200, 404,      403,   403,  403,   403),
    "/annuleren":                         (403, 403,     200, 404,      403,   403,  403,   403),
    "/afdruk":                            (200, 404,     200, 404,      404,   200,  200,   200),
    "/inzage":                            (200, 404,     200, 404,      403,   403,  403,   200),
    "/ontvangst":                         (403, 403,     403, 403,      404,   403,  403,   403),
    "/retour":                            (403, 403,     403, 403,      404,   403,  403,   403),
    "/warme-overdracht":                  (200, 404,     403, 403,      404,   403,  403,   200),
    "/deadline":                          (403, 403,     403, 403,      403,   200,  403,   403),
    "/ouder/reactie":                     (403, 403,     403, 403,      403,   403,  403,   200),
    "/ouder/toestemming":                 (403, 403,     403, 403,      403,   403,  403,   200),
    "/ouder/school":                      (403, 403,     403, 403,      403,   403,  403,   200),
    "/ouder/intrekken":                   (403, 403,     403, 403,      403,   403,  403,   409),
}  # fmt: skip
CASES = [(page, who, MATRIX[page][i]) for page in MATRIX for i, who in enumerate(WHO)]


@pytest.fixture(scope="module")
async def overdracht(api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login) -> tuple[str, str]:
    """An overdracht with its parents, and a code for its parent (printed in a letter)."""
    kind_id, parent_id = await place_child(pool)
    pm = await login(STAFF["pm"])
    r = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
    path = f"/v1/overdrachten/{r.json()['id']}"
    assert (await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)).status_code == 200
    assert (await api.post(f"{path}/indieningen", headers=pm)).status_code == 201
    letter = await api.post(f"{path}/ouders/{parent_id}/brieven", headers=pm)
    return path.removeprefix("/v1"), code_in(letter.content)


@pytest.fixture(scope="module")
async def browsers(
    settings: Settings, pool: asyncpg.Pool, overdracht: tuple[str, str]
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """One signed-in browser (its own cookie jar) per person, on one app."""
    clients: dict[str, httpx.AsyncClient] = {}
    async with app_client(settings) as base:
        for who in WHO:
            clients[who] = client = httpx.AsyncClient(transport=base._transport, base_url=base.base_url)  # noqa: SLF001 - the app's transport, shared
            if who == "ouder":
                assert (await client.get(f"/ouder?code={overdracht[1]}")).status_code == 303
            else:
                await sign_in(client, STAFF[who])
        yield clients
        for client in clients.values():
            await client.aclose()


@pytest.mark.parametrize(("page", "who", "expected"), CASES, ids=[f"{who}:{page or '/'}" for page, who, _ in CASES])
async def test_each_page_opens_only_for_whom_it_is(
    browsers: dict[str, httpx.AsyncClient], overdracht: tuple[str, str], page: str, who: str, expected: int
) -> None:
    r = await browsers[who].get(f"{overdracht[0]}{page}")

    assert r.status_code == expected, f"{who} {page}: {r.status_code}"
    if expected != 303:
        assert r.headers["content-type"].startswith("text/html")
    if expected == 404:
        assert "Niet gevonden" in r.text and "Testkind" not in r.text
    if expected == 403:
        assert "<h1" in r.text and "Testkind" not in r.text  # a page, and nothing of the child
