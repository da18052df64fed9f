"""Schemathesis hooks for tests/test_schemathesis.py (loaded by the CLI through tests/schemathesis.toml).

The key of an Idempotency-Key is scoped to the caller, across every operation, for a day: the first
request sent with it owns it, and any other request with the same key is refused 422
(IDEMPOTENCY_KEY_HERGEBRUIKT, documented on every operation that takes the header). Schemathesis draws
the header's value like any other string, so it sends the same few simple keys ("0", "!") with
thousands of different requests: after the first, each is refused by the key's bookkeeping before it
reaches its operation, and nothing past the header would be tested. Each valid key is therefore made
unique to its request: the same request sent again (Schemathesis re-sends a failing case to confirm
it) carries the same key and gets the first answer replayed, as a client retrying would; a different
request never shares a key. A key the document calls invalid is sent as drawn, so its 400 is still
tested. Reusing a key for another request (422) is tested by hand: tests/test_idempotency.py."""

import hashlib
import re
from typing import Any

import schemathesis

HEADER = "Idempotency-Key"
# The document's pattern for the header (api/idempotency.py's valid_key): printable ASCII, no space
# at either end, 1 to 255 characters.
VALID_KEY = re.compile(r"[!-~]([ -~]{0,253}[!-~])?")


# A new protocol version is uploaded as its TOML text (POST /v1/protocol-versies): sent as the text it is.
schemathesis.serializer.alias("application/toml", "text/plain")


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    headers = case.headers
    if not headers or not isinstance(key := headers.get(HEADER), str) or not VALID_KEY.fullmatch(key):
        return
    request = repr((key, case.method, case.formatted_path, case.query, case.media_type, case.body))
    headers[HEADER] = f"schemathesis-{hashlib.sha256(request.encode()).hexdigest()}"
