"""Each person's start page ("wat moet ik doen") and opening an overdracht for a placed child."""

from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from schemas.ids import overdracht_id_for
from schemas.lijst import Filters, MentorFilter, Sort
from schemas.overdracht import Rol, Status, Vlag
from services import overdrachten, stappen
from services.errors import ServiceError
from services.permissions import Capability, allows
from web.invoer import parse
from web.render import STATUS_NAMEN, VLAG_NAMEN, caller, error_page, page, posted, signed_in
from web.routes import beheer, coordinatie, school
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

START_ROWS = 25  # per section of the start page; the list has the rest
LIST_ROWS = 50


@router.get("/")
async def start(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    user = aangemeld.user
    if user.rol is Rol.OUDER and user.kind_id is not None:
        return RedirectResponse(f"/overdrachten/{overdracht_id_for(user.kind_id)}", status_code=303)
    if user.rol is Rol.SCHOOL:
        return await school.start(request, aangemeld)
    if user.rol is Rol.BEHEERDER:
        return await beheer.start(request, aangemeld)
    if user.rol is Rol.COORDINATOR:
        return await coordinatie.start(request, aangemeld)
    # A PM'er's own mentees first (the mentor gets the reminders).
    eigen_eerst = user.rol is Rol.PEDAGOGISCH_MEDEWERKER
    try:
        async with caller(request, user) as ctx:
            te_laat = await overdrachten.page(
                ctx, Filters(te_laat=True), Sort.ACHTERSTALLIG_SINDS, START_ROWS, eigen_eerst=eigen_eerst
            )
            binnenkort = await overdrachten.page(
                ctx,
                Filters(te_laat=False, status=stappen.RUNNING),
                Sort.VOLGENDE_DEADLINE,
                START_ROWS,
                eigen_eerst=eigen_eerst,
            )
            # The location's staff: the placed children who have no overdracht yet, to open one.
            te_openen = await overdrachten.children_to_open(ctx) if allows(user, Capability.OVERDRACHT_OPENEN) else []
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(
        request, "start.html", aangemeld=aangemeld, te_laat=te_laat.resultaten, binnenkort=binnenkort.resultaten,
        te_openen=te_openen, eigen_eerst=eigen_eerst, importeren=allows(user, Capability.PLAATSINGEN_IMPORTEREN),
    )  # fmt: skip


class Lijstfilters(BaseModel):
    """The list's filters as the page's form sends them (the API's filters, in the page's words)."""

    status: Status | None = None
    vlag: Vlag | None = None
    teLaat: bool | None = None  # noqa: N815 (the form's field name, as in the API)
    schooljaar: Annotated[str, Field(pattern=r"^\d{4}-\d{4}$")] | None = None
    mentor: bool = False
    sort: Sort = Sort.VOLGENDE_DEADLINE


SORTERINGEN = {
    Sort.VOLGENDE_DEADLINE: "Eerstvolgende deadline eerst",
    Sort.ACHTERSTALLIG_SINDS: "Langst te laat eerst",
    Sort.GEOPEND_OP_AFLOPEND: "Nieuwste eerst",
    Sort.GEOPEND_OP: "Oudste eerst",
    Sort.BIJGEWERKT_OP_AFLOPEND: "Laatst gewijzigd eerst",
}


@router.get("/overdrachten")
async def overdrachten_list(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    """Every overdracht the person may see, with the API's filters, a page at a time."""
    waarden = {k: v for k, v in request.query_params.items() if k != "cursor" and v}
    cursor = request.query_params.get("cursor")
    filters, fouten = parse(Lijstfilters, waarden)
    context: dict[str, Any] = {
        "aangemeld": aangemeld,
        "waarden": waarden,
        "statussen": [(s.value, STATUS_NAMEN[s]) for s in Status],
        "vlaggen": [(v.value, VLAG_NAMEN[v]) for v in Vlag],
        "sorteringen": [(s.value, naam) for s, naam in SORTERINGEN.items()],
        "mentor_filter": aangemeld.user.rol is Rol.PEDAGOGISCH_MEDEWERKER,
    }
    if filters is None:
        return page(request, "lijst.html", 400, fouten=fouten, rijen=[], **context)
    try:
        async with caller(request, aangemeld.user) as ctx:
            pagina = await overdrachten.page(
                ctx,
                Filters(
                    status=[filters.status] if filters.status else None,
                    open_vlaggen=[filters.vlag] if filters.vlag else None,
                    te_laat=filters.teLaat,
                    schooljaar=filters.schooljaar,
                    mentor=MentorFilter.IK if filters.mentor else None,
                ),
                filters.sort,
                LIST_ROWS,
                cursor,
            )
    except ServiceError as exc:
        if exc.status != 400:
            return error_page(request, exc, aangemeld)
        return page(request, "lijst.html", 400, fouten={"sort": exc.detail}, rijen=[], **context)
    volgende = (
        "/overdrachten?" + urlencode({**waarden, "cursor": pagina.volgende_cursor}) if pagina.volgende_cursor else None
    )
    return page(request, "lijst.html", fouten={}, rijen=pagina.resultaten, volgende=volgende, **context)


@router.post("/overdrachten")
async def open_overdracht(
    request: Request,
    aangemeld: Annotated[Aangemeld, Depends(posted)],
    kind_id: Annotated[UUID, Form(alias="kindId")],
) -> Response:
    """The button beside a child without an overdracht: open it, then go to its page."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            geopend = await overdrachten.open_overdracht(ctx, kind_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return RedirectResponse(f"/overdrachten/{geopend.overdracht.id}", status_code=303)
