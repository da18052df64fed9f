"""The gemeente's organisation, for its beheerder (`/beheer/organisatie`): the stadsdelen, wijken, voorschool
locations and schools on one page; a page to add each kind and one to change each (rename, move, LRK number,
BRIN and vestiging) with a button to close it or open it again; and the schools read from DUO's file, with
the report of every row. The use cases are the API's (services/organisatie.py): the same checks, capability,
gemeente and audit rows."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from api.limits import takes_upload
from schemas.organisatie import (
    DuoImportResultaat,
    GemeenteWijziging,
    LocatieNieuw,
    LocatieWijziging,
    SchoolNieuw,
    SchoolWijziging,
    StadsdeelNieuw,
    StadsdeelWijziging,
    WijkNieuw,
    WijkWijziging,
)
from services import duo, organisatie
from services.context import Context
from services.errors import InvalidInput, NotFound, ServiceError, TooLarge
from web.invoer import invoer_fout, parse
from web.render import GEDAAN, act, caller, done, error_page, page, posted, same_origin, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

ADRES = "/beheer/organisatie"
DUO_ADRES = f"{ADRES}/scholen/duo-import"
BESTAND = "bestand"
# The DUO file, and the token and the wijk around it.
MAX_FORM_BYTES = duo.MAX_BESTAND_BYTES + 64 * 1024

GEDAAN.update(
    {
        "organisatie-toegevoegd": "Toegevoegd.",
        "organisatie-opgeslagen": "De wijziging is opgeslagen.",
        "organisatie-gesloten": "Gesloten. Er kan niets nieuws meer bij; wat er al is, loopt gewoon door.",
        "organisatie-heropend": "Weer open.",
        "organisatie-gemeentecode": "De gemeentecode is opgeslagen.",
    }
)

Invoer = Mapping[str, str]


@dataclass(frozen=True)
class Veld:
    naam: str  # the API's name of the field: a refusal's invalidParams land beside it
    label: str
    hint: str | None = None
    keuze: str | None = None  # "stadsdeel" or "wijk": a list of the open ones to choose from
    attrs: str = ""


@dataclass(frozen=True)
class Soort:
    """One kind of organisation, as the pages show and change it."""

    pad: str  # in the address: /beheer/organisatie/<pad>/…
    naam: str  # "locatie"
    de: str  # its article: "de locatie", "het stadsdeel"
    nieuw_titel: str
    velden: list[Veld]
    gesloten_uitleg: str
    lees: Callable[[Context, UUID], Awaitable[Any]]
    maak: Callable[[Context, Any], Awaitable[Any]]
    wijzig: Callable[[Context, UUID, Any], Awaitable[Any]]
    nieuw_model: type[BaseModel]
    wijzig_model: type[BaseModel]
    # Optional fields that an emptied form field clears (the form's name: the model's): others keep.
    wisbaar: Mapping[str, str] = field(default_factory=dict)


NAAM = Veld("naam", "Naam")
SOORTEN = {
    s.pad: s
    for s in (
        Soort(
            "stadsdelen", "stadsdeel", "het", "Nieuw stadsdeel", [NAAM],
            "Een gesloten stadsdeel krijgt geen nieuwe wijken; de wijken die het heeft, blijven zoals ze zijn.",
            organisatie.stadsdeel, organisatie.nieuw_stadsdeel, organisatie.wijzig_stadsdeel,
            StadsdeelNieuw, StadsdeelWijziging,
        ),
        Soort(
            "wijken", "wijk", "de", "Nieuwe wijk", [NAAM, Veld("stadsdeelId", "Stadsdeel", keuze="stadsdeel")],
            "In een gesloten wijk komen geen nieuwe locaties of scholen (ook niet uit het DUO-bestand); de locaties"
            " en scholen die er zijn, blijven zoals ze zijn.",
            organisatie.wijk, organisatie.nieuwe_wijk, organisatie.wijzig_wijk, WijkNieuw, WijkWijziging,
        ),
        Soort(
            "locaties", "locatie", "de", "Nieuwe voorschoollocatie",
            [
                NAAM,
                Veld("wijkId", "Wijk", keuze="wijk"),
                Veld(
                    "lrkNummer", "LRK-nummer",
                    "Het nummer in het Landelijk Register Kinderopvang: 9 tot 12 cijfers, bijvoorbeeld 123456789.",
                    attrs='inputmode="numeric" autocomplete="off"',
                ),
            ],
            "Bij een gesloten locatie worden geen nieuwe kinderen geplaatst (ook niet met de import) en er verhuist"
            " geen kind naartoe. De kinderen die er zijn, hun overdrachten en de medewerkers gaan gewoon door.",
            organisatie.locatie, organisatie.nieuwe_locatie, organisatie.wijzig_locatie,
            LocatieNieuw, LocatieWijziging,
        ),
        Soort(
            "scholen", "school", "de", "Nieuwe school",
            [
                NAAM,
                Veld("wijkId", "Wijk", keuze="wijk"),
                Veld("brin", "BRIN-nummer", "4 tekens: 2 cijfers en 2 letters of cijfers, bijvoorbeeld 01AB.",
                     attrs='autocomplete="off"'),
                Veld("vestiging", "Vestigingsnummer", "2 cijfers, bijvoorbeeld 00 voor de hoofdvestiging.",
                     attrs='inputmode="numeric" autocomplete="off"'),
                Veld("intakeEmail", "E-mailadres voor aanmeldingen (optioneel)",
                     "Hier meldt de dienst meteen elke overdracht die naar de school is gestuurd, net als bij de intern"
                     " begeleiders. Leeg: alleen de intern begeleiders (of, zonder hen, alle medewerkers van de school).",
                     attrs='inputmode="email" autocomplete="off"'),
            ],
            "Een gesloten school kan niet meer als school van een kind worden gekozen. De overdrachten die al bij de"
            " school zijn, gaan gewoon door.",
            organisatie.school, organisatie.nieuwe_school, organisatie.wijzig_school, SchoolNieuw, SchoolWijziging,
            {"intakeEmail": "intake_email"},
        ),
    )
}  # fmt: skip


def _soort(pad: str) -> Soort:
    soort = SOORTEN.get(pad)
    if soort is None:
        raise NotFound("Deze pagina bestaat niet.")
    return soort


async def _keuzes(ctx: Context, huidig: Any = None) -> dict[str, list[tuple[str, str]]]:
    """The open stadsdelen and wijken to choose from (and the current one, open or not)."""
    stadsdelen = await organisatie.stadsdelen(ctx)
    wijken = await organisatie.wijken(ctx)
    huidige = {getattr(getattr(huidig, a, None), "id", None) for a in ("stadsdeel", "wijk")}
    return {
        "stadsdeel": [(str(s.id), _dicht(s.naam, s.gesloten)) for s in stadsdelen if not s.gesloten or s.id in huidige],
        "wijk": [
            (str(w.id), _dicht(f"{w.naam} ({w.stadsdeel.naam})", w.gesloten))
            for w in wijken
            if not w.gesloten or w.id in huidige
        ],
    }


def _dicht(naam: str, gesloten: bool) -> str:
    return f"{naam} (gesloten)" if gesloten else naam


def _velden(form: Mapping[str, Any], soort: Soort) -> dict[str, str]:
    return {v.naam: str(form.get(v.naam) or "").strip() for v in soort.velden}


# The overview


UREN = [(str(uur), f"{uur}:00 uur") for uur in range(24)]


@router.get(ADRES)
async def overzicht(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _overzicht(request, aangemeld)


async def _overzicht(
    request: Request, aangemeld: Aangemeld, status: int = 200, fouten: Mapping[str, str] | None = None
) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            gemeente = await organisatie.gemeente(ctx)
            stadsdelen, wijken = await organisatie.stadsdelen(ctx), await organisatie.wijken(ctx)
            locaties, scholen = await organisatie.locaties(ctx), await organisatie.scholen(ctx)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return page(
        request,
        "beheer/organisatie.html",
        status,
        aangemeld=aangemeld,
        uren=UREN,
        fouten=fouten,
        gemeente=gemeente,
        stadsdelen=stadsdelen,
        wijken=wijken,
        locaties=locaties,
        scholen=scholen,
    )


# The schools from DUO's file (before /scholen/{id}: its address would read as one)


async def _duo_pagina(
    request: Request,
    aangemeld: Aangemeld,
    status: int = 200,
    *,
    waarden: Invoer | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
    resultaat: DuoImportResultaat | None = None,
) -> HTMLResponse:
    try:
        async with caller(request, aangemeld.user) as ctx:
            gemeente = await organisatie.gemeente(ctx)
            keuzes = await _keuzes(ctx)
            scholen = {s.id: s for s in await organisatie.scholen(ctx)} if resultaat else {}
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    eigen = [r for r in resultaat.regels if r.eigen_gemeente] if resultaat else []
    return page(
        request,
        "beheer/organisatie_duo.html",
        status,
        aangemeld=aangemeld,
        gemeente=gemeente,
        wijken=keuzes["wijk"],
        waarden=waarden or {"gemeentecode": gemeente.gemeentecode or ""},
        fouten=fouten or {},
        melding=melding,
        resultaat=resultaat,
        eigen=eigen,
        scholen=scholen,
        voorbeeld=duo.VOORBEELD_KOP,
    )


@router.get(DUO_ADRES)
async def duo_formulier(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _duo_pagina(request, aangemeld)


@router.post(DUO_ADRES)
@takes_upload
async def duo_import(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    """The file (bounded by its length before the form is read), the token, the wijk for new schools;
    then the use case, which reads the file only once the person may import. The report is this page."""
    length = request.headers.get("content-length", "")
    waarden: dict[str, str] = {}
    try:
        if not same_origin(request):
            raise InvalidInput("Dit formulier komt niet van deze site.")
        if not length.isdecimal() or int(length) > MAX_FORM_BYTES:
            mb = duo.MAX_BESTAND_BYTES // (1024 * 1024)
            raise TooLarge(
                f"Het bestand is groter dan {mb} MB; er is niets ingelezen.",
                invalid_params=[{"name": BESTAND, "reason": f"Het bestand is groter dan {mb} MB."}],
            )
        form = await request.form(max_files=1, max_fields=3)
        csrf, bestand, wijk = form.get("csrf"), form.get(BESTAND), form.get("wijkId")
        if csrf != aangemeld.csrf:
            raise InvalidInput("Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")
        waarden["wijkId"] = wijk.strip() if isinstance(wijk, str) else ""
        wijk_id = _uuid(waarden["wijkId"])
        fouten = {}
        if waarden["wijkId"] and wijk_id is None:
            fouten["wijkId"] = "Kies een wijk uit de lijst."
        if not isinstance(bestand, UploadFile) or not bestand.filename:
            fouten[BESTAND] = "Kies het CSV-bestand van DUO."
        if fouten:
            raise invoer_fout(fouten)
        assert isinstance(bestand, UploadFile)
        async with caller(request, aangemeld.user) as ctx:
            resultaat = await organisatie.importeer_duo(ctx, bestand.read, wijk_id)
    except ServiceError as exc:
        if exc.status in (403, 404, 503):
            return error_page(request, exc, aangemeld)
        fouten = _fouten(exc)
        return await _duo_pagina(
            request, aangemeld, exc.status, waarden=waarden, fouten=fouten, melding=None if fouten else exc.detail
        )
    return await _duo_pagina(request, aangemeld, waarden=waarden, resultaat=resultaat)


def _fouten(exc: ServiceError) -> dict[str, str]:
    """The refusal per form field; what is about the file's content (a missing column) lands on the file."""
    fouten: dict[str, str] = {}
    for param in exc.extensions.get("invalid_params") or []:
        naam, reden = str(param.get("name", "")), str(param.get("reason", ""))
        if naam in ("wijkId", "gemeentecode", BESTAND):
            fouten[naam] = reden
        else:
            fouten[BESTAND] = exc.detail
    return fouten


