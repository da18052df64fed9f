"""What the parents' pages share: who may post and in which language, the states each step is open
in, and the answers: a page in the parent's language, an error page, a step taken or refused with why."""

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from schemas.api import OverdrachtDetail
from schemas.overdracht import Rol, Status
from services import overdrachten
from services.context import Context
from services.errors import ServiceError
from web import i18n
from web.i18n import N_, gettext
from web.render import GEDAAN, Again, caller, field_errors, page, posted, signed_in
from web.routes.ouder.woorden import ANDERE_FOUT, CONTROLEER, FOUTEN, KAN_NIET, STATUS, TE_LANG, voor_sjablonen
from web.sessions import Aangemeld

Taal = Annotated[str, Depends(i18n.ouder_taal)]
Ingelogd = Annotated[Aangemeld, Depends(signed_in)]
Gepost = Annotated[Aangemeld, Depends(posted)]

# The steps a parent takes, and the states each is open in (workflows/lifecycle.py decides; these only
# choose what a page offers: tests/test_web_ouder.py keeps them within the lifecycle's table).
S = Status
REAGEREN = frozenset({S.BIJ_OUDERS})
BESLISSEN = frozenset({S.BIJ_OUDERS})
SCHOOL_KIEZEN = frozenset({S.CONCEPT, S.BIJ_OUDERS, S.WACHT_OP_SCHOOL, S.GEREED_VOOR_VERZENDING})
# After consent, until the school confirmed receipt (before consent, a parent refuses instead).
INTREKKEN = frozenset({S.WACHT_OP_SCHOOL, S.GEREED_VOOR_VERZENDING, S.VERZONDEN})
INZAGE_PER_PAGINA = 25

GEDAAN.update(
    {
        "ouder_reactie": N_("Uw reactie is opgeslagen. De school leest hem samen met het formulier."),
        "ouder_toestemming": N_("Uw toestemming is opgeslagen."),
        "ouder_school": N_("De school is opgeslagen."),
    }
)


# Answers


def pagina(
    request: Request, template: str, aangemeld: Aangemeld | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A parent's page: the notice of a step done (`?gedaan=`) in the parent's language, and the words."""
    melding = GEDAAN.get(request.query_params.get("gedaan", ""))
    return page(
        request,
        template,
        status,
        aangemeld=aangemeld,
        gedaan=gettext(melding) if melding else None,
        woorden=voor_sjablonen(),
        **context,
    )


def fout(request: Request, aangemeld: Aangemeld | None, status: int) -> HTMLResponse:
    titel, uitleg = FOUTEN.get(status, ANDERE_FOUT)
    return pagina(request, "ouder/fout.html", aangemeld, status, titel=gettext(titel), uitleg=gettext(uitleg))


def waarom_niet(stap: str, status: Status) -> str:
    """Why `stap` cannot be taken now, and where things stand, in the parent's words."""
    return f"{gettext(KAN_NIET[stap])} {gettext(STATUS[status])}"


def voor_ouders(request: Request, aangemeld: Aangemeld) -> Response | None:
    """A page only a parent takes a step on; the staff get a page that says so."""
    return None if aangemeld.user.rol is Rol.OUDER else fout(request, aangemeld, 403)


async def detail(request: Request, aangemeld: Aangemeld, overdracht_id: UUID) -> OverdrachtDetail | Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            return await overdrachten.detail(ctx, overdracht_id)
    except ServiceError as exc:
        return fout(request, aangemeld, exc.status)


async def stap(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    stap: str,
    use_case: Callable[[Context], Awaitable[object]],
    *,
    then: Callable[[], Response | Awaitable[Response]],
    again: Again,
    berichten: Mapping[str, str] | None = None,
) -> Response:
    """As web.render.act, in the parent's words: `then` when done; the form again with a message per
    field (400, 422) or with why the status no longer allows the step (409); else an error page."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            await use_case(ctx)
    except ServiceError as exc:
        if exc.status == 409:
            nu = await detail(request, aangemeld, overdracht_id)
            if not isinstance(nu, OverdrachtDetail):
                return nu
            return await again({}, waarom_niet(stap, nu.status), 409)
        if exc.status not in (400, 422):
            return fout(request, aangemeld, exc.status)
        fouten = {
            naam: gettext(berichten[naam]) if berichten and naam in berichten else f"{gettext(CONTROLEER)} ({reden})"
            for naam, reden in field_errors(exc).items()
        }
        return await again(fouten, None if fouten else gettext(CONTROLEER), exc.status)
    answer = then()
    return await answer if inspect.isawaitable(answer) else answer


def invoerfouten(exc: ValidationError, berichten: Mapping[str, str]) -> dict[str, str]:
    """Pydantic's refusal of the input (the API's own rules) as a message per form field."""
    fouten: dict[str, str] = {}
    for fout in exc.errors():
        naam = str(fout["loc"][0]) if fout["loc"] else ""
        if fout["type"] == "string_too_long":
            fouten[naam] = gettext(TE_LANG) % {"aantal": (fout.get("ctx") or {}).get("max_length", "")}
        else:
            fouten[naam] = gettext(berichten.get(naam, CONTROLEER))
    return fouten


def url(overdracht_id: UUID, sub: str = "") -> str:
    return f"/overdrachten/{overdracht_id}{sub}"
