"""The beheerder's pages of the gemeente's people (/beheer/mensen), over HTTP against the real app: the
list per role with where each works, filtered; inviting with a role and several locations (bad input
comes back with what was typed and a message per field); a person's page to change the role and
locations and to deactivate (their session ends at once); the pages' own permission matrix (only the
beheerder, only their gemeente's people). And the invited person's way in (/uitnodiging): in
development the link signs them in directly, once; in production it goes through the identity
provider, whose subject is bound to the account once (a subject bound elsewhere cannot take it)."""

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from api.app import create_app
from core.settings import Environment, Settings
from db import gebruikers as db_gebruikers
from overdracht import demo
from tests.conftest import Login, app_client
from tests.test_gebruikers import NAMEN, B, Elders, R, Z, address, ensure_organisations, invite, make_elders, mint
from tests.test_web_oidc import (
    APP,
    CLIENT_ID,
    CLIENT_SECRET,
    PROVIDER_NAME,
    IdentityProvider,
    at_provider,
    bound,
    serving,
    session_cookie,
)

BEHEERDER = demo.STAFF_USERS[10].id


@pytest.fixture(scope="module", autouse=True)
async def organisations(pool: asyncpg.Pool) -> None:
    await ensure_organisations(pool)


ORIGIN = {"Origin": "http://test"}


class Browser:
    """One browser (its cookie jar) on the app, signed in as someone; `csrf` from the last page."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.csrf = ""

    async def sign_in(self, gebruiker_id: UUID) -> httpx.Response:
        return await self.client.post("/aanmelden", data={"gebruikerId": str(gebruiker_id)}, headers=ORIGIN)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        r = await self.client.get(path, params=params) if params else await self.client.get(path)
        if found := re.search(r'name="csrf" value="([^"]+)"', r.text):
            self.csrf = found[1]
        return r

    async def post(self, path: str, data: dict[str, Any] | list[tuple[str, str]]) -> httpx.Response:
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        form: dict[str, list[str]] = {"csrf": [self.csrf]}
        for naam, waarde in fields:
            form.setdefault(naam, []).append(waarde)
        return await self.client.post(path, data=form, headers=ORIGIN)


@pytest.fixture
async def browsers(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[list[Browser]]:
    """Two browsers of their own: the beheerder's, and another person's."""
    async with app_client(settings) as one, app_client(settings) as other:
        yield [Browser(one), Browser(other)]


@pytest.fixture(scope="module")
async def elders(pool: asyncpg.Pool) -> Elders:
    return await make_elders(pool)


def text(html: str) -> str:
    """The page's text without its tags, whitespace collapsed (to read what a person reads)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# The list, and inviting


async def test_the_beheerder_sees_who_has_which_role_and_filters_it(browsers: list[Browser]) -> None:
    beheer = browsers[0]
    await beheer.sign_in(BEHEERDER)

    start = await beheer.get("/beheer")
    assert 'href="/beheer/mensen"' in start.text and "Mensen en rollen" in start.text
    page = await beheer.get("/beheer/mensen")

    assert page.status_code == 200
    shown = text(page.text)
    for heading in (
        "Pedagogisch medewerker (",
        "Locatiemanager (",
        "School (",
        "Coördinator (",
        "Functioneel beheer (",
    ):
        assert heading in shown, heading
    assert "Sanne de Vries" in shown and "Peuteropvang De Boomhut" in shown and "De hele gemeente" in shown
    assert "Ouder van" not in shown  # parents are no staff
    filtered = text((await beheer.get("/beheer/mensen", rol="school", school=str(demo.STER))).text)
    assert "Marieke Smit (IB)" in filtered and "Hanneke Verbeek (directie)" in filtered
    assert "Joost de Boer (IB)" not in filtered and "Sanne de Vries" not in filtered
    # A value that is none of the choices (an edited link) filters nothing away and breaks nothing.
    odd = await beheer.get("/beheer/mensen", locatie="geen-id", rol="ouder")
    assert odd.status_code == 200 and "Sanne de Vries" in odd.text


