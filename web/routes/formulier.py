"""The form editor: every section of the overdracht form, saved as a draft while the PM'er works
(htmx posts the form on every change; without JavaScript the "Opslaan" button does the same), with what
a submission still needs shown beside each field.

Two tabs or two colleagues: the form carries the revisie it was loaded at, and a save from an older
revisie is not applied but shown as a conflict, with the person's input kept and the choice to overwrite
("Toch opslaan") or reload. We chose this over "the later save wins" because a save replaces the whole
form: silently winning would throw away the other tab's work. (The check and the save are two calls, so
two saves in the same instant can still both land; the later one then wins.)"""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas.api import OverdrachtDetail
from schemas.audit import Actie
from schemas.formulier import Formulier
from services import overdrachten, stappen
from services.context import Context
from services.errors import ServiceError, StepNotAllowed
from services.permissions import Capability, require
from web.invoer import dutch_number, parse
from web.labels import DOMEINEN, INSTRUMENTEN, NIVEAUS, PROGRAMMAS
from web.render import GEDAAN, act, caller, done, error_page, page, posted, signed_in, templates
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

GEDAAN.update(
    {
        "formulier_opgeslagen": "Het formulier is opgeslagen.",
        "ingediend": "Het formulier is naar de ouders gestuurd. Zij kunnen het nu lezen en toestemming geven.",
    }
)
NUMBERS = ("voorschool.urenPerWeek", "vve.urenPerWeek", "vve.maandenDeelname")
CONFLICT = (
    "Dit formulier is intussen ergens anders opgeslagen (in een ander tabblad of door een collega). Uw invoer"
    " staat hieronder en is nog niet opgeslagen. Kies ‘Toch opslaan’ om de andere versie te vervangen, of"
    " laad de pagina opnieuw om die te zien."
)
# What the list "nog nodig om in te dienen" calls each field.
VELDEN = {
    "vve.indicatie": "VVE-indicatie",
    "vve.programma": "VVE-programma",
    "vve.maandenDeelname": "Aantal maanden VVE",
    "observatie.instrument": "Observatie-instrument",
    "observatie.datum": "Datum van de observatie",
    **{f"ontwikkeling.{d.value}.niveau": f"{naam}: niveau" for d, naam in DOMEINEN.items()},
}


def flat(formulier: Formulier | None) -> dict[str, Any]:
    """The form's values as the page's fields (`vve.programma` → "piramide")."""
    values: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        elif node is not None:
            values[prefix] = "true" if node is True else "false" if node is False else str(node)

    if formulier is not None:
        walk("", formulier.model_dump(mode="json", by_alias=True))
    return values


def _posted_values(form: Any) -> dict[str, str]:
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str) and k not in ("csrf", "revisie", "actie")}
    for name in NUMBERS:
        if name in values:
            values[name] = dutch_number(values[name])
    return values


def _editor(
    request: Request,
    aangemeld: Aangemeld,
    o: OverdrachtDetail,
    waarden: dict[str, Any],
    *,
    revisie: int,
    status: int = 200,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    conflict: bool = False,
) -> Response:
    missing = o.formulier.ontbrekende_velden() if o.formulier else Formulier().ontbrekende_velden()
    return page(
        request,
        "formulier.html",
        status,
        aangemeld=aangemeld,
        o=o,
        waarden=waarden,
        revisie=revisie,
        fouten=fouten or {},
        melding=melding,
        conflict=conflict,
        ontbrekend=missing,
        veldnamen=VELDEN,
        programmas=[(p.value, naam) for p, naam in PROGRAMMAS.items()],
        instrumenten=[(i.value, naam) for i, naam in INSTRUMENTEN.items()],
        niveaus=[(n.value, naam) for n, naam in NIVEAUS.items()],
    )


async def _detail(request: Request, aangemeld: Aangemeld, overdracht_id: UUID) -> OverdrachtDetail:
    """The overdracht, for someone who may edit its form (the editor is a 403 page for anyone else)."""
    async with caller(request, aangemeld.user) as ctx:
        require(ctx, Capability.FORMULIER_BEWERKEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
        return await overdrachten.detail(ctx, overdracht_id)


@router.get("/overdrachten/{overdracht_id}/formulier")
async def editor(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    return await show_editor(request, aangemeld, overdracht_id)


async def show_editor(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    *,
    status: int = 200,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
) -> Response:
    """The editor with the form as stored; `fouten` and `melding`: why a file was refused."""
    try:
        o = await _detail(request, aangemeld, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    return _editor(
        request, aangemeld, o, flat(o.formulier), revisie=o.revisie, status=status, fouten=fouten, melding=melding
    )


@router.post("/overdrachten/{overdracht_id}/formulier")
async def save(request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    form = await request.form()
    waarden = _posted_values(form)
    actie = form.get("actie")
    autosave = request.headers.get("hx-request") == "true"
    try:
        geladen = int(str(form.get("revisie", "")))
    except ValueError:
        geladen = -1
    formulier, fouten = parse(Formulier, waarden)

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        try:
            o = await _detail(request, aangemeld, overdracht_id)
        except ServiceError as exc:
            return error_page(request, exc, aangemeld)
        if autosave:
            return _status(request, o, geladen, saved=False, fouten=fouten, melding=melding)
        return _editor(
            request, aangemeld, o, waarden, revisie=geladen, status=status, fouten=fouten, melding=melding,
            conflict=melding == CONFLICT,
        )  # fmt: skip

    if fouten or formulier is None:
        return await again(fouten, None, 400)

    async def save_and_maybe_submit(ctx: Context) -> None:
        now = await overdrachten.detail(ctx, overdracht_id)
        # A save from an older revisie is a conflict, unless what is stored is already what was posted
        # (this tab's own autosave got there first).
        if now.revisie != geladen and now.formulier != formulier and actie != "overschrijven":
            raise StepNotAllowed(CONFLICT)
        if now.formulier != formulier:
            await stappen.save_form(ctx, overdracht_id, formulier)
        if actie == "indienen":
            await stappen.submit(ctx, overdracht_id)

    def then() -> Response:
        if actie == "indienen":
            return done(f"/overdrachten/{overdracht_id}", "ingediend")
        return done(f"/overdrachten/{overdracht_id}/formulier", "formulier_opgeslagen")

    if autosave:
        try:
            async with caller(request, aangemeld.user) as ctx:
                await save_and_maybe_submit(ctx)
                o = await overdrachten.detail(ctx, overdracht_id)
        except ServiceError as exc:
            return await again({}, exc.detail, exc.status)
        return _status(request, o, o.revisie, saved=True)
    return await act(request, aangemeld, save_and_maybe_submit, then=then, again=again)


def _status(
    request: Request,
    o: OverdrachtDetail,
    revisie: int,
    *,
    saved: bool,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
) -> Response:
    """What htmx swaps in after an autosave: the save's status, the revisie the next save starts from
    (the one the page was loaded at when the save was refused), and what a submission still needs."""
    missing = o.formulier.ontbrekende_velden() if o.formulier else Formulier().ontbrekende_velden()
    return templates.TemplateResponse(
        request,
        "formulier_status.html",
        {
            "o": o,
            "revisie": revisie,
            "opgeslagen": saved,
            "tijd": datetime.now(UTC),
            "fouten": fouten or {},
            "melding": melding,
            "ontbrekend": missing,
            "veldnamen": VELDEN,
        },
    )
