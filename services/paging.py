"""Keyset paging: the one opaque cursor codec. A cursor names what it was made for (a sort, or a list
ordered by integer id) and the last row's key, so a cursor from another list or sort is refused (400)."""

import base64
import json
from datetime import datetime
from uuid import UUID

from services.errors import InvalidInput

INVALID_CURSOR = "De cursor is ongeldig; gebruik de volgendeCursor uit het vorige antwoord"


def _encode(made_for: str, *key: object) -> str:
    raw = json.dumps([made_for, *key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, made_for: str) -> list[object]:
    """The key a cursor holds; ValueError (or TypeError) when it is not ours or was made for another list."""
    # binascii.Error and json's errors are ValueErrors; a cursor that is no JSON list is a TypeError.
    parts: list[object] = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    found, *key = parts
    if found != made_for:
        raise ValueError(found)
    return key


def invalid_cursor(detail: str) -> InvalidInput:
    return InvalidInput(detail, invalid_params=[{"name": "cursor", "reason": "ongeldige cursor"}])


def encode_cursor(sort: str, key: datetime, row_id: UUID) -> str:
    return _encode(sort, key.isoformat(), str(row_id))


def decode_cursor(cursor: str, sort: str) -> tuple[datetime, UUID]:
    """The (sort key, id) to continue after; 400 when the cursor is not ours or was made for another sort."""
    try:
        key, row_id = _decode(cursor, sort)
        return datetime.fromisoformat(str(key)), UUID(str(row_id))
    except (ValueError, TypeError):
        raise invalid_cursor(f"{INVALID_CURSOR}, met dezelfde sortering.") from None


def encode_ranked_cursor(sort: str, rank: int, key: datetime, row_id: UUID) -> str:
    """For a list in two parts (the caller's own first: rank 0, then the rest), each sorted by `sort`."""
    return _encode(f"{sort}+eigenEerst", rank, key.isoformat(), str(row_id))


def decode_ranked_cursor(cursor: str, sort: str) -> tuple[int, datetime, UUID]:
    """The (rank, sort key, id) to continue after; 400 when the cursor was made for another list or sort."""
    try:
        rank, key, row_id = _decode(cursor, f"{sort}+eigenEerst")
        if isinstance(rank, bool) or rank not in (0, 1) or not isinstance(rank, int):
            raise ValueError(rank)
        return rank, datetime.fromisoformat(str(key)), UUID(str(row_id))
    except (ValueError, TypeError):
        raise invalid_cursor(f"{INVALID_CURSOR}, met dezelfde sortering.") from None


def encode_id_cursor(made_for: str, row_id: int) -> str:
    """For a list ordered by an integer id alone (the audit trail's rows)."""
    return _encode(made_for, row_id)


def decode_id_cursor(cursor: str, made_for: str) -> int:
    """The id to continue after; 400 when the cursor is not ours or was made for another list."""
    try:
        (row_id,) = _decode(cursor, made_for)
        if not isinstance(row_id, int):
            raise TypeError(row_id)
        return row_id
    except (ValueError, TypeError):
        raise invalid_cursor(f"{INVALID_CURSOR}.") from None
