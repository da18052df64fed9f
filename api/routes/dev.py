"""/v1/dev: a token for a seeded user, and the outbox (services/dev.py). Mounted only in development
and test mode."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request

from api.deps import Ctx, clients
from api.problems import DATABASE_DOWN, Documented, forbidden, problems
from schemas.api import Token, TokenAanvraag
from schemas.bericht_api import Berichten
from services import dev
from services.errors import NotFound
from services.permissions import Capability

router = APIRouter(prefix="/v1/dev", tags=["ontwikkeling"])


@router.post(
    "/tokens",
    operation_id="createDevToken",
    summary="Een token voor een gebruiker uit de demodata (alleen in ontwikkeling en test)",
    description="Zonder aanmelden: een bearer-token voor `gebruikerId`, ondertekend met OVERDRACHT_DEV_TOKEN_SECRET."
    " Deze operatie bestaat niet in productie.",
    responses=problems(
        Documented(NotFound(dev.UNKNOWN_USER), "`gebruikerId` is geen gebruiker van deze database."), DATABASE_DOWN
    ),
)
async def create_token(body: TokenAanvraag, request: Request) -> Token:
    return await dev.token_for(clients(request), body.gebruiker_id)


@router.get(
    "/berichten",
    operation_id="listBerichten",
    summary="De uitgaande berichten, de nieuwste eerst, binnen uw bereik (alleen in ontwikkeling en test)",
    description="Berichten die de workflow klaarzette, ook die geen mailserver verstuurde: wat er verstuurd zou zijn.",
    responses=problems(forbidden(Capability.BERICHTEN_INZIEN)),
)
async def list_berichten(
    ctx: Ctx,
    overdracht_id: Annotated[
        UUID | None, Query(alias="overdrachtId", description="Alleen de berichten van deze overdracht.")
    ] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=200, description="Hoeveel berichten.")] = 50,
) -> Berichten:
    return await dev.berichten(ctx, overdracht_id, page_size)
