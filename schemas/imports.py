"""The placements import's vocabulary: the answer it gives (per row, by line and field, never a
value), a row once read and resolved, and the deterministic ids that make a repeated import change
nothing. Reading the CSV file itself: services/plaatsingen_csv.py."""

import uuid
from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from schemas.base import ApiModel

# Deterministic ids: the same child (location, names, date of birth) and the same parent (child, address;
# without an address: child, name) get the same id in every import, so importing a file again changes nothing.
_KIND_NAMESPACE = uuid.UUID("0c7f3d52-2a4e-4b8e-b3a1-5d7e9f1c2b64")
_OUDER_NAMESPACE = uuid.UUID("9e41a6d0-7b3c-4f25-8c9d-1a2b3c4d5e6f")


# What the import answers


class Rijfout(ApiModel):
    veld: str | None = Field(description="The column at fault; null when the row as a whole is (a duplicate).")
    reden: str


class AfgewezenRij(ApiModel):
    regel: int = Field(description="Line number in the file (the header is line 1).")
    fouten: list[Rijfout]


class NietGestart(ApiModel):
    regel: int
    reden: str


class AfgeslotenRij(ApiModel):
    regel: int
    reden: str


class ImportResultaat(ApiModel):
    rijen: int = Field(description="Data rows read (empty lines not counted).")
    geimporteerd: int = Field(description="Children new to the service.")
    bijgewerkt: int = Field(description="Children known already whose data (or parents) changed.")
    ongewijzigd: int = Field(description="Children known already, exactly as in the file.")
    afgewezen: int = Field(description="Rows not imported; see afgewezenRijen.")
    afgesloten: int = Field(
        description="Rows of children whose overdracht has ended (refused, withdrawn, cancelled, completed):"
        " not imported, nothing reopened; see afgeslotenRijen."
    )
    overdrachten_geopend: int = Field(description="Overdrachten opened now: the child is past the start age.")
    plaatsingen_beeindigd: int = Field(
        default=0,
        description="Children whose placement ended (column einde_plaatsing): their overdracht cancelled, or, not opened"
        " yet, never opening.",
    )
    overdrachten_ingepland: int = Field(
        description="Overdrachten started ahead now: they open themselves at the start age."
    )
    afgewezen_rijen: list[AfgewezenRij] = Field(description="Each rejected row, by line number, with every reason.")
    afgesloten_rijen: list[AfgeslotenRij] = Field(description="Each row of a child whose overdracht has ended.")
    niet_gestart: list[NietGestart] = Field(
        description="Rows stored, but whose overdracht the engine could not start now: import the file again."
    )
    genegeerde_kolommen: list[str] = Field(description="Columns in the file the import does not know (not read).")


# What one row holds once read


class Ouder(BaseModel):
    naam: str
    email: str | None = None  # a parent without an address gets an account all the same (a letter, no mail)


class GelezenRij(BaseModel):
    """A row whose fields are each valid; its location and school are still as written."""

    regel: int
    voornaam: str
    achternaam: str
    geboortedatum: date
    locatie: str
    vve_indicatie: bool
    vve_indicatie_datum: date | None = None
    ouders: list[Ouder]
    bsn: str | None = None
    school: str | None = None
    mentor: str | None = None  # a PM'er of the location, by address or id
    einde_plaatsing: date | None = None  # the child left: the last day of its placement


class Plaatsing(BaseModel):
    """A row ready to store: location and school resolved to ids."""

    regel: int
    gemeente_id: UUID
    locatie_id: UUID
    voornaam: str
    achternaam: str
    geboortedatum: date
    vve_indicatie: bool
    vve_indicatie_datum: date | None = None
    ouders: list[Ouder]
    bsn: str | None = None
    school_id: UUID | None = None
    mentor_id: UUID | None = None  # an empty cell keeps the mentor the child has
    einde_plaatsing: date | None = None


def naam_sleutel(naam: str) -> str:
    """A name as it identifies a child: case and spacing do not make another child."""
    return " ".join(naam.split()).casefold()


def kind_sleutel(locatie_id: UUID, voornaam: str, achternaam: str, geboortedatum: date) -> tuple[str, str, str, str]:
    return (str(locatie_id), naam_sleutel(voornaam), naam_sleutel(achternaam), geboortedatum.isoformat())


def kind_id_voor(sleutel: tuple[str, str, str, str]) -> UUID:
    return uuid.uuid5(_KIND_NAMESPACE, "\x1f".join(sleutel))


def ouder_id_voor(kind_id: UUID, email: str | None, naam: str = "") -> UUID:
    """By address; a parent without one by name (an address holds no ':', so the two never meet)."""
    if email is None:
        return uuid.uuid5(_OUDER_NAMESPACE, f"{kind_id}\x1fnaam:{naam_sleutel(naam)}")
    return uuid.uuid5(_OUDER_NAMESPACE, f"{kind_id}\x1f{email.casefold()}")
