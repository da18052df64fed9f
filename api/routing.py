"""A path written out in full comes before a path with a parameter that would also match it: POST
/v1/imports/plaatsingen beside GET /v1/imports/{import_id}, POST /v1/scholen/duo-import beside
GET/PATCH /v1/scholen/{school_id}. The router alone takes the first route that serves the method, so a
GET of /v1/imports/plaatsingen went to getImport (400: "plaatsingen" is no import id) and a 405 there
named GET in its Allow, where the document gives the path only POST. Here a method such a path does not
have is a 405 whose Allow names exactly the methods the document gives it."""

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import METHODS, method_not_allowed

PREFIX = "/v1/"


class LiteralPathsFirst:
    """Pure ASGI: answers before the router picks a route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._literal: dict[str, frozenset[str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            methods = self._methods(scope["app"]).get(scope["path"])
            if methods is not None and scope["method"] not in methods:
                allowed = [method for method in METHODS if method in methods]
                return await method_not_allowed(Request(scope), allowed)(scope, receive, send)
        await self.app(scope, receive, send)

    def _methods(self, app: FastAPI) -> dict[str, frozenset[str]]:
        """Each path without a parameter, with the methods its routes serve."""
        if self._literal is None:  # the routes are all there once a request comes
            literal: dict[str, set[str]] = {}
            for route in iter_route_contexts(app.router.routes):
                if route.path and route.path.startswith(PREFIX) and "{" not in route.path:
                    literal.setdefault(route.path, set()).update(route.methods or ())
            self._literal = {path: frozenset(methods) for path, methods in literal.items()}
        return self._literal


def install_literal_paths_first(app: FastAPI) -> None:
    app.add_middleware(LiteralPathsFirst)
