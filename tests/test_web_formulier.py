"""The form editor over HTTP against the real app: drafts saved with and without JavaScript (htmx's
autosave), a message per field with the input kept, what a submission still needs, a conflict between two
tabs, and submitting to the parents."""

import re
from typing import Any

import asyncpg
import httpx

from overdracht import demo
from tests.conftest import Login
from tests.test_ouder_brieven import PM, Child, open_child
from tests.test_web_pages import ORIGIN, browser_like, sign_in

__all__ = ["browser_like"]

DOMEINEN = (
    "taal", "rekenen", "motoriek_grof", "motoriek_fijn", "sociaal_emotioneel", "spel", "zelfredzaamheid", "welbevinden",
)  # fmt: skip
COMPLEET = {
    "vve.indicatie": "true",
    "vve.programma": "piramide",
    "vve.maandenDeelname": "18",
    "vve.urenPerWeek": "16,5",
    "observatie.instrument": "kijk",
    "observatie.datum": "2026-10-01",
    **{f"ontwikkeling.{d}.niveau": "zoals_verwacht" for d in DOMEINEN},
    "ontwikkeling.taal.toelichting": "Vertelt graag over thuis.",
    "ontwikkeling.taal.besprekenInWarmeOverdracht": "true",
}


def csrf_and_revisie(html: str) -> dict[str, str]:
    [csrf] = re.findall(r'name="csrf" value="([^"]+)"', html)[:1]
    [revisie] = re.findall(r'name="revisie" value="(\d+)"', html)
    return {"csrf": csrf, "revisie": revisie}


async def editor(client: httpx.AsyncClient, child: Child) -> httpx.Response:
    r = await client.get(f"/overdrachten/{child.overdracht_id}/formulier")
    assert r.status_code == 200, r.text
    return r


async def stored(api: httpx.AsyncClient, login: Login, child: Child) -> dict[str, Any]:
    r = await api.get(f"/v1/overdrachten/{child.overdracht_id}", headers=await login(PM))
    return r.json()


def filled(section: dict[str, Any]) -> dict[str, Any]:
    """A section of the stored form without its empty fields."""
    return {k: v for k, v in section.items() if v is not None}


