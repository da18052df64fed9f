"""Signing in to the pages through the gemeente's identity provider (OpenID Connect, authorization code
flow with PKCE), against a real provider served on 127.0.0.1 by this test: discovery, a JWKS with a real
RSA key, an authorize endpoint that sends the browser back with a code, and a token endpoint that checks
the client's secret and the PKCE verifier (S256) and answers a signed ID token. The app runs in
production settings: a staff member signs in and sees their start page; a wrong state, a code with
another browser's verifier, a refusal by the provider, an unknown person and a forged ID token (nonce,
audience, issuer, signature, expiry) sign nobody in, each with a page that says why."""

import base64
import hashlib
import secrets
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

import asyncpg
import httpx
import jwt
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from playwright.async_api import Page
from pydantic import SecretStr

from api.app import create_app
from core.settings import Environment, Settings
from overdracht import demo
from tests.browser import assert_accessible

CLIENT_ID = "overdracht-web"
CLIENT_SECRET = "geheim-van-de-client"
PROVIDER_NAME = "Inloggen Almere"
APP = "https://overdracht.test"
LM = demo.LM_USER[demo.REGENBOOG]
LM_NAME = "Karim Benali"
GEEN_ACCOUNT = "U heeft geen account in deze dienst; vraag uw functioneel beheerder."


def bound() -> tuple[socket.socket, str]:
    """A listening socket on a free port of 127.0.0.1 (ours from here: no race for it) and its URL."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextmanager
def serving(app: Any, listener: socket.socket, lifespan: Literal["on", "off"] = "off") -> Iterator[None]:
    """The ASGI app served by uvicorn in a thread of its own (as tests/browser.py's live server)."""
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan=lifespan, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("a test server did not start: see its log above", pytrace=False)
        time.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(15)
        listener.close()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class IdentityProvider:
    """A small OpenID provider for one client. The test says who signs in next (`subject`), or that the
    next authorization fails (`error`), or how the next ID token differs (`changes`, `key`)."""

    def __init__(self, listener_url: str, client_secret: str | None) -> None:
        self.issuer = listener_url
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.subject: str | None = None
        self.error: str | None = None
        self.changes: dict[str, Any] = {}
        self.signing_key: Any = None
        self.codes: dict[str, dict[str, str]] = {}
        self.authorizations: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.refusals: list[str] = []
        self.app = self._build()

    def _build(self) -> FastAPI:
        app = FastAPI()
        jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True), "kid": "k1", "use": "sig"}

        @app.get("/.well-known/openid-configuration")
        async def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }

        @app.get("/jwks")
        async def jwks() -> dict[str, Any]:
            return {"keys": [jwk]}

        @app.get("/authorize")
        async def authorize(request: Request) -> RedirectResponse:
            params = dict(request.query_params)
            self.authorizations.append(params)
            assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
            assert params["code_challenge_method"] == "S256" and "openid" in params["scope"].split()
            back = params["redirect_uri"]
            if self.error:
                return RedirectResponse(f"{back}?{urlencode({'error': self.error, 'state': params['state']})}", 302)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "challenge": params["code_challenge"], "nonce": params["nonce"], "redirect_uri": back,
                "subject": self.subject or "",
            }  # fmt: skip
            query = urlencode({"code": code, "state": params["state"], "iss": self.issuer, "session_state": "x"})
            return RedirectResponse(f"{back}?{query}", 302)

        @app.post("/token")
        async def token(
            request: Request,
            grant_type: str = Form(),
            code: str = Form(),
            redirect_uri: str = Form(),
            code_verifier: str = Form(),
            client_id: str = Form(),
        ) -> JSONResponse:
            self.token_requests.append({"code": code, "client_id": client_id})
            expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{self.client_secret}".encode()).decode()
            if self.client_secret is not None and request.headers.get("authorization") != expected:
                return self._refuse("client", "invalid_client", 401)
            grant = self.codes.pop(code, None)  # a code works once
            if grant_type != "authorization_code" or grant is None or grant["redirect_uri"] != redirect_uri:
                return self._refuse("code", "invalid_grant")
            if b64(hashlib.sha256(code_verifier.encode()).digest()) != grant["challenge"]:
                return self._refuse("pkce", "invalid_grant")
            now = datetime.now(UTC)
            claims = {
                "iss": self.issuer, "sub": grant["subject"], "aud": CLIENT_ID, "azp": CLIENT_ID,
                "nonce": grant["nonce"], "iat": now, "exp": now + timedelta(minutes=5), **self.changes,
            }  # fmt: skip
            claims = {k: v for k, v in claims.items() if v is not None}
            id_token = jwt.encode(claims, self.signing_key or self.key, algorithm="RS256", headers={"kid": "k1"})
            return JSONResponse({"access_token": "ongebruikt", "token_type": "Bearer", "id_token": id_token})

        return app

    def _refuse(self, why: str, error: str, status: int = 400) -> JSONResponse:
        self.refusals.append(why)
        return JSONResponse({"error": error, "error_description": "refused"}, status)

    def reset(self, subject: str | None) -> None:
        self.subject, self.error, self.changes, self.signing_key = subject, None, {}, None
        self.refusals.clear()


