"""Signing in and out. In development a page lists the demo users; production signs in through the
gemeente's identity provider (OpenID Connect)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services import dev
from services.errors import ServiceError
from web import sessions
from web.render import clients, error_page, page, same_origin

router = APIRouter(include_in_schema=False)


@router.get("/aanmelden")
async def sign_in_page(request: Request) -> Response:
    if not request.app.state.settings.dev_mode:
        # Production signs in through the gemeente's identity provider (OpenID Connect), still to come.
        return page(request, "aanmelden.html", 501, gebruikers=[], productie=True)
    return page(request, "aanmelden.html", gebruikers=await dev.staff_to_sign_in(clients(request)))


@router.post("/aanmelden")
async def sign_in(request: Request, gebruiker_id: Annotated[UUID, Form(alias="gebruikerId")]) -> Response:
    if not request.app.state.settings.dev_mode or not same_origin(request):
        return page(request, "fout.html", 403, titel="Niet toegestaan", uitleg="Aanmelden kan hier niet.")
    try:
        user = await dev.staff_member(clients(request), gebruiker_id)
    except ServiceError as exc:
        return error_page(request, exc, None)
    response = RedirectResponse("/", status_code=303)
    await sessions.sign_in(request, response, user.id)
    return response


@router.post("/afmelden")
async def sign_out(request: Request) -> Response:
    response = RedirectResponse("/aanmelden" if request.app.state.settings.dev_mode else "/", status_code=303)
    if same_origin(request):
        await sessions.sign_out(request, response)
    return response
