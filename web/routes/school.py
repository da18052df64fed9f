"""The school's pages (IB'er, directie): the inbox of what was sent to the school (what needs the school
first, newest sent first), and the school's steps on one overdracht: confirm receipt with the planned
first school day (`/overdrachten/{id}/ontvangst`) and return it, "niet bij ons ingeschreven"
(`/overdrachten/{id}/retour`). The warme overdracht has its own page (web/routes/warme_overdracht.py)."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from schemas.api import OntvangstBevestigen, OverdrachtDetail, OverdrachtSamenvatting
from schemas.lijst import Filters, Sort
from schemas.overdracht import Status
from services import overdrachten, stappen
from services.context import Context
from services.errors import Forbidden, ServiceError
from services.permissions import Capability, allows
from web.invoer import invoer_fout, lees_datum, lees_reden, model_fout
from web.render import GEDAAN, act, caller, done, error_page, page, posted, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

GEDAAN.update(
    {
        "ontvangst-bevestigd": "De ontvangst is bevestigd. De overdracht is afgerond.",
        "ontvangst-bevestigd-warm": "De ontvangst is bevestigd. Plan nu de warme overdracht.",
        "geretourneerd": "De overdracht is teruggestuurd naar de voorschool. U ziet haar niet meer.",
    }
)

# What waits for the school: receipt to confirm, a warme overdracht to plan or to record (a received
# overdracht without a warme overdracht to hold is completed at once, so ONTVANGEN means one is needed).
TE_DOEN = [Status.VERZONDEN, Status.ONTVANGEN, Status.WARME_OVERDRACHT_GEPLAND]
EERDER = [s for s in Status if s not in TE_DOEN]
TE_DOEN_MAX = 100
EERDER_PER_PAGINA = 25


# The inbox


def _verstuurd(o: OverdrachtSamenvatting) -> datetime:
    return o.tijdstippen.verzonden_op or o.tijdstippen.bijgewerkt_op


async def start(request: Request, aangemeld: Aangemeld) -> Response:
    """The school's start page: its inbox. First what waits for the school (newest sent first), then
    what it received earlier (last changed first), a page at a time."""
    cursor = request.query_params.get("cursor") or None
    try:
        async with caller(request, aangemeld.user) as ctx:
            # The list has no "sent on" order: the last change is the closest (a sent overdracht changes
            # little before the school acts); the rows are then put in order of sending.
            te_doen = await overdrachten.page(ctx, Filters(status=TE_DOEN), Sort.BIJGEWERKT_OP_AFLOPEND, TE_DOEN_MAX)
            eerder = await overdrachten.page(
                ctx, Filters(status=EERDER), Sort.BIJGEWERKT_OP_AFLOPEND, EERDER_PER_PAGINA, cursor
            )
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(
        request,
        "school/inbox.html",
        aangemeld=aangemeld,
        te_doen=sorted(te_doen.resultaten, key=_verstuurd, reverse=True),
        meer_te_doen=te_doen.volgende_cursor is not None,
        eerder=eerder.resultaten,
        volgende=eerder.volgende_cursor,
        vervolg=cursor is not None,
    )


# Confirming receipt

ONTVANGST_VELDEN = {
    "eerste_schooldag": "eersteSchooldag",
    "warme_overdracht_gewenst": "warmeOverdrachtGewenst",
    "reden": "reden",
}


async def _overdracht(request: Request, aangemeld: Aangemeld, overdracht_id: UUID) -> OverdrachtDetail:
    async with caller(request, aangemeld.user) as ctx:
        return await overdrachten.detail(ctx, overdracht_id)


async def _stap_pagina(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    template: str,
    capability: Capability,
    wat: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """One of the school's step pages: only the school's, only its own overdracht (else 404)."""
    try:
        if not allows(aangemeld.user, capability):
            raise Forbidden(f"Alleen de school kan {wat}.")
        o = await _overdracht(request, aangemeld, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    context.setdefault("waarden", {})
    context.setdefault("fouten", {})
    # The form only when the step fits the state now (the step itself still decides when posted).
    mogelijk = stappen.possible(aangemeld.user, o.status)
    return page(request, template, status, aangemeld=aangemeld, o=o, mogelijk=mogelijk, **context)


@router.get("/overdrachten/{overdracht_id}/ontvangst")
async def ontvangst(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    return await _stap_pagina(
        request,
        aangemeld,
        overdracht_id,
        "school/ontvangst.html",
        Capability.INTAKE_BEVESTIGEN,
        "de ontvangst bevestigen",
    )


@router.post("/overdrachten/{overdracht_id}/ontvangst")
async def ontvangst_bevestigen(
    request: Request,
    overdracht_id: UUID,
    aangemeld: Annotated[Aangemeld, Depends(posted)],
    eerste_schooldag: Annotated[str, Form(alias="eersteSchooldag")] = "",
    warme_overdracht_gewenst: Annotated[str, Form(alias="warmeOverdrachtGewenst")] = "",
    reden: Annotated[str, Form()] = "",
) -> Response:
    waarden = {
        "eersteSchooldag": eerste_schooldag,
        "warmeOverdrachtGewenst": warme_overdracht_gewenst,
        "reden": reden,
    }
    na: list[OverdrachtDetail] = []

    async def bevestig(ctx: Context) -> None:
        fouten: dict[str, str] = {}
        dag_ = lees_datum(eerste_schooldag, fouten, "eersteSchooldag", "de eerste schooldag")
        toelichting = lees_reden(reden, fouten, "reden", verplicht=False, wat="een toelichting")
        if fouten or dag_ is None:
            raise invoer_fout(fouten)
        try:
            body = OntvangstBevestigen(
                eerste_schooldag=dag_, warme_overdracht_gewenst=warme_overdracht_gewenst == "true", reden=toelichting
            )
        except ValidationError as exc:
            raise model_fout(exc, ONTVANGST_VELDEN) from exc
        na.append(await stappen.confirm_receipt(ctx, overdracht_id, body))

    def klaar() -> Response:
        if na and na[0].status is Status.ONTVANGEN:  # a warme overdracht to hold: plan it next
            return done(f"/overdrachten/{overdracht_id}/warme-overdracht", "ontvangst-bevestigd-warm")
        return done(f"/overdrachten/{overdracht_id}", "ontvangst-bevestigd")

    async def opnieuw(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _stap_pagina(
            request,
            aangemeld,
            overdracht_id,
            "school/ontvangst.html",
            Capability.INTAKE_BEVESTIGEN,
            "de ontvangst bevestigen",
            status,
            waarden=waarden,
            fouten=fouten,
            melding=melding,
        )

    return await act(request, aangemeld, bevestig, then=klaar, again=opnieuw, names=ONTVANGST_VELDEN)


# Returning it: not enrolled here


@router.get("/overdrachten/{overdracht_id}/retour")
async def retour(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    return await _stap_pagina(
        request,
        aangemeld,
        overdracht_id,
        "school/retour.html",
        Capability.RETOURNEREN,
        "een overdracht terugsturen",
    )


@router.post("/overdrachten/{overdracht_id}/retour")
async def retour_sturen(
    request: Request,
    overdracht_id: UUID,
    aangemeld: Annotated[Aangemeld, Depends(posted)],
    reden: Annotated[str, Form()] = "",
) -> Response:
    async def stuur_terug(ctx: Context) -> None:
        fouten: dict[str, str] = {}
        tekst = lees_reden(reden, fouten, "reden", verplicht=True, wat="de reden")
        if fouten or tekst is None:
            raise invoer_fout(fouten)
        await stappen.return_to_sender(ctx, overdracht_id, tekst)

    async def opnieuw(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _stap_pagina(
            request,
            aangemeld,
            overdracht_id,
            "school/retour.html",
            Capability.RETOURNEREN,
            "een overdracht terugsturen",
            status,
            waarden={"reden": reden},
            fouten=fouten,
            melding=melding,
        )

    # Once returned, the overdracht is no longer the school's to see: back to the inbox.
    return await act(request, aangemeld, stuur_terug, then=lambda: done("/", "geretourneerd"), again=opnieuw)
