"""The child's inzage-log: who read or changed the child's data, when and why. For the parents (in their
language) and for the location's staff (in Dutch), on one page."""

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schemas.overdracht import Rol
from services import inzage
from services.errors import ServiceError
from web import i18n
from web.render import caller, error_page
from web.routes.ouder.gedeeld import INZAGE_PER_PAGINA, Ingelogd, fout, pagina

router = APIRouter(include_in_schema=False)


# The child's inzage-log: for the parents, and for the location's staff (in Dutch)


@router.get("/overdrachten/{overdracht_id}/inzage")
async def inzage_log(request: Request, overdracht_id: UUID, aangemeld: Ingelogd, cursor: str | None = None) -> Response:
    ouder = aangemeld.user.rol is Rol.OUDER
    if ouder:
        i18n.kies(request)
    else:
        i18n.gebruik(i18n.BRONTAAL)  # the staff's pages are not translated
    try:
        async with caller(request, aangemeld.user) as ctx:
            log = await inzage.inzage_log(ctx, overdracht_id, INZAGE_PER_PAGINA, cursor)
    except ServiceError as exc:
        return fout(request, aangemeld, exc.status) if ouder else error_page(request, exc, aangemeld)
    return pagina(
        request,
        "ouder/inzage.html",
        aangemeld,
        o_id=overdracht_id,
        regels=log.resultaten,
        volgende=log.volgende_cursor,
        eerste=cursor is None,
        taalkeuze=ouder,
    )
