"""A child's placement at a voorschool as the API changes it: it ends (the child leaves) or moves to
another location of the gemeente; and what became of the child's overdracht."""

from datetime import date
from uuid import UUID

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.base import ApiModel, Reden
from schemas.openapi import described
from schemas.overdracht import Status


class PlaatsingBeeindigen(ApiModel):
    model_config = described(
        "De plaatsing van het kind eindigt: het kind vertrekt van de voorschool.",
        {"reden": "Het kind verhuist naar een andere gemeente.", "datum": "2026-02-27"},
    )

    reden: Reden = Field(description="Waarom het kind vertrekt, bijvoorbeeld een verhuizing.")
    datum: date | None = Field(default=None, description="De laatste dag van de plaatsing; weggelaten: vandaag.")


class Verhuizing(ApiModel):
    model_config = described(
        "Het kind verhuist naar een andere locatie van dezelfde gemeente, die de overdracht overneemt.",
        {"locatieId": vb.ANDERE_LOCATIE_ID},
    )

    locatie_id: UUID = Field(description="De voorschoollocatie van dezelfde gemeente waar het kind naartoe gaat.")


class PlaatsingGewijzigd(ApiModel):
    model_config = described(
        "Wat er na de wijziging van de plaatsing met de overdracht van het kind is.",
        {"kindId": vb.KIND_ID, "overdrachtId": vb.OVERDRACHT_ID, "overdrachtStatus": "geannuleerd"},
    )

    kind_id: UUID = Field(description="Het kind.")
    overdracht_id: UUID = Field(description="De overdracht van het kind (ook als die nog niet geopend was).")
    overdracht_status: Status | None = Field(
        description="De status van de overdracht na de wijziging: `geannuleerd` als het kind vertrok (ook als die nog"
        " niet geopend was: dan opent die nooit meer); null als er geen liep."
    )
