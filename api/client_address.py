"""The address a request came from: the peer's, or, behind a proxy named in OVERDRACHT_FORWARDED_ALLOW_IPS,
the one that proxy puts in X-Forwarded-For (uvicorn's proxy headers middleware sets it in the scope).
For limits per client only: never logged or stored in clear."""

from starlette.requests import Request

# A request without one (a test transport, a Unix socket): all such share one count.
UNKNOWN = "onbekend"


def client_address(request: Request) -> str:
    return request.client.host if request.client and request.client.host else UNKNOWN
