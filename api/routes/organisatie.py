"""/v1/gemeente, /v1/stadsdelen, /v1/wijken, /v1/locaties, /v1/scholen: the gemeente's organisation, kept by
functioneel beheer (services/organisatie.py), and the schools read from DUO's file."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.deps import Ctx
from api.limits import takes_upload
from api.problems import Documented, forbidden, problems
from api.uploads import read_file, upload_problems
from schemas.organisatie import (
    DuoImportResultaat,
    Gemeente,
    GemeenteWijziging,
    Locatie,
    LocatieNieuw,
    Locaties,
    LocatieWijziging,
    Scholen,
    School,
    SchoolNieuw,
    SchoolWijziging,
    Stadsdeel,
    StadsdeelNieuw,
    StadsdeelWijziging,
    Stadsdelen,
    Wijk,
    Wijken,
    WijkNieuw,
    WijkWijziging,
)
from services import duo, organisatie
from services.errors import InvalidInput
from services.permissions import Capability

router = APIRouter(prefix="/v1", tags=["organisatie"])

WIE = "Voor de beheerder (functioneel beheer), binnen de eigen gemeente."
GESLOTEN = (
    " Er wordt niets verwijderd: `gesloten: true` sluit het (het neemt niets nieuws aan; wat het heeft, blijft"
    " werken), `false` opent het weer."
)
WIJZIGEN = (
    f"{WIE} Alleen de meegegeven velden veranderen; elke wijziging staat in het audit-log. Die van een andere"
    " gemeente is een 404; een `wijkId` of `stadsdeelId` van een andere gemeente is een onbekende (400). Een naam,"
    " LRK-nummer of BRIN met vestiging die de gemeente al heeft, is een 409 `bestaat_al`; een gesloten wijk of"
    " stadsdeel om naartoe te verhuizen een 409 `gesloten`; elk met het veld in `invalidParams`."
)
NIEUW = (
    f"{WIE} 201 met wat er gemaakt is. Ongeldige velden zijn een 400 die elk veld noemt; een naam, LRK-nummer of BRIN"
    " met vestiging die de gemeente al heeft een 409 `bestaat_al`; een gesloten stadsdeel of wijk een 409 `gesloten`."
)
BEHEREN = forbidden(Capability.ORGANISATIE_BEHEREN)
LIJST = problems(BEHEREN)
ONGELDIG = "Een veld is niet goed ingevuld; `invalidParams` noemt elk veld met de reden."
_CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain"})


def _ongeldig(veld: str, reden: str) -> Documented:
    return Documented(InvalidInput(organisatie.ONGELDIG, invalid_params=[{"name": veld, "reason": reden}]), ONGELDIG)


def _onbekend(wat: str) -> Documented:
    return Documented(organisatie.niet_gevonden(wat), f"`{wat}Id` is geen {wat} van uw gemeente.")


def _bestaat_al(wat: str) -> Documented:
    return Documented(organisatie.naam_bezet(wat), f"Uw gemeente heeft al een {wat} met deze naam.")


def _in(soort: str, wat: str) -> tuple[Documented, ...]:
    """Putting a `wat` in a stadsdeel or wijk (`soort`): it must be the gemeente's, and open."""
    veld = f"{soort}Id"
    return (
        Documented(organisatie.onbekende_ouder(soort, veld), f"`{veld}` is geen {soort} van uw gemeente."),
        Documented(
            organisatie.gesloten_ouder(soort, veld, wat), f"De {soort} `{veld}` is gesloten: er kan geen {wat} bij."
        ),
    )


NAAM = _ongeldig("naam", "Vul een naam in.")
LRK = (
    _ongeldig(
        "lrkNummer", "Een LRK-nummer is 9 tot 12 cijfers, zoals het in het Landelijk Register Kinderopvang staat."
    ),
    Documented(organisatie.lrk_bezet(), "Uw gemeente heeft al een locatie met dit LRK-nummer."),
)
BRIN = (
    _ongeldig("brin", "Een BRIN-nummer is 4 tekens: 2 cijfers en dan 2 letters of cijfers, bijvoorbeeld 01AB."),
    Documented(
        organisatie.vestiging_bezet("01AB", "00"), "Uw gemeente heeft al een school met deze BRIN en deze vestiging."
    ),
)
GEMEENTE_ONBEKEND = Documented(organisatie.niet_gevonden("gemeente"), "Uw gemeente bestaat niet (meer).")


def _created(response: Response, path: str) -> None:
    response.headers["Location"] = path


# The gemeente


@router.get(
    "/gemeente",
    operation_id="getGemeente",
    summary="Uw gemeente, met haar CBS-gemeentecode",
    description=WIE,
    responses=problems(BEHEREN, GEMEENTE_ONBEKEND),
)
async def get_gemeente(ctx: Ctx) -> Gemeente:
    return await organisatie.gemeente(ctx)


