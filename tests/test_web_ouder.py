"""The parents' pages over HTTP against the real app (engine, worker, database): the form in plain
words, each step through the pages (reaction, consent or refusal with its confirmation, the school,
withdrawing), bad input and a state that moved on, another child's overdracht, the inzage-log, and the
language (Dutch B1 as the source, English from its catalogue; the staff's pages stay Dutch)."""

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import pytest
from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from core.settings import Settings
from db import kinderen, web_sessies
from overdracht import demo
from schemas.audit import Actie
from schemas.formulier import Domein, Instrument, Niveau, VveProgramma
from schemas.overdracht import Eens, Rol, Status
from services.audit import OTHER_GROUNDS
from tests.cases import Case, NewCase
from tests.conftest import app_client
from tests.happy_path import COMPLETE_FORM
from tests.test_ouder_brieven import code_in
from web import i18n, sessions
from web.routes.ouder import gedeeld, woorden
from workflows.lifecycle import ALLOWED_FROM, Stap

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = {"Origin": "http://test"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
DOMEINEN_NL = [
    "Taal: praten en begrijpen",
    "Rekenen: tellen, vormen en hoeveelheden",
    "Bewegen: rennen, klimmen, springen",
    "Fijne bewegingen: tekenen, knippen, bouwen",
    "Omgaan met anderen en met gevoelens",
    "Spelen",
    "Zelf dingen doen: aankleden, eten, naar de wc",
    "Zich fijn voelen",
]


@dataclass
class Browser:
    """A parent's browser: its own cookie jar, signed in, with the session's CSRF token."""

    client: httpx.AsyncClient
    csrf: str
    case: Case
    parent_id: UUID

    @property
    def page(self) -> str:
        return f"/overdrachten/{self.case.path.rsplit('/', 1)[1]}"

    async def post(self, sub: str, data: dict[str, str], csrf: str | None = None) -> httpx.Response:
        return await self.client.post(f"{self.page}{sub}", data={**data, "csrf": csrf or self.csrf}, headers=ORIGIN)

    async def status(self) -> str:
        return str((await self.case.get(self.case.pm))["status"])


async def signed_in(client: httpx.AsyncClient, pool: asyncpg.Pool, user: UUID) -> str:
    """A session for `user` in this client (as the personal link or the sign-in makes one): its CSRF token."""
    cookie, sessie = await web_sessies.create(pool, user, timedelta(hours=1))
    client.cookies.set(sessions.COOKIE, cookie)
    return sessie.csrf


@pytest.fixture
async def parent(new_case: NewCase, settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[Browser]:
    """A parent signed in on the page of their child's overdracht, which is with them (BIJ_OUDERS)."""
    case = await new_case("bij_ouders")
    [parent_id] = await kinderen.parents(pool, case.kind_id)
    async with app_client(settings) as client:
        yield Browser(client, await signed_in(client, pool, parent_id), case, parent_id)


def error_for(html: str, field: str) -> str:
    """The message shown with a field (the element tied to it by aria-describedby)."""
    match = re.search(rf'id="veld-{field}-fout"><span class="visueel-verborgen">[^<]*</span>([^<]+)</div>', html)
    assert match, f"no message for {field}"
    return match.group(1)


# The way in and the form in plain words


async def test_a_parent_signs_in_with_their_link_and_reads_the_form_in_plain_dutch(
    new_case: NewCase, pool: asyncpg.Pool, settings: Settings, api: httpx.AsyncClient
) -> None:
    case = await new_case("bij_ouders")
    [parent_id] = await kinderen.parents(pool, case.kind_id)
    letter = await api.post(f"{case.path}/ouders/{parent_id}/brieven", headers=case.pm)
    async with app_client(settings) as client:
        entered = await client.get("/ouder", params={"code": code_in(letter.content)})
        assert entered.status_code == 303
        r = await client.get(entered.headers["location"])

    assert r.status_code == 200
    html = r.text
    assert '<html lang="nl"' in html
    assert f"Overdracht van Testkind Proef-{str(case.kind_id)[:8]}" in html
    assert "Het formulier ligt bij u. Lees het, en zeg of u toestemming geeft." in html
    for naam in DOMEINEN_NL:  # the eight domains, each with its level and note
        assert naam in html
    assert html.count("zoals verwacht voor de leeftijd") == 8 and html.count("Ontwikkelt zich goed.") == 8
    assert "KIJK!" in html and "Rustig opstarten helpt." in html and "Peuteropvang De Boomhut" in html
    assert "De ouders hebben nog niet gereageerd." in html
    # Only the steps this status allows.
    for sub in ("/ouder/reactie", "/ouder/toestemming", "/ouder/school", "/inzage"):
        assert f'{entered.headers["location"]}{sub}"' in html
    assert "/ouder/intrekken" not in html
    # The language switch, on every parent page.
    assert 'hreflang="en"' in html and "English" in html


async def test_a_used_link_says_what_to_do_in_the_parents_language(settings: Settings, pool: asyncpg.Pool) -> None:
    async with app_client(settings) as client:
        dutch = await client.get("/ouder", params={"code": "al-gebruikt"})
        english = await client.get("/ouder", params={"code": "al-gebruikt"}, headers=ENGLISH)

    assert dutch.status_code == english.status_code == 401
    assert "Deze link werkt niet meer" in dutch.text and "Vraag de voorschool om een nieuwe link" in dutch.text
    assert "This link no longer works" in english.text and "Ask the preschool for a new link" in english.text
    assert "al-gebruikt" not in dutch.text + english.text


async def test_a_concept_is_not_shown_before_the_voorschool_gives_it(
    new_case: NewCase, pool: asyncpg.Pool, settings: Settings
) -> None:
    case = await new_case("concept")
    [parent_id] = await kinderen.parents(pool, case.kind_id)
    async with app_client(settings) as client:
        await signed_in(client, pool, parent_id)
        r = await client.get(f"/overdrachten/{case.path.rsplit('/', 1)[1]}")

    assert "De voorschool maakt het formulier nog klaar" in r.text
    assert "Ontwikkelt zich goed." not in r.text and "/ouder/toestemming" not in r.text
    assert "/ouder/school" in r.text  # a school may be chosen before the form is ready


# Each step through the pages


async def test_a_reaction_with_bad_input_comes_back_with_a_message_per_field_and_the_input_kept(
    parent: Browser,
) -> None:
    form = await parent.client.get(f"{parent.page}/ouder/reactie")
    assert form.status_code == 200 and "Klopt het formulier?" in form.text

    none_chosen = await parent.post("/ouder/reactie", {"reden": "De toelichting bij taal klopt niet."})
    assert none_chosen.status_code == 400
    assert error_for(none_chosen.text, "eens") == "Kies of het formulier klopt."
    assert 'href="#veld-eens"' in none_chosen.text  # the error summary links to the field
    assert "De toelichting bij taal klopt niet.</textarea>" in none_chosen.text

    too_long = await parent.post("/ouder/reactie", {"eens": "nee", "zienswijze": "x" * 4001})
    assert too_long.status_code == 400
    assert error_for(too_long.text, "zienswijze").startswith("Deze tekst is te lang")
    assert 'value="nee" id="veld-eens-2" checked' in too_long.text
    assert (await parent.case.get(parent.case.pm))["ouderreacties"] == []


async def test_a_parent_gives_a_reaction_and_reads_it_back(parent: Browser) -> None:
    r = await parent.post(
        "/ouder/reactie",
        {"eens": "nee", "reden": "Ze praat thuis veel meer.", "zienswijze": "Ze houdt van tekenen."},
    )

    assert (r.status_code, r.headers["location"]) == (303, f"{parent.page}?gedaan=ouder_reactie")
    shown = await parent.client.get(r.headers["location"])
    assert "Uw reactie is opgeslagen." in shown.text
    assert "Nee, niet alles klopt" in shown.text and "Ze praat thuis veel meer." in shown.text
    [reactie] = (await parent.case.get(parent.case.pm))["ouderreacties"]
    assert (reactie["eens"], reactie["reden"], reactie["zienswijze"]) == (
        "nee",
        "Ze praat thuis veel meer.",
        "Ze houdt van tekenen.",
    )


async def test_a_reaction_the_state_no_longer_allows_says_why_and_keeps_the_text(parent: Browser) -> None:
    await parent.client.get(f"{parent.page}/ouder/reactie")  # the form open in the parent's browser…
    await parent.case.step("POST", "/correcties", parent.case.pm, 201, {"reden": "Een fout in taal."})  # …moved on

    r = await parent.post("/ouder/reactie", {"eens": "ja", "zienswijze": "Mooi verslag."})

    assert r.status_code == 409
    assert "Reageren kan alleen zolang het formulier bij u ligt." in r.text
    assert "De voorschool maakt het formulier nog klaar." in r.text
    assert "Mooi verslag." in r.text  # what they wrote, to keep
    again = await parent.client.get(f"{parent.page}/ouder/reactie")
    assert again.status_code == 409 and "<form" not in again.text.split("<main")[1]


async def test_consent_is_chosen_then_confirmed_and_only_the_confirmation_records_it(parent: Browser) -> None:
    choice = await parent.client.get(f"{parent.page}/ouder/toestemming")
    assert "Ja, ik geef toestemming" in choice.text and "Nee, ik geef geen toestemming" in choice.text
    assert "De school krijgt het formulier niet. De voorschool verwijdert" in choice.text  # what each means

    nothing = await parent.post("/ouder/toestemming", {})
    assert nothing.status_code == 400 and error_for(nothing.text, "besluit") == "Kies of u toestemming geeft."

    confirm = await parent.post("/ouder/toestemming", {"besluit": "gegeven", "voor": "genoemde_school"})
    assert confirm.status_code == 200 and "Controleer uw keuze" in confirm.text
    assert "De voorschool stuurt het formulier naar Basisschool De Ster." in confirm.text
    assert await parent.status() == "bij_ouders"  # choosing records nothing
    forged = await parent.post("/ouder/toestemming/bevestigen", {"besluit": "gegeven"}, csrf="fout")
    assert forged.status_code == 403 and await parent.status() == "bij_ouders"

    done = await parent.post("/ouder/toestemming/bevestigen", {"besluit": "gegeven", "voor": "genoemde_school"})

    assert (done.status_code, done.headers["location"]) == (303, f"{parent.page}?gedaan=ouder_toestemming")
    assert await parent.status() == "gereed_voor_verzending"
    page = await parent.client.get(done.headers["location"])
    assert "Uw toestemming is opgeslagen." in page.text
    assert "/ouder/intrekken" in page.text and "/ouder/toestemming" not in page.text
    assert "/ouder/reactie" not in page.text
    late = await parent.client.get(f"{parent.page}/ouder/toestemming")
    assert late.status_code == 409 and "U gaf toestemming. De voorschool stuurt het formulier" in late.text
    twice = await parent.post("/ouder/toestemming/bevestigen", {"besluit": "geweigerd"})
    assert twice.status_code == 409 and "kan alleen zolang het formulier bij u ligt" in twice.text
    assert await parent.status() == "gereed_voor_verzending"


async def test_a_refusal_ends_it_and_the_done_page_needs_no_overdracht(parent: Browser) -> None:
    confirm = await parent.post("/ouder/toestemming", {"besluit": "geweigerd"})
    assert "U kiest: nee, ik geef geen toestemming." in confirm.text
    assert "Dit kunt u niet terugdraaien." in confirm.text

    r = await parent.post("/ouder/toestemming/bevestigen", {"besluit": "geweigerd"})

    assert (r.status_code, r.headers["location"]) == (303, "/ouder/klaar/geweigerd")
    assert 'overdracht_sessie=""' in r.headers["set-cookie"]  # signed out
    assert await parent.status() == "geweigerd"
    klaar = await parent.client.get("/ouder/klaar/geweigerd")
    assert klaar.status_code == 200 and "U gaf geen toestemming" in klaar.text
    assert "De school krijgt het formulier niet." in klaar.text
    assert (await parent.client.get(parent.page)).headers["location"] == "/aanmelden"


async def test_consent_is_withdrawn_after_a_confirmation_and_not_before_it_was_given(parent: Browser) -> None:
    early = await parent.client.get(f"{parent.page}/ouder/intrekken")
    assert early.status_code == 409 and "Intrekken kan alleen nadat u toestemming gaf" in early.text
    assert (await parent.post("/ouder/intrekken", {})).status_code == 409
    assert await parent.status() == "bij_ouders"
    await parent.post("/ouder/toestemming/bevestigen", {"besluit": "gegeven"})

    page = await parent.client.get(f"{parent.page}/ouder/intrekken")
    assert page.status_code == 200 and "Ja, ik trek mijn toestemming in" in page.text
    r = await parent.post("/ouder/intrekken", {})

    assert (r.status_code, r.headers["location"]) == (303, "/ouder/klaar/ingetrokken")
    assert await parent.status() == "ingetrokken"
    assert "U heeft uw toestemming ingetrokken" in (await parent.client.get("/ouder/klaar/ingetrokken")).text


async def test_the_parent_chooses_another_school(parent: Browser) -> None:
    form = await parent.client.get(f"{parent.page}/ouder/school")
    assert form.status_code == 200
    assert f'<option value="{demo.STER}" selected>Basisschool De Ster</option>' in form.text
    assert f'<option value="{demo.POLDER}">OBS De Polder</option>' in form.text

    empty = await parent.post("/ouder/school", {"schoolId": ""})
    assert empty.status_code == 400 and error_for(empty.text, "schoolId") == "Kies een school."
    unknown = await parent.post("/ouder/school", {"schoolId": "00000000-0000-4000-8000-000000000000"})
    assert unknown.status_code == 400 and error_for(unknown.text, "schoolId").startswith("Deze school kennen wij niet")

    r = await parent.post("/ouder/school", {"schoolId": str(demo.POLDER)})

    assert r.headers["location"] == f"{parent.page}?gedaan=ouder_school"
    page = await parent.client.get(r.headers["location"])
    assert "De school is opgeslagen." in page.text and "OBS De Polder" in page.text
    assert (await parent.case.get(parent.case.pm))["school"]["id"] == str(demo.POLDER)


async def test_a_parent_cannot_see_another_childs_overdracht(
    parent: Browser, new_case: NewCase, settings: Settings
) -> None:
    other = await new_case("bij_ouders")
    page = f"/overdrachten/{other.path.rsplit('/', 1)[1]}"

    for sub in ("", "/ouder/reactie", "/ouder/toestemming", "/ouder/school", "/inzage"):
        r = await parent.client.get(f"{page}{sub}")
        assert r.status_code == 404, sub
        assert "Niet gevonden" in r.text and "Proef-" not in r.text
    posted = await parent.client.post(f"{page}/ouder/reactie", data={"eens": "ja", "csrf": parent.csrf}, headers=ORIGIN)
    assert posted.status_code == 404
    assert (await other.get(other.pm))["ouderreacties"] == []


async def test_the_steps_are_for_parents_only(parent: Browser, settings: Settings, pool: asyncpg.Pool) -> None:
    async with app_client(settings) as pm_browser:
        await signed_in(pm_browser, pool, demo.PM_USER[demo.BOOMHUT])
        r = await pm_browser.get(f"{parent.page}/ouder/toestemming")

    assert r.status_code == 403 and "alleen voor de ouders" in r.text


# The inzage-log


async def test_the_inzage_log_shows_who_read_or_changed_the_childs_data(
    parent: Browser, settings: Settings, pool: asyncpg.Pool
) -> None:
    await parent.post("/ouder/reactie", {"eens": "ja"})

    r = await parent.client.get(f"{parent.page}/inzage")

    assert r.status_code == 200 and "Wie gebruikte de gegevens?" in r.text
    assert "Peuteropvang De Boomhut (pedagogisch medewerker)" in r.text  # the PM'er who filled it in
    assert "Gewijzigd: het formulier" in r.text and "Gewijzigd: de reactie van de ouders" in r.text
    assert "de pedagogisch medewerker mag het formulier bewerken of indienen" in r.text
    assert "een ouder (u of de andere ouder)" in r.text
    assert "Sanne de Vries" not in r.text  # the organisation and role, never the person
    english = await parent.client.get(f"{parent.page}/inzage", headers=ENGLISH)
    assert "Changed: the form" in english.text and "edit or submit the form" in english.text
    # The location's staff read the same page, in Dutch, without a language switch; the coordinator may not.
    async with app_client(settings) as staff:
        await signed_in(staff, pool, demo.PM_USER[demo.BOOMHUT])
        pm = await staff.get(f"{parent.page}/inzage", headers=ENGLISH)
        assert pm.status_code == 200 and '<html lang="nl"' in pm.text and "Gewijzigd: het formulier" in pm.text
        assert 'hreflang="en"' not in pm.text
        await signed_in(staff, pool, demo.COORDINATOR)
        assert (await staff.get(f"{parent.page}/inzage")).status_code == 403


# The language


async def test_the_english_page_is_english_and_the_dutch_page_dutch(parent: Browser) -> None:
    english = await parent.client.get(parent.page, headers=ENGLISH)

    assert '<html lang="en"' in english.text
    assert "Handover of Testkind" in english.text and "The form is with you." in english.text
    assert english.text.count("as expected for the age") == 8 and "Language: talking and understanding" in english.text
    assert "Give or refuse consent" in english.text and "Sign out" in english.text
    assert "Het formulier ligt bij u" not in english.text and "zoals verwacht" not in english.text
    form = await parent.client.get(f"{parent.page}/ouder/toestemming", headers=ENGLISH)
    assert "Yes, I give consent" in form.text and "Ja, ik geef toestemming" not in form.text
    refused = await parent.post("/ouder/toestemming", {})
    assert "Kies of u toestemming geeft." in refused.text  # no cookie, no header: Dutch

    # The switch: a cookie with the choice, back to the same page; it wins over the browser's language.
    chosen = await parent.client.get("/taal/nl", params={"terug": parent.page}, headers=ENGLISH)
    assert (chosen.status_code, chosen.headers["location"]) == (303, parent.page)
    assert "taal=nl" in chosen.headers["set-cookie"]
    dutch = await parent.client.get(parent.page, headers=ENGLISH)
    assert '<html lang="nl"' in dutch.text and "Het formulier ligt bij u" in dutch.text
    await parent.client.get("/taal/en", params={"terug": parent.page})
    refused = await parent.post("/ouder/toestemming", {})
    assert error_for(refused.text, "besluit") == "Choose whether you give consent."
    assert "Please look at your answer again" in refused.text


async def test_a_parent_asks_for_a_warme_overdracht_in_their_language(parent: Browser) -> None:
    await parent.client.get("/taal/en", params={"terug": parent.page})
    overview = await parent.client.get(parent.page)
    assert f'href="{parent.page}/warme-overdracht">Ask for a conversation between the preschool and the school' in (
        overview.text
    )
    page = await parent.client.get(f"{parent.page}/warme-overdracht")
    assert (
        page.status_code == 200 and '<html lang="en"' in page.text and "Why do you want this conversation?" in page.text
    )
    assert "Plannen" not in page.text and "vastleggen" not in page.text  # the staff's forms are not a parent's

    empty = await parent.post("/warme-overdracht", {"actie": "aanvragen", "aanvragen.reden": " "})
    assert empty.status_code == 400
    assert error_for(empty.text, "aanvragen-reden") == "Tell us in a few words why you want this conversation."
    asked = await parent.post("/warme-overdracht", {"actie": "aanvragen", "aanvragen.reden": "Mijn kind is verlegen."})

    assert asked.headers["location"] == f"{parent.page}?gedaan=warme-overdracht-gevraagd"
    after = await parent.client.get(asked.headers["location"])
    assert "Your request for a warm handover has been passed on." in after.text


async def test_the_switch_goes_back_to_this_site_only(settings: Settings) -> None:
    async with app_client(settings) as client:
        for terug in ("https://evil.example/x", "//evil.example/x", "/\\evil.example", "niet-een-pad"):
            r = await client.get("/taal/en", params={"terug": terug})
            assert r.headers["location"] == "/", terug
        unknown = await client.get("/taal/xx", params={"terug": "/"})
        assert "set-cookie" not in unknown.headers


async def test_the_staffs_pages_stay_dutch(parent: Browser, settings: Settings, pool: asyncpg.Pool) -> None:
    async with app_client(settings) as staff:
        await signed_in(staff, pool, demo.PM_USER[demo.BOOMHUT])
        staff.cookies.set("taal", "en")
        r = await staff.get(parent.page, headers=ENGLISH)

    assert r.status_code == 200 and '<html lang="nl"' in r.text and "Afmelden" in r.text
    assert "Sign out" not in r.text


async def test_concurrent_requests_in_other_languages_never_mix(parent: Browser) -> None:
    headers = [ENGLISH if i % 2 else {"Accept-Language": "nl"} for i in range(16)]

    pages = await asyncio.gather(*(parent.client.get(f"{parent.page}/ouder/toestemming", headers=h) for h in headers))

    for h, r in zip(headers, pages, strict=True):
        english = h is ENGLISH
        assert ('<html lang="en"' in r.text) is english
        assert ("Yes, I give consent" in r.text) is english
        assert ("Ja, ik geef toestemming" in r.text) is not english


@pytest.mark.parametrize(
    ("header", "taal"),
    [
        ("en-GB,en;q=0.9,nl;q=0.8", "en"),
        ("de-DE,nl;q=0.5,en;q=0.4", "nl"),
        ("nl;q=0, en", "en"),
        ("en;q=0.2, nl-BE;q=0.7", "nl"),
        ("fr-FR", None),
        ("", None),
        ("en;q=abc", None),
    ],
)
def test_accept_language_picks_the_first_language_we_have(header: str, taal: str | None) -> None:
    assert i18n.uit_accept_language(header, ("nl", "en")) == taal


# The catalogues


def extracted() -> set[str | tuple[str, ...]]:
    """Every text the parents' pages may show, as `pybabel extract -F babel.cfg` finds it."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)  # type: ignore[no-untyped-call]  # babel's parser has no annotations
    return {message for _, _, message, *_ in extract_from_dir(str(ROOT), method_map, options_map)}


def catalogue(taal: str) -> dict[object, Message]:
    with (i18n.LOCALES / taal / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


def translated(message: Message | None) -> bool:
    strings = message.string if message and isinstance(message.string, tuple) else (message and message.string,)
    return message is not None and not message.fuzzy and all(strings)


def test_every_text_of_the_parents_pages_is_in_the_template_and_translated_into_english() -> None:
    texts = extracted()
    with (i18n.LOCALES / "messages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}

    assert texts - template == set(), "run pybabel extract (README: the parents' pages, and their translations)"
    assert {"nl", "en"} <= set(i18n.TALEN) and i18n.TAALNAMEN["en"] == "English"
    for taal in set(i18n.TALEN) - {i18n.BRONTAAL}:  # every catalogue shipped
        vertaald = catalogue(taal)
        untranslated = [t for t in texts if not translated(vertaald.get(t))]
        assert untranslated == [], f"translate these in web/locales/{taal}/LC_MESSAGES/messages.po"


def test_every_value_shown_has_its_words() -> None:
    assert set(woorden.STATUS) == set(Status) and set(woorden.ROLLEN) == set(Rol) and set(woorden.ACTIES) == set(Actie)
    assert (
        set(woorden.DOMEINEN) == set(Domein) and set(woorden.NIVEAUS) == set(Niveau) and set(woorden.EENS) == set(Eens)
    )
    assert set(woorden.PROGRAMMAS) == set(VveProgramma) and set(woorden.INSTRUMENTEN) == set(Instrument)
    assert set(woorden.GRONDEN) == set(OTHER_GROUNDS)
    assert set(COMPLETE_FORM) == set(woorden.FORMULIERDELEN)


def test_the_pages_offer_a_step_only_where_the_lifecycle_allows_it() -> None:
    assert ALLOWED_FROM[Stap.OUDERREACTIE] >= gedeeld.REAGEREN
    assert ALLOWED_FROM[Stap.TOESTEMMING] >= gedeeld.BESLISSEN
    assert ALLOWED_FROM[Stap.SCHOOL_KIEZEN] >= gedeeld.SCHOOL_KIEZEN
    assert ALLOWED_FROM[Stap.INTREKKEN] >= gedeeld.INTREKKEN
