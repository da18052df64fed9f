"""/v1/mijn-instellingen: the signed-in member of staff's own settings (services/instellingen.py)."""

from fastapi import APIRouter

from api.deps import Ctx
from api.problems import Documented, problems
from schemas.gebruiker import MijnInstellingen, MijnInstellingenWijziging
from services import instellingen
from services.errors import Forbidden, NotFound

router = APIRouter(prefix="/v1/mijn-instellingen", tags=["gebruikers"])

UITLEG = (
    "Voor elke medewerker: herinneringen en escalaties elk meteen (`direct`) of als één overzicht per dag"
    " (`dagelijks`, op het `bundelUur` van de gemeente), of zoals de gemeente het doet (null). Ouders krijgen een 403."
)
PROBLEMEN = problems(
    Documented(Forbidden(instellingen.ALLEEN_MEDEWERKERS), "U bent ouder: ouders krijgen elk bericht meteen."),
    Documented(NotFound(instellingen.GEEN_ACCOUNT), "Uw account bestaat niet meer."),
)


@router.get(
    "", operation_id="getMijnInstellingen", summary="Uw eigen instellingen", description=UITLEG, responses=PROBLEMEN
)
async def get_mine(ctx: Ctx) -> MijnInstellingen:
    return await instellingen.mine(ctx)


@router.patch(
    "",
    operation_id="changeMijnInstellingen",
    summary="Uw eigen instellingen wijzigen",
    description=UITLEG,
    responses=PROBLEMEN,
)
async def change_mine(body: MijnInstellingenWijziging, ctx: Ctx) -> MijnInstellingen:
    return await instellingen.change(ctx, body)