@router.patch(
    "/gemeente",
    operation_id="changeGemeente",
    summary="De CBS-gemeentecode van de gemeente instellen (of weghalen), en hoe haar medewerkers berichten krijgen",
    description=f"{WIE} De DUO-import leest de rijen van de gemeente op de code (kolom GEMEENTENUMMER); zonder code op"
    " de naam van de gemeente (GEMEENTENAAM), wat misgaat waar DUO die anders spelt ('s-Gravenhage).",
    responses=problems(BEHEREN, _ongeldig("gemeentecode", organisatie.GEMEENTECODE), GEMEENTE_ONBEKEND),
)
async def patch_gemeente(body: GemeenteWijziging, ctx: Ctx) -> Gemeente:
    return await organisatie.wijzig_gemeente(ctx, body)


# Stadsdelen


@router.get(
    "/stadsdelen",
    operation_id="listStadsdelen",
    summary="De stadsdelen van de gemeente",
    description=WIE,
    responses=LIJST,
)
async def list_stadsdelen(ctx: Ctx) -> Stadsdelen:
    return Stadsdelen(resultaten=await organisatie.stadsdelen(ctx))


@router.post(
    "/stadsdelen",
    operation_id="createStadsdeel",
    summary="Een stadsdeel toevoegen",
    description=NIEUW,
    status_code=201,
    responses=problems(BEHEREN, NAAM, _bestaat_al("stadsdeel")),
)
async def create_stadsdeel(body: StadsdeelNieuw, ctx: Ctx, response: Response) -> Stadsdeel:
    result = await organisatie.nieuw_stadsdeel(ctx, body)
    _created(response, f"/v1/stadsdelen/{result.id}")
    return result


@router.get(
    "/stadsdelen/{stadsdeel_id}",
    operation_id="getStadsdeel",
    summary="Eén stadsdeel",
    description=WIE,
    responses=problems(BEHEREN, _onbekend("stadsdeel")),
)
async def get_stadsdeel(stadsdeel_id: UUID, ctx: Ctx) -> Stadsdeel:
    return await organisatie.stadsdeel(ctx, stadsdeel_id)


@router.patch(
    "/stadsdelen/{stadsdeel_id}",
    operation_id="changeStadsdeel",
    summary="Een stadsdeel hernoemen, sluiten of weer openen",
    description=WIJZIGEN + GESLOTEN + " Een gesloten stadsdeel neemt geen nieuwe wijk aan (niet toegevoegd, niet erheen"
    " verhuisd).",
    responses=problems(BEHEREN, NAAM, _onbekend("stadsdeel"), _bestaat_al("stadsdeel")),
)
async def patch_stadsdeel(stadsdeel_id: UUID, body: StadsdeelWijziging, ctx: Ctx) -> Stadsdeel:
    return await organisatie.wijzig_stadsdeel(ctx, stadsdeel_id, body)


# Wijken


@router.get(
    "/wijken",
    operation_id="listWijken",
    summary="De wijken van de gemeente, met hun stadsdeel",
    description=WIE,
    responses=LIJST,
)
async def list_wijken(ctx: Ctx) -> Wijken:
    return Wijken(resultaten=await organisatie.wijken(ctx))


@router.post(
    "/wijken",
    operation_id="createWijk",
    summary="Een wijk toevoegen aan een open stadsdeel",
    description=NIEUW,
    status_code=201,
    responses=problems(BEHEREN, NAAM, *_in("stadsdeel", "wijk"), _bestaat_al("wijk")),
)
async def create_wijk(body: WijkNieuw, ctx: Ctx, response: Response) -> Wijk:
    result = await organisatie.nieuwe_wijk(ctx, body)
    _created(response, f"/v1/wijken/{result.id}")
    return result


@router.get(
    "/wijken/{wijk_id}",
    operation_id="getWijk",
    summary="Eén wijk",
    description=WIE,
    responses=problems(BEHEREN, _onbekend("wijk")),
)
async def get_wijk(wijk_id: UUID, ctx: Ctx) -> Wijk:
    return await organisatie.wijk(ctx, wijk_id)


@router.patch(
    "/wijken/{wijk_id}",
    operation_id="changeWijk",
    summary="Een wijk hernoemen, naar een ander stadsdeel verhuizen, sluiten of weer openen",
    description=WIJZIGEN
    + GESLOTEN
    + " Een gesloten wijk neemt geen nieuwe locatie of school aan (niet toegevoegd, niet erheen verhuisd, niet uit de"
    " DUO-import).",
    responses=problems(BEHEREN, NAAM, *_in("stadsdeel", "wijk"), _onbekend("wijk"), _bestaat_al("wijk")),
)
async def patch_wijk(wijk_id: UUID, body: WijkWijziging, ctx: Ctx) -> Wijk:
    return await organisatie.wijzig_wijk(ctx, wijk_id, body)


