"""/v1/imports: placements (children at a voorschool location) from a CSV export, imported by a job in
the background. The route reads the upload; accepting it, the job and its report are use cases
(services/imports.py)."""

import asyncio
import email.parser
import email.policy
from uuid import UUID

from fastapi import APIRouter, Request, Response

from api.csv import csv_response
from api.deps import Ctx
from api.limits import takes_upload
from api.problems import ENGINE_DOWN, Documented, forbidden, problems
from schemas.imports import ImportTaak
from services import imports
from services.errors import InvalidInput, NoProtocol, NotFound, NotReady
from services.permissions import Capability
from services.plaatsingen_csv import KOLOMMEN, MAX_BESTAND_BYTES, MAX_RIJEN, MAX_VELDLENGTE, VERPLICHT

router = APIRouter(prefix="/v1/imports", tags=["imports"])

# A multipart body carries the file and a little wrapping around it.
_MULTIPART_MARGE = 64 * 1024
_CSV_TYPES = frozenset({"text/csv", "application/csv"})

FORMAAT = f"""
Kinderen die op een voorschoollocatie geplaatst zijn, met hun ouders, importeren uit de CSV-export van
een voorschooladministratie of de JGZ: één kind per rij.

**Upload**: `multipart/form-data` met het bestand in het veld `bestand` (wat een webformulier stuurt), of
het bestand zelf als body met `Content-Type: text/csv`. Hooguit {MAX_BESTAND_BYTES // (1024 * 1024)} MB
en {MAX_RIJEN} rijen.

**Bestand**: UTF-8 (met of zonder BOM); `;`, `,` of een tab als scheidingsteken (het teken dat de kopregel
gebruikt); de eerste regel noemt de kolommen (hoofdletters en spaties tellen niet; onbekende kolommen
worden genegeerd en genoemd in `genegeerdeKolommen`). Velden van hooguit {MAX_VELDLENGTE} tekens. Lege
regels worden overgeslagen.

| kolom | verplicht | inhoud |
| --- | --- | --- |
| `voornaam`, `achternaam` | ja | de namen van het kind |
| `geboortedatum` | ja | `DD-MM-JJJJ` of `JJJJ-MM-DD`; niet in de toekomst, jonger dan 6 |
| `locatie` | ja | het id van de locatie, of haar precieze naam binnen uw gemeente |
| `vve_indicatie` | ja | `ja`/`nee` (ook `true`/`false`, `1`/`0`) |
| `vve_indicatie_datum` | nee | de datum waarop de JGZ haar afgaf |
| `ouder1_naam` | ja | een ouder met gezag: krijgt een account voor dit kind |
| `ouder1_email` | nee | zijn of haar adres; zonder adres geen e-mail: de voorschool drukt een brief met een code af |
| `ouder2_naam`, `ouder2_email` | nee | de tweede ouder: een naam (een adres alleen met een naam) |
| `bsn` | nee | 9 cijfers die de elfproef doorstaan (een weggevallen voorloopnul wordt hersteld) |
| `school` (of `aangemelde_school`) | nee | de school waar het kind is aangemeld: haar id, of haar precieze naam binnen uw gemeente |

**Wie**: een locatiemanager (alleen rijen voor de eigen locatie) of een beheerder (elke locatie van de
gemeente).

**Een taak**: het antwoord is meteen `202 Accepted`, met de taak (`Location`: `/v1/imports/{{importId}}`),
zodra het bestand als geheel is aangenomen. Vraag die op tot `status` `klaar` is (`resultaat` bevat de
aantallen en elke afgewezen rij) of `mislukt` (`reden` zegt waarom); `verwerkt` / `rijen` is de voortgang.
Het verslag per rij staat op `/v1/imports/{{importId}}/rapport` (CSV) zodra de taak klaar is. Een taak
overleeft een herstart van elk proces: ze gaat verder waar ze was, en geen rij wordt twee keer gedaan.
Alleen wie een taak startte (en de beheerder van de gemeente) kan haar zien.

**Wat er gebeurt**: elke rij wordt gecontroleerd; een foute rij wordt afgewezen met haar regelnummer en, per
veld, de reden (nooit een waarde uit het bestand); goede rijen worden opgeslagen, elk in een eigen transactie.
Hetzelfde kind (locatie, namen zonder op hoofdletters en spaties te letten, geboortedatum) en dezelfde ouder
(kind, e-mail; zonder e-mail: kind, naam) krijgen elke keer dezelfde ids (een ouder die eerst zonder en later
met adres is geïmporteerd, blijft één account; een leeg adres houdt het bekende): hetzelfde bestand opnieuw
importeren verandert niets, en een rij die een eerder kind in hetzelfde bestand herhaalt, wordt afgewezen als
dubbel. Een leeg optioneel veld houdt wat bekend is; ouders worden toegevoegd of bijgewerkt, nooit
verwijderd. Een kind voorbij de startleeftijd van het protocol krijgt meteen een geopende overdracht (door u,
in de tijdlijn; een die al een deadline voorbij is, krijgt meteen een vlag); van een jonger kind wordt de
overdracht vooruit gestart en gaat ze vanzelf open op de startleeftijd. Zolang de engine of de database niet
bereikbaar is, wacht de taak en gaat ze verder als ze terug zijn.

Het hele bestand wordt geweigerd (400, niets geïmporteerd) als het te groot is, te veel rijen heeft, geen
UTF-8-tekst is, geen kopregel heeft of een verplichte kolom mist (`invalidParams` noemt elk).
"""


