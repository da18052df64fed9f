"""/v1/imports: placements (children at a voorschool location) from a CSV export."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1/imports", tags=["imports"])
