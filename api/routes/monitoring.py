"""/v1/monitoring: what is overdue, the key figures, and VVE children without an overdracht."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1/monitoring", tags=["monitoring"])
