"""The gemeente's protocol, for its beheerder (`/beheer/protocol`): the versions, uploading a new one
(a draft: its errors per setting beside a listing of the file, the text kept to correct it here), its
differences from the active version per setting, and activating it. The use cases are the API's
(services/protocol_beheer.py): the same check of the file, capability, gemeente and audit rows."""

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from starlette.datastructures import UploadFile

from services import protocol_beheer
from services.context import Context
from services.errors import InvalidInput, ServiceError
from services.protocol_beheer import BESTAND, MAX_PROTOCOL_BYTES, OMSCHRIJVINGEN, tekst
from web.render import GEDAAN, act, caller, done, error_page, page, posted, same_origin, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

ADRES = "/beheer/protocol"
TEKST = "tekst"  # the file's content, pasted or kept from a refused upload to correct it here
MAX_FORM_BYTES = 2 * MAX_PROTOCOL_BYTES + 16 * 1024  # the file, or the text, and the token around it

GEDAAN.update(
    {
        "protocol-geupload": "De nieuwe versie is opgeslagen als concept. Ze verandert niets tot u haar activeert.",
        "protocol-geactiveerd": "De versie is geactiveerd. Nieuwe overdrachten krijgen haar; lopende houden hun versie.",
        "protocol-al-actief": "Deze versie was al de actieve versie; er is niets veranderd.",
    }
)

Versie = Annotated[int, Path(ge=1, le=2_147_483_647)]


def listing(
    bestand: str, fouten: Mapping[str, str]
) -> tuple[list[tuple[int, str, list[tuple[str, str]]]], dict[str, str]]:
    """The file line by line, each with the errors on it as (field, message); and the errors on no line
    (a setting the file leaves at its default, but which must change with another)."""
    regels = protocol_beheer.regels(bestand, fouten)
    per_regel: dict[int, list[tuple[str, str]]] = {}
    elders: dict[str, str] = {}
    for veld, reden in fouten.items():
        nummer = regels[veld]
        if nummer is None:
            elders[veld] = reden
        else:
            per_regel.setdefault(nummer, []).append((veld, reden))
    lijst = [(n, line, per_regel.get(n, [])) for n, line in enumerate(bestand.splitlines(), start=1)]
    return lijst, elders


def _breekbaar(tekst: str) -> Markup:
    """Long keys (`naar_coordinator_na_werkdagen`) may break after `_` and `.` on a phone's narrow screen."""
    return Markup(str(escape(tekst)).replace("_", "_<wbr>").replace(".", ".<wbr>"))


def _samenvatting(veld: str, reden: str) -> Markup:
    """An error as the summary at the top lists it: with the setting it is about (the file's own: as it is)."""
    return _breekbaar(reden if veld == BESTAND else f"{veld}: {reden}")


async def _overzicht(
    request: Request,
    aangemeld: Aangemeld,
    status: int = 200,
    *,
    bestand: str | None = None,
    fouten: Mapping[str, str] | None = None,
    melding: str | None = None,
) -> HTMLResponse:
    try:
        async with caller(request, aangemeld.user) as ctx:
            versies = await protocol_beheer.versions(ctx)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    fouten = fouten or {}
    regels, elders = listing(bestand, fouten) if bestand and fouten else ([], {})
    return page(
        request,
        "beheer/protocol.html",
        status,
        aangemeld=aangemeld,
        versies=versies,
        fouten=fouten,
        samenvatting={veld: _samenvatting(veld, reden) for veld, reden in fouten.items()},
        melding=melding,
        regels=regels,
        elders=elders,
        waarden={TEKST: bestand or ""},
        bestand_fout={BESTAND: fouten[BESTAND]} if BESTAND in fouten else {},
        max_kb=MAX_PROTOCOL_BYTES // 1024,
    )


