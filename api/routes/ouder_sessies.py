"""/v1/ouder-sessies: a parent's one-time code exchanged for a short-lived token for that one child
(services/ouder_sessies.py)."""

from fastapi import APIRouter, Request, Response
from pydantic import Field

from api.client_address import client_address
from api.deps import Audit, clients
from api.errors import PROBLEM_JSON, problems
from schemas.api import Token
from schemas.base import ApiModel
from services import ouder_sessies

router = APIRouter(prefix="/v1", tags=["ouders"])


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
        "the parent's own child only (`expiresIn` seconds). At most OVERDRACHT_OUDER_SESSIES_TEGELIJK (4)"
        " exchanges from one client (address) may be under way at once, across every API process; past it"
        " 429 `TE_VEEL_VERZOEKEN` with `Retry-After`, and the code is not used up."
    ),
    responses={
        **problems(400, 401, 503),
        429: {
            "description": "Too many exchanges from this client under way at once; try again after `Retry-After`.",
            "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
    },
)
async def create_ouder_sessie(body: OuderSessieAanvraag, request: Request, response: Response, audit: Audit) -> Token:
    token = await ouder_sessies.redeem(clients(request), audit, body.code, client_address(request))
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1: a token is not for caches
    return token
