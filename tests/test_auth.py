"""Sign-in through OpenID Connect against a real JWKS endpoint on 127.0.0.1: a token the provider
signed is accepted; a wrong audience or issuer, an expired token, a stranger's key, `alg: none` and
HS256 "signed" with the public key are refused; in production the development tokens are gone."""

import base64
import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import jwt
import pytest
from jwt.algorithms import has_crypto

from core.settings import Environment, Settings
from overdracht import demo
from services import auth
from tests.conftest import Login, app_client, free_port
from tests.happy_path import place_child
from tests.helpers import assert_problem

# RS256 and ES256 need the `cryptography` package (PyJWT's crypto extra), to verify and to make keys.
needs_crypto = pytest.mark.skipif(not has_crypto, reason="the 'cryptography' package is not installed")

PM = demo.PM_USER[demo.BOOMHUT]


class JwksServer:
    """A tiny identity provider: one RSA and one EC key, their public halves served as a JWKS."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        keys = [
            {**jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa.public_key(), as_dict=True), "kid": "rsa-1", "use": "sig"},
            {**jwt.algorithms.ECAlgorithm.to_jwk(self.ec.public_key(), as_dict=True), "kid": "ec-1", "use": "sig"},
        ]
        body = json.dumps({"keys": keys}).encode()
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
                server.requests += 1
                if self.path != "/.well-known/jwks.json":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> "JwksServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def public_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.rsa.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@pytest.fixture(scope="module")
def idp() -> Iterator[JwksServer]:
    if not has_crypto:
        pytest.skip("the 'cryptography' package is not installed")
    with JwksServer() as server:
        yield server


@pytest.fixture(scope="module")
async def extern_id(pool: asyncpg.Pool) -> AsyncIterator[str]:
    """The PM of De Boomhut as the identity provider knows her."""
    value = f"oidc-{uuid.uuid4()}"
    await pool.execute("UPDATE gebruikers SET extern_id = $2 WHERE id = $1", PM, value)
    yield value
    await pool.execute("UPDATE gebruikers SET extern_id = NULL WHERE id = $1", PM)


@pytest.fixture(scope="module")
async def oidc_api(settings: Settings, idp: JwksServer, api: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings.model_copy(update={"oidc_issuer": idp.issuer})) as client:
        yield client


@pytest.fixture(scope="module")
async def prod_api(settings: Settings, idp: JwksServer, api: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    production = settings.model_copy(update={"oidc_issuer": idp.issuer, "environment": Environment.PRODUCTION})
    async with app_client(production) as client:
        yield client


def claims(idp: JwksServer, subject: str, **changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    base = {"iss": idp.issuer, "aud": "overdracht-api", "sub": subject, "iat": now, "exp": now + timedelta(minutes=5)}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def rs256(idp: JwksServer, payload: dict[str, Any], key: Any = None, kid: str = "rsa-1") -> str:
    return jwt.encode(payload, key or idp.rsa, algorithm="RS256", headers={"kid": kid})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def handmade(header: dict[str, Any], payload: dict[str, Any], sign: Any = None) -> str:
    """A token PyJWT would refuse to make: `none`, or HS256 keyed with a public key."""
    payload = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in payload.items()}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(sign(signing_input.encode())) if sign else ''}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def opened(api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool, locatie_id: UUID) -> str:
    kind_id, _ = await place_child(pool, locatie_id=locatie_id)
    r = await api.post("/v1/overdrachten", headers=await login(demo.PM_USER[locatie_id]), json={"kindId": str(kind_id)})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@needs_crypto
async def test_a_token_of_the_provider_signs_in_its_user_within_their_scope(
    oidc_api: httpx.AsyncClient, api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool, idp: JwksServer,
    extern_id: str,
) -> None:  # fmt: skip
    own = await opened(api, login, pool, demo.BOOMHUT)
    elsewhere = await opened(api, login, pool, demo.ZONNETJE)
    ec_signed = jwt.encode(claims(idp, extern_id), idp.ec, algorithm="ES256", headers={"kid": "ec-1"})

    for token in (rs256(idp, claims(idp, extern_id)), ec_signed):
        r = await oidc_api.get("/v1/overdrachten", headers=bearer(token), params={"pageSize": 100})
        assert r.status_code == 200, r.text
        assert r.json()["resultaten"]
        assert {o["locatie"]["id"] for o in r.json()["resultaten"]} == {str(demo.BOOMHUT)}
        assert (await oidc_api.get(f"/v1/overdrachten/{own}", headers=bearer(token))).status_code == 200
        assert_problem(await oidc_api.get(f"/v1/overdrachten/{elsewhere}", headers=bearer(token)), 404)


@needs_crypto
async def test_the_key_set_is_fetched_once_and_kept(
    oidc_api: httpx.AsyncClient, idp: JwksServer, extern_id: str
) -> None:
    token = rs256(idp, claims(idp, extern_id))
    assert (await oidc_api.get("/v1/overdrachten", headers=bearer(token))).status_code == 200
    before = idp.requests

    for _ in range(3):
        assert (await oidc_api.get("/v1/overdrachten", headers=bearer(token))).status_code == 200

    assert idp.requests == before


def forged(idp: JwksServer, extern_id: str) -> dict[str, str]:
    """Tokens for a known user that must all be refused, by what is wrong with them."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    past = datetime.now(UTC) - timedelta(hours=1)
    header = {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}
    return {
        "wrong audience": rs256(idp, claims(idp, extern_id, aud="another-api")),
        "no audience": rs256(idp, claims(idp, extern_id, aud=None)),
        "wrong issuer": rs256(idp, claims(idp, extern_id, iss="http://127.0.0.1:1")),
        "issuer with a trailing slash": rs256(idp, claims(idp, extern_id, iss=idp.issuer + "/")),
        "expired": rs256(idp, claims(idp, extern_id, iat=past - timedelta(minutes=5), exp=past)),
        "not yet valid": rs256(idp, claims(idp, extern_id, nbf=datetime.now(UTC) + timedelta(hours=1))),
        "no expiry": rs256(idp, claims(idp, extern_id, exp=None)),
        "signed by a stranger's key": rs256(idp, claims(idp, extern_id), key=idp.stranger),
        "signed by a key of no kid we know": rs256(
            idp, claims(idp, extern_id), key=rsa.generate_private_key(public_exponent=65537, key_size=2048), kid="x"
        ),
        "alg none": handmade({"alg": "none", "typ": "JWT", "kid": "rsa-1"}, claims(idp, extern_id)),
        "HS256 keyed with the public key": handmade(
            header, claims(idp, extern_id), lambda data: hmac.new(idp.public_pem(), data, hashlib.sha256).digest()
        ),
        "RS256 header on the EC key": rs256(idp, claims(idp, extern_id), kid="ec-1"),
        "no user claim": rs256(idp, claims(idp, extern_id, sub=None)),
        "an unknown subject": rs256(idp, claims(idp, f"oidc-{uuid.uuid4()}")),
        "tampered payload": (lambda t: ".".join([t.split(".")[0], b64(b'{"sub":"x"}'), t.split(".")[2]]))(
            rs256(idp, claims(idp, extern_id))
        ),
    }


