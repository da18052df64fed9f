"""/v1/overdrachten: open an overdracht, read it, and take its steps. Each route parses, calls its use
case in the service layer (services/overdrachten.py, services/stappen.py) and answers."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Query, Response, status

from api.deps import Ctx
from api.errors import problems
from api.query import Datum
from schemas.api import (
    Annulering,
    Correctie,
    DeadlineVerplaatsing,
    LegeStap,
    MentorToewijzen,
    OntvangstBevestigen,
    Ouderreactie,
    OverdrachtDetail,
    OverdrachtenPagina,
    OverdrachtOpenen,
    Retour,
    SchoolKiezen,
    StapResultaat,
    Tijdlijn,
    ToestemmingNamensOuder,
    ToestemmingVastleggen,
    WarmeOverdrachtActie,
)
from schemas.formulier import Formulier
from schemas.lijst import Filters, MentorFilter, Sort
from schemas.overdracht import Deadline, Status, Vlag
from services import mentoren, overdrachten, stappen

router = APIRouter(prefix="/v1/overdrachten", tags=["overdrachten"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Open an overdracht for a child placed at your location",
    description="Idempotent per child: opening again returns the existing overdracht (200).",
    responses={200: {"model": OverdrachtDetail, "description": "Already open."}, **problems(400, 401, 403, 404, 503)},
)
async def open_overdracht(body: OverdrachtOpenen, ctx: Ctx, response: Response) -> OverdrachtDetail:
    geopend = await overdrachten.open_overdracht(ctx, body.kind_id, body.school_id)
    response.headers["Location"] = f"/v1/overdrachten/{geopend.overdracht.id}"
    if not geopend.nieuw:
        response.status_code = status.HTTP_200_OK
    return geopend.overdracht


@router.get(
    "",
    summary="List the overdrachten you may see",
    description="Filtered, sorted (oldest opened first unless `sort` says otherwise) and keyset-paged: "
    "pass `volgendeCursor` as `cursor` for the next page, with the same `sort`.",
    responses=problems(400, 401, 503),
)
async def list_overdrachten(
    ctx: Ctx,
    status_: Annotated[list[Status] | None, Query(alias="status", description="One or more states.")] = None,
    vlag: Annotated[list[Vlag] | None, Query(description="Overdue now for any of these flags.")] = None,
    te_laat: Annotated[bool | None, Query(alias="teLaat", description="Anything overdue now (true) or not.")] = None,
    locatie_id: Annotated[UUID | None, Query(alias="locatieId")] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId")] = None,
    wijk_id: Annotated[UUID | None, Query(alias="wijkId")] = None,
    stadsdeel_id: Annotated[UUID | None, Query(alias="stadsdeelId")] = None,
    schooljaar: Annotated[
        str | None, Query(pattern=r"^\d{4}-\d{4}$", description="e.g. 2027-2028: the school year the child starts in.")
    ] = None,
    deadline_voor: Annotated[
        Datum | None, Query(alias="deadlineVoor", description="The next open deadline ends on or before this day.")
    ] = None,
    mentor: Annotated[
        MentorFilter | None, Query(description="`ik`: only those whose child you are the mentor of.")
    ] = None,
    sort: Annotated[Sort, Query()] = Sort.GEOPEND_OP,
    eigen_eerst: Annotated[
        bool,
        Query(
            alias="eigenEerst",
            description="Those whose child you are the mentor of first, then the others; each part sorted by `sort`.",
        ),
    ] = False,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(description="volgendeCursor of the previous page.")] = None,
) -> OverdrachtenPagina:
    filters = Filters(
        status=status_,
        open_vlaggen=vlag,
        te_laat=te_laat,
        locatie_id=locatie_id,
        school_id=school_id,
        wijk_id=wijk_id,
        stadsdeel_id=stadsdeel_id,
        schooljaar=schooljaar,
        deadline_voor=deadline_voor,
        mentor=mentor,
    )
    return await overdrachten.page(ctx, filters, sort, page_size, cursor, eigen_eerst=eigen_eerst)


@router.get(
    "/{overdracht_id}",
    summary="One overdracht: state, dates, and the form for roles that may read it",
    responses=problems(400, 401, 404, 503),
)
async def get_overdracht(overdracht_id: UUID, ctx: Ctx) -> OverdrachtDetail:
    return await overdrachten.detail(ctx, overdracht_id)


@router.get(
    "/{overdracht_id}/tijdlijn",
    summary="Every event of this overdracht, oldest first",
    responses=problems(400, 401, 404, 503),
)
async def get_tijdlijn(overdracht_id: UUID, ctx: Ctx) -> Tijdlijn:
    return await overdrachten.timeline(ctx, overdracht_id)


# Steps. The caller must be allowed the step (403) and see the overdracht (404); the workflow decides
# whether the step fits the state (409 or 422). The answer is the overdracht as it now is.

STEP_PROBLEMS = problems(400, 401, 403, 404, 409, 503)
CREATED: dict[str, Any] = {"status_code": status.HTTP_201_CREATED, "responses": STEP_PROBLEMS}
NoBody = Annotated[LegeStap | None, Body()]


@router.put(
    "/{overdracht_id}/formulier", summary="Save the draft form (partial drafts allowed)", responses=STEP_PROBLEMS
)
async def save_formulier(overdracht_id: UUID, body: Formulier, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.save_form(ctx, overdracht_id, body)


@router.post(
    "/{overdracht_id}/indieningen",
    status_code=status.HTTP_201_CREATED,
    summary="Submit the form for the parents' review",
    responses=problems(400, 401, 403, 404, 409, 422, 503),
)
async def submit(overdracht_id: UUID, ctx: Ctx, body: NoBody = None) -> OverdrachtDetail:
    return await stappen.submit(ctx, overdracht_id)


@router.post(
    "/{overdracht_id}/correcties",
    summary="Take the form back from the parents to correct it (a correction round)",
    description="For the PM'er and locatiemanager, after the parents' review and before sending: the form goes back"
    " to CONCEPT (the reason recorded), consent given so far lapses, and after the next submission the parents see"
    " what changed (`wijzigingen`).",
    **CREATED,
)
async def take_back(overdracht_id: UUID, body: Correctie, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.take_back(ctx, overdracht_id, body.reden)


@router.post(
    "/{overdracht_id}/toestemmingen",
    summary="A parent's consent or refusal; `ingetrokken` withdraws consent before receipt",
    description="Answered with the engine's record of the step, metadata only: a refusal or withdrawal ends the "
    "overdracht, and its content and the parents' access are purged (at once, by default).",
    **CREATED,
)
async def record_consent(overdracht_id: UUID, body: ToestemmingVastleggen, ctx: Ctx) -> StapResultaat:
    return await stappen.record_consent(ctx, overdracht_id, body.besluit, body.voor)


@router.post(
    "/{overdracht_id}/ouders/{ouder_id}/toestemmingen",
    summary="Record a parent's decision as they gave it to the voorschool: on the paper form or in the conversation",
    description="For the child's location (PM'er, locatiemanager). `ouderId` is a parent with custody asked at"
    " submission. The parents are told by mail and can still see it and withdraw their consent themselves, as"
    " long as the protocol allows. Answered like the parent's own decision: the engine's record of the step.",
    **CREATED,
)
async def record_consent_for_parent(
    overdracht_id: UUID, ouder_id: UUID, body: ToestemmingNamensOuder, ctx: Ctx
) -> StapResultaat:
    return await stappen.record_consent_for_parent(ctx, overdracht_id, ouder_id, body)


@router.put("/{overdracht_id}/school", summary="Name or change the receiving school", responses=STEP_PROBLEMS)
async def choose_school(overdracht_id: UUID, body: SchoolKiezen, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.choose_school(ctx, overdracht_id, body.school_id)


@router.post("/{overdracht_id}/verzendingen", summary="Send to the school (only with consent)", **CREATED)
async def send(overdracht_id: UUID, ctx: Ctx, body: NoBody = None) -> OverdrachtDetail:
    return await stappen.send(ctx, overdracht_id)


@router.post(
    "/{overdracht_id}/ontvangstbevestigingen",
    summary="The school confirms receipt and intake, with the planned first school day",
    **CREATED,
)
async def confirm_receipt(overdracht_id: UUID, body: OntvangstBevestigen, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.confirm_receipt(ctx, overdracht_id, body)


@router.post(
    "/{overdracht_id}/ouderreacties",
    summary="The parents' reaction: their view, and whether they agree with the content",
    **CREATED,
)
async def record_reaction(overdracht_id: UUID, body: Ouderreactie, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.record_reaction(ctx, overdracht_id, body)


@router.post(
    "/{overdracht_id}/papieren-kopieen",
    summary="Record that the parents were handed a paper copy of the form",
    **CREATED,
)
async def record_paper_copy(overdracht_id: UUID, ctx: Ctx, body: NoBody = None) -> OverdrachtDetail:
    return await stappen.record_paper_copy(ctx, overdracht_id)


@router.post(
    "/{overdracht_id}/retouren",
    summary="Not enrolled here: the school returns the overdracht, with a reason",
    description="Answered with metadata only: once returned, the overdracht is no longer the school's to see.",
    **CREATED,
)
async def return_to_sender(overdracht_id: UUID, body: Retour, ctx: Ctx) -> StapResultaat:
    return await stappen.return_to_sender(ctx, overdracht_id, body.reden)


@router.post(
    "/{overdracht_id}/warme-overdrachten",
    summary="Ask for a warme overdracht, plan it, or record it as held",
    description="`actie`: `aanvragen` (PM'er, school, ouder; with a reason), `plannen` and `vastleggen` "
    "(PM'er, school; with date, form and, when held, who took part).",
    **CREATED,
)
async def warm_handover(overdracht_id: UUID, body: WarmeOverdrachtActie, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.warm_handover(ctx, overdracht_id, body)


@router.post(
    "/{overdracht_id}/annuleringen",
    summary="The child leaves or moves: cancel the overdracht, with a reason",
    **CREATED,
)
async def cancel(overdracht_id: UUID, body: Annulering, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.cancel(ctx, overdracht_id, body.reden)


@router.put(
    "/{overdracht_id}/deadlines/{stap}",
    summary="Move one deadline, with a reason (audited in the timeline)",
    responses=STEP_PROBLEMS,
)
async def move_deadline(overdracht_id: UUID, stap: Deadline, body: DeadlineVerplaatsing, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.move_deadline(ctx, overdracht_id, stap, body.datum, body.reden)


@router.put(
    "/{overdracht_id}/mentor",
    summary="The locatiemanager names the child's mentor: a pedagogisch medewerker of the location",
    description="The mentor gets the reminders meant for the PM'er; a PM'er's list can show their own first "
    "(`eigenEerst=true`, or only theirs: `mentor=ik`). Another location's PM'er (or no PM'er at all) is a 400.",
    responses=problems(400, 401, 403, 404, 409, 503),
)
async def assign_mentor(overdracht_id: UUID, body: MentorToewijzen, ctx: Ctx) -> OverdrachtDetail:
    return await mentoren.assign(ctx, overdracht_id, body.mentor_id)
