"""The parents' pages, in plain Dutch (B1) and translated (web/i18n.py): their personal link signs them
in once; then the form as the school will read it, their reaction, consent or refusal (chosen, then
confirmed), the school, withdrawing consent while it may be withdrawn, and the child's inzage-log
(which the location's staff read on the same page, in Dutch). Each step is the service layer's use
case (services/stappen.py), as the API's; a page offers only the steps the status allows, and says
why when the status has moved on in the meantime."""

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from schemas.api import Ouderreactie, OverdrachtDetail, Verwijzing
from schemas.audit import Actie
from schemas.formulier import Domein, Instrument, Niveau, VveProgramma
from schemas.ids import overdracht_id_for
from schemas.overdracht import Besluit, Deadline, Eens, Rol, Status, ToestemmingVoor
from services import inzage, ouder_sessies, overdrachten, stappen
from services.audit import OUDER_CODE, OUDER_CODE_AANVRAAG, AuditTrail
from services.context import Context
from services.errors import ServiceError
from web import i18n, sessions
from web.i18n import N_, gettext
from web.render import GEDAAN, Again, caller, clients, done, error_page, field_errors, page, posted, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

Taal = Annotated[str, Depends(i18n.ouder_taal)]
Ingelogd = Annotated[Aangemeld, Depends(signed_in)]
Gepost = Annotated[Aangemeld, Depends(posted)]

# The steps a parent takes, and the states each is open in (workflows/lifecycle.py decides; these only
# choose what a page offers: tests/test_web_ouder.py keeps them within the lifecycle's table).
S = Status
REAGEREN = frozenset({S.BIJ_OUDERS})
BESLISSEN = frozenset({S.BIJ_OUDERS})
SCHOOL_KIEZEN = frozenset({S.CONCEPT, S.BIJ_OUDERS, S.WACHT_OP_SCHOOL, S.GEREED_VOOR_VERZENDING})
# After consent, until the school confirmed receipt (before consent, a parent refuses instead).
INTREKKEN = frozenset({S.WACHT_OP_SCHOOL, S.GEREED_VOOR_VERZENDING, S.VERZONDEN})
INZAGE_PER_PAGINA = 25

GEDAAN.update(
    {
        "ouder_reactie": N_("Uw reactie is opgeslagen. De school leest hem samen met het formulier."),
        "ouder_toestemming": N_("Uw toestemming is opgeslagen."),
        "ouder_school": N_("De school is opgeslagen."),
    }
)

# The lifecycle in plain words: where things stand, for the parent.
STATUS = {
    S.CONCEPT: N_("De voorschool maakt het formulier nog klaar. U krijgt een bericht als u het kunt lezen."),
    S.BIJ_OUDERS: N_("Het formulier ligt bij u. Lees het, en zeg of u toestemming geeft."),
    S.WACHT_OP_SCHOOL: N_("U gaf toestemming. Het formulier wacht tot bekend is naar welke school uw kind gaat."),
    S.GEREED_VOOR_VERZENDING: N_("U gaf toestemming. De voorschool stuurt het formulier naar de school."),
    S.VERZONDEN: N_("De voorschool heeft het formulier naar de school gestuurd."),
    S.ONTVANGEN: N_("De school heeft het formulier ontvangen."),
    S.WARME_OVERDRACHT_GEPLAND: N_("De school heeft het formulier. Er is een gesprek gepland met de voorschool."),
    S.WARME_OVERDRACHT_GEHOUDEN: N_("De school heeft het formulier. Het gesprek met de voorschool is geweest."),
    S.AFGEROND: N_("Klaar: de school heeft het formulier."),
    S.GEWEIGERD: N_("U gaf geen toestemming. De school krijgt het formulier niet."),
    S.INGETROKKEN: N_("U heeft uw toestemming ingetrokken. De school krijgt het formulier niet."),
    S.GEANNULEERD: N_("De overdracht is gestopt, bijvoorbeeld omdat uw kind van voorschool is veranderd."),
}
# Why a step is not (or no longer) possible, before what the status is now.
KAN_NIET = {
    "reactie": N_("Reageren kan alleen zolang het formulier bij u ligt."),
    "toestemming": N_("Toestemming geven of weigeren kan alleen zolang het formulier bij u ligt."),
    "school": N_("De school kiezen kan alleen tot de voorschool het formulier verstuurt."),
    "intrekken": N_("Intrekken kan alleen nadat u toestemming gaf, en tot de school het formulier heeft ontvangen."),
}