@needs_crypto
async def test_every_forged_or_stale_token_is_401_with_one_answer(
    oidc_api: httpx.AsyncClient, idp: JwksServer, extern_id: str
) -> None:
    details = {}
    for what, token in forged(idp, extern_id).items():
        r = await oidc_api.get("/v1/overdrachten", headers=bearer(token))
        assert r.status_code == 401, f"{what}: {r.status_code} {r.text}"
        details[what] = assert_problem(r, 401)["detail"]

    assert len(set(details.values())) == 1, details  # nothing tells which check failed
    assert "ongeldig of verlopen" in next(iter(details.values()))


@needs_crypto
async def test_an_unreachable_key_set_is_503_not_401(
    settings: Settings, api: httpx.AsyncClient, extern_id: str
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    issuer = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    token = jwt.encode(
        {"iss": issuer, "aud": "overdracht-api", "sub": extern_id, "exp": now + timedelta(minutes=5)},
        key, algorithm="RS256", headers={"kid": "k"},
    )  # fmt: skip

    async with app_client(settings.model_copy(update={"oidc_issuer": issuer})) as client:
        assert_problem(await client.get("/v1/overdrachten", headers=bearer(token)), 503)


@needs_crypto
async def test_in_production_only_the_provider_signs_in(
    prod_api: httpx.AsyncClient, settings: Settings, idp: JwksServer, extern_id: str
) -> None:
    assert_problem(await prod_api.post("/v1/dev/tokens", json={"gebruikerId": str(PM)}), 404)
    dev_token, _ = auth.issue_dev_token(settings, PM)
    assert_problem(await prod_api.get("/v1/overdrachten", headers=bearer(dev_token)), 401)

    r = await prod_api.get("/v1/overdrachten", headers=bearer(rs256(idp, claims(idp, extern_id))))
    assert r.status_code == 200, r.text


async def test_in_production_without_a_provider_a_dev_token_is_401(settings: Settings, api: httpx.AsyncClient) -> None:
    production = settings.model_copy(update={"environment": Environment.PRODUCTION})
    dev_token, _ = auth.issue_dev_token(settings, PM)

    async with app_client(production) as client:
        assert_problem(await client.post("/v1/dev/tokens", json={"gebruikerId": str(PM)}), 404)
        assert_problem(await client.get("/v1/overdrachten", headers=bearer(dev_token)), 401)


async def test_outside_production_dev_tokens_still_work_beside_the_provider(
    settings: Settings, api: httpx.AsyncClient
) -> None:
    dev_token, _ = auth.issue_dev_token(settings, PM)

    async with app_client(settings.model_copy(update={"oidc_issuer": "http://127.0.0.1:1"})) as client:
        assert (await client.get("/v1/overdrachten", headers=bearer(dev_token))).status_code == 200
