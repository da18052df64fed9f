"""The pages' security headers: a Content-Security-Policy without inline script or style, no framing,
no sniffing, no referrer beyond our own origin (a page address may hold an overdracht's id)."""

from fastapi import FastAPI, Request, Response
from starlette.middleware.base import RequestResponseEndpoint

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def install_page_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def page_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith("/v1/") and response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "same-origin"
            response.headers["Cache-Control"] = "no-store"
        return response
