"""The audit trail's vocabulary: what was done, and the two ways it is read (a parent's inzage-log, the
privacy officer's export). Ids and field names only: never a name, a BSN or a text someone wrote."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.api import Verwijzing
from schemas.base import ApiModel
from schemas.openapi import described, described_enum
from schemas.overdracht import Rol


@described_enum(
    "Wat er met de gegevens werd gedaan.",
    LEZEN="Gelezen: bekeken of opgevraagd.",
    WIJZIGEN="Gewijzigd, of een stap gezet.",
    IMPORTEREN="Ingelezen uit een bestand (plaatsingen, scholen van DUO).",
    EXPORTEREN="Gedownload of afgedrukt (een CSV-bestand, een brief).",
    AANMELDEN="Een ouder wisselde een eenmalige code in voor een sessie voor het eigen kind.",
)
class Actie(StrEnum):
    LEZEN = "lezen"
    WIJZIGEN = "wijzigen"
    IMPORTEREN = "importeren"
    EXPORTEREN = "exporteren"
    AANMELDEN = "aanmelden"  # a parent's one-time code exchanged for a session for their child


_INZAGE_REGEL = {
    "tijdstip": "2026-04-02T13:05:00Z",
    "rol": "pedagogisch_medewerker",
    "organisatie": vb.LOCATIE,
    "actie": "wijzigen",
    "onderwerp": "overdracht.formulier",
    "velden": ["formulier"],
    "grondslag": "FormulierBewerken",
    "omschrijving": "het formulier bewerken of indienen",
}


class InzageRegel(ApiModel):
    """One processing of the child's data, as the parents see it: which organisation, in which role,
    not which person."""

    model_config = described(
        "Eén verwerking van de gegevens van het kind, zoals de ouders die zien: welke organisatie, in welke rol, niet"
        " welke persoon.",
        _INZAGE_REGEL,
    )

    tijdstip: datetime = Field(description="Wanneer het gebeurde.")
    rol: Rol = Field(description="In welke rol.")
    organisatie: Verwijzing | None = Field(description="De locatie, school of gemeente; null voor een ouder.")
    actie: Actie = Field(description="Wat er met de gegevens gebeurde.")
    onderwerp: str = Field(description="Wat er gelezen of gewijzigd werd, bijvoorbeeld `overdracht.formulier`.")
    velden: list[str] = Field(
        description="Welke gegevens van het kind in het antwoord of de wijziging zaten, bijvoorbeeld `kind.naam`."
    )
    grondslag: str = Field(description="Waarom: de gebruikte bevoegdheid, bijvoorbeeld `FormulierBewerken`.")
    omschrijving: str | None = Field(description="Die bevoegdheid in woorden.")


class InzageLog(ApiModel):
    model_config = described(
        "Wie de gegevens van het kind verwerkte, wanneer, wat en waarom: één pagina.",
        {"resultaten": [_INZAGE_REGEL], "volgendeCursor": None},
    )

    resultaten: list[InzageRegel] = Field(description="Nieuwste eerst.")
    volgende_cursor: str | None = Field(
        description="Geef mee als `cursor` voor de volgende pagina; null op de laatste pagina."
    )


_AUDIT_REGEL = {
    "id": 48213,
    "tijdstip": "2026-04-02T13:05:00Z",
    "gebruikerId": vb.MENTOR_ID,
    "rol": "pedagogisch_medewerker",
    "organisatieId": vb.LOCATIE_ID,
    "kindIds": [vb.KIND_ID],
    "overdrachtIds": [vb.OVERDRACHT_ID],
    "actie": "wijzigen",
    "onderwerp": "overdracht.formulier",
    "velden": ["formulier"],
    "grondslag": "FormulierBewerken",
    "resultaat": 200,
    "requestId": "3f1c9e0a5b7d4c2e",
}


class AuditRegel(ApiModel):
    model_config = described(
        "Eén regel van het auditlog: één verzoek, met wie, wat, over welke kinderen en waarom. Alleen ids en"
        " veldnamen: nooit een naam, een BSN of een tekst die iemand schreef.",
        _AUDIT_REGEL,
    )

    id: int = Field(description="Het volgnummer van de regel.")
    tijdstip: datetime = Field(description="Wanneer het verzoek binnenkwam.")
    gebruiker_id: UUID = Field(description="Wie het verzoek deed.")
    rol: Rol = Field(description="In welke rol.")
    organisatie_id: UUID | None = Field(
        description="De locatie, school of gemeente waarvoor diegene werkte; null voor een ouder."
    )
    kind_ids: list[UUID] = Field(
        description="Elk kind over wiens gegevens het verzoek ging (ondoorzichtige ids); bij een lijst: allemaal."
    )
    overdracht_ids: list[UUID] = Field(
        description="Elke overdracht waarover het ging; bij een lijst of een download: allemaal."
    )
    actie: Actie = Field(description="Wat er met de gegevens gebeurde.")
    onderwerp: str = Field(description="Wat er gelezen of gewijzigd werd, bijvoorbeeld `overdracht.formulier`.")
    velden: list[str] = Field(description="Welke gegevens in het antwoord of de wijziging zaten.")
    grondslag: str = Field(description="Waarom: de gebruikte bevoegdheid, bijvoorbeeld `FormulierBewerken`.")
    resultaat: int = Field(description="De HTTP-status van het antwoord: 2xx gedaan, 403/404/409/… geweigerd.")
    request_id: str | None = Field(description="Het id van het verzoek (`X-Request-ID`), om het in de logs te vinden.")


class AuditPagina(ApiModel):
    model_config = described(
        "Eén pagina van het auditlog van de gemeente.",
        {"resultaten": [_AUDIT_REGEL], "volgendeCursor": "eyJpZCI6NDgyMTN9"},
    )

    resultaten: list[AuditRegel] = Field(description="Oudste eerst.")
    volgende_cursor: str | None = Field(
        description="Geef mee als `cursor` voor de volgende pagina; null op de laatste pagina."
    )
