"""`/instellingen`: a member of staff's own settings. For now how reminders and escalations come: each
at once, or one overview a day (services/instellingen.py, the same use case as `/v1/mijn-instellingen`)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from schemas.gebruiker import Berichtvoorkeur, MijnInstellingen, MijnInstellingenWijziging
from services import instellingen
from services.context import Context
from services.errors import InvalidInput, ServiceError
from web.i18n import N_
from web.render import GEDAAN, act, caller, done, error_page, page, posted, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

ADRES = "/instellingen"
GEMEENTE = "gemeente"  # the form's value for "as my gemeente does it"
GEDAAN["instellingen-opgeslagen"] = N_("Uw instellingen zijn opgeslagen.")


async def _page(
    request: Request,
    aangemeld: Aangemeld,
    status: int = 200,
    *,
    keuze: str | None = None,
    fouten: dict[str, str] | None = None,
) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            mijn: MijnInstellingen = await instellingen.mine(ctx)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    gekozen = keuze or (mijn.berichten.value if mijn.berichten else GEMEENTE)
    return page(
        request,
        "instellingen.html",
        status,
        aangemeld=aangemeld,
        mijn=mijn,
        waarden={"berichten": gekozen},
        fouten=fouten or {},
    )


@router.get(ADRES)
async def settings_page(request: Request, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _page(request, aangemeld)


@router.post(ADRES)
async def change_settings(request: Request, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    keuze = str((await request.form()).get("berichten") or "")

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _page(request, aangemeld, status, keuze=keuze, fouten=fouten)

    async def change(ctx: Context) -> None:
        if keuze not in {GEMEENTE, *Berichtvoorkeur}:
            raise InvalidInput(
                "Kies hoe u berichten wilt krijgen.",
                invalid_params=[{"name": "berichten", "reason": "Kies een van de mogelijkheden."}],
            )
        berichten = None if keuze == GEMEENTE else Berichtvoorkeur(keuze)
        await instellingen.change(ctx, MijnInstellingenWijziging(berichten=berichten))

    return await act(request, aangemeld, change, then=lambda: done(ADRES, "instellingen-opgeslagen"), again=again)