def _uuid(tekst: str) -> UUID | None:
    try:
        return UUID(tekst)
    except ValueError:
        return None


@router.post(f"{ADRES}/gemeentecode")
async def gemeentecode(request: Request, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    form = await request.form()
    waarden = {"gemeentecode": str(form.get("gemeentecode") or "").strip()}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _duo_pagina(request, aangemeld, status, waarden=waarden, fouten=fouten, melding=melding)

    return await act(
        request,
        aangemeld,
        lambda ctx: organisatie.wijzig_gemeente(ctx, GemeenteWijziging(gemeentecode=waarden["gemeentecode"] or None)),
        then=lambda: done(DUO_ADRES, "organisatie-gemeentecode"),
        again=again,
    )


@router.post(f"{ADRES}/herinneringen")
async def herinneringen(request: Request, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    """Whether the gemeente's staff get reminders at once or as a daily overview, and at what hour."""
    form = await request.form()
    waarden = {"bundelen": str(form.get("bundelen") or ""), "bundelUur": str(form.get("bundelUur") or "")}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _overzicht(request, aangemeld, status, fouten or {"bundelen": melding or "Dit kan nu niet."})

    async def bewaar(ctx: Context) -> None:
        invoer, fouten = parse(GemeenteWijziging, waarden)
        if invoer is None or invoer.bundelen is None or invoer.bundel_uur is None:
            raise invoer_fout({"bundelen": "Kies een van de twee.", **fouten} if not waarden["bundelen"] else fouten)
        await organisatie.wijzig_gemeente(
            ctx, GemeenteWijziging(bundelen=invoer.bundelen, bundel_uur=invoer.bundel_uur)
        )

    return await act(
        request, aangemeld, bewaar, then=lambda: done(ADRES, "organisatie-opgeslagen"),
        again=again,
    )  # fmt: skip


# Adding one


async def _formulier(
    request: Request,
    aangemeld: Aangemeld,
    soort: Soort,
    ding_id: UUID | None,
    status: int = 200,
    *,
    waarden: Invoer | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
) -> HTMLResponse:
    """The page to add one (`ding_id` None) or to change one, with its close or open-again button."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            ding = await soort.lees(ctx, ding_id) if ding_id else None
            keuzes = await _keuzes(ctx, ding)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    if waarden is None and ding is not None:
        waarden = {
            "naam": ding.naam,
            "stadsdeelId": str(ding.stadsdeel.id) if hasattr(ding, "stadsdeel") else "",
            "wijkId": str(ding.wijk.id) if hasattr(ding, "wijk") else "",
            "lrkNummer": getattr(ding, "lrk_nummer", None) or "",
            "brin": getattr(ding, "brin", None) or "",
            "vestiging": getattr(ding, "vestiging", None) or "",
            "intakeEmail": getattr(ding, "intake_email", None) or "",
        }
    return page(
        request,
        "beheer/organisatie_formulier.html",
        status,
        aangemeld=aangemeld,
        soort=soort,
        ding=ding,
        keuzes=keuzes,
        waarden=waarden or {},
        fouten=fouten or {},
        melding=melding,
    )


@router.get(ADRES + "/{pad}/nieuw")
async def nieuw_formulier(request: Request, pad: str, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    try:
        soort = _soort(pad)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return await _formulier(request, aangemeld, soort, None)


@router.post(ADRES + "/{pad}/nieuw")
async def nieuw(request: Request, pad: str, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    try:
        soort = _soort(pad)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    waarden = _velden(await request.form(), soort)

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _formulier(
            request, aangemeld, soort, None, status, waarden=waarden, fouten=fouten, melding=melding
        )

    async def maak(ctx: Context) -> None:
        invoer, fouten = parse(soort.nieuw_model, waarden)
        if invoer is None:
            raise invoer_fout(fouten)
        await soort.maak(ctx, invoer)

    return await act(request, aangemeld, maak, then=lambda: done(ADRES, "organisatie-toegevoegd"), again=again)


# Changing one


@router.get(ADRES + "/{pad}/{ding_id}")
async def wijzig_formulier(
    request: Request, pad: str, ding_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    try:
        soort = _soort(pad)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return await _formulier(request, aangemeld, soort, ding_id)


@router.post(ADRES + "/{pad}/{ding_id}")
async def wijzig(
    request: Request, pad: str, ding_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    try:
        soort = _soort(pad)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    waarden = _velden(await request.form(), soort)

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _formulier(
            request, aangemeld, soort, ding_id, status, waarden=waarden, fouten=fouten, melding=melding
        )

    async def wijzig_het(ctx: Context) -> None:
        # Every field of the form is sent: an emptied name is a mistake, not "leave it as it is".
        leeg = {v.naam: "Vul dit in." for v in soort.velden if v.naam in ("naam", "wijkId", "stadsdeelId")}
        fouten = {naam: tekst for naam, tekst in leeg.items() if not waarden.get(naam)}
        invoer, model_fouten = parse(soort.wijzig_model, waarden)
        if fouten or invoer is None:
            raise invoer_fout({**model_fouten, **fouten})
        gewist = {veld: "" for naam, veld in soort.wisbaar.items() if not waarden.get(naam)}
        await soort.wijzig(ctx, ding_id, invoer.model_copy(update=gewist))

    return await act(
        request, aangemeld, wijzig_het, then=lambda: done(f"{ADRES}/{pad}/{ding_id}", "organisatie-opgeslagen"),
        again=again,
    )  # fmt: skip


async def _sluit(request: Request, aangemeld: Aangemeld, pad: str, ding_id: UUID, gesloten: bool) -> Response:
    try:
        soort = _soort(pad)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _formulier(request, aangemeld, soort, ding_id, status, melding=melding or "Dit kan nu niet.")

    wijziging = soort.wijzig_model.model_validate({"gesloten": gesloten})
    return await act(
        request,
        aangemeld,
        lambda ctx: soort.wijzig(ctx, ding_id, wijziging),
        then=lambda: done(f"{ADRES}/{pad}/{ding_id}", "organisatie-gesloten" if gesloten else "organisatie-heropend"),
        again=again,
    )


@router.post(ADRES + "/{pad}/{ding_id}/sluiten")
async def sluiten(
    request: Request, pad: str, ding_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    return await _sluit(request, aangemeld, pad, ding_id, True)


@router.post(ADRES + "/{pad}/{ding_id}/heropenen")
async def heropenen(
    request: Request, pad: str, ding_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    return await _sluit(request, aangemeld, pad, ding_id, False)