# The form in plain words.
DOMEINEN = {
    Domein.TAAL: N_("Taal: praten en begrijpen"),
    Domein.REKENEN: N_("Rekenen: tellen, vormen en hoeveelheden"),
    Domein.MOTORIEK_GROF: N_("Bewegen: rennen, klimmen, springen"),
    Domein.MOTORIEK_FIJN: N_("Fijne bewegingen: tekenen, knippen, bouwen"),
    Domein.SOCIAAL_EMOTIONEEL: N_("Omgaan met anderen en met gevoelens"),
    Domein.SPEL: N_("Spelen"),
    Domein.ZELFREDZAAMHEID: N_("Zelf dingen doen: aankleden, eten, naar de wc"),
    Domein.WELBEVINDEN: N_("Zich fijn voelen"),
}
NIVEAUS = {
    Niveau.VOORSPRONG: N_("verder dan de meeste kinderen van die leeftijd"),
    Niveau.ZOALS_VERWACHT: N_("zoals verwacht voor de leeftijd"),
    Niveau.AANDACHT: N_("heeft hier wat extra aandacht nodig"),
    Niveau.ZORG: N_("heeft hier extra hulp nodig"),
}
# Names of programmes and instruments are names: only "another one" is translated.
PROGRAMMAS = {
    VveProgramma.KALEIDOSCOOP: "Kaleidoscoop",
    VveProgramma.PIRAMIDE: "Piramide",
    VveProgramma.STARTBLOKKEN: "Startblokken",
    VveProgramma.UK_EN_PUK: "Uk & Puk",
    VveProgramma.KO_TOTAAL: "Ko-totaal",
    VveProgramma.ANDERS: N_("een ander programma"),
}
INSTRUMENTEN = {
    Instrument.KIJK: "KIJK!",
    Instrument.PRAVOO: "Pravoo",
    Instrument.BOSOS: "BOSOS",
    Instrument.CITO_VOLGSYSTEEM_JONGE_KIND: "Cito Volgsysteem jonge kind",
    Instrument.DOEN: "DOEN",
    Instrument.PEUTERPLEIN: "Peuterplein",
    Instrument.INZICHTELIJK: "Inzichtelijk",
    Instrument.ANDERS: N_("een andere manier"),
}
EENS = {
    Eens.JA: N_("Ja, het klopt"),
    Eens.NEE: N_("Nee, niet alles klopt"),
    Eens.ONBEKEND: N_("Dat weet ik niet"),
}
# A changed field of the form (after a correction round), by its first part.
FORMULIERDELEN = {
    "voorschool": N_("Voorschool"),
    "vve": N_("VVE"),
    "ontwikkeling": N_("Ontwikkeling"),
    "observatie": N_("Observatie"),
    "bijzonderheden": N_("Bijzonderheden"),
}