# Voorschool locations


@router.get(
    "/locaties",
    operation_id="listLocaties",
    summary="De voorschoollocaties van de gemeente, met hun LRK-nummer",
    description=WIE,
    responses=LIJST,
)
async def list_locaties(ctx: Ctx) -> Locaties:
    return Locaties(resultaten=await organisatie.locaties(ctx))


@router.post(
    "/locaties",
    operation_id="createLocatie",
    summary="Een voorschoollocatie toevoegen aan een open wijk",
    description=NIEUW,
    status_code=201,
    responses=problems(BEHEREN, NAAM, *_in("wijk", "locatie"), _bestaat_al("locatie"), *LRK),
)
async def create_locatie(body: LocatieNieuw, ctx: Ctx, response: Response) -> Locatie:
    result = await organisatie.nieuwe_locatie(ctx, body)
    _created(response, f"/v1/locaties/{result.id}")
    return result


@router.get(
    "/locaties/{locatie_id}",
    operation_id="getLocatie",
    summary="Eén voorschoollocatie",
    description=WIE,
    responses=problems(BEHEREN, _onbekend("locatie")),
)
async def get_locatie(locatie_id: UUID, ctx: Ctx) -> Locatie:
    return await organisatie.locatie(ctx, locatie_id)


@router.patch(
    "/locaties/{locatie_id}",
    operation_id="changeLocatie",
    summary="Een locatie hernoemen, naar een andere wijk verhuizen, haar LRK-nummer wijzigen, sluiten of weer openen",
    description=WIJZIGEN
    + GESLOTEN
    + " Een gesloten locatie neemt geen nieuw kind aan: de import van plaatsingen weigert er een kind dat ze nog niet"
    " kent, en er verhuist geen kind heen; de kinderen die er geplaatst zijn, hun overdrachten en haar medewerkers"
    " gaan door.",
    responses=problems(BEHEREN, NAAM, *_in("wijk", "locatie"), _onbekend("locatie"), _bestaat_al("locatie"), *LRK),
)
async def patch_locatie(locatie_id: UUID, body: LocatieWijziging, ctx: Ctx) -> Locatie:
    return await organisatie.wijzig_locatie(ctx, locatie_id, body)


# Schools


@router.get(
    "/scholen",
    operation_id="listScholen",
    summary="De scholen van de gemeente, met BRIN en vestiging",
    description=WIE,
    responses=LIJST,
)
async def list_scholen(ctx: Ctx) -> Scholen:
    return Scholen(resultaten=await organisatie.scholen(ctx))


@router.post(
    "/scholen",
    operation_id="createSchool",
    summary="Een school (één vestiging) toevoegen aan een open wijk",
    description=NIEUW + " De meeste scholen komen in plaats daarvan uit het bestand van DUO: `POST"
    " /v1/scholen/duo-import`.",
    status_code=201,
    responses=problems(BEHEREN, NAAM, *_in("wijk", "school"), *BRIN),
)
async def create_school(body: SchoolNieuw, ctx: Ctx, response: Response) -> School:
    result = await organisatie.nieuwe_school(ctx, body)
    _created(response, f"/v1/scholen/{result.id}")
    return result


