"""What the coordinator's pages share: who may open them, the filters in the address (so a view can be
shared: `?schooljaar=2026-2027&wijk=…`), the choices of the filter form, and the download links."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from protocol.dates import amsterdam_date, school_year
from schemas.monitoring import SCHOOLJAAR_PATTERN, Filteropties
from schemas.overdracht import Rol, Vlag
from services import monitoring
from services.errors import Forbidden
from web import charts
from web.invoer import parse
from web.render import VLAG_NAMEN, error_page, templates
from web.sessions import Aangemeld

# `maand('2026-03')`: 'mrt 2026'.
templates.env.globals["maand"] = charts.maand


def alleen_coordinator(request: Request, aangemeld: Aangemeld) -> Response | None:
    """These pages are the coordinator's (the gemeente's figures); anyone else gets a 403 page. The use
    cases check the capability again, as for the API."""
    if aangemeld.user.rol is Rol.COORDINATOR:
        return None
    return error_page(request, Forbidden("Deze pagina's zijn voor de coördinator van de gemeente."), aangemeld)


class Zoek(BaseModel):
    """The filters as the address carries them (the page's own names; the API's are `wijkId`, …)."""

    model_config = ConfigDict(extra="ignore")

    schooljaar: Annotated[str, Field(pattern=SCHOOLJAAR_PATTERN)] | None = None
    stadsdeel: UUID | None = None
    wijk: UUID | None = None
    locatie: UUID | None = None
    school: UUID | None = None
    vlag: Vlag | None = None


@dataclass
class Gezocht:
    """The filters read from the address: the service's `Filters`, what the form shows again, and a
    message per field that was not understood (that filter is then left out)."""

    filters: monitoring.Filters
    waarden: dict[str, str]
    fouten: dict[str, str] = field(default_factory=dict)

    def query(self, **extra: str) -> str:
        """The same filters as a query string (for a download, or the next page)."""
        values = {**self.waarden, **extra}
        return urlencode({k: v for k, v in values.items() if v})


def huidig_schooljaar() -> str:
    return school_year(amsterdam_date(datetime.now(UTC)))


def lees(request: Request, velden: tuple[str, ...], *, schooljaar_standaard: bool = False) -> Gezocht:
    """The page's filters (`velden`) from the address. `schooljaar_standaard`: without one, the current
    school year (the overview is for one school year)."""
    waarden = {k: v.strip() for k, v in request.query_params.items() if k in velden and v.strip()}
    if schooljaar_standaard and "schooljaar" in velden and "schooljaar" not in waarden:
        waarden["schooljaar"] = huidig_schooljaar()
    zoek, fouten = parse(Zoek, waarden)
    if zoek is None:  # leave out what was not understood, keep the rest
        zoek, _ = parse(Zoek, {k: v for k, v in waarden.items() if k not in fouten})
        zoek = zoek or Zoek()
    filters = monitoring.Filters(
        vlag=[zoek.vlag] if zoek.vlag else None,
        locatie_id=zoek.locatie,
        school_id=zoek.school,
        wijk_id=zoek.wijk,
        stadsdeel_id=zoek.stadsdeel,
        schooljaar=zoek.schooljaar,
    )
    return Gezocht(filters=filters, waarden=waarden, fouten=fouten)


def keuzes(opties: Filteropties, gezocht: Gezocht) -> dict[str, Any]:
    """The filter form's choices, as (value, text) pairs."""
    jaren = {*opties.schooljaren, huidig_schooljaar()}
    if gezocht.filters.schooljaar:
        jaren.add(gezocht.filters.schooljaar)
    return {
        "schooljaren": [(j, j) for j in sorted(jaren, reverse=True)],
        "stadsdelen": [(str(s.id), s.naam) for s in opties.stadsdelen],
        "wijken": [(str(w.id), f"{w.naam} ({w.stadsdeel.naam})") for w in opties.wijken],
        "locaties": [(str(loc.id), f"{loc.naam} ({loc.wijk.naam})") for loc in opties.locaties],
        "scholen": [(str(s.id), s.naam) for s in opties.scholen],
        "vlaggen": [(v.value, VLAG_NAMEN[v]) for v in Vlag],
    }


@dataclass(frozen=True)
class Download:
    """A link to download a table (CSV) or the page's tables (an .xlsx workbook), with the page's filters."""

    tekst: str
    adres: str
