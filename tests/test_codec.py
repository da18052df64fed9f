"""The payload codec (core/codec.py) and its endpoint for the Temporal web UI (/v1/codec): what the
engine stores is encrypted, tampering and unknown keys are refused, keys rotate, and only a beheerder
can have payloads decrypted."""

import base64
import json
import os
from datetime import date
from typing import Any

import httpx
import pytest
from google.protobuf import json_format
from pydantic import BaseModel, SecretStr
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError

from core.codec import (
    DEVELOPMENT_KEY_ID,
    ENCODING,
    KEY_ID_METADATA,
    EncryptionCodec,
    PayloadDecryptionError,
    PayloadKeyError,
)
from core.settings import Environment, Settings
from core.temporal import data_converter
from overdracht import demo
from schemas.overdracht import Rol
from tests.conftest import Login
from tests.helpers import PROBLEM

KEY_A, KEY_B = os.urandom(32), os.urandom(32)
SECRET = "Vertrouwelijk-Zebediah"
BEHEERDER = next(u.id for u in demo.STAFF_USERS if u.rol is Rol.BEHEERDER)
UI_ORIGIN = "http://127.0.0.1:8233"


def plain(text: str = SECRET) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps({"naam": text}).encode())


def b64(key: bytes) -> SecretStr:
    return SecretStr(base64.b64encode(key).decode())


def settings_with(keys: dict[str, bytes | str], active: str | None = None) -> Settings:
    as_secret = {k: b64(v) if isinstance(v, bytes) else SecretStr(v) for k, v in keys.items()}
    return Settings(environment=Environment.TEST, payload_keys=as_secret, payload_key_id=active)


# The codec


async def test_a_payload_survives_the_round_trip_and_is_unreadable_between() -> None:
    codec = EncryptionCodec({"a": KEY_A}, "a")
    original = plain()

    [sealed] = await codec.encode([original])
    [again] = await codec.encode([original])
    [opened] = await codec.decode([sealed])

    assert opened == original  # metadata and data
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID_METADATA] == b"a"
    assert SECRET.encode() not in sealed.SerializeToString()
    assert b"json/plain" not in sealed.SerializeToString()  # the original metadata is inside too
    assert sealed.data[:12] != again.data[:12], "a fresh nonce for every payload"


async def test_a_tampered_payload_is_refused() -> None:
    codec = EncryptionCodec({"a": KEY_A}, "a")
    [sealed] = await codec.encode([plain()])
    flipped = bytearray(sealed.data)
    flipped[-1] ^= 1

    with pytest.raises(PayloadDecryptionError, match="failed authentication"):
        await codec.decode([Payload(metadata=sealed.metadata, data=bytes(flipped))])


async def test_a_payload_cannot_be_passed_off_as_under_another_key_id() -> None:
    """The key id is bound as associated data: relabelled, the same bytes fail even where both keys
    are the same."""
    codec = EncryptionCodec({"a": KEY_A, "b": KEY_A}, "a")
    [sealed] = await codec.encode([plain()])
    relabelled = Payload(metadata={"encoding": ENCODING, KEY_ID_METADATA: b"b"}, data=sealed.data)

    with pytest.raises(PayloadDecryptionError):
        await codec.decode([relabelled])


async def test_an_unknown_key_id_is_refused_without_giving_anything_away() -> None:
    [sealed] = await EncryptionCodec({"oud": KEY_A}, "oud").encode([plain()])

    with pytest.raises(PayloadDecryptionError) as refused:
        await EncryptionCodec({"nieuw": KEY_B}, "nieuw").decode([sealed])

    message = str(refused.value)
    assert "'oud'" in message and refused.value.key_id == "oud"
    for secret in (SECRET, base64.b64encode(KEY_A).decode(), base64.b64encode(KEY_B).decode()):
        assert secret not in message


async def test_rotation_old_payloads_stay_readable_and_new_ones_use_the_new_key() -> None:
    before = EncryptionCodec.from_settings(settings_with({"2025": KEY_A}))
    [old] = await before.encode([plain("oud")])

    after = EncryptionCodec.from_settings(settings_with({"2025": KEY_A, "2026": KEY_B}))  # active: the last
    [new] = await after.encode([plain("nieuw")])

    assert after.active_key_id == "2026"
    assert (old.metadata[KEY_ID_METADATA], new.metadata[KEY_ID_METADATA]) == (b"2025", b"2026")
    assert await after.decode([old, new]) == [plain("oud"), plain("nieuw")]
    with pytest.raises(PayloadDecryptionError):
        await before.decode([new])  # a process still on the old keys cannot read the new payloads


