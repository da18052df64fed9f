"""/v1/dev: a token for a seeded user, and the outbox (services/dev.py). Mounted only in development
and test mode."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from api.deps import Ctx, clients
from api.errors import problems
from schemas.api import Token, TokenAanvraag
from schemas.bericht_api import Berichten
from services import dev

router = APIRouter(prefix="/v1/dev", tags=["ontwikkeling"])


@router.post(
    "/tokens",
    summary="A token for a seeded user (development and test only)",
    responses=problems(400, 404),
)
async def create_token(body: TokenAanvraag, request: Request) -> Token:
    return await dev.token_for(clients(request), body.gebruiker_id)


@router.get(
    "/berichten",
    summary="The outbox, newest first, within your scope (development and test only)",
    description="Messages the workflow queued, also those no mail server sent: what would have been sent.",
    responses=problems(400, 401, 403, 503),
)
async def list_berichten(
    ctx: Ctx,
    overdracht_id: Annotated[UUID | None, Query(alias="overdrachtId")] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=200)] = 50,
) -> Berichten:
    return await dev.berichten(ctx, overdracht_id, page_size)