# The inzage-log in plain words: who (role), did what (action, subject), with which data, and why.
ROLLEN = {
    Rol.PEDAGOGISCH_MEDEWERKER: N_("pedagogisch medewerker"),
    Rol.LOCATIEMANAGER: N_("locatiemanager"),
    Rol.OUDER: N_("ouder"),
    Rol.SCHOOL: N_("school"),
    Rol.COORDINATOR: N_("coördinator van de gemeente"),
    Rol.BEHEERDER: N_("functioneel beheer"),
}
ACTIES = {
    Actie.LEZEN: N_("Bekeken"),
    Actie.WIJZIGEN: N_("Gewijzigd"),
    Actie.IMPORTEREN: N_("Ingelezen"),
    Actie.EXPORTEREN: N_("Gedownload"),
    Actie.AANMELDEN: N_("Aangemeld"),
}
ONDERWERPEN = {
    "overdracht.detail": N_("de overdracht"),
    "overdrachten.lijst": N_("de lijst met overdrachten"),
    "overdracht.tijdlijn": N_("het verloop van de overdracht"),
    "overdracht.inzage_log": N_("dit overzicht (het inzage-log)"),
    "overdracht.openen": N_("de overdracht geopend"),
    "overdracht.formulier": N_("het formulier"),
    "overdracht.indiening": N_("het formulier naar de ouders gestuurd"),
    "overdracht.correctie": N_("het formulier teruggenomen om het te verbeteren"),
    "overdracht.ouderreactie": N_("de reactie van de ouders"),
    "overdracht.papieren_kopie": N_("een papieren kopie voor de ouders"),
    "overdracht.toestemming": N_("de toestemming van de ouders"),
    "overdracht.toestemming_namens_ouder": N_("de toestemming van een ouder, op papier of in een gesprek"),
    "overdracht.toestemmingsscan": N_("de scan van het getekende toestemmingsformulier"),
    "overdracht.school": N_("de school"),
    "overdracht.verzending": N_("het formulier naar de school gestuurd"),
    "overdracht.code_ingewisseld": N_("de overdrachtcode van de ouders"),
    "overdracht.ontvangstbevestiging": N_("de ontvangst door de school"),
    "overdracht.retour": N_("teruggestuurd door de school"),
    "overdracht.warme_overdracht": N_("het gesprek tussen voorschool en school (warme overdracht)"),
    "overdracht.annulering": N_("de overdracht gestopt"),
    "overdracht.deadline": N_("een termijn"),
    "overdracht.mentor": N_("de mentor"),
    "overdracht.observatie_export": N_("het verslag van de observatie"),
    "ouder_sessie": N_("met een persoonlijke link of code"),
    "ouder.code": N_("een nieuwe code voor een ouder"),
    "ouder_brief": N_("een brief met een nieuwe code"),
    "ouder_code.email": N_("een nieuwe link per e-mail"),
    "ouder_code.aanvraag": N_("een nieuwe link per e-mail, gevraagd door een ouder"),
    "ouders": N_("de ouders"),
    "plaatsingen": N_("de plaatsing van het kind"),
}
VELDEN = {
    "kind.naam": N_("naam van het kind"),
    "kind.geboortedatum": N_("geboortedatum"),
    "kind.bsn": N_("burgerservicenummer (BSN)"),
    "kind.vve_indicatie": N_("VVE-indicatie"),
    "kind.aangemelde_school": N_("school waar het kind is aangemeld"),
    "kind.mentor": N_("mentor"),
    "kind.locatie": N_("voorschool"),
    "kind.leeftijd": N_("leeftijd"),
    "kind.plaatsing_beeindigd_op": N_("einde van de plaatsing"),
    "formulier": N_("het formulier"),
    "formulier.voorschool": N_("formulier: voorschool"),
    "formulier.vve": N_("formulier: VVE"),
    "formulier.ontwikkeling": N_("formulier: ontwikkeling"),
    "formulier.observatie": N_("formulier: observatie"),
    "formulier.bijzonderheden": N_("formulier: bijzonderheden"),
    "ouderreacties": N_("reactie van de ouders"),
    "bijlagen": N_("bijlagen"),
    "tijdlijn.toelichting": N_("toelichting bij het verloop"),
    "auditlog": N_("inzage-log"),
    "ouders": N_("ouders"),
    "ouders.naam": N_("namen van de ouders"),
    "ouder.naam": N_("naam van de ouder"),
    "besluit": N_("besluit over toestemming"),
    "voor": N_("voor welke school"),
    "namens": N_("namens welke ouder"),
    "wijze": N_("op papier of in een gesprek"),
    "datum": N_("datum"),
    "eens": N_("eens of niet eens"),
    "zienswijze": N_("wat de ouders de school vertellen"),
    "reden": N_("reden"),
    "school_id": N_("school"),
    "eerste_schooldag": N_("eerste schooldag"),
    "warme_overdracht_gewenst": N_("gesprek gewenst"),
    "vorm": N_("soort gesprek"),
    "deelnemers": N_("wie erbij waren"),
    "deadline": N_("termijn"),
    "tot": N_("nieuwe datum"),
}
# Why, for grounds that are not a role's permission (services/audit.py). A permission's own words
# (services/permissions.py) are extracted into the catalogue from there (babel.cfg).
GRONDEN = {
    OUDER_CODE: N_("een ouder gebruikte de persoonlijke link of code uit een bericht of brief"),
    OUDER_CODE_AANVRAAG: N_("een ouder vroeg een nieuwe link aan met het eigen e-mailadres"),
}

