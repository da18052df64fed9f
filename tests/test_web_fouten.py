"""Errors as a browser meets them: a page address that does not exist is a Dutch page, not JSON; the API
keeps answering problem+json, whatever the client accepts."""

import httpx
import pytest

from services import dev
from tests.test_web_pages import browser_like

__all__ = ["browser_like"]

HTML = {"Accept": "text/html,application/xhtml+xml"}


async def test_an_unknown_page_is_a_page_and_an_unknown_api_path_problem_json(browser_like: httpx.AsyncClient) -> None:
    page = await browser_like.get("/bestaat-niet", headers=HTML)
    api = await browser_like.get("/v1/bestaat-niet", headers=HTML)
    client = await browser_like.get("/bestaat-niet", headers={"Accept": "application/json"})

    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Pagina niet gevonden" in page.text and "startpagina" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert client.status_code == 404 and client.headers["content-type"] == "application/problem+json"


async def test_a_page_s_unexpected_failure_is_a_page_without_a_stack_trace(
    browser_like: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("geheim detail uit de code")

    monkeypatch.setattr(dev, "staff_to_sign_in", broken)  # what the sign-in page lists the users with

    r = await browser_like.get("/aanmelden", headers=HTML)

    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert "Er ging iets mis" in r.text and "geheim detail" not in r.text and "Traceback" not in r.text
