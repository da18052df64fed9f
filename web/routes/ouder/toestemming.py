"""Consent or refusal, chosen on one page with what each means and then confirmed; and withdrawing
consent while it may be withdrawn (the page is the confirmation)."""

from collections.abc import Mapping
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from schemas.api import OverdrachtDetail
from schemas.overdracht import Besluit, ToestemmingVoor
from services import stappen
from web.i18n import gettext
from web.render import done
from web.routes.ouder.gedeeld import (
    BESLISSEN,
    INTREKKEN,
    Gepost,
    Ingelogd,
    Taal,
    detail,
    pagina,
    stap,
    url,
    voor_ouders,
    waarom_niet,
)
from web.routes.ouder.toegang import klaar
from web.routes.ouder.woorden import KIES_BESLUIT
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


# Consent or refusal: chosen on one page, with what each means; then confirmed


def _voor_uit(voor: str, o: OverdrachtDetail) -> ToestemmingVoor | None:
    """For which school: the parent's choice when a school is named; without one, wherever enrolled."""
    if o.school is None:
        return ToestemmingVoor.INGESCHREVEN_SCHOOL
    try:
        return ToestemmingVoor(voor)
    except ValueError:
        return ToestemmingVoor.GENOEMDE_SCHOOL


def _keuze_pagina(
    request: Request,
    aangemeld: Aangemeld,
    o: OverdrachtDetail,
    waarden: Mapping[str, str] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    if melding is None and o.status not in BESLISSEN:
        melding, status = waarom_niet("toestemming", o.status), 409
    waarden = {"voor": ToestemmingVoor.GENOEMDE_SCHOOL.value, **(waarden or {})}
    return pagina(
        request,
        "ouder/toestemming.html",
        aangemeld,
        status,
        o=o,
        open=o.status in BESLISSEN,
        waarden=waarden,
        fouten=fouten or {},
        melding=melding,
    )


@router.get("/overdrachten/{overdracht_id}/ouder/toestemming")
async def consent_form(
    request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Ingelogd, besluit: str = "", voor: str = ""
) -> Response:
    """The choice; `besluit` and `voor` keep it when the parent comes back from the confirmation."""
    if weg := voor_ouders(request, aangemeld):
        return weg
    o = await detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    waarden = {k: v for k, v in {"besluit": besluit, "voor": voor}.items() if v}
    return _keuze_pagina(request, aangemeld, o, waarden)


@router.post("/overdrachten/{overdracht_id}/ouder/toestemming")
async def consent_chosen(
    request: Request,
    overdracht_id: UUID,
    taal: Taal,
    aangemeld: Gepost,
    besluit: Annotated[str, Form()] = "",
    voor: Annotated[str, Form()] = "",
) -> Response:
    """The confirmation: what will happen, plainly; nothing is recorded yet."""
    if weg := voor_ouders(request, aangemeld):
        return weg
    o = await detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    waarden = {"besluit": besluit, "voor": voor}
    if o.status not in BESLISSEN:
        return _keuze_pagina(request, aangemeld, o, waarden)
    if besluit not in (Besluit.GEGEVEN, Besluit.GEWEIGERD):
        return _keuze_pagina(request, aangemeld, o, waarden, {"besluit": gettext(KIES_BESLUIT)}, status=400)
    gekozen = _voor_uit(voor, o) if besluit == Besluit.GEGEVEN else None
    return pagina(request, "ouder/toestemming_bevestigen.html", aangemeld, o=o, besluit=Besluit(besluit), voor=gekozen)


@router.post("/overdrachten/{overdracht_id}/ouder/toestemming/bevestigen")
async def consent_confirmed(
    request: Request,
    overdracht_id: UUID,
    taal: Taal,
    aangemeld: Gepost,
    besluit: Annotated[str, Form()] = "",
    voor: Annotated[str, Form()] = "",
) -> Response:
    if weg := voor_ouders(request, aangemeld):
        return weg
    waarden = {"besluit": besluit, "voor": voor}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        o = await detail(request, aangemeld, overdracht_id)
        if not isinstance(o, OverdrachtDetail):
            return o
        return _keuze_pagina(request, aangemeld, o, waarden, fouten, melding, status)

    if besluit not in (Besluit.GEGEVEN, Besluit.GEWEIGERD):
        return await again({"besluit": gettext(KIES_BESLUIT)}, None, 400)
    gekozen = Besluit(besluit)
    school = ToestemmingVoor(voor) if voor in set(ToestemmingVoor) and gekozen is Besluit.GEGEVEN else None
    return await stap(
        request,
        aangemeld,
        overdracht_id,
        "toestemming",
        lambda ctx: stappen.record_consent(ctx, overdracht_id, gekozen, school),
        then=lambda: (
            done(url(overdracht_id), "ouder_toestemming") if gekozen is Besluit.GEGEVEN else klaar(request, "geweigerd")
        ),
        again=again,
    )


# Withdrawing consent: the page is the confirmation


def _intrekken_pagina(
    request: Request, aangemeld: Aangemeld, o: OverdrachtDetail, melding: str | None = None, status: int = 200
) -> HTMLResponse:
    if melding is None and o.status not in INTREKKEN:
        melding, status = waarom_niet("intrekken", o.status), 409
    return pagina(request, "ouder/intrekken.html", aangemeld, status, o=o, open=o.status in INTREKKEN, melding=melding)


@router.get("/overdrachten/{overdracht_id}/ouder/intrekken")
async def withdraw_form(request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Ingelogd) -> Response:
    if weg := voor_ouders(request, aangemeld):
        return weg
    o = await detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    return _intrekken_pagina(request, aangemeld, o)


@router.post("/overdrachten/{overdracht_id}/ouder/intrekken")
async def withdraw(request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Gepost) -> Response:
    if weg := voor_ouders(request, aangemeld):
        return weg

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        o = await detail(request, aangemeld, overdracht_id)
        if not isinstance(o, OverdrachtDetail):
            return o
        return _intrekken_pagina(request, aangemeld, o, melding, status)

    # Before consent is complete the workflow would take a withdrawal too (a parent who consented while
    # the other has not yet): these pages offer the refusal then, so they take no withdrawal either.
    o = await detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    if o.status not in INTREKKEN:
        return _intrekken_pagina(request, aangemeld, o)
    return await stap(
        request,
        aangemeld,
        overdracht_id,
        "intrekken",
        lambda ctx: stappen.record_consent(ctx, overdracht_id, Besluit.INGETROKKEN),
        then=lambda: klaar(request, "ingetrokken"),
        again=again,
    )