# The error pages, in the parent's language (the service's own words are Dutch and for staff).
FOUTEN = {
    403: (N_("Dit kan niet"), N_("Deze pagina is er alleen voor de ouders van het kind.")),
    404: (
        N_("Niet gevonden"),
        N_(
            "Deze overdracht bestaat niet, of u kunt hem niet bekijken. Gebruik de link uit de laatste e-mail of"
            " brief van de voorschool."
        ),
    ),
    503: (N_("Even niet beschikbaar"), N_("Probeer het over een paar minuten nog eens.")),
}
ANDERE_FOUT = (N_("Er ging iets mis"), N_("Probeer het nog eens. Lukt het niet? Neem contact op met de voorschool."))
# Messages per field when the input is not right.
KIES_EENS = N_("Kies of het formulier klopt.")
KIES_BESLUIT = N_("Kies of u toestemming geeft.")
KIES_SCHOOL = N_("Kies een school.")
ONBEKENDE_SCHOOL = N_("Deze school kennen wij niet. Kies een school uit de lijst.")
TE_LANG = N_("Deze tekst is te lang. Maak hem korter: hoogstens %(aantal)s tekens.")
CONTROLEER = N_("Controleer wat u hier invulde.")


def _woorden() -> dict[str, Any]:
    return {
        "STATUS": STATUS,
        "DOMEINEN": DOMEINEN,
        "NIVEAUS": NIVEAUS,
        "PROGRAMMAS": PROGRAMMAS,
        "INSTRUMENTEN": INSTRUMENTEN,
        "EENS": EENS,
        "FORMULIERDELEN": FORMULIERDELEN,
        "ROLLEN": ROLLEN,
        "ACTIES": ACTIES,
        "ONDERWERPEN": ONDERWERPEN,
        "VELDEN": VELDEN,
        "GRONDEN": GRONDEN,
    }


# Answers


