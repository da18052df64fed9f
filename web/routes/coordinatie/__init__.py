"""The coordinator's pages (gemeentelijk coördinator VVE / LEA), under `/coordinatie`: the overview
of a school year (their start page), what is overdue, the VVE children without an overdracht, the
deadline forecast, every table as a download; and moving a deadline from an overdracht's page.
Metadata and aggregates only, as in the API: the same use cases (services/monitoring.py)."""

from fastapi import APIRouter

from web.routes.coordinatie import deadline, downloads, lijsten, overzicht, prognose

router = APIRouter(include_in_schema=False)
for module in (overzicht, lijsten, prognose, downloads, deadline):
    router.include_router(module.router)

# What `/` shows a coordinator (web/routes/start.py).
start = overzicht.start