async def test_the_active_key_can_be_named() -> None:
    codec = EncryptionCodec.from_settings(settings_with({"2025": KEY_A, "2026": KEY_B}, active="2025"))
    assert codec.active_key_id == "2025"
    with pytest.raises(PayloadKeyError, match="'2027'"):
        EncryptionCodec.from_settings(settings_with({"2025": KEY_A}, active="2027"))


async def test_payloads_that_are_not_encrypted_pass_through() -> None:
    """Histories from before the codec (tests/histories/) and plain payloads stay readable."""
    codec = EncryptionCodec({"a": KEY_A}, "a")
    unencrypted = [plain(), Payload(metadata={"encoding": b"binary/null"}), Payload()]
    assert await codec.decode(unencrypted) == unencrypted


@pytest.mark.parametrize(
    ("key", "complaint"),
    [
        (base64.b64encode(os.urandom(16)).decode(), "must be 32 bytes"),
        (base64.b64encode(os.urandom(33)).decode(), "must be 32 bytes"),
        ("geen-base64!", "not valid base64"),
    ],
)
def test_a_bad_key_is_named_and_not_shown(key: str, complaint: str) -> None:
    with pytest.raises(PayloadKeyError, match=complaint) as refused:
        EncryptionCodec.from_settings(settings_with({"goed": KEY_A, "sleutel-2026": key}))
    assert "'sleutel-2026'" in str(refused.value)
    assert key not in str(refused.value)


def test_production_without_keys_refuses_to_start() -> None:
    with pytest.raises(PayloadKeyError, match="OVERDRACHT_PAYLOAD_KEYS"):
        EncryptionCodec.from_settings(Settings(environment=Environment.PRODUCTION, payload_keys={}))


def test_outside_production_without_keys_the_development_key() -> None:
    codec = EncryptionCodec.from_settings(Settings(environment=Environment.DEVELOPMENT, payload_keys={}))
    assert codec.active_key_id == DEVELOPMENT_KEY_ID


def test_keys_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = {"2025": base64.b64encode(KEY_A).decode(), "2026": base64.b64encode(KEY_B).decode()}
    monkeypatch.setenv("OVERDRACHT_PAYLOAD_KEYS", json.dumps(keys))
    monkeypatch.setenv("OVERDRACHT_ENVIRONMENT", "production")

    assert EncryptionCodec.from_settings(Settings()).active_key_id == "2026"
    monkeypatch.setenv("OVERDRACHT_PAYLOAD_KEY_ID", "2025")
    assert EncryptionCodec.from_settings(Settings()).active_key_id == "2025"


class Kind(BaseModel):
    naam: str
    geboortedatum: date


async def test_the_service_converter_encrypts_values_and_error_messages() -> None:
    """What every client and worker uses (engine.data_converter): pydantic values, encrypted; an
    error's message (which can quote a value) goes into the encrypted part too."""
    converter = data_converter(settings_with({"a": KEY_A}))
    kind = Kind(naam=SECRET, geboortedatum=date(2023, 2, 1))

    [payload] = await converter.encode([kind])
    assert SECRET.encode() not in payload.SerializeToString()
    assert await converter.decode([payload], [Kind]) == [kind]

    failure = Failure()
    await converter.encode_failure(ApplicationError(f"ongeldig: {SECRET}", type="Fout"), failure)
    assert SECRET.encode() not in failure.SerializeToString()
    decoded = await converter.decode_failure(failure)
    assert isinstance(decoded, ApplicationError) and SECRET in decoded.message


# The codec endpoint, as the Temporal web UI calls it


def as_json(payloads: list[Payload]) -> dict[str, Any]:
    return json_format.MessageToDict(Payloads(payloads=payloads))


def from_json(body: dict[str, Any]) -> list[Payload]:
    return list(json_format.ParseDict(body, Payloads()).payloads)


