"""Response bodies of GET /v1/dev/berichten: the outbox as development and tests read it."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.base import ApiModel
from schemas.bericht import Aanleiding, BerichtSoort, BezorgStatus, Ontvanger
from schemas.openapi import described

_BERICHT = {
    "id": vb.BERICHT_ID,
    "overdrachtId": vb.OVERDRACHT_ID,
    "soort": "herinnering",
    "aanleiding": "bevestigen",
    "ontvanger": "school",
    "aan": ["intake@oefening.voorbeeld.example"],
    "onderwerp": "Herinnering: bevestig de ontvangst van een overdracht",
    "tekst": "Er wacht een overdracht op uw bevestiging van ontvangst, uiterlijk 7 mei 2026.",
    "deadline": "2026-05-07T22:00:00Z",
    "status": "geen_mailserver",
    "aangemaaktOp": "2026-04-21T07:00:00Z",
    "verzondenOp": None,
}


class Bericht(ApiModel):
    """One message of the outbox, as rendered (texts hold no personal data)."""

    model_config = described(
        "Eén bericht uit de outbox, zoals het opgemaakt is (de teksten bevatten geen persoonsgegevens).", _BERICHT
    )

    id: UUID = Field(description="Het id van het bericht.")
    overdracht_id: UUID = Field(description="De overdracht waarover het bericht gaat.")
    soort: BerichtSoort = Field(description="Wat voor bericht het is.")
    aanleiding: Aanleiding = Field(description="Over welke stap het gaat.")
    ontvanger: Ontvanger = Field(description="Voor wie het bedoeld is.")
    aan: list[str] | None = Field(
        description="De adressen waar het naartoe ging; null voor rollen die alleen met metagegevens werken (adressen"
        " zijn persoonsgegevens)."
    )
    onderwerp: str = Field(description="De onderwerpregel.")
    tekst: str = Field(description="De tekst, zonder opmaak.")
    deadline: datetime | None = Field(description="De deadline waar het bericht over gaat; null als er geen is.")
    status: BezorgStatus = Field(description="Hoe ver de bezorging is.")
    aangemaakt_op: datetime = Field(description="Wanneer het in de outbox kwam.")
    verzonden_op: datetime | None = Field(description="Wanneer de mailserver het aannam; null zolang dat niet zo is.")


class Berichten(ApiModel):
    model_config = described(
        "De berichten in de outbox (alleen bij ontwikkeling en testen), binnen wat de vrager mag zien.",
        {"resultaten": [_BERICHT]},
    )

    resultaten: list[Bericht] = Field(description="Nieuwste eerst.")
