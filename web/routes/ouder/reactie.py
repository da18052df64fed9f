"""The parents' reaction to the form: whether it is right, and what they want the school to know."""

from collections.abc import Mapping
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from schemas.api import Ouderreactie, OverdrachtDetail
from services import stappen
from web.render import done
from web.routes.ouder.gedeeld import (
    REAGEREN,
    Gepost,
    Ingelogd,
    Taal,
    detail,
    invoerfouten,
    pagina,
    stap,
    url,
    voor_ouders,
    waarom_niet,
)
from web.routes.ouder.woorden import KIES_EENS
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


# The reaction


def _reactie_pagina(
    request: Request,
    aangemeld: Aangemeld,
    o: OverdrachtDetail,
    waarden: Mapping[str, str] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    if melding is None and o.status not in REAGEREN:
        melding, status = waarom_niet("reactie", o.status), 409
    return pagina(
        request,
        "ouder/reactie.html",
        aangemeld,
        status,
        o=o,
        open=o.status in REAGEREN,
        waarden=waarden or {},
        fouten=fouten or {},
        melding=melding,
    )


@router.get("/overdrachten/{overdracht_id}/ouder/reactie")
async def reaction_form(request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Ingelogd) -> Response:
    if weg := voor_ouders(request, aangemeld):
        return weg
    o = await detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    return _reactie_pagina(request, aangemeld, o)


@router.post("/overdrachten/{overdracht_id}/ouder/reactie")
async def give_reaction(
    request: Request,
    overdracht_id: UUID,
    taal: Taal,
    aangemeld: Gepost,
    eens: Annotated[str, Form()] = "",
    reden: Annotated[str, Form()] = "",
    zienswijze: Annotated[str, Form()] = "",
) -> Response:
    if weg := voor_ouders(request, aangemeld):
        return weg
    waarden = {"eens": eens, "reden": reden, "zienswijze": zienswijze}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        o = await detail(request, aangemeld, overdracht_id)
        if not isinstance(o, OverdrachtDetail):
            return o
        return _reactie_pagina(request, aangemeld, o, waarden, fouten, melding, status)

    try:
        reactie = Ouderreactie.model_validate(
            {"eens": eens or None, "reden": reden.strip() or None, "zienswijze": zienswijze.strip() or None}
        )
    except ValidationError as exc:
        return await again(invoerfouten(exc, {"eens": KIES_EENS}), None, 400)
    return await stap(
        request,
        aangemeld,
        overdracht_id,
        "reactie",
        lambda ctx: stappen.record_reaction(ctx, overdracht_id, reactie),
        then=lambda: done(url(overdracht_id), "ouder_reactie"),
        again=again,
    )