def _wrong_type() -> InvalidInput:
    return InvalidInput(
        "Stuur het CSV-bestand als multipart/form-data (veld 'bestand') of als body met Content-Type text/csv.",
        invalid_params=[{"name": "Content-Type", "reason": "niet text/csv of multipart/form-data"}],
    )


def _too_large() -> InvalidInput:
    mb = MAX_BESTAND_BYTES // (1024 * 1024)
    return InvalidInput(
        f"Het bestand is groter dan {mb} MB; splits het op.",
        invalid_params=[{"name": "bestand", "reason": f"groter dan {mb} MB"}],
    )


def _broken_form() -> InvalidInput:
    return InvalidInput(
        "Het formulier is onvolledig of onleesbaar; stuur het bestand opnieuw.",
        invalid_params=[{"name": "bestand", "reason": "onleesbaar multipart-formulier"}],
    )


def _no_field() -> InvalidInput:
    return InvalidInput(
        "Het formulier heeft geen veld 'bestand' met het CSV-bestand.",
        invalid_params=[{"name": "bestand", "reason": "ontbreekt"}],
    )


IMPORTEREN = forbidden(Capability.PLAATSINGEN_IMPORTEREN)
ONBEKEND = Documented(
    NotFound(imports.UNKNOWN), "De import bestaat niet, of is door een ander gestart (en u bent geen beheerder)."
)

_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"bestand": {"type": "string", "format": "binary"}},
                    "required": ["bestand"],
                }
            },
            "text/csv": {"schema": {"type": "string"}, "example": ";".join(KOLOMMEN)},
        },
    }
}