async def test_a_refused_invitation_comes_back_with_what_was_typed_and_why(
    browsers: list[Browser], pool: asyncpg.Pool
) -> None:
    beheer = browsers[0]
    await beheer.sign_in(BEHEERDER)
    await beheer.get("/beheer/mensen/uitnodigen")

    r = await beheer.post("/beheer/mensen/uitnodigen", {"naam": "Fatima Twee Locaties", "email": "fatima@", "rol": ""})

    assert r.status_code == 400
    assert 'value="Fatima Twee Locaties"' in r.text and 'value="fatima@"' in r.text
    assert 'href="#veld-rol"' in r.text and "Kies een rol." in r.text

    form = [("naam", "Fatima Twee Locaties"), ("email", "fatima@"), ("rol", "pedagogisch_medewerker"),
            ("locatieIds", str(B))]  # fmt: skip
    r = await beheer.post("/beheer/mensen/uitnodigen", form)
    assert r.status_code == 400 and 'href="#veld-email"' in r.text and "geldig e-mailadres" in r.text
    assert re.search(rf'value="{B}"\s+checked', r.text)  # the ticked location stays ticked

    form = [("naam", "Fatima Twee Locaties"), ("email", address()), ("rol", "pedagogisch_medewerker")]
    r = await beheer.post("/beheer/mensen/uitnodigen", form)
    assert r.status_code == 400 and 'href="#veld-locatieIds"' in r.text and "Kies ten minste één locatie." in r.text
    assert await pool.fetchval("SELECT count(*) FROM gebruikers WHERE naam = 'Fatima Twee Locaties'") == 0


async def test_invited_changed_and_deactivated_through_the_pages_and_their_session_ends_at_once(
    browsers: list[Browser], pool: asyncpg.Pool
) -> None:
    beheer, pm = browsers
    await beheer.sign_in(BEHEERDER)
    await beheer.get("/beheer/mensen/uitnodigen")
    email = address()

    made = await beheer.post(
        "/beheer/mensen/uitnodigen",
        [("naam", "Fatima Twee Locaties"), ("email", email), ("rol", "pedagogisch_medewerker"),
         ("locatieIds", str(B)), ("locatieIds", str(Z))],
    )  # fmt: skip

    assert made.status_code == 303, made.text
    location = made.headers["location"]
    assert re.fullmatch(r"/beheer/mensen/[0-9a-f-]{36}\?gedaan=mens-uitgenodigd", location)
    gebruiker_id = UUID(location.split("/")[3].split("?")[0])
    person = await beheer.get(location)
    shown = text(person.text)
    assert "De uitnodiging is verstuurd" in shown and "Fatima Twee Locaties" in shown
    assert f"{NAMEN[Z]}, {NAMEN[B]}" in shown and "uitgenodigd" in shown
    listed = text((await beheer.get("/beheer/mensen", locatie=str(Z))).text)
    assert "Fatima Twee Locaties" in listed

    # She signs in (development) and works at both locations; one is taken away.
    assert (await pm.sign_in(gebruiker_id)).status_code == 303
    assert (await pm.get("/")).status_code == 200
    changed = await beheer.post(
        f"/beheer/mensen/{gebruiker_id}/rol", [("rol", "pedagogisch_medewerker"), ("locatieIds", str(B))]
    )
    assert (changed.status_code, changed.headers["location"]) == (
        303,
        f"/beheer/mensen/{gebruiker_id}?gedaan=mens-gewijzigd",
    )
    rows = await pool.fetch("SELECT locatie_id FROM gebruiker_locaties WHERE gebruiker_id = $1", gebruiker_id)
    assert [r["locatie_id"] for r in rows] == [B]
    refused = await beheer.post(f"/beheer/mensen/{gebruiker_id}/rol", [("rol", "coordinator"), ("locatieIds", str(B))])
    assert refused.status_code == 400 and "Alleen een pedagogisch medewerker of locatiemanager" in refused.text

    await beheer.get(f"/beheer/mensen/{gebruiker_id}")
    gone = await beheer.post(f"/beheer/mensen/{gebruiker_id}/deactiveren", {})

    assert gone.headers["location"] == f"/beheer/mensen/{gebruiker_id}?gedaan=mens-gedeactiveerd"
    after = text((await beheer.get(gone.headers["location"])).text)
    assert "Het account is gedeactiveerd" in after and "Account weer activeren" in after
    # Her next request: the sign-in page; her session is gone, and she cannot sign in again.
    signed_out = await pm.get("/")
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/aanmelden")
    assert await pool.fetchval("SELECT count(*) FROM web_sessies WHERE gebruiker_id = $1", gebruiker_id) == 0
    assert (await pm.sign_in(gebruiker_id)).status_code == 404
    assert "Fatima Twee Locaties" not in (await pm.get("/aanmelden")).text


async def test_the_beheerder_cannot_change_themselves_on_their_page(browsers: list[Browser]) -> None:
    beheer = browsers[0]
    await beheer.sign_in(BEHEERDER)
    own = await beheer.get(f"/beheer/mensen/{BEHEERDER}")
    assert "Dit bent u zelf" in own.text and "/deactiveren" not in own.text
    r = await beheer.post(f"/beheer/mensen/{BEHEERDER}/deactiveren", {})
    assert r.status_code == 409 and "een andere functioneel beheerder" in r.text


# Who may see these pages


