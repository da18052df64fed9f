"""/v1/ouder-sessies: a parent's one-time code exchanged for a short-lived token for that one child."""

import logging

from fastapi import APIRouter, Response
from pydantic import Field

from api import auth
from api.deps import DbDep, SettingsDep
from api.errors import Unauthenticated, problems
from db import gebruikers, ouder_codes
from schemas.api import Token
from schemas.audit import Actie
from schemas.base import ApiModel
from schemas.overdracht import Rol
from services.audit import OUDER_CODE, Audit

router = APIRouter(prefix="/v1", tags=["ouders"])

log = logging.getLogger(__name__)

# One answer for a wrong, used and expired code alike: the caller learns nothing about which.
CODE_REFUSED = "Deze code is ongeldig of verlopen. Een code werkt één keer; vraag de voorschool om een nieuwe link."


class OuderSessieAanvraag(ApiModel):
    # Here rather than in schemas/api.py: only this route speaks it.
    code: str = Field(
        min_length=1, max_length=100, description="The one-time code from the link in the parent's message."
    )


@router.post(
    "/ouder-sessies",
    summary="Exchange a parent's one-time code for a short-lived token for that child",
    description=(
        "No sign-in needed: the code is the credential. It works once, until it expires; the token is for "
        "the parent's own child only (`expiresIn` seconds)."
    ),
    responses=problems(400, 401, 503),
)
async def create_ouder_sessie(
    body: OuderSessieAanvraag, pool: DbDep, settings: SettingsDep, response: Response, audit: Audit
) -> Token:
    # No rate limiting here (out of scope): a code has 256 random bits, so guessing one is hopeless;
    # a limit per client against load belongs in front of the API (the reverse proxy).
    redeemed = await ouder_codes.redeem(pool, body.code)
    user = await gebruikers.get(pool, redeemed.gebruiker_id) if redeemed else None
    # The user must still be that child's parent: custody may have changed since the code was sent.
    if redeemed is None or user is None or user.rol is not Rol.OUDER or user.kind_id != redeemed.kind_id:
        log.info(
            "parent code refused", extra={"reason": "unknown_used_or_expired" if redeemed is None else "not_parent"}
        )
        raise Unauthenticated(CODE_REFUSED)
    audit.add(user, Actie.AANMELDEN, "ouder_sessie", kind_id=redeemed.kind_id, grondslag=OUDER_CODE)
    token, expires_in = auth.issue_ouder_token(await ouder_codes.token_key(pool), settings, user.id, redeemed.kind_id)
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1: a token is not for caches
    return Token(access_token=token, expires_in=expires_in)
