"""/v1/ouder-sessies: a parent's one-time code exchanged for a short-lived token for that one child."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["ouders"])