@pytest.mark.parametrize(
    "who",
    [demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT], demo.SCHOOL_USER[demo.STER], demo.COORDINATOR],
    ids=["pm", "lm", "school", "coordinator"],
)
async def test_only_the_beheerder_reaches_the_people_pages(browsers: list[Browser], who: UUID) -> None:
    other = browsers[1]
    await other.sign_in(who)
    for path in ("/beheer/mensen", "/beheer/mensen/uitnodigen", f"/beheer/mensen/{demo.PM_USER[demo.ZONNETJE]}"):
        r = await other.get(path)
        assert r.status_code == 403, path
        assert "Lotte Bakker" not in r.text and "Esther Dekker" not in r.text
    before = await other.get("/")
    r = await other.post(f"/beheer/mensen/{demo.PM_USER[demo.ZONNETJE]}/deactiveren", {})
    assert r.status_code == 403 and before.status_code == 200


async def test_without_signing_in_the_people_pages_lead_to_the_sign_in_page(browsers: list[Browser]) -> None:
    anonymous = browsers[1]
    for path in ("/beheer/mensen", f"/beheer/mensen/{demo.PM_USER[demo.BOOMHUT]}"):
        r = await anonymous.get(path)
        assert (r.status_code, r.headers["location"]) == (303, "/aanmelden")


async def test_another_gemeentes_beheerder_finds_none_of_almeres_people(
    browsers: list[Browser], pool: asyncpg.Pool, elders: Elders
) -> None:
    anders = browsers[1]
    await anders.sign_in(elders.beheerder)
    listing = text((await anders.get("/beheer/mensen")).text)
    assert "PM Anders" in listing and "Sanne de Vries" not in listing and "Boomhut" not in listing
    page = await anders.get(f"/beheer/mensen/{demo.PM_USER[demo.BOOMHUT]}")
    assert page.status_code == 404 and "Sanne de Vries" not in page.text
    await anders.get(f"/beheer/mensen/{elders.pm}")
    for path, form in (
        (f"/beheer/mensen/{demo.PM_USER[demo.BOOMHUT]}/deactiveren", {}),
        (f"/beheer/mensen/{demo.PM_USER[demo.BOOMHUT]}/rol", {"rol": "beheerder"}),
    ):
        assert (await anders.post(path, form)).status_code == 404
    stored = await pool.fetchrow(
        "SELECT rol, gedeactiveerd_op FROM gebruikers WHERE id = $1", demo.PM_USER[demo.BOOMHUT]
    )
    assert stored is not None and tuple(stored) == ("pedagogisch_medewerker", None)
    # Its invitation form offers its own locations only.
    offered = (await anders.get("/beheer/mensen/uitnodigen")).text
    assert "Peuteropvang Anders" in offered and "Boomhut" not in offered


# The invited person's way in: development


