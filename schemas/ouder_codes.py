"""Request and response bodies of the parents' access beyond their messages: the child's parents as
the location's staff see them, a new code sent by mail, and a parent asking for one (camelCase on the wire)."""

from uuid import UUID

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.base import EMAIL_PATTERN, ApiModel
from schemas.openapi import described

_OUDER = {"id": vb.OUDER_ID, "naam": "Ouder Voorbeeld", "heeftEmailadres": True}


class OuderWeergave(ApiModel):
    """A parent with custody, as the child's location sees them: never their address."""

    model_config = described("Een ouder met gezag, zoals de locatie van het kind die ziet: nooit het adres.", _OUDER)

    id: UUID = Field(description="Het id van de ouder.")
    naam: str = Field(description="De naam van de ouder.")
    heeft_emailadres: bool = Field(
        description="Of een nieuwe code per mail kan; zonder adres drukt u een brief af (`POST …/brieven`)."
    )


class Ouders(ApiModel):
    model_config = described("De ouders met gezag van het kind.", {"ouders": [_OUDER]})

    ouders: list[OuderWeergave] = Field(description="De ouders met gezag van het kind, op naam.")


class CodeVerstuurd(ApiModel):
    model_config = described("De nieuwe link staat klaar om te versturen.", {"berichtId": vb.BERICHT_ID})

    bericht_id: UUID = Field(description="Het bericht in de outbox met de nieuwe link.")


class OuderCodeAanvraag(ApiModel):
    model_config = described(
        "Een ouder vraagt een nieuwe link aan, naar het adres dat de voorschool heeft.",
        {"email": "ouder@voorbeeld.example"},
    )

    email: str = Field(
        min_length=1,
        max_length=200,
        description="Het adres dat de voorschool van u heeft: de nieuwe link gaat daarheen.",
        json_schema_extra=EMAIL_PATTERN,
    )


class AanvraagOntvangen(ApiModel):
    model_config = described(
        "De aanvraag is ontvangen; het antwoord verraadt niet of het adres bekend is.",
        {
            "bericht": "Als dit e-mailadres bij een ouder van een lopende overdracht hoort, krijgt die ouder binnen"
            " enkele minuten een e-mail met een nieuwe persoonlijke link. Geen e-mail gekregen? Neem dan contact op met"
            " de voorschool."
        },
    )

    bericht: str = Field(description="Hetzelfde antwoord, of het adres nu bekend is of niet.")
