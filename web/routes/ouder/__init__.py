"""The parents' pages, in plain Dutch (B1) and translated (web/i18n.py): their personal link signs them
in once; then the form as the school will read it, their reaction, consent or refusal (chosen, then
confirmed), the school, withdrawing consent while it may be withdrawn, and the child's inzage-log
(which the location's staff read on the same page, in Dutch). Each step is the service layer's use
case (services/stappen.py), as the API's; a page offers only the steps the status allows, and says
why when the status has moved on in the meantime."""

from fastapi import APIRouter

from web.routes.ouder import inzage, reactie, school, toegang, toestemming
from web.routes.ouder.overzicht import overdracht

__all__ = ["overdracht", "router"]

router = APIRouter(include_in_schema=False)
for module in (toegang, reactie, toestemming, school, inzage):
    router.include_router(module.router)
