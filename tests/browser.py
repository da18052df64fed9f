"""A pytest plugin (tests/conftest.py loads it) for tests in a real browser: Debian's chromium, driven
by Playwright, against the real app served over HTTP.

- `live_server`: the base URL ("http://127.0.0.1:<port>") of the app, built from the suite's `settings`
  and served by uvicorn in a thread for the whole session, with the suite's engine, worker and database.
- `browser`: one headless chromium for the session (`shutil.which("chromium")`; Playwright's own
  browser download is never used). Without chromium the tests fail, naming what to install; they
  are never skipped.
- `page`: a fresh browser context and page per test. Every request to a host other than 127.0.0.1 is
  aborted, and the test then fails at teardown naming them: a page that needs a CDN fails loudly; so
  does one whose stylesheet, script, font or image answers 4xx/5xx (a wrong /static/vendor URL).
- `await assert_accessible(page)`: axe-core (from node_modules) on the page as it is now; fails with
  each WCAG 2.1 A/AA violation (rule, impact, help, the first elements).

    async def test_start(live_server: str, page: Page) -> None:
        await page.goto(f"{live_server}/")
        await page.get_by_role("heading", name="Aanmelden").wait_for()
        await assert_accessible(page)
"""

import asyncio
import os
import shutil
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, Route, ViewportSize, async_playwright
from playwright.async_api import Response as PlaywrightResponse
from temporalio.worker import Worker

from api.app import create_app
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What the pages are held to: WCAG 2.1, levels A and AA (the Dutch government's standard).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOST = "127.0.0.1"
STARTUP_SECONDS = 30.0


@pytest.fixture(scope="session")
async def live_server(settings: Settings, worker: Worker, pool: asyncpg.Pool) -> AsyncIterator[str]:
    """The app over real HTTP, with the suite's engine, worker and database."""
    async with serve(settings) as base:
        yield base


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[str]:
    """The app built from `settings`, over real HTTP: its base URL. uvicorn runs in a thread with its
    own event loop (so a signal still stops pytest, and a test blocking the session's loop cannot stall
    a page load); the app's lifespan opens its own pool and engine client there, as in `overdracht api`.
    The worker runs in the session's loop, so a step taken in the browser completes while the test awaits."""
    app = create_app(settings)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOCAL_HOST, 0))  # the port is ours from here: no race for a free one
    port = listener.getsockname()[1]
    # log_config=None: the suite's logging (and tests/log_scan.py) stays as it is.
    config = uvicorn.Config(
        app, host=LOCAL_HOST, port=port, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="live-server", daemon=True)
    thread.start()
    base = f"http://{LOCAL_HOST}:{port}"
    try:
        await _wait_until_answering(base, thread)
        yield base
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 15)
        listener.close()


async def _wait_until_answering(base: str, thread: threading.Thread) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=base, timeout=2) as client:
        while True:
            if not thread.is_alive():
                pytest.fail("The live server stopped while starting: see its log above", pytrace=False)
            try:
                await client.get("/v1/gezondheid")  # any answer: the app and its lifespan are up
                return
            except httpx.TransportError:
                if loop.time() > deadline:
                    pytest.fail(f"The live server did not answer within {STARTUP_SECONDS:.0f}s", pytrace=False)
                await asyncio.sleep(0.05)


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "chromium is not on the PATH: the browser tests drive Debian's chromium. Install it with "
            "`apt-get install chromium` (as root, `make test` does: scripts/ensure-chromium.sh).",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    # As root, chromium refuses to start with its sandbox; /dev/shm is small in many containers.
    args = ["--disable-dev-shm-usage"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A page in a context of its own (see `own_page`)."""
    async with own_page(browser) as fresh:
        yield fresh


@asynccontextmanager
async def own_page(browser: Browser, width: int | None = None) -> AsyncIterator[Page]:
    """A page in a context of its own (no cookies or storage from another: one person's browser), Dutch
    and in Amsterdam's time zone, which can reach 127.0.0.1 only; `width`: a phone's, 640 px high. At the
    end it fails if the page asked another host for anything, or if a stylesheet, script, font or image it
    loaded was not there."""
    viewport = ViewportSize(width=width, height=640) if width else ViewportSize(width=1280, height=720)
    context = await browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=viewport)
    blocked = await block_other_hosts(context)
    broken = record_broken_subresources(context)
    try:
        yield await context.new_page()
    finally:
        await context.close()
    assert not blocked, "The page asked for other hosts than 127.0.0.1 (blocked):\n" + "\n".join(blocked)
    assert not broken, "The page's stylesheets, scripts, fonts or images failed:\n" + "\n".join(broken)


SUBRESOURCES = frozenset({"stylesheet", "script", "font", "image"})


def record_broken_subresources(context: BrowserContext) -> list[str]:
    """Every stylesheet, script, font or image of the context answered with an error (a page's own
    4xx, a navigation or an htmx request, is the test's to judge), as "404 URL"; the list fills."""
    broken: list[str] = []

    def check(response: PlaywrightResponse) -> None:
        if response.status >= 400 and response.request.resource_type in SUBRESOURCES:
            broken.append(f"{response.status} {response.url}")

    context.on("response", check)
    return broken


async def block_other_hosts(context: BrowserContext) -> list[str]:
    """Abort every request of the context to a host other than 127.0.0.1; the list returned fills
    with their URLs."""
    blocked: list[str] = []

    async def local_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    await context.route("**/*", local_only)
    return blocked


# Runs in the page: only the violations, each with the selectors of its elements.
_RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then(results => results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, targets: v.nodes.map(n => n.target),
    })))"""
SHOWN_TARGETS = 3


async def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now (WCAG 2.1 A and AA) and fail listing every violation."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        if not AXE.is_file():
            raise AssertionError(f"{AXE} is missing: run `make install` (npm ci installs axe-core)")
        # Evaluated over the DevTools protocol, so the page's Content-Security-Policy does not stop it.
        await page.evaluate(AXE.read_text())
    violations: list[dict[str, Any]] = await page.evaluate(_RUN_AXE, WCAG_TAGS)
    if violations:
        raise AssertionError(format_violations(page.url, violations))


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility rule(s) violated (axe-core, WCAG 2.1 A/AA) on {url}:"]
    for v in violations:
        targets = [" ".join(t) if isinstance(t, list) else str(t) for t in v["targets"]]
        more = f" and {len(targets) - SHOWN_TARGETS} more" if len(targets) > SHOWN_TARGETS else ""
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        lines.append(f"    at {', '.join(targets[:SHOWN_TARGETS])}{more}")
    return "\n".join(lines)
