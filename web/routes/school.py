"""The school's pages (IB'er, directie): the inbox of what was sent to the school, new first."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schemas.lijst import Filters, Sort
from services import overdrachten
from services.errors import ServiceError
from web.render import caller, error_page, page
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


async def start(request: Request, aangemeld: Aangemeld) -> Response:
    """The school's start page: its inbox."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            pagina = await overdrachten.page(ctx, Filters(), Sort.BIJGEWERKT_OP_AFLOPEND, 50)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(request, "start.html", aangemeld=aangemeld, overdrachten=pagina.resultaten, te_openen=[])