@router.post(
    "/plaatsingen",
    operation_id="importPlaatsingen",
    summary="Plaatsingen (kinderen en hun ouders) importeren uit een CSV-export, als taak",
    description=FORMAAT,
    openapi_extra=_UPLOAD,
    status_code=202,
    responses=problems(
        IMPORTEREN,
        Documented(_wrong_type(), "Een Content-Type die niet `text/csv` of `multipart/form-data` is."),
        Documented(_broken_form(), "Een `multipart/form-data`-body die onvolledig of onleesbaar is."),
        Documented(_no_field(), "Een `multipart/form-data`-body zonder het veld `bestand`."),
        Documented(_too_large(), f"Het bestand is groter dan {MAX_BESTAND_BYTES // (1024 * 1024)} MB."),
        Documented(
            InvalidInput(
                "Het bestand is niet in UTF-8 opgeslagen; sla het op als 'CSV UTF-8'.",
                invalid_params=[
                    {
                        "name": "bestand",
                        "reason": "Het bestand is niet in UTF-8 opgeslagen; sla het op als 'CSV UTF-8'.",
                    }
                ],
            ),
            f"Het bestand als geheel is onbruikbaar: geen UTF-8-tekst, leeg, meer dan {MAX_RIJEN} rijen of geen"
            " geldige CSV; er is niets geïmporteerd.",
        ),
        Documented(
            InvalidInput(
                f"Het bestand mist verplichte kolommen: {VERPLICHT[0]}. De eerste regel moet de kolomnamen bevatten:"
                f" {', '.join(KOLOMMEN)}.",
                invalid_params=[{"name": VERPLICHT[0], "reason": "kolom ontbreekt"}],
            ),
            "De kopregel mist een verplichte kolom of noemt er een twee keer; `invalidParams` noemt elke kolom.",
        ),
        Documented(
            NoProtocol(imports.NO_PROTOCOL), "Voor de gemeente is nog geen protocol actief: er is niets aangenomen."
        ),
        ENGINE_DOWN,
    ),
)
@takes_upload
async def import_plaatsingen(request: Request, response: Response, ctx: Ctx) -> ImportTaak:
    taak = await imports.start(ctx, lambda: _upload(request))
    response.headers["Location"] = f"/v1/imports/{taak.id}"
    return taak


@router.get(
    "/{import_id}",
    operation_id="getImport",
    summary="Een importtaak: de voortgang, en de uitkomst zodra ze klaar is",
    description="Alleen voor wie haar startte, en voor de beheerder van de gemeente; ieder ander krijgt een 404.",
    responses=problems(IMPORTEREN, ONBEKEND),
)
async def get_import(import_id: UUID, ctx: Ctx) -> ImportTaak:
    return await imports.taak(ctx, import_id)


@router.get(
    "/{import_id}/rapport",
    operation_id="getImportRapport",
    summary="Het verslag van een import per rij (CSV)",
    description="Eén regel per gegevensrij van het bestand: het regelnummer, de uitkomst (`nieuw kind`,"
    " `bijgewerkt`, `ongewijzigd`, `afgewezen`, …), wat er met de overdracht gebeurde, en elke reden waarom een rij"
    " werd afgewezen. Nooit een waarde uit het bestand. Een 409 `nog_niet_klaar` zolang de taak loopt.",
    response_class=Response,
    responses={
        200: {"description": "Het verslag.", "content": {"text/csv": {"schema": {"type": "string"}}}},
        **problems(
            IMPORTEREN,
            ONBEKEND,
            Documented(NotReady(imports.NOT_DONE), "De taak loopt nog: het verslag is er zodra ze klaar is."),
        ),
    },
)
async def get_import_rapport(import_id: UUID, ctx: Ctx) -> Response:
    tabel = await imports.rapport(ctx, import_id)
    return csv_response(tabel.naam, tabel.header, tabel.rows)


async def _upload(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "")
    mime = content_type.split(";")[0].strip().lower()
    if mime not in _CSV_TYPES and mime != "multipart/form-data":
        raise _wrong_type()
    limit = MAX_BESTAND_BYTES + (_MULTIPART_MARGE if mime == "multipart/form-data" else 0)
    length = request.headers.get("content-length", "")
    body = bytearray()
    if not (length.isdecimal() and int(length) > limit):
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                break
    if len(body) > limit or (length.isdecimal() and int(length) > limit):
        raise _too_large()
    return bytes(body) if mime in _CSV_TYPES else await asyncio.to_thread(_from_form, content_type, bytes(body))


def _from_form(content_type: str, body: bytes) -> bytes:
    """The field `bestand` of a multipart/form-data body. The standard library's MIME parser reads
    it: the body is read whole and bounded first, and a bad part is reported as this route answers it."""
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise _broken_form()
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "bestand":
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise _no_field()
