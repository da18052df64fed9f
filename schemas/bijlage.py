"""Bijlagen: files uploaded with an overdracht's content. Only their metadata is ever in an answer body
(no name, no content); the file itself is answered as it is, to those who may read it (the observation
export: whoever may read the form; a parent's consent scan: the location's staff and that parent)."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.base import ApiModel
from schemas.openapi import described, described_enum

MAX_BIJLAGE_BYTES = 10 * 1024 * 1024  # 10 MB


@described_enum(
    "Wat voor bestand een bijlage is.",
    OBSERVATIE_EXPORT="De PDF-export van het observatie-instrument (KIJK!, Pravoo, …): één per overdracht.",
    TOESTEMMINGSSCAN="De scan of foto van het toestemmingsformulier dat één ouder op papier ondertekende (PDF,"
    " JPEG of PNG): één per ouder.",
)
class BijlageSoort(StrEnum):
    """What a bijlage is: one observation export per overdracht; one scan of the signed consent form per
    parent."""

    OBSERVATIE_EXPORT = "observatie_export"  # the observation instrument's PDF export (KIJK!, Pravoo, …)
    TOESTEMMINGSSCAN = "toestemmingsscan"  # a parent's consent form signed on paper: PDF, JPEG or PNG


class Bijlage(ApiModel):
    """A bijlage's metadata: what kind (and whose, for a parent's scan), how big, when uploaded. Never its
    name or content."""

    model_config = described(
        "De metagegevens van een bijlage: wat voor bestand (en van welke ouder, bij een scan), hoe groot, wanneer"
        " geüpload. Nooit de naam of de inhoud.",
        {
            "soort": "toestemmingsscan",
            "ouderId": vb.OUDER_ID,
            "grootte": 412876,
            "geuploadOp": "2026-04-08T15:47:00Z",
        },
    )

    soort: BijlageSoort = Field(description="Wat voor bestand het is.")
    ouder_id: UUID | None = Field(
        default=None,
        description="De ouder van wie het ondertekende toestemmingsformulier is (alleen bij een toestemmingsscan).",
    )
    grootte: int = Field(description="De grootte van het bestand in bytes.")
    geupload_op: datetime = Field(description="Wanneer het geüpload werd (bij vervanging: de laatste keer).")
