"""/v1/overdrachten: open an overdracht, read it, and take its steps."""

from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Response, status

from api.deps import (
    Annuleren,
    DbDep,
    DeadlineVerplaatsen,
    FormulierBewerken,
    IntakeBevestigen,
    OuderreactieGeven,
    OverdrachtLezen,
    OverdrachtOpenen,
    PapierenKopieVastleggen,
    Retourneren,
    SchoolKiezen,
    SettingsDep,
    TemporalDep,
    ToestemmingGeven,
    Verzenden,
    WarmeOverdrachtBijdragen,
)
from api.errors import Forbidden, InvalidInput, NoProtocol, NotFound, problems
from api.paging import decode_cursor, encode_cursor
from db import kinderen, organisaties, overdrachten
from db import protocol as protocols
from protocol.dates import end_of_day
from schemas.api import (
    Annulering,
    DeadlineVerplaatsing,
    LegeStap,
    OntvangstBevestigen,
    Ouderreactie,
    OverdrachtDetail,
    OverdrachtenPagina,
    Retour,
    StapVerwerkt,
    Tijdlijn,
    ToestemmingVastleggen,
    WarmeOverdrachtAanvragen,
    WarmeOverdrachtActie,
    WarmeOverdrachtPlannen,
)
from schemas.api import OverdrachtOpenen as OverdrachtOpenenBody
from schemas.api import SchoolKiezen as SchoolKiezenBody
from schemas.audit import Actie
from schemas.formulier import Formulier
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Deadline, Rol, Status, Vlag
from schemas.workflow import (
    Actor,
    Cancel,
    ChooseSchool,
    ConfirmReceipt,
    HandoverInput,
    MoveDeadline,
    Open,
    PlanWarmHandover,
    RecordConsent,
    RecordPaperCopy,
    RecordReaction,
    RecordWarmHandover,
    RequestWarmHandover,
    ReturnToSender,
    SaveForm,
    Send,
    Submit,
)
from services import commands as engine
from services import views
from services.audit import OPENEN_VELDEN, Audit, velden_in, velden_in_tijdlijn, velden_van_stap
from workflows.handover import HandoverWorkflow

router = APIRouter(prefix="/v1/overdrachten", tags=["overdrachten"])

NOT_FOUND = "Deze overdracht bestaat niet of u heeft er geen toegang toe."


def _actor(user: Gebruiker) -> Actor:
    return Actor(gebruiker_id=user.id, rol=user.rol)


async def _visible(pool: DbDep, user: Gebruiker, overdracht_id: UUID) -> Any:
    row = await overdrachten.get(pool, user, overdracht_id)
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def _known_school(pool: DbDep, school_id: UUID) -> None:
    if not await organisaties.school_exists(pool, school_id):
        raise InvalidInput(
            "De gekozen school bestaat niet.", invalid_params=[{"name": "schoolId", "reason": "onbekende school"}]
        )


