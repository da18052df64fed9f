"""The warme overdracht of one overdracht (`/overdrachten/{id}/warme-overdracht`): asking for one (the
PM'er, the school and the parents), planning it and recording it as held (the PM'er and the school).
The page shows the forms that fit the reader and the overdracht's status; a parent sees only the request,
in plain words."""

from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from schemas.api import (
    OverdrachtDetail,
    WarmeOverdrachtAanvragen,
    WarmeOverdrachtActie,
    WarmeOverdrachtPlannen,
    WarmeOverdrachtVastleggen,
)
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol, Vorm
from services import overdrachten, stappen
from services.context import Context
from services.errors import Forbidden, InvalidInput, ServiceError
from services.permissions import Capability, allows
from web import i18n
from web.i18n import N_, gettext
from web.invoer import invoer_fout, lees_datum, lees_reden
from web.render import GEDAAN, act, caller, done, error_page, page, posted, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

# A parent's request without a reason, in their words and language.
WAAROM = N_("Vertel ons waarom u dit gesprek wilt, in een paar woorden.")

GEDAAN.update(
    {
        "warme-overdracht-gevraagd": N_("Uw aanvraag voor een warme overdracht is doorgegeven."),
        "warme-overdracht-gepland": "De warme overdracht is gepland. Leg haar hier vast als ze gehouden is.",
        "warme-overdracht-vastgelegd": "De warme overdracht is vastgelegd. De overdracht is afgerond.",
    }
)

VORMEN = [(Vorm.GESPREK.value, "Gesprek"), (Vorm.TELEFONISCH.value, "Telefonisch"), (Vorm.VIDEO.value, "Videogesprek")]
# Who took part, by role (never by name).
DEELNEMERS = [
    ("mentor", "Mentor van de voorschool"),
    ("intern begeleider", "Intern begeleider"),
    ("leerkracht", "Leerkracht"),
    ("ouder", "Ouder of ouders"),
]
ACTIES = ("aanvragen", "plannen", "vastleggen")
MAX_DEELNEMERS, MAX_DEELNEMER = 20, 100  # schemas.api.WarmeOverdrachtVastleggen


def formulieren(o: OverdrachtDetail, user: Gebruiker) -> dict[str, bool]:
    """The forms this reader may use now. A parent may only ask (also when one is needed already: their
    reason reaches the voorschool and the school); the staff ask only when none is needed yet."""
    mogelijk = stappen.possible(user, o.status)
    return {
        "aanvragen": "WARME_OVERDRACHT_AANVRAGEN" in mogelijk
        and (user.rol is Rol.OUDER or not o.warme_overdracht.vereist),
        "plannen": "WARME_OVERDRACHT_PLANNEN" in mogelijk,
        "vastleggen": "WARME_OVERDRACHT_VASTLEGGEN" in mogelijk,
    }


