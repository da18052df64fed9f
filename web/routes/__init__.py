"""The pages, one module per kind of person or part of the lifecycle."""

from fastapi import APIRouter

from web.routes import (
    aanmelden,
    afdruk,
    beheer,
    bijlagen,
    coordinatie,
    formulier,
    instellingen,
    ouder,
    overdracht,
    plaatsingen,
    school,
    stappen,
    start,
    warme_overdracht,
)

router = APIRouter(include_in_schema=False)
for module in (
    aanmelden,
    start,
    beheer,
    coordinatie,
    overdracht,
    stappen,
    formulier,
    bijlagen,
    afdruk,
    ouder,
    school,
    warme_overdracht,
    plaatsingen,
    instellingen,
):
    router.include_router(module.router)