async def _detail(pool: DbDep, user: Gebruiker, overdracht_id: UUID) -> OverdrachtDetail:
    row = await _visible(pool, user, overdracht_id)
    if not user.reads_content:
        return views.detail(row, user, None, [])
    formulier = await overdrachten.form(pool, overdracht_id)
    return views.detail(row, user, formulier, await overdrachten.reactions(pool, overdracht_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Open an overdracht for a child placed at your location",
    description="Idempotent per child: opening again returns the existing overdracht (200).",
    responses={200: {"model": OverdrachtDetail, "description": "Already open."}, **problems(400, 401, 403, 404, 503)},
)
async def open_overdracht(
    body: OverdrachtOpenenBody,
    user: OverdrachtOpenen,
    pool: DbDep,
    client: TemporalDep,
    settings: SettingsDep,
    response: Response,
    audit: Audit,
) -> OverdrachtDetail:
    entry = audit.add(user, Actie.WIJZIGEN, "overdracht.openen", kind_id=body.kind_id, velden=OPENEN_VELDEN)
    kind = await kinderen.placed_at(pool, body.kind_id, user.locatie_id)  # type: ignore[arg-type]
    if kind is None:
        raise NotFound("Dit kind is niet bekend op uw locatie.")
    overdracht_id = entry.overdracht_id = engine.overdracht_id_for(body.kind_id)
    response.headers["Location"] = f"/v1/overdrachten/{overdracht_id}"
    if await overdrachten.get(pool, user, overdracht_id) is not None:
        response.status_code = status.HTTP_200_OK
        return await _detail(pool, user, overdracht_id)
    school_id = body.school_id or kind["aangemelde_school_id"]
    if body.school_id:
        await _known_school(pool, body.school_id)
    protocol = await protocols.current(pool, kind["gemeente_id"])
    if protocol is None:
        raise NoProtocol("Voor deze gemeente is nog geen protocol ingesteld; vraag het functioneel beheer.")
    handover = HandoverInput(
        overdracht_id=overdracht_id,
        kind_id=body.kind_id,
        gemeente_id=kind["gemeente_id"],
        locatie_id=kind["locatie_id"],
        school_id=school_id,
        geboortedatum=kind["geboortedatum"],
        vve_indicatie=kind["vve_indicatie"],
        protocol=protocol,
    )
    await engine.open_handover(client, settings, handover, Open(actor=_actor(user)))
    return await _detail(pool, user, overdracht_id)


@router.get(
    "",
    summary="List the overdrachten you may see",
    description="Filtered, sorted (oldest opened first unless `sort` says otherwise) and keyset-paged: "
    "pass `volgendeCursor` as `cursor` for the next page, with the same `sort`.",
    responses=problems(400, 401, 503),
)
async def list_overdrachten(
    user: OverdrachtLezen,
    pool: DbDep,
    audit: Audit,
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
        date | None, Query(alias="deadlineVoor", description="The next open deadline ends on or before this day.")
    ] = None,
    sort: Annotated[overdrachten.Sort, Query()] = overdrachten.Sort.GEOPEND_OP,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(description="volgendeCursor of the previous page.")] = None,
) -> OverdrachtenPagina:
    after = decode_cursor(cursor, sort.value) if cursor else None
    filters = overdrachten.Filters(
        status=status_,
        open_vlaggen=vlag,
        te_laat=te_laat,
        locatie_id=locatie_id,
        school_id=school_id,
        wijk_id=wijk_id,
        stadsdeel_id=stadsdeel_id,
        schooljaar=schooljaar,
        deadline_voor=end_of_day(deadline_voor) + timedelta(microseconds=1) if deadline_voor else None,
    )
    rows = await overdrachten.page(pool, user, filters, sort, after, page_size + 1)
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = encode_cursor(sort.value, rows[-1]["sort_key"], rows[-1]["id"]) if more else None
    page = OverdrachtenPagina(resultaten=[views.summary(r, user) for r in rows], volgende_cursor=next_cursor)
    audit.lijst(
        user,
        "overdrachten.lijst",
        [(r["id"], r["kind_id"], velden_in(o)) for r, o in zip(rows, page.resultaten, strict=True)],
    )
    return page


@router.get(
    "/{overdracht_id}",
    summary="One overdracht: state, dates, and the form for roles that may read it",
    responses=problems(400, 401, 404, 503),
)
async def get_overdracht(overdracht_id: UUID, user: OverdrachtLezen, pool: DbDep, audit: Audit) -> OverdrachtDetail:
    entry = audit.lezen(user, "overdracht.detail", overdracht_id)
    detail = await _detail(pool, user, overdracht_id)
    entry.velden = velden_in(detail)
    return detail


@router.get(
    "/{overdracht_id}/tijdlijn",
    summary="Every event of this overdracht, oldest first",
    responses=problems(400, 401, 404, 503),
)
async def get_tijdlijn(overdracht_id: UUID, user: OverdrachtLezen, pool: DbDep, audit: Audit) -> Tijdlijn:
    entry = audit.lezen(user, "overdracht.tijdlijn", overdracht_id)
    await _visible(pool, user, overdracht_id)
    rows = await overdrachten.timeline(pool, overdracht_id)
    tijdlijn = Tijdlijn(gebeurtenissen=[views.timeline_item(r, user) for r in rows])
    entry.velden = velden_in_tijdlijn(tijdlijn)
    return tijdlijn


# Steps. Each checks the caller may see the overdracht (404 otherwise), then lets the workflow decide
# whether the step fits the state (409 or 422 otherwise), then answers with the overdracht as it now is.

STEP_PROBLEMS = problems(400, 401, 403, 404, 409, 503)
CREATED = {"status_code": status.HTTP_201_CREATED, "responses": STEP_PROBLEMS}


class _Steps:
    """What every step needs: the read model to check scope and answer, the engine to take it, and the
    audit trail, where each step route registers itself first (so a refusal is recorded too)."""

    def __init__(self, pool: DbDep, client: TemporalDep, settings: SettingsDep, audit: Audit) -> None:
        self.pool, self.client, self.settings, self.audit = pool, client, settings, audit

    async def take(self, user: Gebruiker, overdracht_id: UUID, update: Any, cmd: Any) -> OverdrachtDetail:
        await self.check_and_record(user, overdracht_id, cmd)
        await engine.take_step(self.client, self.settings, overdracht_id, update, cmd)
        return await _detail(self.pool, user, overdracht_id)

    async def check_and_record(self, user: Gebruiker, overdracht_id: UUID, cmd: Any) -> None:
        await _visible(self.pool, user, overdracht_id)
        self.audit.current.velden = await velden_van_stap(self.pool, overdracht_id, cmd)


