"""The web app for people: server-rendered Dutch pages (Jinja2, NL Design System CSS) beside the API,
calling the same service layer (services/): one permission check, one scope, one audit trail."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from web.render import install_handlers
from web.routes import router
from web.security import install_page_headers


def install(app: FastAPI) -> None:
    """The pages, their own static files, their headers and their answers to a missing sign-in."""
    app.include_router(router)
    app.mount("/static/web", StaticFiles(directory=Path(__file__).with_name("static")), name="web-static")
    install_page_headers(app)
    install_handlers(app)