def _pagina(
    request: Request, template: str, aangemeld: Aangemeld | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A parent's page: the notice of a step done (`?gedaan=`) in the parent's language, and the words."""
    melding = GEDAAN.get(request.query_params.get("gedaan", ""))
    return page(
        request,
        template,
        status,
        aangemeld=aangemeld,
        gedaan=gettext(melding) if melding else None,
        woorden=_woorden(),
        **context,
    )


def _fout(request: Request, aangemeld: Aangemeld | None, status: int) -> HTMLResponse:
    titel, uitleg = FOUTEN.get(status, ANDERE_FOUT)
    return _pagina(request, "ouder/fout.html", aangemeld, status, titel=gettext(titel), uitleg=gettext(uitleg))


def _waarom_niet(stap: str, status: Status) -> str:
    """Why `stap` cannot be taken now, and where things stand, in the parent's words."""
    return f"{gettext(KAN_NIET[stap])} {gettext(STATUS[status])}"


def _voor_ouders(request: Request, aangemeld: Aangemeld) -> Response | None:
    """A page only a parent takes a step on; the staff get a page that says so."""
    return None if aangemeld.user.rol is Rol.OUDER else _fout(request, aangemeld, 403)


async def _detail(request: Request, aangemeld: Aangemeld, overdracht_id: UUID) -> OverdrachtDetail | Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            return await overdrachten.detail(ctx, overdracht_id)
    except ServiceError as exc:
        return _fout(request, aangemeld, exc.status)


async def _stap(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    stap: str,
    use_case: Callable[[Context], Awaitable[object]],
    *,
    then: Callable[[], Response | Awaitable[Response]],
    again: Again,
    berichten: Mapping[str, str] | None = None,
) -> Response:
    """As web.render.act, in the parent's words: `then` when done; the form again with a message per
    field (400, 422) or with why the status no longer allows the step (409); else an error page."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            await use_case(ctx)
    except ServiceError as exc:
        if exc.status == 409:
            nu = await _detail(request, aangemeld, overdracht_id)
            if not isinstance(nu, OverdrachtDetail):
                return nu
            return await again({}, _waarom_niet(stap, nu.status), 409)
        if exc.status not in (400, 422):
            return _fout(request, aangemeld, exc.status)
        fouten = {
            naam: gettext(berichten[naam]) if berichten and naam in berichten else f"{gettext(CONTROLEER)} ({reden})"
            for naam, reden in field_errors(exc).items()
        }
        return await again(fouten, None if fouten else gettext(CONTROLEER), exc.status)
    answer = then()
    return await answer if inspect.isawaitable(answer) else answer


def _invoerfouten(exc: ValidationError, berichten: Mapping[str, str]) -> dict[str, str]:
    """Pydantic's refusal of the input (the API's own rules) as a message per form field."""
    fouten: dict[str, str] = {}
    for fout in exc.errors():
        naam = str(fout["loc"][0]) if fout["loc"] else ""
        if fout["type"] == "string_too_long":
            fouten[naam] = gettext(TE_LANG) % {"aantal": (fout.get("ctx") or {}).get("max_length", "")}
        else:
            fouten[naam] = gettext(berichten.get(naam, CONTROLEER))
    return fouten


def _url(overdracht_id: UUID, sub: str = "") -> str:
    return f"/overdrachten/{overdracht_id}{sub}"


# The way in, and the language


@router.get("/ouder")
async def parent_entry(request: Request, taal: Taal, code: str = "") -> Response:
    trail = AuditTrail(
        request.app.state.pool, endpoint="GET /ouder", request_id=getattr(request.state, "request_id", None)
    )
    try:
        user = await ouder_sessies.sign_in(clients(request), trail, code)
    except ServiceError:
        return _pagina(request, "ouder_code.html", None, 401)
    await trail.write(303)
    assert user.kind_id is not None
    response = RedirectResponse(_url(overdracht_id_for(user.kind_id)), status_code=303)
    await sessions.sign_in(request, response, user.id)
    return response


@router.get("/taal/{taal}")
async def choose_language(request: Request, taal: str, terug: str = "/") -> Response:
    """The language switch on the parents' pages: the choice kept in a cookie, back to the same page."""
    response = RedirectResponse(i18n.eigen_pad(terug), status_code=303)
    if taal in i18n.TALEN:
        i18n.onthoud(request, response, taal)
    return response


# The overdracht as the parent reads it


async def overdracht(request: Request, overdracht_id: UUID, aangemeld: Aangemeld) -> Response:
    """`/overdrachten/{id}` as a parent sees it: the form as the school will read it, in plain words,
    what the parents said, and the steps they can take now."""
    i18n.kies(request)
    o = await _detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    termijn = o.termijnen.deadlines.get(Deadline.TOESTEMMING) if o.status in BESLISSEN else None
    return _pagina(
        request,
        "ouder/overdracht.html",
        aangemeld,
        o=o,
        termijn=termijn,
        kan_reageren=o.status in REAGEREN,
        kan_beslissen=o.status in BESLISSEN,
        kan_school_kiezen=o.status in SCHOOL_KIEZEN,
        kan_intrekken=o.status in INTREKKEN,
    )


