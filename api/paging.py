"""Keyset paging: an opaque cursor holding the sort, the last row's sort key and its id."""

import base64
import binascii
import json
from datetime import datetime
from uuid import UUID

from api.errors import InvalidInput


def encode_cursor(sort: str, key: datetime, row_id: UUID) -> str:
    raw = json.dumps([sort, key.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[datetime, UUID]:
    """The (sort key, id) to continue after; 400 when the cursor is not ours or was made for another sort."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_for, key, row_id = json.loads(raw)
        if made_for != sort:
            raise ValueError(made_for)
        return datetime.fromisoformat(key), UUID(row_id)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidInput(
            "De cursor is ongeldig; gebruik de volgendeCursor uit het vorige antwoord, met dezelfde sortering.",
            invalid_params=[{"name": "cursor", "reason": "ongeldige cursor"}],
        ) from None
