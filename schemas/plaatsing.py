"""A child's placement at a voorschool as the API changes it: it ends (the child leaves) or moves to
another location of the gemeente; and what became of the child's overdracht."""

from datetime import date
from uuid import UUID

from pydantic import Field

from schemas.base import ApiModel, Reden
from schemas.overdracht import Status


class PlaatsingBeeindigen(ApiModel):
    reden: Reden = Field(description="Why the child leaves, e.g. it moved away.")
    datum: date | None = Field(default=None, description="The last day of the placement; today when left out.")


class Verhuizing(ApiModel):
    locatie_id: UUID = Field(description="The voorschool location of the same gemeente the child moves to.")


class PlaatsingGewijzigd(ApiModel):
    kind_id: UUID
    overdracht_id: UUID
    overdracht_status: Status | None = Field(
        description="The overdracht's status after the change: GEANNULEERD when the child left (also when it had"
        " not opened yet: then it never will); null when there was none running."
    )
