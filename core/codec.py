"""The payload codec: every payload the engine stores is AES-256-GCM encrypted, so the Temporal server,
its database and its web UI never hold personal data in clear text."""

import base64
import binascii
import os
from collections.abc import Mapping, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from core.settings import Settings

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # GCM's 96-bit nonce, fresh and random for every payload
_MAX_KEY_ID_LENGTH = 100

# For development and tests only, when no keys are configured: it is in the source code, so it hides
# nothing from anyone who has the code. In production no keys means the service refuses to start.
DEVELOPMENT_KEY_ID = "ontwikkeling"
DEVELOPMENT_KEY = b"overdracht-ontwikkelsleutel-0001"  # exactly 32 bytes


class PayloadKeyError(ValueError):
    """The configured payload keys are unusable; the message names the key id and never the key."""


class PayloadDecryptionError(ValueError):
    """A payload cannot be decrypted: its key is not configured, or it was altered. The message names
    the key id only, never key material or payload content."""

    def __init__(self, message: str, key_id: str) -> None:
        super().__init__(message)
        self.key_id = key_id


def _valid_key_id(key_id: str) -> bool:
    # It travels in the payload's metadata and in error messages: short, printable ASCII, no spaces.
    return 0 < len(key_id) <= _MAX_KEY_ID_LENGTH and all("!" <= c <= "~" for c in key_id)


def parse_key(key_id: str, encoded: str) -> bytes:
    """A configured key: base64 of exactly 32 bytes."""
    if not _valid_key_id(key_id):
        raise PayloadKeyError(
            f"Payload key id {key_id[:_MAX_KEY_ID_LENGTH]!r} is not usable: use 1 to {_MAX_KEY_ID_LENGTH}"
            " printable ASCII characters without spaces."
        )
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadKeyError(f"Payload key {key_id!r} is not valid base64.") from None
    if len(key) != KEY_BYTES:
        raise PayloadKeyError(
            f"Payload key {key_id!r} must be {KEY_BYTES} bytes (AES-256) in base64; it is {len(key)} bytes."
        )
    return key


class EncryptionCodec(PayloadCodec):
    """Encrypts with the active key; decrypts with any configured key, named by the payload's key id
    (so keys can be rotated: payloads written under an old key stay readable while it is listed).

    An encrypted payload is `nonce || ciphertext+tag` of the whole original Payload proto (its metadata
    too: the encoding says it is JSON and of which type), with the key id as associated data, so a
    payload cannot be passed off as written under another key id. Payloads that are not encrypted
    (histories from before the codec) are passed through as they are."""

    def __init__(self, keys: Mapping[str, bytes], active_key_id: str) -> None:
        super().__init__()
        if active_key_id not in keys:
            raise PayloadKeyError(f"The active payload key {active_key_id!r} is not among the configured keys.")
        for key_id, key in keys.items():
            if not _valid_key_id(key_id) or len(key) != KEY_BYTES:
                raise PayloadKeyError(f"Payload key {key_id!r} must be {KEY_BYTES} bytes with a printable id.")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.active_key_id = active_key_id

    @classmethod
    def from_settings(cls, settings: Settings, namespace: str | None = None) -> "EncryptionCodec":
        """The keys of `OVERDRACHT_PAYLOAD_KEYS`, the active one `OVERDRACHT_PAYLOAD_KEY_ID` (default: the
        last listed). Without keys: the development key outside production, a refusal in production.

        A gemeente with an engine namespace of its own (`namespace`, not the service's home namespace) has
        a key set of its own: each key derived from one of those (HKDF-SHA256, the namespace as its
        context), under the key id `<id>@<namespace>`. Its payloads cannot be read with the service's keys
        or another gemeente's, and rotating the service's keys rotates every gemeente's."""
        configured = {key_id: secret.get_secret_value() for key_id, secret in settings.payload_keys.items()}
        if not configured:
            if not settings.dev_mode:
                raise PayloadKeyError(
                    "No payload keys configured: in production the engine's payloads must be encrypted with"
                    " keys of your own. Set OVERDRACHT_PAYLOAD_KEYS (JSON: key id -> base64 of 32 random"
                    " bytes) and optionally OVERDRACHT_PAYLOAD_KEY_ID; see the README."
                )
            keys = {DEVELOPMENT_KEY_ID: DEVELOPMENT_KEY}
        else:
            keys = {key_id: parse_key(key_id, encoded) for key_id, encoded in configured.items()}
        active = settings.payload_key_id or list(keys)[-1]
        if active not in keys:
            raise PayloadKeyError(
                f"OVERDRACHT_PAYLOAD_KEY_ID names {active!r}, which is not a key in OVERDRACHT_PAYLOAD_KEYS."
            )
        if namespace is None or namespace == settings.temporal_namespace:
            return cls(keys, active)
        derived = {f"{key_id}@{namespace}": derive_key(key, namespace) for key_id, key in keys.items()}
        return cls(derived, f"{active}@{namespace}")

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        key_id = self.active_key_id
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(metadata={"encoding": ENCODING, KEY_ID_METADATA: key_id.encode()}, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # not ours to decrypt: written before the codec, or plain by design
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode("ascii", errors="replace")[:_MAX_KEY_ID_LENGTH]
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadDecryptionError(
                f"Payload encrypted under key id {key_id!r}, which is not configured: add that key to"
                " OVERDRACHT_PAYLOAD_KEYS (keep every key that encrypted payloads still in the engine).",
                key_id,
            )
        data = payload.data
        try:
            plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], key_id.encode())
        except InvalidTag:
            raise PayloadDecryptionError(
                f"Payload under key id {key_id!r} failed authentication: it was altered, or another key"
                " is configured under that id.",
                key_id,
            ) from None
        return Payload.FromString(plain)

    # Bytes the service keeps itself (an uploaded file in PostgreSQL): the same keys and cipher, outside
    # the engine. `associated_data` binds the ciphertext to where it belongs (e.g. its overdracht), so it
    # cannot be passed off as another's; the key id is bound too, as for payloads.

    def seal(self, plain: bytes, associated_data: bytes) -> tuple[str, bytes]:
        """`plain` encrypted with the active key and a fresh nonce: (key id, `nonce || ciphertext+tag`)."""
        key_id = self.active_key_id
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[key_id].encrypt(nonce, plain, _bound(key_id, associated_data))
        return key_id, nonce + sealed

    def unseal(self, key_id: str, sealed: bytes, associated_data: bytes) -> bytes:
        """What `seal` encrypted under `key_id` for this `associated_data`; PayloadDecryptionError when
        the key is not configured, or the bytes or the associated data differ."""
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadDecryptionError(
                f"Stored bytes encrypted under key id {key_id!r}, which is not configured: add that key to"
                " OVERDRACHT_PAYLOAD_KEYS (keep every key that encrypted data still stored).",
                key_id,
            )
        try:
            return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _bound(key_id, associated_data))
        except InvalidTag:
            raise PayloadDecryptionError(
                f"Stored bytes under key id {key_id!r} failed authentication: they were altered, belong"
                " elsewhere, or another key is configured under that id.",
                key_id,
            ) from None


def derive_key(key: bytes, namespace: str) -> bytes:
    """A gemeente's key from one of the service's: unrelated to it and to every other gemeente's without
    the service's key."""
    info = b"overdracht payloads for namespace " + namespace.encode()
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(key)


def _bound(key_id: str, associated_data: bytes) -> bytes:
    # A key id is printable ASCII: the NUL cannot occur in it, so the two parts cannot be shifted.
    return key_id.encode() + b"\x00" + associated_data
