"""Signing in and out. Production signs in through the gemeente's identity provider (OpenID Connect,
authorization code flow with PKCE: web/oidc.py); in development a page lists the demo users, beside the
provider's button when one is configured."""

import logging
import secrets
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.settings import Settings
from services import aanmelden, dev
from services.errors import Forbidden, ServiceError, Unauthenticated
from web import oidc, sessions
from web.render import clients, error_page, page, same_origin

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

AFGEBROKEN = (
    "U heeft het aanmelden afgebroken, of het inlogsysteem van uw gemeente gaf geen toegang. Probeer het opnieuw."
)
NIET_GELUKT = "Het inlogsysteem van uw gemeente kon u niet aanmelden. Probeer het opnieuw."
VERLOPEN = (
    "Deze aanmelding is verlopen, of is in een ander venster of een andere browser begonnen. Meld u hier opnieuw aan."
)
# The provider's error codes we name in the log (OpenID Connect Core 3.1.2.6, RFC 6749 4.1.2.1); any
# other value is logged as "other": the query string is the sender's to choose.
PROVIDER_ERRORS = frozenset(
    {
        "access_denied", "login_required", "interaction_required", "consent_required", "account_selection_required",
        "invalid_request", "unauthorized_client", "unsupported_response_type", "invalid_scope", "server_error",
        "temporarily_unavailable", "invalid_request_uri", "invalid_request_object", "request_not_supported",
    }
)  # fmt: skip


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _sign_in_page(request: Request, status: int = 200, melding: str | None = None) -> HTMLResponse:
    """The sign-in page: the provider's button (when configured), the demo users (development only), and
    why an attempt did not succeed."""
    settings = _settings(request)
    if not settings.dev_mode and not settings.oidc_sign_in and status == 200:
        status = 503  # production without a configured provider: nobody can sign in
    return page(
        request,
        "aanmelden.html",
        status,
        productie=not settings.dev_mode,
        oidc=settings.oidc_sign_in,
        provider=settings.oidc_provider_name,
        gebruikers=await dev.staff_to_sign_in(clients(request)) if settings.dev_mode else [],
        melding=melding,
    )


@router.get("/aanmelden")
async def sign_in_page(request: Request) -> Response:
    return await _sign_in_page(request)


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


@router.get("/aanmelden/oidc")
async def start_oidc(request: Request) -> Response:
    """Off to the provider. A link, not a form: a form's redirect to another site is blocked by our
    Content-Security-Policy (form-action 'self')."""
    settings = _settings(request)
    if not settings.oidc_sign_in:
        return page(
            request,
            "fout.html",
            404,
            titel="Niet gevonden",
            uitleg="Aanmelden via een inlogsysteem is hier niet ingesteld.",
        )
    try:
        found = await oidc.provider(settings)
    except ServiceError as exc:
        return await _sign_in_page(request, exc.status, exc.detail)
    pending = oidc.Pending.new()
    response = RedirectResponse(oidc.authorization_url(settings, found, pending), status_code=303)
    oidc.keep(response, settings, oidc.seal(await sessions.signing_key(request, oidc.KEY_PURPOSE), pending))
    return response


async def callback(request: Request) -> Response:
    """GET /aanmelden/terug: where the provider sends the browser back. A plain Starlette route, so
    whatever else a provider adds to the query (Keycloak's `session_state`, …) is no unknown parameter."""
    settings = _settings(request)
    if not settings.oidc_sign_in:
        return page(request, "fout.html", 404, titel="Niet gevonden", uitleg="Deze pagina bestaat niet.")
    pending = oidc.unseal(
        await sessions.signing_key(request, oidc.KEY_PURPOSE), request.cookies.get(oidc.PENDING_COOKIE)
    )
    response = await _finish(request, settings, pending)
    oidc.forget(response)
    sessions.forget_invitation(response)
    return response


async def _finish(request: Request, settings: Settings, pending: oidc.Pending | None) -> Response:
    query = request.query_params
    if error := query.get("error"):
        # The provider's own description is not shown: it is in its language and may say too much.
        log.info(
            "web sign-in refused by the provider", extra={"reason": error if error in PROVIDER_ERRORS else "other"}
        )
        return await _sign_in_page(request, 401, AFGEBROKEN if error == "access_denied" else NIET_GELUKT)
    if pending is None or not secrets.compare_digest(query.get("state", "").encode(), pending.state.encode()):
        log.info("web sign-in refused", extra={"reason": "no_pending_sign_in" if pending is None else "wrong_state"})
        return await _sign_in_page(request, 400, VERLOPEN)
    # RFC 9207: a provider that names itself must be ours (an answer from another provider is refused).
    if (iss := query.get("iss")) is not None and iss != settings.oidc_issuer:
        log.info("web sign-in refused", extra={"reason": "wrong_issuer"})
        return await _sign_in_page(request, 401, NIET_GELUKT)
    code = query.get("code")
    if not code:
        log.info("web sign-in refused", extra={"reason": "no_code"})
        return await _sign_in_page(request, 400, NIET_GELUKT)
    try:
        found = await oidc.provider(settings)
        id_token = await oidc.exchange(settings, found, code, pending.verifier)
        extern_id = await aanmelden.verify_id_token(
            settings, settings.oidc_jwks_url or found.jwks_uri, id_token, pending.nonce
        )
        # From an invitation's link (web/routes/beheer/mensen.py): the first sign-in binds this account.
        user = await aanmelden.staff_member(clients(request), extern_id, sessions.invitation(request))
    except Forbidden as exc:
        return page(request, "fout.html", 403, titel="Geen account", uitleg=exc.detail)
    except Unauthenticated as exc:
        return await _sign_in_page(request, 401, exc.detail)
    except ServiceError as exc:  # the provider unreachable
        return await _sign_in_page(request, exc.status, exc.detail)
    response = RedirectResponse("/", status_code=303)
    await sessions.sign_in(request, response, user.id)
    return response


router.add_route("/aanmelden/terug", callback, methods=["GET"], include_in_schema=False)


@router.post("/afmelden")
async def sign_out(request: Request) -> Response:
    """Ends the session: from our own pages, with the session's CSRF token (another site cannot sign
    anyone out either)."""
    response = RedirectResponse("/aanmelden" if request.app.state.settings.dev_mode else "/", status_code=303)
    aangemeld = await sessions.current(request)
    csrf = (await request.form()).get("csrf")
    if aangemeld is None or (
        same_origin(request) and isinstance(csrf, str) and secrets.compare_digest(csrf, aangemeld.csrf)
    ):
        await sessions.sign_out(request, response)
    return response
