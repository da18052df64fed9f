"""Unknown query parameters are refused: a typo (`statsu=`, `schooljar=`) must not silently widen an
answer to everything. And a day in a query is a day (`Datum`), not a number read as seconds since 1970."""

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BeforeValidator

from services.errors import InvalidInput


def _iso_day(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("geen datum: schrijf JJJJ-MM-DD, bijvoorbeeld 2027-08-30")
    return value


# A day as the API writes it (ISO 8601, YYYY-MM-DD): pydantic alone would also take `0` (1 January 1970).
Datum = Annotated[date, BeforeValidator(_iso_day)]


def _declared(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _declared(sub)
    return names


def _known(route: APIRoute) -> frozenset[str]:
    """Everything the route and its dependencies declare as a query parameter, by its name on the wire.
    Kept on the route itself (routes are not hashable), computed on first use."""
    known = getattr(route, "_known_query_params", None)
    if known is None:
        known = frozenset(_declared(route.dependant))
        route._known_query_params = known  # type: ignore[attr-defined]  # our own mark on the route, read by getattr above
    return known


UNKNOWN_PARAMETER = "Onbekende queryparameter; zie invalidParams. Er is niets gewijzigd."


async def reject_unknown_query_params(request: Request) -> None:
    """An app-wide dependency: what each route accepts is read from its own declaration. For the API only:
    the pages (web/) read their few parameters leniently, as pages do."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.url.path.startswith("/v1/"):
        return
    if unknown := sorted(set(request.query_params) - _known(route)):
        raise InvalidInput(
            UNKNOWN_PARAMETER,
            invalid_params=[{"name": name, "reason": "onbekende parameter"} for name in unknown],
        )
