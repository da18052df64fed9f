"""/v1/mijn-instellingen: the signed-in member of staff's own settings (services/instellingen.py)."""

from fastapi import APIRouter

from api.deps import Ctx
from api.errors import problems
from schemas.gebruiker import MijnInstellingen, MijnInstellingenWijziging
from services import instellingen

router = APIRouter(prefix="/v1/mijn-instellingen", tags=["gebruikers"])

UITLEG = (
    "Every member of staff: reminders and escalations each at once (`direct`) or as one digest a day"
    " (`dagelijks`, at the gemeente's `bundelUur`), or as the gemeente does it (null). Parents get a 403."
)


@router.get("", summary="Your own settings", description=UITLEG, responses=problems(401, 403, 503))
async def get_mine(ctx: Ctx) -> MijnInstellingen:
    return await instellingen.mine(ctx)


@router.patch("", summary="Change your own settings", description=UITLEG, responses=problems(400, 401, 403, 503))
async def change_mine(body: MijnInstellingenWijziging, ctx: Ctx) -> MijnInstellingen:
    return await instellingen.change(ctx, body)