@router.get(ADRES)
async def overzicht(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _overzicht(request, aangemeld)


@router.post(ADRES)
async def uploaden(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    """A file, or the text pasted (or corrected) in the box: checked and stored as a draft; refused, the
    page again with the errors beside each line of the file and the text kept in the box."""
    inhoud = b""
    try:
        length = request.headers.get("content-length", "")
        if not same_origin(request):
            raise InvalidInput("Dit formulier komt niet van deze site.")
        if not length.isdecimal() or int(length) > MAX_FORM_BYTES:
            raise InvalidInput(
                f"Het bestand is groter dan {MAX_PROTOCOL_BYTES // 1024} kB; dit is geen protocolbestand.",
                invalid_params=[{"name": BESTAND, "reason": "Kies het protocolbestand (een .toml-bestand)."}],
            )
        form = await request.form(max_files=1, max_fields=3)
        if form.get("csrf") != aangemeld.csrf:
            raise InvalidInput("Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")
        gekozen, geplakt = form.get(BESTAND), form.get(TEKST)
        if isinstance(gekozen, UploadFile) and gekozen.filename:
            inhoud = await gekozen.read(MAX_PROTOCOL_BYTES + 1)
        elif isinstance(geplakt, str) and geplakt.strip():
            inhoud = geplakt.replace("\r\n", "\n").encode()
        else:
            raise InvalidInput(
                "Kies een protocolbestand, of plak de inhoud in het tekstvak.",
                invalid_params=[{"name": BESTAND, "reason": "Kies een protocolbestand (een .toml-bestand)."}],
            )
        async with caller(request, aangemeld.user) as ctx:
            versie = await protocol_beheer.upload(ctx, lambda: _bytes(inhoud))
    except ServiceError as exc:
        if exc.status not in (400, 409, 413, 415):
            return error_page(request, exc, aangemeld)
        fouten = {str(p["name"]): str(p["reason"]) for p in exc.extensions.get("invalid_params") or []}
        return await _overzicht(request, aangemeld, 400, bestand=_als_tekst(inhoud), fouten=fouten, melding=exc.detail)
    return done(f"{ADRES}/{versie.versie}", "protocol-geupload")


async def _bytes(inhoud: bytes) -> bytes:
    return inhoud


def _als_tekst(inhoud: bytes) -> str | None:
    """What was sent, to show and correct; none when it is no text (or too large to be a protocol)."""
    if not inhoud or len(inhoud) > MAX_PROTOCOL_BYTES:
        return None
    try:
        return inhoud.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@router.get(ADRES + "/{versie}")
async def versie(request: Request, versie: Versie, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            detail = await protocol_beheer.version(ctx, versie)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    instellingen = protocol_beheer.instellingen_van(detail)
    return page(
        request,
        "beheer/protocol_versie.html",
        aangemeld=aangemeld,
        v=detail,
        instellingen=instellingen,
        omschrijvingen=OMSCHRIJVINGEN,
        tekst=tekst,
        regels=detail.bestand.splitlines() if detail.bestand else [],
    )


@router.get(ADRES + "/{versie}/bestand")
async def bestand(request: Request, versie: Versie, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    """The version as a file, to download, change and upload as the next version."""
    try:
        async with caller(request, aangemeld.user) as ctx:
            inhoud = await protocol_beheer.bestand(ctx, versie)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    headers = {
        "Content-Disposition": f'attachment; filename="protocol-versie-{versie}.toml"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(inhoud.encode(), media_type="application/toml; charset=utf-8", headers=headers)


@router.post(ADRES + "/{versie}/activering")
async def activeren(request: Request, versie: Versie, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    gewijzigd = True

    async def use_case(ctx: Context) -> None:
        nonlocal gewijzigd
        gewijzigd = (await protocol_beheer.activate(ctx, versie)).gewijzigd

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _overzicht(request, aangemeld, status, fouten=fouten, melding=melding)

    return await act(
        request,
        aangemeld,
        use_case,
        then=lambda: done(ADRES, "protocol-geactiveerd" if gewijzigd else "protocol-al-actief"),
        again=again,
    )
