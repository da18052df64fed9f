"""The pages, one module per kind of person or part of the lifecycle."""

from fastapi import APIRouter

from web.routes import aanmelden, afdruk, formulier, ouder, overdracht, school, start

router = APIRouter(include_in_schema=False)
for module in (aanmelden, start, overdracht, formulier, afdruk, ouder, school):
    router.include_router(module.router)