@pytest.fixture(scope="module")
def idp() -> Iterator[IdentityProvider]:
    listener, url = bound()
    provider = IdentityProvider(url, CLIENT_SECRET)
    with serving(provider.app, listener):
        yield provider


@pytest.fixture(scope="module")
async def extern_id(pool: asyncpg.Pool) -> AsyncIterator[str]:
    """The locatiemanager of De Regenboog, as the identity provider knows him."""
    value = f"oidc-web-{uuid.uuid4()}"
    await pool.execute("UPDATE gebruikers SET extern_id = $2 WHERE id = $1", LM, value)
    yield value
    await pool.execute("UPDATE gebruikers SET extern_id = NULL WHERE id = $1", LM)


@pytest.fixture(scope="module")
def production(settings: Settings, idp: IdentityProvider) -> Settings:
    return settings.model_copy(
        update={
            "environment": Environment.PRODUCTION,
            "oidc_issuer": idp.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr(CLIENT_SECRET),
            "oidc_provider_name": PROVIDER_NAME,
            "public_base_url": APP,
        }
    )


@pytest.fixture(scope="module")
async def prod_app(production: Settings, pool: asyncpg.Pool) -> AsyncIterator[Any]:
    async with LifespanManager(create_app(production)) as manager:
        yield manager.app