async def test_a_draft_is_saved_without_javascript_and_the_page_says_what_is_still_needed(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    await sign_in(browser_like, PM)
    page = await editor(browser_like, child)
    assert "Nog nodig om in te dienen" in page.text and "VVE-indicatie" in page.text
    assert ' inputmode="decimal">' in page.text  # a phone offers its number keyboard

    r = await browser_like.post(
        f"/overdrachten/{child.overdracht_id}/formulier",
        data={**csrf_and_revisie(page.text), "vve.indicatie": "true", "vve.urenPerWeek": "12,5", "actie": "opslaan"},
        headers=ORIGIN,
    )

    assert r.status_code == 303
    assert r.headers["location"] == f"/overdrachten/{child.overdracht_id}/formulier?gedaan=formulier_opgeslagen"
    again = await browser_like.get(r.headers["location"])
    assert "Het formulier is opgeslagen." in again.text
    assert 'value="12.5"' in again.text
    # VVE: now the programme and the months are needed too, linked to their fields.
    assert 'href="#veld-vve-programma">VVE-programma' in again.text
    assert filled((await stored(api, login, child))["formulier"]["vve"]) == {"indicatie": True, "urenPerWeek": 12.5}


async def test_bad_input_keeps_what_was_typed_and_saves_nothing(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    await sign_in(browser_like, PM)
    page = await editor(browser_like, child)

    r = await browser_like.post(
        f"/overdrachten/{child.overdracht_id}/formulier",
        data={
            **csrf_and_revisie(page.text),
            "voorschool.urenPerWeek": "veel",
            "vve.maandenDeelname": "99",
            "ontwikkeling.taal.toelichting": "Kletst de hele dag.",
            "actie": "opslaan",
        },
        headers=ORIGIN,
    )

    assert r.status_code == 400
    assert "Kijk nog even naar uw antwoord" in r.text
    assert '<a class="utrecht-link" href="#veld-voorschool-urenPerWeek">Vul een getal in' in r.text
    assert '<a class="utrecht-link" href="#veld-vve-maandenDeelname">Vul 48 of minder in.' in r.text
    assert 'value="veel"' in r.text and "Kletst de hele dag." in r.text  # the input kept
    assert 'aria-invalid="true"' in r.text
    assert (await stored(api, login, child))["formulier"] is None  # nothing saved


async def test_submitting_an_incomplete_form_names_each_missing_field_and_changes_nothing(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    await sign_in(browser_like, PM)
    page = await editor(browser_like, child)
    partial = {k: v for k, v in COMPLEET.items() if k != "observatie.datum"}

    r = await browser_like.post(
        f"/overdrachten/{child.overdracht_id}/formulier",
        data={**csrf_and_revisie(page.text), **partial, "actie": "indienen"},
        headers=ORIGIN,
    )

    assert r.status_code == 422
    assert 'href="#veld-observatie-datum">Vul dit in: het is nodig om het formulier in te dienen.' in r.text
    assert (await stored(api, login, child))["status"] == "concept"


async def test_a_complete_form_goes_to_the_parents(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    await sign_in(browser_like, PM)
    page = await editor(browser_like, child)

    r = await browser_like.post(
        f"/overdrachten/{child.overdracht_id}/formulier",
        data={**csrf_and_revisie(page.text), **COMPLEET, "actie": "indienen"},
        headers=ORIGIN,
    )

    assert (r.status_code, r.headers["location"]) == (303, f"/overdrachten/{child.overdracht_id}?gedaan=ingediend")
    body = await stored(api, login, child)
    assert body["status"] == "bij_ouders"
    assert body["formulier"]["ontwikkeling"]["taal"] == {
        "niveau": "zoals_verwacht", "toelichting": "Vertelt graag over thuis.", "besprekenInWarmeOverdracht": True,
    }  # fmt: skip
    # Now read-only: no save buttons, and a save is refused with why.
    after = await editor(browser_like, child)
    assert "Opslaan en naar de ouders sturen" not in after.text
    refused = await browser_like.post(
        f"/overdrachten/{child.overdracht_id}/formulier",
        data={**csrf_and_revisie(after.text), **COMPLEET, "vve.maandenDeelname": "20", "actie": "opslaan"},
        headers=ORIGIN,
    )
    assert refused.status_code == 409 and "Dit kan nu niet" in refused.text
    assert (await stored(api, login, child))["formulier"]["vve"]["maandenDeelname"] == 18


async def test_autosave_answers_htmx_with_the_status_and_the_next_revisie(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    await sign_in(browser_like, PM)
    fields = csrf_and_revisie((await editor(browser_like, child)).text)

    r = await browser_like.post(
        f"/overdrachten/{child.overdracht_id}/formulier",
        data={**fields, "observatie.instrument": "kijk"},
        headers={**ORIGIN, "HX-Request": "true"},
    )

    assert r.status_code == 200
    assert r.text.lstrip().startswith('<div id="formulierstatus"')
    assert "Concept opgeslagen om" in r.text
    assert f'name="revisie" value="{int(fields["revisie"]) + 1}"' in r.text
    assert "Observatie-instrument" not in r.text  # no longer missing
    bad = await browser_like.post(
        f"/overdrachten/{child.overdracht_id}/formulier",
        data={**fields, "revisie": str(int(fields["revisie"]) + 1), "observatie.datum": "gisteren"},
        headers={**ORIGIN, "HX-Request": "true"},
    )
    assert bad.status_code == 200 and "Niet opgeslagen: 1 veld klopt niet." in bad.text
    assert filled((await stored(api, login, child))["formulier"]["observatie"]) == {"instrument": "kijk"}


async def test_two_tabs_a_save_from_the_older_one_is_a_conflict_until_the_person_chooses(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    await sign_in(browser_like, PM)
    tab_a = csrf_and_revisie((await editor(browser_like, child)).text)
    tab_b = dict(tab_a)
    url = f"/overdrachten/{child.overdracht_id}/formulier"
    saved_a = await browser_like.post(url, data={**tab_a, "vve.indicatie": "false"}, headers=ORIGIN)
    assert saved_a.status_code == 303

    conflict = await browser_like.post(url, data={**tab_b, "vve.indicatie": "true"}, headers=ORIGIN)

    assert conflict.status_code == 409
    assert "intussen ergens anders opgeslagen" in conflict.text and "Toch opslaan" in conflict.text
    assert re.search(r'value="true" id="veld-vve-indicatie" checked', conflict.text)  # B's input kept
    assert filled((await stored(api, login, child))["formulier"]["vve"]) == {"indicatie": False}
    overwritten = await browser_like.post(
        url, data={**tab_b, "vve.indicatie": "true", "actie": "overschrijven"}, headers=ORIGIN
    )
    assert overwritten.status_code == 303
    assert filled((await stored(api, login, child))["formulier"]["vve"]) == {"indicatie": True}


async def test_the_editor_of_another_location_is_a_404_page_and_a_school_may_not_edit(
    browser_like: httpx.AsyncClient, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    other_location = next(u for loc, u in demo.PM_USER.items() if loc != demo.BOOMHUT)
    await sign_in(browser_like, other_location)

    r = await browser_like.get(f"/overdrachten/{child.overdracht_id}/formulier")

    assert r.status_code == 404 and "Niet gevonden" in r.text
