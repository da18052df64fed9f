"""/v1/overdrachten: open an overdracht, read it, and take its steps. Each route parses, calls its use
case in the service layer (services/overdrachten.py, services/stappen.py) and answers."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Response, status

from api.deps import Ctx
from api.problems import (
    BAD_CURSOR,
    ENGINE_DOWN,
    OUTCOME_UNKNOWN,
    OVERDRACHT_UNKNOWN,
    Documented,
    forbidden,
    problems,
    step,
)
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
from services.errors import Forbidden, FormIncomplete, InvalidInput, NoProtocol, NotFound, StepNotAllowed
from services.overdrachten import CHILD_UNKNOWN, SCHOOL_CLOSED, SCHOOL_UNKNOWN
from services.permissions import Capability as C

router = APIRouter(prefix="/v1/overdrachten", tags=["overdrachten"])

CHILD_NOT_HERE = Documented(NotFound(CHILD_UNKNOWN), "Het kind staat niet (meer) ingeschreven op een locatie van u.")
SCHOOL_NOT_OPEN = (
    Documented(
        InvalidInput(SCHOOL_UNKNOWN, invalid_params=[{"name": "schoolId", "reason": "onbekende school"}]),
        "`schoolId` is geen school van de gemeente.",
    ),
    Documented(
        InvalidInput(SCHOOL_CLOSED, invalid_params=[{"name": "schoolId", "reason": "deze school is gesloten"}]),
        "De school met `schoolId` is gesloten en neemt geen nieuwe overdrachten aan.",
    ),
)


@router.post(
    "",
    operation_id="openOverdracht",
    status_code=status.HTTP_201_CREATED,
    summary="Een overdracht openen voor een kind op uw locatie",
    description="Voor de pedagogisch medewerker en de locatiemanager van de locatie waar het kind geplaatst is."
    " Eén overdracht per kind: opnieuw openen geeft de bestaande (200). Zonder `schoolId` gaat hij naar de school"
    " waar het kind is aangemeld, als die bekend is. Een medewerker die opent, wordt de mentor van een kind zonder"
    " mentor.",
    responses={
        200: {"model": OverdrachtDetail, "description": "De overdracht was al open: zoals ze nu is."},
        **problems(
            forbidden(C.OVERDRACHT_OPENEN),
            CHILD_NOT_HERE,
            *SCHOOL_NOT_OPEN,
            Documented(
                NoProtocol(overdrachten.NO_PROTOCOL),
                "Voor de gemeente is nog geen protocol actief: er is niets geopend.",
            ),
            ENGINE_DOWN,
            OUTCOME_UNKNOWN,
        ),
    },
)
async def open_overdracht(body: OverdrachtOpenen, ctx: Ctx, response: Response) -> OverdrachtDetail:
    geopend = await overdrachten.open_overdracht(ctx, body.kind_id, body.school_id)
    response.headers["Location"] = f"/v1/overdrachten/{geopend.overdracht.id}"
    if not geopend.nieuw:
        response.status_code = status.HTTP_200_OK
    return geopend.overdracht


@router.get(
    "",
    operation_id="listOverdrachten",
    summary="De overdrachten die u mag zien",
    description="Gefilterd, gesorteerd (standaard de oudst geopende eerst; zie `sort`) en in pagina's: geef"
    " `volgendeCursor` als `cursor` mee voor de volgende pagina, met dezelfde `sort`. Iedere rol ziet alleen de"
    " overdrachten binnen zijn eigen bereik (locatie, school, kind of gemeente), en alleen de velden die hij mag"
    " lezen.",
    responses=problems(BAD_CURSOR),
)
async def list_overdrachten(
    ctx: Ctx,
    status_: Annotated[list[Status] | None, Query(alias="status", description="Een of meer statussen.")] = None,
    vlag: Annotated[list[Vlag] | None, Query(description="Nu te laat voor een van deze vlaggen.")] = None,
    te_laat: Annotated[
        bool | None, Query(alias="teLaat", description="Nu ergens te laat mee (true), of nergens (false).")
    ] = None,
    locatie_id: Annotated[UUID | None, Query(alias="locatieId", description="Alleen van deze locatie.")] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId", description="Alleen naar deze school.")] = None,
    wijk_id: Annotated[UUID | None, Query(alias="wijkId", description="Alleen van locaties in deze wijk.")] = None,
    stadsdeel_id: Annotated[
        UUID | None, Query(alias="stadsdeelId", description="Alleen van locaties in dit stadsdeel.")
    ] = None,
    schooljaar: Annotated[
        str | None,
        Query(pattern=r"^\d{4}-\d{4}$", description="Bijvoorbeeld 2027-2028: het schooljaar waarin het kind begint."),
    ] = None,
    deadline_voor: Annotated[
        Datum | None,
        Query(alias="deadlineVoor", description="De volgende open deadline eindigt op of voor deze dag (JJJJ-MM-DD)."),
    ] = None,
    mentor: Annotated[
        MentorFilter | None, Query(description="`ik`: alleen die van kinderen van wie u de mentor bent.")
    ] = None,
    sort: Annotated[Sort, Query(description="De volgorde.")] = Sort.GEOPEND_OP,
    eigen_eerst: Annotated[
        bool,
        Query(
            alias="eigenEerst",
            description="Eerst die van kinderen van wie u de mentor bent, dan de rest; elk deel gesorteerd op `sort`.",
        ),
    ] = False,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100, description="Hoeveel per pagina.")] = 25,
    cursor: Annotated[str | None, Query(description="De `volgendeCursor` van de vorige pagina.")] = None,
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
    operation_id="getOverdracht",
    summary="Eén overdracht: status, tijdstippen en termijnen, en het formulier voor wie het mag lezen",
    description="Iedereen binnen wiens bereik de overdracht valt. Het formulier, de reacties van de ouders, de"
    " bijlagen en wat een correctieronde wijzigde, alleen voor de rollen die de inhoud mogen lezen (de locatie, de"
    " ouders en, na verzending, de school); de coördinator en de beheerder zien alleen de metadata.",
    responses=problems(OVERDRACHT_UNKNOWN),
)
async def get_overdracht(overdracht_id: UUID, ctx: Ctx) -> OverdrachtDetail:
    return await overdrachten.detail(ctx, overdracht_id)


@router.get(
    "/{overdracht_id}/tijdlijn",
    operation_id="getTijdlijn",
    summary="Elke gebeurtenis van deze overdracht, de oudste eerst",
    description="Wie (welke rol) wat deed en wanneer, met de status erna; de toelichting van een persoon alleen voor"
    " de rollen die de inhoud mogen lezen, en niet meer na het verwijderen van de inhoud.",
    responses=problems(OVERDRACHT_UNKNOWN),
)
async def get_tijdlijn(overdracht_id: UUID, ctx: Ctx) -> Tijdlijn:
    return await overdrachten.timeline(ctx, overdracht_id)


# Steps. The caller must be allowed the step (403) and see the overdracht (404); the workflow decides
# whether the step fits the state (409 or 422). The answer is the overdracht as it now is.

NoBody = Annotated[LegeStap | None, Body()]
STAP = (
    " Het antwoord is de overdracht zoals ze na de stap is. Of de stap nu kan, beslist de workflow van de"
    " overdracht (409 als de status het niet toelaat)."
)


@router.put(
    "/{overdracht_id}/formulier",
    operation_id="saveFormulier",
    summary="Het formulier als concept opslaan (ook onvolledig)",
    description="Voor de pedagogisch medewerker en de locatiemanager, zolang het formulier een concept is (`concept`):"
    " het hele formulier vervangt het vorige concept." + STAP,
    responses=problems(forbidden(C.FORMULIER_BEWERKEN), *step("FORMULIER_OPSLAAN")),
)
async def save_formulier(overdracht_id: UUID, body: Formulier, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.save_form(ctx, overdracht_id, body)


@router.post(
    "/{overdracht_id}/indieningen",
    operation_id="submitFormulier",
    status_code=status.HTTP_201_CREATED,
    summary="Het formulier aan de ouders voorleggen",
    description="Voor de pedagogisch medewerker en de locatiemanager: het formulier gaat naar de ouders met gezag"
    " (`bij_ouders`), die het lezen, erop reageren en toestemming geven of weigeren. Het formulier moet daarvoor"
    " volledig genoeg zijn (422 met `ontbrekendeVelden` anders)." + STAP,
    responses=problems(
        forbidden(C.FORMULIER_BEWERKEN),
        *step("INDIENEN"),
        Documented(
            StepNotAllowed("Er is geen ouder met gezag bekend om het formulier aan voor te leggen."),
            "Van het kind is geen ouder met gezag bekend om het formulier aan voor te leggen.",
        ),
        Documented(
            FormIncomplete(
                "Het formulier is nog niet volledig genoeg om aan de ouders voor te leggen.",
                ontbrekende_velden=["ontwikkeling.taal.niveau", "observatie.datum"],
            ),
            "Het formulier is nog niet volledig genoeg; `ontbrekendeVelden` noemt elk veld dat nog nodig is.",
        ),
    ),
)
async def submit(overdracht_id: UUID, ctx: Ctx, body: NoBody = None) -> OverdrachtDetail:
    return await stappen.submit(ctx, overdracht_id)


@router.post(
    "/{overdracht_id}/correcties",
    operation_id="takeBackFormulier",
    status_code=status.HTTP_201_CREATED,
    summary="Het formulier terugnemen van de ouders om het te corrigeren (een correctieronde)",
    description="Voor de pedagogisch medewerker en de locatiemanager, na het voorleggen aan de ouders en voor het"
    " verzenden: het formulier gaat terug naar `concept` (met de reden), de toestemming tot nu toe vervalt, en na het"
    " volgende voorleggen zien de ouders wat er veranderde (`wijzigingen`)." + STAP,
    responses=problems(forbidden(C.FORMULIER_BEWERKEN), *step("TERUGNEMEN")),
)
async def take_back(overdracht_id: UUID, body: Correctie, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.take_back(ctx, overdracht_id, body.reden)


@router.post(
    "/{overdracht_id}/toestemmingen",
    operation_id="recordToestemming",
    status_code=status.HTTP_201_CREATED,
    summary="Het besluit van een ouder over toestemming; `ingetrokken` trekt haar in voor de ontvangst",
    description="Voor een ouder met gezag: toestemming geven of weigeren terwijl het formulier bij de ouders ligt,"
    " of gegeven toestemming intrekken zolang de school de overdracht niet heeft ontvangen. Het antwoord is wat de"
    " workflow van de stap vastlegde, alleen metadata: een weigering of intrekking beëindigt de overdracht, en haar"
    " inhoud en de toegang van de ouders worden verwijderd (standaard meteen).",
    responses=problems(forbidden(C.TOESTEMMING_GEVEN), *step("TOESTEMMING", "INTREKKEN")),
)
async def record_consent(overdracht_id: UUID, body: ToestemmingVastleggen, ctx: Ctx) -> StapResultaat:
    return await stappen.record_consent(ctx, overdracht_id, body.besluit, body.voor)


@router.post(
    "/{overdracht_id}/ouders/{ouder_id}/toestemmingen",
    operation_id="recordToestemmingNamensOuder",
    status_code=status.HTTP_201_CREATED,
    summary="Het besluit van een ouder vastleggen zoals die het aan de voorschool gaf: op papier of in het gesprek",
    description="Voor de locatie van het kind (pedagogisch medewerker, locatiemanager). `ouderId` is een ouder met"
    " gezag aan wie bij het voorleggen toestemming is gevraagd. De ouders krijgen er bericht van, zien het, en kunnen"
    " hun toestemming zelf nog intrekken zolang het protocol dat toelaat. Het antwoord is, zoals bij het besluit van"
    " de ouder zelf, wat de workflow van de stap vastlegde.",
    responses=problems(
        forbidden(C.TOESTEMMING_VASTLEGGEN),
        Documented(
            InvalidInput(stappen.HOW_AND_WHEN, invalid_params=[{"name": "datum", "reason": "ligt in de toekomst"}]),
            "`datum` ligt in de toekomst.",
        ),
        Documented(NotFound(stappen.NOT_A_PARENT), "`ouderId` is geen ouder van dit kind."),
        *step("TOESTEMMING", "INTREKKEN"),
        Documented(
            StepNotAllowed("Van deze ouder is bij het indienen geen toestemming gevraagd."),
            "Aan deze ouder is bij het voorleggen geen toestemming gevraagd.",
        ),
    ),
)
async def record_consent_for_parent(
    overdracht_id: UUID, ouder_id: UUID, body: ToestemmingNamensOuder, ctx: Ctx
) -> StapResultaat:
    return await stappen.record_consent_for_parent(ctx, overdracht_id, ouder_id, body)


@router.put(
    "/{overdracht_id}/school",
    operation_id="chooseSchool",
    summary="De ontvangende school noemen of wijzigen",
    description="Voor de locatie (pedagogisch medewerker, locatiemanager) en de ouders, tot de overdracht klaar is"
    " voor verzending. Een andere school kiezen nadat de ouders toestemming gaven voor de genoemde school, vraagt hun"
    " toestemming opnieuw." + STAP,
    responses=problems(forbidden(C.SCHOOL_KIEZEN), *SCHOOL_NOT_OPEN, *step("SCHOOL_KIEZEN")),
)
async def choose_school(overdracht_id: UUID, body: SchoolKiezen, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.choose_school(ctx, overdracht_id, body.school_id)


@router.post(
    "/{overdracht_id}/verzendingen",
    operation_id="sendOverdracht",
    status_code=status.HTTP_201_CREATED,
    summary="De overdracht naar de school sturen (alleen met toestemming)",
    description="Voor de pedagogisch medewerker en de locatiemanager, als de ouders toestemming gaven en de school"
    " bekend is (`gereed_voor_verzending`): de school krijgt bericht en kan het formulier lezen." + STAP,
    responses=problems(forbidden(C.VERZENDEN), *step("VERZENDEN")),
)
async def send(overdracht_id: UUID, ctx: Ctx, body: NoBody = None) -> OverdrachtDetail:
    return await stappen.send(ctx, overdracht_id)


@router.post(
    "/{overdracht_id}/ontvangstbevestigingen",
    operation_id="confirmOntvangst",
    status_code=status.HTTP_201_CREATED,
    summary="De school bevestigt ontvangst en intake, met de geplande eerste schooldag",
    description="Voor de school waarnaar de overdracht is verzonden. Met `warmeOverdrachtGewenst` vraagt de school"
    " om een warme overdracht; is die niet nodig, dan is de overdracht hiermee afgerond." + STAP,
    responses=problems(forbidden(C.INTAKE_BEVESTIGEN), *step("ONTVANGST_BEVESTIGEN")),
)
async def confirm_receipt(overdracht_id: UUID, body: OntvangstBevestigen, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.confirm_receipt(ctx, overdracht_id, body)


@router.post(
    "/{overdracht_id}/ouderreacties",
    operation_id="recordOuderreactie",
    status_code=status.HTTP_201_CREATED,
    summary="De reactie van de ouders: hun zienswijze, en of zij het eens zijn met de inhoud",
    description="Voor een ouder met gezag, terwijl het formulier bij de ouders ligt. De school leest de reactie mee"
    " met het formulier." + STAP,
    responses=problems(forbidden(C.OUDERREACTIE_GEVEN), *step("OUDERREACTIE")),
)
async def record_reaction(overdracht_id: UUID, body: Ouderreactie, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.record_reaction(ctx, overdracht_id, body)


@router.post(
    "/{overdracht_id}/papieren-kopieen",
    operation_id="recordPapierenKopie",
    status_code=status.HTTP_201_CREATED,
    summary="Vastleggen dat de ouders een papieren kopie van het formulier kregen",
    description="Voor de pedagogisch medewerker en de locatiemanager, zolang de inhoud er nog is." + STAP,
    responses=problems(
        forbidden(C.PAPIEREN_KOPIE_VASTLEGGEN),
        *step("PAPIEREN_KOPIE"),
        Documented(
            StepNotAllowed("De inhoud van deze overdracht is al verwijderd."),
            "De inhoud van de overdracht is al verwijderd: er is niets meer om af te drukken.",
        ),
    ),
)
async def record_paper_copy(overdracht_id: UUID, ctx: Ctx, body: NoBody = None) -> OverdrachtDetail:
    return await stappen.record_paper_copy(ctx, overdracht_id)


@router.post(
    "/{overdracht_id}/retouren",
    operation_id="returnOverdracht",
    status_code=status.HTTP_201_CREATED,
    summary="Niet hier ingeschreven: de school stuurt de overdracht terug, met een reden",
    description="Voor de school waarnaar de overdracht is verzonden. Het antwoord is alleen metadata: eenmaal"
    " teruggestuurd is de overdracht niet meer zichtbaar voor de school.",
    responses=problems(forbidden(C.RETOURNEREN), *step("RETOUR")),
)
async def return_to_sender(overdracht_id: UUID, body: Retour, ctx: Ctx) -> StapResultaat:
    return await stappen.return_to_sender(ctx, overdracht_id, body.reden)


@router.post(
    "/{overdracht_id}/warme-overdrachten",
    operation_id="takeWarmeOverdrachtActie",
    status_code=status.HTTP_201_CREATED,
    summary="Een warme overdracht aanvragen, plannen of als gehouden vastleggen",
    description="`actie`: `aanvragen` (pedagogisch medewerker, school, ouder; met een reden), `plannen` en"
    " `vastleggen` (pedagogisch medewerker, school; met datum, vorm en, als ze gehouden is, wie er meededen)." + STAP,
    responses=problems(
        forbidden(C.WARME_OVERDRACHT_BIJDRAGEN),
        Documented(
            Forbidden(stappen.PARENTS_ASK),
            "Een ouder die wil `plannen` of `vastleggen`: ouders kunnen alleen `aanvragen`.",
        ),
        *step("WARME_OVERDRACHT_AANVRAGEN", "WARME_OVERDRACHT_PLANNEN", "WARME_OVERDRACHT_VASTLEGGEN"),
    ),
)
async def warm_handover(overdracht_id: UUID, body: WarmeOverdrachtActie, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.warm_handover(ctx, overdracht_id, body)


@router.post(
    "/{overdracht_id}/annuleringen",
    operation_id="cancelOverdracht",
    status_code=status.HTTP_201_CREATED,
    summary="Het kind vertrekt of verhuist: de overdracht annuleren, met een reden",
    description="Voor de locatiemanager, zolang de overdracht loopt (`geannuleerd` daarna; de inhoud wordt verwijderd"
    " zoals het protocol zegt)." + STAP,
    responses=problems(forbidden(C.ANNULEREN), *step("ANNULEREN")),
)
async def cancel(overdracht_id: UUID, body: Annulering, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.cancel(ctx, overdracht_id, body.reden)


@router.put(
    "/{overdracht_id}/deadlines/{stap}",
    operation_id="moveDeadline",
    summary="Eén deadline verplaatsen, met een reden (die in de tijdlijn staat)",
    description="Voor de coördinator, zolang de overdracht loopt: de deadline eindigt dan aan het eind van `datum`"
    " (Europe/Amsterdam); een vlag voor die deadline gaat dicht als de nieuwe nog niet verstreken is." + STAP,
    responses=problems(
        forbidden(C.DEADLINE_VERPLAATSEN),
        *step("DEADLINE_VERPLAATSEN"),
        Documented(
            StepNotAllowed("De deadline 'warme_overdracht' is voor deze overdracht (nog) niet bekend."),
            "De overdracht heeft (nog) geen deadline `stap`, zoals die voor de warme overdracht zonder aanvraag.",
        ),
    ),
)
async def move_deadline(overdracht_id: UUID, stap: Deadline, body: DeadlineVerplaatsing, ctx: Ctx) -> OverdrachtDetail:
    return await stappen.move_deadline(ctx, overdracht_id, stap, body.datum, body.reden)


@router.put(
    "/{overdracht_id}/mentor",
    operation_id="assignMentor",
    summary="De locatiemanager wijst de mentor van het kind aan: een pedagogisch medewerker van de locatie",
    description="De mentor krijgt de herinneringen die voor de pedagogisch medewerker bedoeld zijn; in de lijst kan"
    " een medewerker de eigen kinderen eerst zien (`eigenEerst=true`) of alleen die (`mentor=ik`). Een medewerker"
    " van een andere locatie (of iemand die geen pedagogisch medewerker is) is een 400.",
    responses=problems(
        forbidden(C.MENTOR_TOEWIJZEN),
        Documented(
            InvalidInput(
                mentoren.NOT_A_PM,
                invalid_params=[{"name": "mentorId", "reason": "geen pedagogisch medewerker van deze locatie"}],
            ),
            "`mentorId` is geen pedagogisch medewerker van de locatie van dit kind (of bestaat niet).",
        ),
        OVERDRACHT_UNKNOWN,
        Documented(StepNotAllowed(mentoren.CLOSED), "De overdracht is afgesloten: er is geen mentor meer nodig."),
    ),
)
async def assign_mentor(overdracht_id: UUID, body: MentorToewijzen, ctx: Ctx) -> OverdrachtDetail:
    return await mentoren.assign(ctx, overdracht_id, body.mentor_id)
