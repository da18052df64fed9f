"""`/overdrachten/{id}` as a parent reads it: where things stand, the form as the school will read it
in plain words, what the parents said, and the steps they can take now."""

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schemas.api import OverdrachtDetail
from schemas.overdracht import Deadline
from services import stappen
from web import i18n
from web.routes.ouder.gedeeld import BESLISSEN, INTREKKEN, REAGEREN, SCHOOL_KIEZEN, detail, pagina
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)


# The overdracht as the parent reads it


async def overdracht(request: Request, overdracht_id: UUID, aangemeld: Aangemeld) -> Response:
    """`/overdrachten/{id}` as a parent sees it: the form as the school will read it, in plain words,
    what the parents said, and the steps they can take now."""
    i18n.kies(request)
    o = await detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    termijn = o.termijnen.deadlines.get(Deadline.TOESTEMMING) if o.status in BESLISSEN else None
    return pagina(
        request,
        "ouder/overdracht.html",
        aangemeld,
        o=o,
        termijn=termijn,
        kan_reageren=o.status in REAGEREN,
        kan_beslissen=o.status in BESLISSEN,
        kan_school_kiezen=o.status in SCHOOL_KIEZEN,
        kan_intrekken=o.status in INTREKKEN,
        kan_gesprek_vragen="WARME_OVERDRACHT_AANVRAGEN" in stappen.possible(aangemeld.user, o.status),
    )