async def test_a_beheerder_has_payloads_decoded(api: httpx.AsyncClient, login: Login, settings: Settings) -> None:
    codec = EncryptionCodec.from_settings(settings)  # the keys the API's engine client has
    sealed = await codec.encode([plain(), plain("tweede")])
    headers = {**await login(BEHEERDER), "Origin": UI_ORIGIN, "X-Namespace": "default"}

    r = await api.post("/v1/codec/decode", json=as_json([*sealed, plain("leesbaar")]), headers=headers)

    assert r.status_code == 200, r.text
    assert from_json(r.json()) == [plain(), plain("tweede"), plain("leesbaar")]
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Access-Control-Allow-Origin"] == UI_ORIGIN


async def test_a_beheerder_has_payloads_encoded(api: httpx.AsyncClient, login: Login, settings: Settings) -> None:
    r = await api.post("/v1/codec/encode", json=as_json([plain()]), headers=await login(BEHEERDER))

    assert r.status_code == 200, r.text
    [sealed] = from_json(r.json())
    assert sealed.metadata["encoding"] == ENCODING and SECRET.encode() not in sealed.data
    assert await EncryptionCodec.from_settings(settings).decode([sealed]) == [plain()]


@pytest.mark.parametrize("path", ["/v1/codec/decode", "/v1/codec/encode"])
async def test_other_roles_are_refused(api: httpx.AsyncClient, login: Login, settings: Settings, path: str) -> None:
    [sealed] = await EncryptionCodec.from_settings(settings).encode([plain()])
    for user in (demo.COORDINATOR, demo.PM_USER[demo.BOOMHUT], demo.SCHOOL_USER[demo.STER]):
        r = await api.post(path, json=as_json([sealed]), headers={**await login(user), "Origin": UI_ORIGIN})
        assert r.status_code == 403, r.text
        assert r.headers["content-type"] == PROBLEM
        assert SECRET not in r.text
        # The UI can read the refusal, and say why it shows the payloads encrypted.
        assert r.headers["Access-Control-Allow-Origin"] == UI_ORIGIN


async def test_without_a_token_401(api: httpx.AsyncClient, settings: Settings) -> None:
    [sealed] = await EncryptionCodec.from_settings(settings).encode([plain()])
    r = await api.post("/v1/codec/decode", json=as_json([sealed]), headers={"Origin": UI_ORIGIN})

    assert r.status_code == 401
    assert r.headers["content-type"] == PROBLEM
    assert r.headers["Access-Control-Allow-Origin"] == UI_ORIGIN


async def test_a_payload_under_an_unknown_key_is_a_400(api: httpx.AsyncClient, login: Login) -> None:
    [sealed] = await EncryptionCodec({"elders": KEY_A}, "elders").encode([plain()])
    r = await api.post("/v1/codec/decode", json=as_json([sealed]), headers=await login(BEHEERDER))

    assert r.status_code == 400
    assert "'elders'" in r.json()["detail"]
    assert SECRET not in r.text


async def test_invalid_payloads_are_a_400(api: httpx.AsyncClient, login: Login) -> None:
    headers = await login(BEHEERDER)
    for body in ({"payloads": [{"metadata": {"encoding": 5}}]}, {"payloads": "geen lijst"}, {}):
        r = await api.post("/v1/codec/decode", json=body, headers=headers)
        assert r.status_code == 400, (body, r.text)
        assert r.headers["content-type"] == PROBLEM


async def test_the_ui_origin_gets_its_cors_preflight_answered(api: httpx.AsyncClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    for path in ("/v1/codec/decode", "/v1/codec/encode"):
        r = await api.options(path, headers={**preflight, "Origin": UI_ORIGIN})
        assert r.status_code == 204
        assert r.headers["Access-Control-Allow-Origin"] == UI_ORIGIN
        assert "POST" in r.headers["Access-Control-Allow-Methods"]
        allowed = {h.strip() for h in r.headers["Access-Control-Allow-Headers"].split(",")}
        assert {"authorization", "content-type", "x-namespace"} <= allowed

    elsewhere = await api.options("/v1/codec/decode", headers={**preflight, "Origin": "https://elders.example"})
    assert "Access-Control-Allow-Origin" not in elsewhere.headers
