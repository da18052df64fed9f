"""/v1/dev/tokens: a bearer token for a seeded user. Mounted only in development and test mode."""

from fastapi import APIRouter

from api import auth
from api.deps import DbDep, SettingsDep
from api.errors import NotFound, problems
from db import gebruikers
from schemas.api import Token, TokenAanvraag

router = APIRouter(prefix="/v1/dev", tags=["ontwikkeling"])


@router.post(
    "/tokens",
    summary="A token for a seeded user (development and test only)",
    responses=problems(400, 404),
)
async def create_token(body: TokenAanvraag, pool: DbDep, settings: SettingsDep) -> Token:
    if await gebruikers.get(pool, body.gebruiker_id) is None:
        raise NotFound("Deze gebruiker bestaat niet. De README noemt de gebruikers van de demodata.")
    token, expires_in = auth.issue_dev_token(settings, body.gebruiker_id)
    return Token(access_token=token, expires_in=expires_in)
