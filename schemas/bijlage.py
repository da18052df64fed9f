"""Bijlagen: files uploaded with an overdracht's content. Only their metadata is ever in an answer body
(no name, no content); the file itself is answered as it is, to those who may read it (the observation
export: whoever may read the form; a parent's consent scan: the location's staff and that parent)."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from schemas.base import ApiModel

MAX_BIJLAGE_BYTES = 10 * 1024 * 1024  # 10 MB


class BijlageSoort(StrEnum):
    """What a bijlage is: one observation export per overdracht; one scan of the signed consent form per
    parent."""

    OBSERVATIE_EXPORT = "observatie_export"  # the observation instrument's PDF export (KIJK!, Pravoo, …)
    TOESTEMMINGSSCAN = "toestemmingsscan"  # a parent's consent form signed on paper: PDF, JPEG or PNG


class Bijlage(ApiModel):
    """A bijlage's metadata: what kind (and whose, for a parent's scan), how big, when uploaded. Never its
    name or content."""

    soort: BijlageSoort
    ouder_id: UUID | None = Field(
        default=None, description="The parent whose signed consent form it is (a toestemmingsscan only)."
    )
    grootte: int = Field(description="The file's size in bytes.")
    geupload_op: datetime = Field(description="When it was uploaded (the last upload, when replaced).")