async def test_in_development_the_link_signs_the_invited_person_in_once(
    browsers: list[Browser], api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    made = await invite(api, await login(BEHEERDER), naam="Daan Uitgenodigd", rol="pedagogisch_medewerker",
                        locatieIds=[str(B), str(Z)])  # fmt: skip
    code = await mint(pool, UUID(made["id"]))
    invited = browsers[1]

    followed = await invited.get("/uitnodiging", code=code)

    # The code leaves the address at once, into a cookie of these pages only.
    assert (followed.status_code, followed.headers["location"]) == (303, "/uitnodiging")
    cookie = followed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/uitnodiging" in cookie and "SameSite=lax" in cookie
    welcome = await invited.get("/uitnodiging")
    assert welcome.status_code == 200 and code not in welcome.text
    assert "Welkom, Daan Uitgenodigd" in welcome.text and "pedagogisch medewerker" in welcome.text
    forged = await invited.client.post("/uitnodiging", headers={"Origin": "https://elders.example"})
    assert forged.status_code == 403

    accepted = await invited.client.post("/uitnodiging", headers=ORIGIN)

    assert (accepted.status_code, accepted.headers["location"]) == (303, "/")
    start = await invited.get("/")
    assert start.status_code == 200 and "Daan Uitgenodigd" in start.text
    stored = await pool.fetchrow("SELECT aangemeld_op, extern_id FROM gebruikers WHERE id = $1", UUID(made["id"]))
    assert stored is not None and stored["aangemeld_op"] is not None and stored["extern_id"] is None
    audit = await pool.fetchrow(
        "SELECT actie, grondslag, gebruiker_id FROM audit_log WHERE onderwerp = $1 AND actie = 'aanmelden'",
        f"gebruiker:{made['id']}",
    )
    assert audit is not None and tuple(audit) == ("aanmelden", "Uitnodiging", UUID(made["id"]))

    # Used: the same link again (another browser) says it no longer works, and signs nobody in.
    again = browsers[0]
    assert (await again.get("/uitnodiging", code=code)).status_code == 303
    shown = await again.get("/uitnodiging")
    assert shown.status_code == 401 and "Deze uitnodiging werkt niet" in shown.text
    refused = await again.client.post("/uitnodiging", headers=ORIGIN)
    assert refused.status_code == 401 and "Deze uitnodiging werkt niet" in refused.text
    assert session_cookie(refused) is None and (await again.get("/")).status_code == 303
    await again.get("/uitnodiging", code="onbekend")
    assert (await again.get("/uitnodiging")).status_code == 401


# The invited person's way in: production, through the identity provider


@pytest.fixture(scope="module")
def idp() -> Any:
    listener, url = bound()
    provider = IdentityProvider(url, CLIENT_SECRET)
    with serving(provider.app, listener):
        yield provider


@pytest.fixture(scope="module")
async def prod_app(settings: Settings, idp: IdentityProvider, pool: asyncpg.Pool) -> AsyncIterator[Any]:
    production = settings.model_copy(
        update={
            "environment": Environment.PRODUCTION, "oidc_issuer": idp.issuer, "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr(CLIENT_SECRET), "oidc_provider_name": PROVIDER_NAME, "public_base_url": APP,
        }
    )  # fmt: skip
    async with LifespanManager(create_app(production)) as manager:
        yield manager.app


@pytest.fixture
async def visitor(prod_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=prod_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=APP) as client:
        yield client


async def follow_invitation(visitor: httpx.AsyncClient, code: str) -> httpx.Response:
    """The link from the mail, its page's button, the provider: the app's answer to the way back."""
    assert (await visitor.get("/uitnodiging", params={"code": code})).status_code == 303
    page = await visitor.get("/uitnodiging")
    assert page.status_code == 200 and f"Aanmelden via {PROVIDER_NAME}" in page.text, page.text
    on = await visitor.post("/uitnodiging", headers={"Origin": APP})
    assert (on.status_code, on.headers["location"]) == (303, "/aanmelden/oidc"), on.text
    assert any("Path=/aanmelden/terug" in c and "Secure" in c for c in on.headers.get_list("set-cookie"))
    started = await visitor.get("/aanmelden/oidc")
    assert started.status_code == 303
    return await visitor.get(await at_provider(started.headers["location"]))


async def test_in_production_the_first_sign_in_binds_the_providers_subject_once(
    visitor: httpx.AsyncClient, idp: IdentityProvider, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    made = await invite(api, await login(BEHEERDER), naam="Eva Eerste Keer", rol="locatiemanager",
                        locatieIds=[str(R)])  # fmt: skip
    gebruiker_id = UUID(made["id"])
    code = await mint(pool, gebruiker_id)
    subject = f"oidc-uitnodiging-{uuid.uuid4()}"
    idp.reset(subject)

    back = await follow_invitation(visitor, code)

    assert (back.status_code, back.headers["location"]) == (303, "/"), back.text
    assert session_cookie(back) is not None
    assert any(c.startswith('overdracht_uitnodiging=""') for c in back.headers.get_list("set-cookie"))
    assert await pool.fetchval("SELECT extern_id FROM gebruikers WHERE id = $1", gebruiker_id) == subject
    assert "Eva Eerste Keer" in (await visitor.get("/")).text
    # From now on the provider alone signs her in; the link is spent.
    assert await db_gebruikers.invitation(pool, code) is None
    visitor.cookies.clear()
    idp.reset(subject)
    started = await visitor.get("/aanmelden/oidc")
    again = await visitor.get(await at_provider(started.headers["location"]))
    assert (again.status_code, again.headers["location"]) == (303, "/")


async def test_a_subject_bound_to_another_account_cannot_take_an_invitation(
    visitor: httpx.AsyncClient,
    idp: IdentityProvider,
    api: httpx.AsyncClient,
    pool: asyncpg.Pool,
    login: Login,
    elders: Elders,
) -> None:
    """Not for another gemeente's account either: the person who signs in as Andersdorp's PM'er cannot
    use Almere's invitation (the invitation stays as it was, for the right person)."""
    made = await invite(api, await login(BEHEERDER), rol="beheerder")
    code = await mint(pool, UUID(made["id"]))
    elsewhere = f"oidc-anders-{uuid.uuid4()}"
    await pool.execute("UPDATE gebruikers SET extern_id = $2 WHERE id = $1", elders.pm, elsewhere)
    idp.reset(elsewhere)

    back = await follow_invitation(visitor, code)

    assert back.status_code == 403 and session_cookie(back) is None
    assert "hoort al bij een ander account" in back.text
    assert await pool.fetchval("SELECT extern_id FROM gebruikers WHERE id = $1", UUID(made["id"])) is None
    assert await db_gebruikers.invitation(pool, code) is not None  # still there for its own person
