"""/v1/ouder-sessies: a parent's one-time code exchanged for a short-lived token for that one child
(services/ouder_sessies.py)."""

from fastapi import APIRouter, Request, Response
from pydantic import Field

from api.client_address import client_address
from api.deps import Audit, clients
from api.problems import DATABASE_DOWN, Documented, problems
from schemas.api import Token
from schemas.base import ApiModel
from schemas.openapi import described
from services import ouder_sessies
from services.errors import TooManyRequests, Unauthenticated

router = APIRouter(prefix="/v1", tags=["ouders"])


class OuderSessieAanvraag(ApiModel):
    # Here rather than in schemas/api.py: only this route speaks it.
    model_config = described(
        "Een ouder wisselt de eenmalige code uit de link in het bericht in voor een token voor het eigen kind.",
        {"code": "vb-0000-eenmalig-voorbeeld"},
    )

    code: str = Field(
        min_length=1, max_length=100, description="De eenmalige code uit de link in het bericht aan de ouder."
    )


@router.post(
    "/ouder-sessies",
    operation_id="createOuderSessie",
    summary="De eenmalige code van een ouder inwisselen voor een kortlevend token voor dat kind",
    description=(
        "Zonder aanmelden: de code is het bewijs. Ze werkt één keer, tot ze verloopt; het token geldt alleen voor het"
        " eigen kind van de ouder (`expiresIn` seconden). Hooguit OVERDRACHT_OUDER_SESSIES_TEGELIJK (4) inwisselingen"
        " vanaf één client (adres) tegelijk, over alle API-processen; daarboven 429 `te_veel_verzoeken` met"
        " `Retry-After`, en de code is dan niet verbruikt."
    ),
    responses=problems(
        Documented(
            Unauthenticated(ouder_sessies.CODE_REFUSED),
            "De code is onbekend, al gebruikt of verlopen, of de ouder heeft geen gezag meer over dit kind.",
        ),
        Documented(
            TooManyRequests(ouder_sessies.TE_VEEL),
            "Te veel inwisselingen vanaf deze client tegelijk; probeer het na `Retry-After` opnieuw. De code is niet"
            " verbruikt.",
            retry_after=True,
        ),
        DATABASE_DOWN,
    ),
)
async def create_ouder_sessie(body: OuderSessieAanvraag, request: Request, response: Response, audit: Audit) -> Token:
    token = await ouder_sessies.redeem(clients(request), audit, body.code, client_address(request))
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1: a token is not for caches
    return token
