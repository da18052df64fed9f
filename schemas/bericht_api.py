"""Response bodies of GET /v1/dev/berichten: the outbox as development and tests read it."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from schemas.base import ApiModel
from schemas.bericht import Aanleiding, BerichtSoort, BezorgStatus, Ontvanger


class Bericht(ApiModel):
    """One message of the outbox, as rendered (texts hold no personal data)."""

    id: UUID
    overdracht_id: UUID
    soort: BerichtSoort
    aanleiding: Aanleiding
    ontvanger: Ontvanger
    aan: list[str] | None = Field(
        description="The addresses it went to; null for roles that work on metadata only (addresses are personal data)."
    )
    onderwerp: str
    tekst: str
    deadline: datetime | None
    status: BezorgStatus
    aangemaakt_op: datetime
    verzonden_op: datetime | None


class Berichten(ApiModel):
    resultaten: list[Bericht] = Field(description="Newest first.")
