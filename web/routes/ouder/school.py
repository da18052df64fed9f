"""The parents choose or change the school (a change after consent for a named school asks for
consent again)."""

from collections.abc import Mapping
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from schemas.api import OverdrachtDetail, Verwijzing
from schemas.overdracht import ToestemmingVoor
from services import overdrachten, stappen
from services.errors import ServiceError
from web.i18n import gettext
from web.render import caller, done
from web.routes.ouder.gedeeld import (
    SCHOOL_KIEZEN,
    Gepost,
    Ingelogd,
    Taal,
    detail,
    fout,
    pagina,
    stap,
    url,
    voor_ouders,
    waarom_niet,
)
from web.routes.ouder.woorden import KIES_SCHOOL, ONBEKENDE_SCHOOL
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


# The school


async def _school_pagina(
    request: Request,
    aangemeld: Aangemeld,
    o: OverdrachtDetail,
    waarden: Mapping[str, str] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> Response:
    if melding is None and o.status not in SCHOOL_KIEZEN:
        melding, status = waarom_niet("school", o.status), 409
    scholen: list[Verwijzing] = []
    if o.status in SCHOOL_KIEZEN:
        try:
            async with caller(request, aangemeld.user) as ctx:
                scholen = await overdrachten.schools(ctx)
        except ServiceError as exc:
            return fout(request, aangemeld, exc.status)
    gekozen = {"schoolId": str(o.school.id)} if o.school else {}
    return pagina(
        request,
        "ouder/school.html",
        aangemeld,
        status,
        o=o,
        open=o.status in SCHOOL_KIEZEN,
        scholen=[(str(s.id), s.naam) for s in scholen],
        waarden={**gekozen, **(waarden or {})},
        fouten=fouten or {},
        melding=melding,
        opnieuw_vragen=o.toestemming_voor is ToestemmingVoor.GENOEMDE_SCHOOL,
    )


@router.get("/overdrachten/{overdracht_id}/ouder/school")
async def school_form(request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Ingelogd) -> Response:
    if weg := voor_ouders(request, aangemeld):
        return weg
    o = await detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    return await _school_pagina(request, aangemeld, o)


@router.post("/overdrachten/{overdracht_id}/ouder/school")
async def choose_school(
    request: Request,
    overdracht_id: UUID,
    taal: Taal,
    aangemeld: Gepost,
    school_id: Annotated[str, Form(alias="schoolId")] = "",
) -> Response:
    if weg := voor_ouders(request, aangemeld):
        return weg
    waarden = {"schoolId": school_id}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        o = await detail(request, aangemeld, overdracht_id)
        if not isinstance(o, OverdrachtDetail):
            return o
        return await _school_pagina(request, aangemeld, o, waarden, fouten, melding, status)

    if not school_id:
        return await again({"schoolId": gettext(KIES_SCHOOL)}, None, 400)
    try:
        gekozen = UUID(school_id)
    except ValueError:
        return await again({"schoolId": gettext(ONBEKENDE_SCHOOL)}, None, 400)
    return await stap(
        request,
        aangemeld,
        overdracht_id,
        "school",
        lambda ctx: stappen.choose_school(ctx, overdracht_id, gekozen),
        then=lambda: done(url(overdracht_id), "ouder_school"),
        again=again,
        berichten={"schoolId": ONBEKENDE_SCHOOL},
    )