@pytest.fixture
async def visitor(prod_app: Any, idp: IdentityProvider, extern_id: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own (its cookie jar) on the app over HTTPS; the provider signs in the LM next."""
    idp.reset(extern_id)
    transport = httpx.ASGITransport(app=prod_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=APP) as client:
        yield client


async def begin(visitor: httpx.AsyncClient) -> str:
    """The sign-in page's button: the provider's authorize URL the browser is sent to."""
    started = await visitor.get("/aanmelden/oidc")
    assert started.status_code == 303, started.text
    return started.headers["location"]


async def at_provider(authorize_url: str) -> str:
    """The provider's answer to the browser: where it sends it back (path and query on the app)."""
    async with httpx.AsyncClient() as provider_side:
        r = await provider_side.get(authorize_url)
    assert r.status_code == 302, r.text
    back = urlsplit(r.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{APP}/aanmelden/terug"
    return f"{back.path}?{back.query}"


async def through_provider(visitor: httpx.AsyncClient) -> httpx.Response:
    return await visitor.get(await at_provider(await begin(visitor)))


def session_cookie(r: httpx.Response) -> str | None:
    """The session cookie the answer sets (sign-in first deletes an earlier one: not that)."""
    cookies = r.headers.get_list("set-cookie")
    return next((c for c in cookies if c.startswith("overdracht_sessie=") and "Max-Age=0" not in c), None)


async def signed_in_as(visitor: httpx.AsyncClient) -> str | None:
    start = await visitor.get("/")
    return start.text if start.status_code == 200 else None


async def test_a_staff_member_signs_in_through_the_provider_and_sees_their_start_page(
    visitor: httpx.AsyncClient, idp: IdentityProvider
) -> None:
    first = await visitor.get("/")
    assert (first.status_code, first.headers["location"]) == (303, "/aanmelden")
    sign_in_page = await visitor.get("/aanmelden")
    assert sign_in_page.status_code == 200
    assert f'href="/aanmelden/oidc">Aanmelden via {PROVIDER_NAME}</a>' in sign_in_page.text
    assert "Sanne de Vries" not in sign_in_page.text  # no demo users in production

    started = await visitor.get("/aanmelden/oidc")
    assert started.status_code == 303
    authorize = urlsplit(started.headers["location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{idp.issuer}/authorize"
    params = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    # Only the protocol's parameters: nothing about the person, nothing of the verifier.
    assert set(params) == {
        "response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
        "code_challenge_method",
    }  # fmt: skip
    assert params["redirect_uri"] == f"{APP}/aanmelden/terug" and params["scope"] == "openid"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    pending = started.headers["set-cookie"]
    assert pending.startswith("overdracht_aanmelding=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/aanmelden/terug", "Max-Age=600"):
        assert flag in pending, pending

    back = await visitor.get(await at_provider(started.headers["location"]))

    assert (back.status_code, back.headers["location"]) == (303, "/")
    cookie = session_cookie(back)
    assert cookie is not None
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag in cookie, cookie
    assert any(c.startswith('overdracht_aanmelding=""') for c in back.headers.get_list("set-cookie"))  # used once
    assert idp.refusals == [] and idp.token_requests[-1]["client_id"] == CLIENT_ID
    start = await signed_in_as(visitor)
    assert start is not None and LM_NAME in start and "Wat moet ik doen" in start


async def test_a_callback_with_another_state_is_refused_before_the_code_is_used(
    visitor: httpx.AsyncClient, idp: IdentityProvider
) -> None:
    callback = await at_provider(await begin(visitor))
    asked = len(idp.token_requests)
    forged = callback.replace("state=", "state=x")

    refused = await visitor.get(forged)

    assert refused.status_code == 400
    assert "Aanmelden is niet gelukt" in refused.text and "Deze aanmelding is verlopen" in refused.text
    assert "Traceback" not in refused.text and session_cookie(refused) is None
    assert len(idp.token_requests) == asked  # the code never went to the provider
    # The pending sign-in is gone with it: the right state does not work afterwards either.
    assert (await visitor.get(callback)).status_code == 400
    assert await signed_in_as(visitor) is None


async def test_a_callback_without_the_pending_cookie_is_refused(
    visitor: httpx.AsyncClient, prod_app: Any, idp: IdentityProvider
) -> None:
    callback = await at_provider(await begin(visitor))
    transport = httpx.ASGITransport(app=prod_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=APP) as other_browser:
        refused = await other_browser.get(callback)
        tampered = await other_browser.get(callback, headers={"Cookie": "overdracht_aanmelding=e30.AAAA"})
    assert refused.status_code == tampered.status_code == 400
    assert "Deze aanmelding is verlopen" in refused.text


async def test_a_code_from_another_browser_fails_at_the_provider_on_the_pkce_verifier(
    visitor: httpx.AsyncClient, prod_app: Any, idp: IdentityProvider
) -> None:
    """An authorization code injected into another browser's sign-in (with that browser's own state):
    its code_verifier does not match the code's challenge, so the provider refuses the exchange."""
    victim_state = parse_qs(urlsplit(await begin(visitor)).query)["state"][0]
    transport = httpx.ASGITransport(app=prod_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=APP) as attacker:
        attackers_callback = await at_provider(await begin(attacker))
    code = parse_qs(urlsplit(attackers_callback).query)["code"][0]

    refused = await visitor.get("/aanmelden/terug?" + urlencode({"code": code, "state": victim_state}))

    assert idp.refusals[-1] == "pkce"
    assert refused.status_code == 401
    assert "Aanmelden is niet gelukt" in refused.text and "heeft de aanmelding niet bevestigd" in refused.text
    assert session_cookie(refused) is None and await signed_in_as(visitor) is None


async def test_a_person_the_service_does_not_know_gets_a_page_that_says_so(
    visitor: httpx.AsyncClient, idp: IdentityProvider
) -> None:
    idp.reset(f"onbekend-{uuid.uuid4()}")

    refused = await through_provider(visitor)

    assert refused.status_code == 403
    assert "Geen account" in refused.text and GEEN_ACCOUNT in refused.text
    assert session_cookie(refused) is None and await signed_in_as(visitor) is None


@pytest.mark.parametrize("error", ["access_denied", "server_error"])
async def test_a_refusal_by_the_provider_is_a_dutch_page(
    visitor: httpx.AsyncClient, idp: IdentityProvider, error: str
) -> None:
    idp.error = error

    refused = await through_provider(visitor)

    assert refused.status_code == 401
    assert "Aanmelden is niet gelukt" in refused.text and "Traceback" not in refused.text
    assert ("afgebroken" in refused.text) == (error == "access_denied")
    assert f'href="/aanmelden/oidc">Aanmelden via {PROVIDER_NAME}' in refused.text  # try again from here
    assert await signed_in_as(visitor) is None


FORGED_ID_TOKENS: dict[str, dict[str, Any]] = {
    "another nonce": {"nonce": "een-andere-nonce"},
    "no nonce": {"nonce": None},
    "another audience": {"aud": "another-client", "azp": None},
    "our audience among others, issued to another party": {
        "aud": [CLIENT_ID, "another-client"],
        "azp": "another-client",
    },
    "another issuer": {"iss": "https://elders.example"},
    "expired": {"iat": datetime.now(UTC) - timedelta(hours=2), "exp": datetime.now(UTC) - timedelta(hours=1)},
    "no user claim": {"sub": None},
}


@pytest.mark.parametrize("what", [*FORGED_ID_TOKENS, "signed by a stranger's key"])
async def test_an_id_token_that_is_not_for_this_sign_in_is_refused(
    visitor: httpx.AsyncClient, idp: IdentityProvider, what: str
) -> None:
    if what in FORGED_ID_TOKENS:
        idp.changes = FORGED_ID_TOKENS[what]
    else:
        idp.signing_key = idp.stranger

    refused = await through_provider(visitor)

    assert idp.refusals == []  # the provider gave it: our service refuses it
    assert refused.status_code == 401, refused.text
    assert "Aanmelden is niet gelukt" in refused.text
    assert session_cookie(refused) is None and await signed_in_as(visitor) is None


async def test_without_a_configured_provider_production_says_sign_in_is_not_set_up(
    production: Settings, pool: asyncpg.Pool
) -> None:
    unconfigured = production.model_copy(update={"oidc_client_id": None})
    async with LifespanManager(create_app(unconfigured)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url=APP) as client:
            page = await client.get("/aanmelden")
            start = await client.get("/aanmelden/oidc")
    assert page.status_code == 503 and "nog niet ingesteld" in page.text and "/aanmelden/oidc" not in page.text
    assert start.status_code == 404


@pytest.fixture(scope="module")
def public_idp() -> Iterator[IdentityProvider]:
    """The same provider for a public client: no secret, PKCE only."""
    listener, url = bound()
    provider = IdentityProvider(url, None)
    with serving(provider.app, listener):
        yield provider


async def test_in_development_the_sign_in_page_offers_the_provider_beside_the_demo_users(
    settings: Settings, pool: asyncpg.Pool, public_idp: IdentityProvider, extern_id: str
) -> None:
    public_idp.reset(extern_id)
    development = settings.model_copy(
        update={"oidc_issuer": public_idp.issuer, "oidc_client_id": CLIENT_ID, "public_base_url": APP}
    )
    async with LifespanManager(create_app(development)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url=APP) as visitor:
            sign_in_page = await visitor.get("/aanmelden")
            back = await through_provider(visitor)
            start = await signed_in_as(visitor)
    assert (
        "Sanne de Vries" in sign_in_page.text
        and 'href="/aanmelden/oidc">Aanmelden via uw gemeente' in sign_in_page.text
    )
    assert back.status_code == 303 and public_idp.refusals == []  # a public client: PKCE, no secret
    cookie = session_cookie(back)
    assert cookie is not None and "Secure" not in cookie  # development runs on plain HTTP
    assert start is not None and LM_NAME in start


async def test_in_chromium_a_staff_member_signs_in_through_the_provider(
    settings: Settings, pool: asyncpg.Pool, public_idp: IdentityProvider, extern_id: str, page: Page
) -> None:
    """The whole way in a browser, in production (chromium keeps a Secure cookie of 127.0.0.1 over
    plain HTTP), with a public client: the sign-in page is accessible, its button goes to the provider,
    which sends the browser back signed in."""
    public_idp.reset(extern_id)
    listener, base = bound()
    production = settings.model_copy(
        update={
            "environment": Environment.PRODUCTION,
            "oidc_issuer": public_idp.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_provider_name": PROVIDER_NAME,
            "public_base_url": base,
        }
    )
    with serving(create_app(production), listener, lifespan="on"):
        await page.goto(f"{base}/")
        await page.get_by_role("heading", name="Aanmelden", exact=True).wait_for()
        await assert_accessible(page)

        await page.get_by_role("link", name=f"Aanmelden via {PROVIDER_NAME}").click()

        await page.get_by_role("heading", name="Wat moet ik doen").wait_for()
        assert page.url == f"{base}/"
        assert await page.get_by_text(LM_NAME).count() >= 1
        [cookie] = await page.context.cookies()  # the pending sign-in's cookie is gone
        assert cookie["name"] == "overdracht_sessie"
        assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (True, True, "Lax")