DUO_IMPORT = f"""
{WIE} Leest het open-databestand van DUO met de vestigingen in het basisonderwijs ("Adressen alle vestigingen
basisonderwijs", `03.-alle-vestigingen-basisonderwijs.csv` van duo.nl/open_onderwijsdata), zoals DUO het publiceert:
het hele land in één bestand.

**Upload**: het bestand als body (`Content-Type: text/csv`), of `multipart/form-data` met het bestand in het veld
`bestand`. Hooguit {duo.MAX_BESTAND_BYTES // (1024 * 1024)} MB (413) en {duo.MAX_RIJEN} rijen.

**Bestand**: `;` tussen de velden (`,` ook: de kopregel beslist), UTF-8 of Windows-1252, een kopregel die de kolommen
noemt zoals DUO dat doet: `{duo.VOORBEELD_KOP};…`. Gelezen worden `VESTIGINGSCODE` (BRIN en vestiging, `01AB00`;
oudere bestanden: `VESTIGINGSNUMMER`), `INSTELLINGSCODE` (de BRIN, ertegen gecontroleerd; oudere bestanden: `BRIN
NUMMER`), `VESTIGINGSNAAM`, en `GEMEENTENUMMER` of `GEMEENTENAAM`; de andere kolommen worden genegeerd.

**Wat er gebeurt**: alleen de rijen van uw gemeente worden gelezen: op `GEMEENTENUMMER` als de gemeente haar
CBS-gemeentecode heeft (`PATCH /v1/gemeente`), anders op `GEMEENTENAAM` (hoofdletters en spaties terzijde). Elke rij
vindt haar school op BRIN en vestiging (een school die nog geen vestiging heeft: op haar naam, of op haar BRIN als het
bestand er één vestiging van heeft, en ze krijgt haar BRIN en vestiging). Een bekende school krijgt de naam uit het
bestand (een naam die alleen in hoofdletters of spaties verschilt, blijft zoals hij is) en verder verandert er niets:
niet haar wijk, niet of ze gesloten is. Een nieuwe school komt in de wijk `wijkId` (open, van uw gemeente); zonder
`wijkId` wordt ze overgeslagen en zegt het verslag dat; verhuis daarna elke school naar haar eigen wijk (`PATCH
/v1/scholen/{{schoolId}}`). Hetzelfde bestand opnieuw importeren verandert niets. Een school die het bestand niet noemt,
staat in `nietInBestand`, en wordt nooit gewijzigd of gesloten.

**Verslag**: elke rij op regelnummer: `toegevoegd`, `bijgewerkt`, `ongewijzigd` of `overgeslagen` met waarom (van een
andere gemeente, een foute of herhaalde rij, een nieuwe school zonder wijk). Het hele bestand wordt geweigerd (400, er
verandert niets) als het niet dat van DUO is (er ontbreekt een kolom), geen tekst is, of te lang.
"""

_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": duo.VOORBEELD_KOP},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"bestand": {"type": "string", "format": "binary"}},
                    "required": ["bestand"],
                }
            },
        },
    }
}


@router.post(
    "/scholen/duo-import",
    operation_id="importDuoScholen",
    summary="De scholen van de gemeente toevoegen en hernoemen uit het bestand van DUO met de vestigingen in het"
    " basisonderwijs",
    description=DUO_IMPORT,
    openapi_extra=_UPLOAD,
    responses=problems(
        BEHEREN,
        *upload_problems(duo.MAX_BESTAND_BYTES, _CSV_TYPES),
        Documented(
            InvalidInput(
                "Dit is niet het bestand van DUO met de vestigingen in het basisonderwijs: de kolom(men) VESTIGINGSCODE"
                " ontbreken. Download 'Adressen alle vestigingen basisonderwijs' bij DUO.",
                invalid_params=[{"name": "VESTIGINGSCODE", "reason": "kolom ontbreekt"}],
            ),
            "Het bestand is niet dat van DUO (er ontbreekt een kolom), geen tekst, leeg of te lang; er verandert niets.",
        ),
        Documented(
            InvalidInput(
                organisatie.GEEN_GEMEENTECODE,
                invalid_params=[{"name": "gemeentecode", "reason": "nodig voor de kolom GEMEENTENUMMER"}],
            ),
            "Het bestand heeft alleen `GEMEENTENUMMER` en de gemeente heeft nog geen gemeentecode.",
        ),
        *_in("wijk", "school"),
        GEMEENTE_ONBEKEND,
    ),
)
@takes_upload
async def duo_import(
    request: Request,
    ctx: Ctx,
    wijk_id: Annotated[
        UUID | None,
        Query(
            alias="wijkId", description="De open wijk waar nieuwe scholen in komen; zonder wordt er geen toegevoegd."
        ),
    ] = None,
) -> DuoImportResultaat:
    return await organisatie.importeer_duo(
        ctx, lambda: read_file(request, max_bytes=duo.MAX_BESTAND_BYTES, types=_CSV_TYPES), wijk_id
    )


@router.get(
    "/scholen/{school_id}",
    operation_id="getSchool",
    summary="Eén school",
    description=WIE,
    responses=problems(BEHEREN, _onbekend("school")),
)
async def get_school(school_id: UUID, ctx: Ctx) -> School:
    return await organisatie.school(ctx, school_id)


@router.patch(
    "/scholen/{school_id}",
    operation_id="changeSchool",
    summary="Een school hernoemen, naar een andere wijk verhuizen, haar BRIN of vestiging corrigeren, sluiten of weer"
    " openen",
    description=WIJZIGEN
    + GESLOTEN
    + " Een gesloten school wordt niet meer aangeboden of aangenomen als school van een kind (kiezen, een overdracht"
    " ermee openen, een nieuw kind in de import van plaatsingen); de overdrachten die er al zijn, gaan door.",
    responses=problems(BEHEREN, NAAM, *_in("wijk", "school"), _onbekend("school"), *BRIN),
)
async def patch_school(school_id: UUID, body: SchoolWijziging, ctx: Ctx) -> School:
    return await organisatie.wijzig_school(ctx, school_id, body)