async def _pagina(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    status: int = 200,
    *,
    waarden: Mapping[str, Any] | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
) -> HTMLResponse:
    ouder = aangemeld.user.rol is Rol.OUDER
    if ouder:
        i18n.kies(request)  # a parent reads their part in their language
    try:
        if not allows(aangemeld.user, Capability.WARME_OVERDRACHT_BIJDRAGEN):
            raise Forbidden("Met uw rol kunt u niet aan de warme overdracht bijdragen.")
        async with caller(request, aangemeld.user) as ctx:
            o = await overdrachten.detail(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    gepland = o.warme_overdracht.gepland_op.isoformat() if o.warme_overdracht.gepland_op else ""
    ingevuld: dict[str, Any] = {"plannen.datum": gepland, "vastleggen.datum": gepland}
    ingevuld.update(waarden or {})
    return page(
        request,
        "warme_overdracht.html",
        status,
        aangemeld=aangemeld,
        o=o,
        ouder=ouder,
        formulieren=formulieren(o, aangemeld.user),
        waarden=ingevuld,
        fouten=fouten or {},
        melding=melding,
        vormen=VORMEN,
        deelnemers=DEELNEMERS,
    )


@router.get("/overdrachten/{overdracht_id}/warme-overdracht")
async def warme_overdracht(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    return await _pagina(request, aangemeld, overdracht_id)


def _lees(actie: str, form: Mapping[str, Any], deelnemers: list[str]) -> WarmeOverdrachtActie:
    """The step's input from the posted form; a message per field where it is not right."""
    fouten: dict[str, str] = {}
    if actie == "aanvragen":
        reden = lees_reden(
            str(form.get("aanvragen.reden", "")), fouten, "aanvragen.reden", verplicht=True, wat="waarom u het vraagt"
        )
        if fouten or reden is None:
            raise invoer_fout(fouten)
        return WarmeOverdrachtAanvragen(actie="aanvragen", reden=reden)
    datum = lees_datum(str(form.get(f"{actie}.datum", "")), fouten, f"{actie}.datum", "de datum")
    vorm = str(form.get(f"{actie}.vorm", ""))
    if vorm not in {v.value for v in Vorm}:
        fouten[f"{actie}.vorm"] = "Kies hoe de warme overdracht gaat."
    if actie == "plannen":
        if fouten or datum is None:
            raise invoer_fout(fouten)
        return WarmeOverdrachtPlannen(actie="plannen", datum=datum, vorm=Vorm(vorm))
    if not deelnemers:
        fouten["vastleggen.deelnemers"] = "Kies wie er meededen, of vul het in bij Anderen."
    elif len(deelnemers) > MAX_DEELNEMERS or any(len(d) > MAX_DEELNEMER for d in deelnemers):
        fouten["vastleggen.deelnemers"] = (
            f"Noem ten hoogste {MAX_DEELNEMERS} deelnemers, elk in ten hoogste {MAX_DEELNEMER} tekens."
        )
    if fouten or datum is None:
        raise invoer_fout(fouten)
    return WarmeOverdrachtVastleggen(actie="vastleggen", datum=datum, vorm=Vorm(vorm), deelnemers=deelnemers)


@router.post("/overdrachten/{overdracht_id}/warme-overdracht")
async def warme_overdracht_stap(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]
) -> Response:
    form = await request.form()  # read once already by `posted`: Starlette keeps it
    actie = str(form.get("actie", ""))
    if actie not in ACTIES:
        return error_page(request, InvalidInput("Deze stap bestaat niet. Ga terug en probeer het opnieuw."), aangemeld)
    gekozen = [str(d) for d in form.getlist("vastleggen.deelnemers") if str(d).strip()]
    anders = [d.strip() for d in str(form.get("vastleggen.anders", "")).split(",") if d.strip()]
    waarden: dict[str, Any] = {naam: str(form.get(naam, "")) for naam in form if naam not in ("csrf", "actie")}
    waarden["vastleggen.deelnemers"] = gekozen

    async def stap(ctx: Context) -> None:
        try:
            body = _lees(actie, form, [*gekozen, *anders])
        except ValidationError as exc:  # what our own checks did not catch
            raise invoer_fout({f"{actie}.{e['loc'][0]}": "Dit is niet goed ingevuld." for e in exc.errors()}) from exc
        await stappen.warm_handover(ctx, overdracht_id, body)

    def klaar() -> Response:
        if actie == "plannen":
            return done(f"/overdrachten/{overdracht_id}/warme-overdracht", "warme-overdracht-gepland")
        if actie == "vastleggen":
            return done(f"/overdrachten/{overdracht_id}", "warme-overdracht-vastgelegd")
        return done(f"/overdrachten/{overdracht_id}", "warme-overdracht-gevraagd")

    async def opnieuw(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        if aangemeld.user.rol is Rol.OUDER and "aanvragen.reden" in fouten:
            i18n.kies(request)
            fouten = {**fouten, "aanvragen.reden": gettext(WAAROM)}
        return await _pagina(request, aangemeld, overdracht_id, status, waarden=waarden, fouten=fouten, melding=melding)

    names = {naam: f"{actie}.{naam}" for naam in ("datum", "vorm", "deelnemers", "reden")}
    return await act(request, aangemeld, stap, then=klaar, again=opnieuw, names=names)