Steps = Annotated[_Steps, Depends()]


@router.put(
    "/{overdracht_id}/formulier",
    summary="Save the draft form (partial drafts allowed)",
    responses=STEP_PROBLEMS,
)
async def save_formulier(
    overdracht_id: UUID, body: Formulier, user: FormulierBewerken, steps: Steps
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.formulier", overdracht_id)
    return await steps.take(
        user, overdracht_id, HandoverWorkflow.save_form, SaveForm(actor=_actor(user), formulier=body)
    )


@router.post(
    "/{overdracht_id}/indieningen",
    status_code=status.HTTP_201_CREATED,
    summary="Submit the form for the parents' review",
    responses=problems(400, 401, 403, 404, 409, 422, 503),
)
async def submit(
    overdracht_id: UUID, user: FormulierBewerken, steps: Steps, body: Annotated[LegeStap | None, Body()] = None
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.indiening", overdracht_id)
    row = await _visible(steps.pool, user, overdracht_id)
    # Whose consent is asked: the child's parents with custody as they are now.
    cmd = Submit(actor=_actor(user), ouders=await kinderen.parents(steps.pool, row["kind_id"]))
    return await steps.take(user, overdracht_id, HandoverWorkflow.submit, cmd)


@router.post(
    "/{overdracht_id}/toestemmingen",
    status_code=status.HTTP_201_CREATED,
    summary="A parent's consent or refusal; `ingetrokken` withdraws consent before receipt",
    responses=STEP_PROBLEMS,
)
async def record_consent(
    overdracht_id: UUID, body: ToestemmingVastleggen, user: ToestemmingGeven, steps: Steps
) -> OverdrachtDetail | StapVerwerkt:
    """A refusal or withdrawal ends the overdracht and its content is purged at once (by default), the
    parents' accounts with it: the parent may then be answered with metadata only."""
    steps.audit.wijzigen(user, "overdracht.toestemming", overdracht_id)
    cmd = RecordConsent(actor=_actor(user), besluit=body.besluit)
    await steps.check_and_record(user, overdracht_id, cmd)
    state = await engine.take_step(steps.client, steps.settings, overdracht_id, HandoverWorkflow.record_consent, cmd)
    try:
        return await _detail(steps.pool, user, overdracht_id)
    except NotFound:
        return StapVerwerkt(id=state.overdracht_id, status=state.status, revisie=state.revisie)


@router.put(
    "/{overdracht_id}/school",
    summary="Name or change the receiving school",
    responses=STEP_PROBLEMS,
)
async def choose_school(
    overdracht_id: UUID, body: SchoolKiezenBody, user: SchoolKiezen, steps: Steps
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.school", overdracht_id)
    # An unknown school is a 400 about the body: it says nothing about an overdracht the caller can't see.
    await _known_school(steps.pool, body.school_id)
    cmd = ChooseSchool(actor=_actor(user), school_id=body.school_id)
    return await steps.take(user, overdracht_id, HandoverWorkflow.choose_school, cmd)


@router.post(
    "/{overdracht_id}/verzendingen",
    status_code=status.HTTP_201_CREATED,
    summary="Send to the school (only with consent)",
    responses=STEP_PROBLEMS,
)
async def send(
    overdracht_id: UUID, user: Verzenden, steps: Steps, body: Annotated[LegeStap | None, Body()] = None
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.verzending", overdracht_id)
    return await steps.take(user, overdracht_id, HandoverWorkflow.send, Send(actor=_actor(user)))


@router.post(
    "/{overdracht_id}/ontvangstbevestigingen",
    status_code=status.HTTP_201_CREATED,
    summary="The school confirms receipt and intake, with the planned first school day",
    responses=STEP_PROBLEMS,
)
async def confirm_receipt(
    overdracht_id: UUID, body: OntvangstBevestigen, user: IntakeBevestigen, steps: Steps
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.ontvangstbevestiging", overdracht_id)
    cmd = ConfirmReceipt(
        actor=_actor(user),
        eerste_schooldag=body.eerste_schooldag,
        warme_overdracht_gewenst=body.warme_overdracht_gewenst,
        reden=body.reden,
    )
    return await steps.take(user, overdracht_id, HandoverWorkflow.confirm_receipt, cmd)


@router.post(
    "/{overdracht_id}/ouderreacties",
    summary="The parents' reaction: their view, and whether they agree with the content",
    **CREATED,
)
async def record_reaction(
    overdracht_id: UUID, body: Ouderreactie, user: OuderreactieGeven, steps: Steps
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.ouderreactie", overdracht_id)
    cmd = RecordReaction(actor=_actor(user), eens=body.eens, zienswijze=body.zienswijze, reden=body.reden)
    return await steps.take(user, overdracht_id, HandoverWorkflow.record_reaction, cmd)


@router.post(
    "/{overdracht_id}/papieren-kopieen",
    summary="Record that the parents were handed a paper copy of the form",
    **CREATED,
)
async def record_paper_copy(
    overdracht_id: UUID,
    user: PapierenKopieVastleggen,
    steps: Steps,
    body: Annotated[LegeStap | None, Body()] = None,
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.papieren_kopie", overdracht_id)
    return await steps.take(
        user, overdracht_id, HandoverWorkflow.record_paper_copy, RecordPaperCopy(actor=_actor(user))
    )


@router.post(
    "/{overdracht_id}/retouren",
    summary="Not enrolled here: the school returns the overdracht, with a reason",
    **CREATED,
)
async def return_to_sender(overdracht_id: UUID, body: Retour, user: Retourneren, steps: Steps) -> StapVerwerkt:
    """Answered with metadata only: once returned, the overdracht is no longer the school's to see."""
    steps.audit.wijzigen(user, "overdracht.retour", overdracht_id)
    cmd = ReturnToSender(actor=_actor(user), reden=body.reden)
    await steps.check_and_record(user, overdracht_id, cmd)
    state = await engine.take_step(steps.client, steps.settings, overdracht_id, HandoverWorkflow.return_to_sender, cmd)
    return StapVerwerkt(id=state.overdracht_id, status=state.status, revisie=state.revisie)


@router.post(
    "/{overdracht_id}/warme-overdrachten",
    summary="Ask for a warme overdracht, plan it, or record it as held",
    description="`actie`: `aanvragen` (PM'er, school, ouder; with a reason), `plannen` and `vastleggen` "
    "(PM'er, school; with date, form and, when held, who took part).",
    **CREATED,
)
async def warm_handover(
    overdracht_id: UUID, body: WarmeOverdrachtActie, user: WarmeOverdrachtBijdragen, steps: Steps
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.warme_overdracht", overdracht_id)
    actor = _actor(user)
    if isinstance(body, WarmeOverdrachtAanvragen):
        update: Any = HandoverWorkflow.request_warm_handover
        cmd: Any = RequestWarmHandover(actor=actor, reden=body.reden)
    elif user.rol is Rol.OUDER:
        raise Forbidden(
            "Ouders kunnen een warme overdracht aanvragen; plannen en vastleggen doen school en voorschool."
        )
    elif isinstance(body, WarmeOverdrachtPlannen):
        update, cmd = (
            HandoverWorkflow.plan_warm_handover,
            PlanWarmHandover(actor=actor, datum=body.datum, vorm=body.vorm),
        )
    else:
        update = HandoverWorkflow.record_warm_handover
        cmd = RecordWarmHandover(actor=actor, datum=body.datum, vorm=body.vorm, deelnemers=body.deelnemers)
    return await steps.take(user, overdracht_id, update, cmd)


@router.post(
    "/{overdracht_id}/annuleringen",
    summary="The child leaves or moves: cancel the overdracht, with a reason",
    **CREATED,
)
async def cancel(overdracht_id: UUID, body: Annulering, user: Annuleren, steps: Steps) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.annulering", overdracht_id)
    return await steps.take(user, overdracht_id, HandoverWorkflow.cancel, Cancel(actor=_actor(user), reden=body.reden))


@router.put(
    "/{overdracht_id}/deadlines/{stap}",
    summary="Move one deadline, with a reason (audited in the timeline)",
    responses=STEP_PROBLEMS,
)
async def move_deadline(
    overdracht_id: UUID, stap: Deadline, body: DeadlineVerplaatsing, user: DeadlineVerplaatsen, steps: Steps
) -> OverdrachtDetail:
    steps.audit.wijzigen(user, "overdracht.deadline", overdracht_id)
    cmd = MoveDeadline(actor=_actor(user), deadline=stap, tot=end_of_day(body.datum), reden=body.reden)
    return await steps.take(user, overdracht_id, HandoverWorkflow.move_deadline, cmd)