# The reaction


def _reactie_pagina(
    request: Request,
    aangemeld: Aangemeld,
    o: OverdrachtDetail,
    waarden: Mapping[str, str] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    if melding is None and o.status not in REAGEREN:
        melding, status = _waarom_niet("reactie", o.status), 409
    return _pagina(
        request,
        "ouder/reactie.html",
        aangemeld,
        status,
        o=o,
        open=o.status in REAGEREN,
        waarden=waarden or {},
        fouten=fouten or {},
        melding=melding,
    )


@router.get("/overdrachten/{overdracht_id}/ouder/reactie")
async def reaction_form(request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Ingelogd) -> Response:
    if weg := _voor_ouders(request, aangemeld):
        return weg
    o = await _detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    return _reactie_pagina(request, aangemeld, o)


@router.post("/overdrachten/{overdracht_id}/ouder/reactie")
async def give_reaction(
    request: Request,
    overdracht_id: UUID,
    taal: Taal,
    aangemeld: Gepost,
    eens: Annotated[str, Form()] = "",
    reden: Annotated[str, Form()] = "",
    zienswijze: Annotated[str, Form()] = "",
) -> Response:
    if weg := _voor_ouders(request, aangemeld):
        return weg
    waarden = {"eens": eens, "reden": reden, "zienswijze": zienswijze}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        o = await _detail(request, aangemeld, overdracht_id)
        if not isinstance(o, OverdrachtDetail):
            return o
        return _reactie_pagina(request, aangemeld, o, waarden, fouten, melding, status)

    try:
        reactie = Ouderreactie.model_validate(
            {"eens": eens or None, "reden": reden.strip() or None, "zienswijze": zienswijze.strip() or None}
        )
    except ValidationError as exc:
        return await again(_invoerfouten(exc, {"eens": KIES_EENS}), None, 400)
    return await _stap(
        request,
        aangemeld,
        overdracht_id,
        "reactie",
        lambda ctx: stappen.record_reaction(ctx, overdracht_id, reactie),
        then=lambda: done(_url(overdracht_id), "ouder_reactie"),
        again=again,
    )


# Consent or refusal: chosen on one page, with what each means; then confirmed


def _voor_uit(voor: str, o: OverdrachtDetail) -> ToestemmingVoor | None:
    """For which school: the parent's choice when a school is named; without one, wherever enrolled."""
    if o.school is None:
        return ToestemmingVoor.INGESCHREVEN_SCHOOL
    try:
        return ToestemmingVoor(voor)
    except ValueError:
        return ToestemmingVoor.GENOEMDE_SCHOOL


def _keuze_pagina(
    request: Request,
    aangemeld: Aangemeld,
    o: OverdrachtDetail,
    waarden: Mapping[str, str] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    if melding is None and o.status not in BESLISSEN:
        melding, status = _waarom_niet("toestemming", o.status), 409
    waarden = {"voor": ToestemmingVoor.GENOEMDE_SCHOOL.value, **(waarden or {})}
    return _pagina(
        request,
        "ouder/toestemming.html",
        aangemeld,
        status,
        o=o,
        open=o.status in BESLISSEN,
        waarden=waarden,
        fouten=fouten or {},
        melding=melding,
    )


@router.get("/overdrachten/{overdracht_id}/ouder/toestemming")
async def consent_form(
    request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Ingelogd, besluit: str = "", voor: str = ""
) -> Response:
    """The choice; `besluit` and `voor` keep it when the parent comes back from the confirmation."""
    if weg := _voor_ouders(request, aangemeld):
        return weg
    o = await _detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    waarden = {k: v for k, v in {"besluit": besluit, "voor": voor}.items() if v}
    return _keuze_pagina(request, aangemeld, o, waarden)


@router.post("/overdrachten/{overdracht_id}/ouder/toestemming")
async def consent_chosen(
    request: Request,
    overdracht_id: UUID,
    taal: Taal,
    aangemeld: Gepost,
    besluit: Annotated[str, Form()] = "",
    voor: Annotated[str, Form()] = "",
) -> Response:
    """The confirmation: what will happen, plainly; nothing is recorded yet."""
    if weg := _voor_ouders(request, aangemeld):
        return weg
    o = await _detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    waarden = {"besluit": besluit, "voor": voor}
    if o.status not in BESLISSEN:
        return _keuze_pagina(request, aangemeld, o, waarden)
    if besluit not in (Besluit.GEGEVEN, Besluit.GEWEIGERD):
        return _keuze_pagina(request, aangemeld, o, waarden, {"besluit": gettext(KIES_BESLUIT)}, status=400)
    gekozen = _voor_uit(voor, o) if besluit == Besluit.GEGEVEN else None
    return _pagina(request, "ouder/toestemming_bevestigen.html", aangemeld, o=o, besluit=Besluit(besluit), voor=gekozen)


@router.post("/overdrachten/{overdracht_id}/ouder/toestemming/bevestigen")
async def consent_confirmed(
    request: Request,
    overdracht_id: UUID,
    taal: Taal,
    aangemeld: Gepost,
    besluit: Annotated[str, Form()] = "",
    voor: Annotated[str, Form()] = "",
) -> Response:
    if weg := _voor_ouders(request, aangemeld):
        return weg
    waarden = {"besluit": besluit, "voor": voor}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        o = await _detail(request, aangemeld, overdracht_id)
        if not isinstance(o, OverdrachtDetail):
            return o
        return _keuze_pagina(request, aangemeld, o, waarden, fouten, melding, status)

    if besluit not in (Besluit.GEGEVEN, Besluit.GEWEIGERD):
        return await again({"besluit": gettext(KIES_BESLUIT)}, None, 400)
    gekozen = Besluit(besluit)
    school = ToestemmingVoor(voor) if voor in set(ToestemmingVoor) and gekozen is Besluit.GEGEVEN else None
    return await _stap(
        request,
        aangemeld,
        overdracht_id,
        "toestemming",
        lambda ctx: stappen.record_consent(ctx, overdracht_id, gekozen, school),
        then=lambda: (
            done(_url(overdracht_id), "ouder_toestemming")
            if gekozen is Besluit.GEGEVEN
            else _klaar(request, "geweigerd")
        ),
        again=again,
    )


async def _klaar(request: Request, soort: str) -> Response:
    """After a refusal or a withdrawal: the overdracht and the parent's account go (the purge), so the
    page that says what happened needs neither; the session ends here."""
    response = RedirectResponse(f"/ouder/klaar/{soort}", status_code=303)
    await sessions.sign_out(request, response)
    return response


@router.get("/ouder/klaar/{soort}")
async def finished(request: Request, soort: str, taal: Taal) -> Response:
    if soort not in ("geweigerd", "ingetrokken"):
        return _fout(request, None, 404)
    return _pagina(request, "ouder/klaar.html", None, soort=soort)


# Withdrawing consent: the page is the confirmation


def _intrekken_pagina(
    request: Request, aangemeld: Aangemeld, o: OverdrachtDetail, melding: str | None = None, status: int = 200
) -> HTMLResponse:
    if melding is None and o.status not in INTREKKEN:
        melding, status = _waarom_niet("intrekken", o.status), 409
    return _pagina(request, "ouder/intrekken.html", aangemeld, status, o=o, open=o.status in INTREKKEN, melding=melding)


@router.get("/overdrachten/{overdracht_id}/ouder/intrekken")
async def withdraw_form(request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Ingelogd) -> Response:
    if weg := _voor_ouders(request, aangemeld):
        return weg
    o = await _detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    return _intrekken_pagina(request, aangemeld, o)


@router.post("/overdrachten/{overdracht_id}/ouder/intrekken")
async def withdraw(request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Gepost) -> Response:
    if weg := _voor_ouders(request, aangemeld):
        return weg

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        o = await _detail(request, aangemeld, overdracht_id)
        if not isinstance(o, OverdrachtDetail):
            return o
        return _intrekken_pagina(request, aangemeld, o, melding, status)

    # Before consent is complete the workflow would take a withdrawal too (a parent who consented while
    # the other has not yet): these pages offer the refusal then, so they take no withdrawal either.
    o = await _detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    if o.status not in INTREKKEN:
        return _intrekken_pagina(request, aangemeld, o)
    return await _stap(
        request,
        aangemeld,
        overdracht_id,
        "intrekken",
        lambda ctx: stappen.record_consent(ctx, overdracht_id, Besluit.INGETROKKEN),
        then=lambda: _klaar(request, "ingetrokken"),
        again=again,
    )


# The school


async def _school_pagina(
    request: Request,
    aangemeld: Aangemeld,
    o: OverdrachtDetail,
    waarden: Mapping[str, str] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> Response:
    if melding is None and o.status not in SCHOOL_KIEZEN:
        melding, status = _waarom_niet("school", o.status), 409
    scholen: list[Verwijzing] = []
    if o.status in SCHOOL_KIEZEN:
        try:
            async with caller(request, aangemeld.user) as ctx:
                scholen = await overdrachten.schools(ctx)
        except ServiceError as exc:
            return _fout(request, aangemeld, exc.status)
    gekozen = {"schoolId": str(o.school.id)} if o.school else {}
    return _pagina(
        request,
        "ouder/school.html",
        aangemeld,
        status,
        o=o,
        open=o.status in SCHOOL_KIEZEN,
        scholen=[(str(s.id), s.naam) for s in scholen],
        waarden={**gekozen, **(waarden or {})},
        fouten=fouten or {},
        melding=melding,
        opnieuw_vragen=o.toestemming_voor is ToestemmingVoor.GENOEMDE_SCHOOL,
    )


@router.get("/overdrachten/{overdracht_id}/ouder/school")
async def school_form(request: Request, overdracht_id: UUID, taal: Taal, aangemeld: Ingelogd) -> Response:
    if weg := _voor_ouders(request, aangemeld):
        return weg
    o = await _detail(request, aangemeld, overdracht_id)
    if not isinstance(o, OverdrachtDetail):
        return o
    return await _school_pagina(request, aangemeld, o)


@router.post("/overdrachten/{overdracht_id}/ouder/school")
async def choose_school(
    request: Request,
    overdracht_id: UUID,
    taal: Taal,
    aangemeld: Gepost,
    school_id: Annotated[str, Form(alias="schoolId")] = "",
) -> Response:
    if weg := _voor_ouders(request, aangemeld):
        return weg
    waarden = {"schoolId": school_id}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        o = await _detail(request, aangemeld, overdracht_id)
        if not isinstance(o, OverdrachtDetail):
            return o
        return await _school_pagina(request, aangemeld, o, waarden, fouten, melding, status)

    if not school_id:
        return await again({"schoolId": gettext(KIES_SCHOOL)}, None, 400)
    try:
        gekozen = UUID(school_id)
    except ValueError:
        return await again({"schoolId": gettext(ONBEKENDE_SCHOOL)}, None, 400)
    return await _stap(
        request,
        aangemeld,
        overdracht_id,
        "school",
        lambda ctx: stappen.choose_school(ctx, overdracht_id, gekozen),
        then=lambda: done(_url(overdracht_id), "ouder_school"),
        again=again,
        berichten={"schoolId": ONBEKENDE_SCHOOL},
    )


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
        return _fout(request, aangemeld, exc.status) if ouder else error_page(request, exc, aangemeld)
    return _pagina(
        request,
        "ouder/inzage.html",
        aangemeld,
        o_id=overdracht_id,
        regels=log.resultaten,
        volgende=log.volgende_cursor,
        eerste=cursor is None,
        taalkeuze=ouder,
    )
