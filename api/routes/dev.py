"""/v1/dev: a token for a seeded user, and the outbox. Mounted only in development and test mode."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api import auth
from api.deps import STAFF, CurrentUser, DbDep, SettingsDep
from api.errors import Forbidden, NotFound, problems
from db import gebruikers, scope
from schemas.api import Token, TokenAanvraag
from schemas.bericht_api import Bericht, Berichten
from schemas.overdracht import Rol

router = APIRouter(prefix="/v1/dev", tags=["ontwikkeling"])

OUTBOX_READERS = STAFF | {Rol.COORDINATOR, Rol.BEHEERDER}


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


@router.get(
    "/berichten",
    summary="The outbox, newest first, within your scope (development and test only)",
    description="Messages the workflow queued, also those no mail server sent: what would have been sent.",
    responses=problems(400, 401, 403, 503),
)
async def list_berichten(
    user: CurrentUser,
    pool: DbDep,
    overdracht_id: Annotated[UUID | None, Query(alias="overdrachtId")] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=200)] = 50,
) -> Berichten:
    if user.rol not in OUTBOX_READERS:
        raise Forbidden(f"Met de rol '{user.rol.value}' kunt u de berichten niet inzien.")
    # The read model's own scope: a message exists for you only when its overdracht does.
    where = scope.scoped(user)
    if overdracht_id is not None:
        where.add("b.overdracht_id = {}", overdracht_id)
    rows = await pool.fetch(
        "SELECT b.id, b.overdracht_id, b.soort, b.aanleiding, b.ontvanger, b.aan, b.onderwerp, b.tekst,"
        " b.deadline, b.status, b.aangemaakt_op, b.verzonden_op"
        " FROM berichten b JOIN overdrachten o ON o.id = b.overdracht_id"
        + where.sql()
        + f" ORDER BY b.aangemaakt_op DESC, b.id DESC LIMIT {int(page_size)}",
        *where.args,
    )
    return Berichten(
        resultaten=[
            Bericht.model_validate({**dict(r), "aan": list(r["aan"]) if user.reads_content else None}) for r in rows
        ]
    )
