"""The overdracht on paper: a print-friendly page, and the same page as a PDF (A4) for the school's
dossier and the parents' copy. Both read through `overdrachten.detail`: the same capability check,
scope and read audit row as the overdracht's page, and only what the reader's role may read.

The PDF is rendered from the page's own template and stylesheets (print.css among them) by web/pdf.py,
which fetches nothing over the network."""

import asyncio
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from activities.berichtteksten import datum
from api.static import NODE_MODULES
from schemas.api import OverdrachtDetail
from schemas.overdracht import Eens, Status, ToestemmingVoor
from services import overdrachten
from services.errors import ServiceError
from web.render import caller, error_page, page, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

TEMPLATE = "afdruk.html"
EENS = {
    Eens.JA: "ja",
    Eens.NEE: "nee",
    Eens.ONBEKEND: "dat weten de ouders nog niet",
}


def toestemming(o: OverdrachtDetail) -> str:
    """The parents' consent, in words."""
    gegeven = o.tijdstippen.toestemming_op
    match o.status:
        case Status.GEWEIGERD:
            return "geweigerd"
        case Status.INGETROKKEN:
            return "ingetrokken"
        case Status.CONCEPT:
            return "nog niet gevraagd"
        case Status.BIJ_OUDERS:
            return "gevraagd, de ouders hebben nog niet besloten"
    if gegeven is None:
        return "niet gegeven"
    tekst = f"gegeven op {datum(gegeven)}"
    if o.toestemming_voor is ToestemmingVoor.GENOEMDE_SCHOOL:
        return tekst + ", voor de genoemde school"
    if o.toestemming_voor is ToestemmingVoor.INGESCHREVEN_SCHOOL:
        return tekst + ", voor de school waar het kind wordt ingeschreven"
    return tekst


def context(o: OverdrachtDetail) -> dict[str, Any]:
    return {"o": o, "eens": EENS, "toestemming": toestemming(o)}


async def _detail(request: Request, overdracht_id: UUID, aangemeld: Aangemeld) -> OverdrachtDetail | Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            return await overdrachten.detail(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)


@router.get("/overdrachten/{overdracht_id}/afdruk")
async def afdruk(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    o = await _detail(request, overdracht_id, aangemeld)
    if isinstance(o, Response):
        return o
    return page(request, TEMPLATE, aangemeld=aangemeld, pdf=False, **context(o))


@router.get("/overdrachten/{overdracht_id}/afdruk.pdf")
async def afdruk_pdf(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    o = await _detail(request, overdracht_id, aangemeld)
    if isinstance(o, Response):
        return o
    # The page as `page` renders it (the same context), without `aangemeld`: the PDF does not name who
    # downloaded it (the audit trail does).
    html = bytes(page(request, TEMPLATE, aangemeld=None, pdf=True, **context(o)).body).decode()
    node_modules = request.app.state.settings.node_modules or NODE_MODULES
    # WeasyPrint is imported at the first PDF, not with the app: some 27 MB an API process without a
    # PDF to make does not carry.
    from web import pdf as rendering

    pdf = await asyncio.to_thread(rendering.render_pdf, html, Path(node_modules))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            # The id's first characters only: no name in the file name (it lands in the downloads folder).
            "Content-Disposition": f'attachment; filename="overdracht-{str(o.id)[:8]}.pdf"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
