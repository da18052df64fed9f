"""What the web app and its browser tests stand on: the assets served from node_modules (no CDN),
/v1/docs offline, chromium found or installed, and the harness of tests/browser.py itself (other hosts
blocked, axe-core finding what it should)."""

import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page

from api.app import create_app
from api.static import CACHE_CONTROL, PACKAGES, MissingAssets, load_vendor
from core.settings import Environment, Settings
from tests.browser import assert_accessible, block_other_hosts, record_broken_subresources

ROOT = Path(__file__).resolve().parent.parent
ENSURE_CHROMIUM = ROOT / "scripts" / "ensure-chromium.sh"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    # The docs and the static files need neither the database nor the engine: no lifespan here.
    return create_app(Settings(environment=Environment.TEST))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


def test_the_npm_packages_are_pinned_and_installed_as_locked() -> None:
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in wanted.values()), wanted
    for name, version in wanted.items():
        assert lock[f"node_modules/{name}"]["version"] == version, name
    # What the app serves is what the lock says: `make install` runs npm ci again when it changes.
    for package in PACKAGES:
        installed = json.loads((ROOT / "node_modules" / package.npm / "package.json").read_text())["version"]
        assert installed == lock[f"node_modules/{package.npm}"]["version"], f"{package.npm}: run make install"


async def test_the_docs_page_names_no_other_host(client: httpx.AsyncClient, app: FastAPI) -> None:
    r = await client.get("/v1/docs")
    assert r.status_code == 200
    html = r.text
    assert "http:" not in html and "https:" not in html and "//" not in html.replace("://", "")
    referenced = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    urls = app.state.vendor_urls
    assert sorted(referenced) == sorted([urls["swagger-ui-css"], urls["swagger-ui-favicon"], urls["swagger-ui-js"]])
    for url in referenced:
        assert (await client.get(url)).status_code == 200, url
    assert "url: '/v1/openapi.json'" in html


async def test_vendor_files_are_served_typed_and_cached_for_a_year(client: httpx.AsyncClient, app: FastAPI) -> None:
    urls: dict[str, str] = app.state.vendor_urls
    css = urls["utrecht-components"]
    assert re.fullmatch(r"/static/vendor/utrecht-components/9\.0\.4/dist/index\.css", css)
    r = await client.get(css)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/css; charset=utf-8"
    assert r.headers["cache-control"] == CACHE_CONTROL == "public, max-age=31536000, immutable"
    assert r.content == (ROOT / "node_modules/@utrecht/component-library-css/dist/index.css").read_bytes()
    # Revalidation, should a browser ask anyway.
    again = await client.get(css, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    for name, content_type in {
        "utrecht-tokens": "text/css; charset=utf-8",
        "noto-sans": "text/css; charset=utf-8",
        "htmx": "text/javascript; charset=utf-8",
    }.items():
        r = await client.get(urls[name])
        assert (r.status_code, r.headers["content-type"]) == (200, content_type), name
    # The font files the Noto Sans stylesheet names, relative to it.
    font = urls["noto-sans"].removesuffix("index.css") + "files/noto-sans-latin-wght-normal.woff2"
    r = await client.get(font)
    assert (r.status_code, r.headers["content-type"]) == (200, "font/woff2")


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/htmx/dist/htmx.min.js",  # without its version
        "/static/vendor/htmx/2.0.11/package.json",  # a file of the package the pages do not load
        "/static/vendor/htmx/2.0.11/dist/htmx.js",
        "/static/vendor/swagger-ui/5.35.0/index.html",
        "/static/vendor/htmx/2.0.11/dist/%2e%2e/package.json",
    ],
)
async def test_only_the_listed_files_are_served(client: httpx.AsyncClient, path: str) -> None:
    r = await client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_without_node_modules_the_app_does_not_start_and_says_why(tmp_path: Path) -> None:
    with pytest.raises(MissingAssets, match=r"make install"):
        create_app(Settings(environment=Environment.TEST, node_modules=tmp_path))
    # A package there, but not the file the pages load.
    package = tmp_path / "htmx.org"
    shutil.copytree(ROOT / "node_modules/@utrecht", tmp_path / "@utrecht")
    shutil.copytree(ROOT / "node_modules/@fontsource-variable", tmp_path / "@fontsource-variable")
    package.mkdir()
    (package / "package.json").write_text('{"version": "2.0.11"}')
    with pytest.raises(MissingAssets, match=r"htmx\.org/dist/htmx\.min\.js is not in .*make install"):
        load_vendor(tmp_path)


# In the browser.


async def test_the_docs_page_renders_with_other_hosts_blocked(live_server: str, page: Page) -> None:
    # The `page` fixture aborts every request to another host and fails the test if there was one.
    await page.goto(f"{live_server}/v1/docs")
    title = page.locator(".swagger-ui .info .title")
    await title.wait_for()
    assert (await title.inner_text()).startswith("Overdracht API")
    # The operations, read from /v1/openapi.json, are listed: each path from the server's URL, /v1.
    await page.locator(".swagger-ui .servers select", has_text="/v1").wait_for()
    levend = page.locator(
        ".swagger-ui .opblock", has=page.locator(".opblock-summary-path", has_text="/gezondheid/levend")
    )
    # Tried out, an operation is sent to the server's URL joined with its path.
    await levend.locator(".opblock-summary").click()
    await levend.locator("button.try-out__btn").click()
    await levend.locator("button.execute").click()
    await levend.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    assert await levend.locator(".request-url pre").inner_text() == f"{live_server}/v1/gezondheid/levend"


async def test_other_hosts_are_blocked(browser: Browser) -> None:
    context = await browser.new_context()
    try:
        blocked = await block_other_hosts(context)
        page = await context.new_page()
        async with page.expect_event("requestfailed") as failed:
            await page.set_content('<img alt="" src="https://cdn.example.org/logo.png">')
        request = await failed.value
        assert (request.failure or "").startswith("net::ERR_BLOCKED_BY_CLIENT")
        assert blocked == ["https://cdn.example.org/logo.png"]
    finally:
        await context.close()


async def test_a_missing_stylesheet_is_recorded(live_server: str, browser: Browser) -> None:
    context = await browser.new_context()
    try:
        broken = record_broken_subresources(context)
        page = await context.new_page()
        # A document of the server's own (from about:blank, chromium keeps a page off the loopback).
        await page.goto(f"{live_server}/v1/gezondheid")
        missing = f"{live_server}/static/vendor/utrecht/component-library.css"  # not a vendor URL
        async with page.expect_response(missing):
            await page.set_content(f'<link rel="stylesheet" href="{missing}">')
        assert broken == [f"404 {missing}"]
    finally:
        await context.close()


async def test_assert_accessible_reports_each_violation(page: Page) -> None:
    await page.set_content('<img src="x.png">')
    with pytest.raises(AssertionError) as failure:
        await assert_accessible(page)
    message = str(failure.value)
    assert re.search(r"^- image-alt \(critical\): Images must have alternative text <https://\S+>$", message, re.M)
    assert re.search(r"^    at img$", message, re.M)
    # The document has no lang and no title either: every rule is listed, not only the first.
    assert "- html-has-lang (serious)" in message and "- document-title (serious)" in message


async def test_assert_accessible_passes_a_clean_page_even_under_a_strict_csp(page: Page) -> None:
    # The pages forbid inline and injected scripts (web/security.py); axe is evaluated over the
    # DevTools protocol, which that policy does not stop.
    await page.set_content(
        """<!doctype html><html lang="nl"><head><title>Proef</title>
        <meta http-equiv="Content-Security-Policy" content="script-src 'self'"></head>
        <body><main><h1>Welkom</h1><p>Een <a href="#meer">link</a>.</p>
        <img alt="Het logo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>"""
    )
    assert await page.evaluate("() => document.documentElement.lang") == "nl"
    await assert_accessible(page)


# chromium and node, as `make` gets them.


def _fake_bin(tmp_path: Path, uid: int, chromium: bool = False) -> Path:
    """A PATH of fakes: `id` answers `uid`, `apt-get` logs its arguments and, on install, puts a
    `chromium` on the PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "id": f"#!/bin/sh\necho {uid}\n",
        "apt-get": (
            f'#!/bin/sh\necho "$*" >> {tmp_path}/apt-calls.txt\n'
            f'[ "$1" = install ] && printf "#!/bin/sh\\n" > {bin_dir}/chromium && /bin/chmod +x {bin_dir}/chromium\n'
            "exit 0\n"
        ),
    }
    if chromium:
        scripts["chromium"] = "#!/bin/sh\n"
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return bin_dir


def _ensure_chromium(bin_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", str(ENSURE_CHROMIUM)], env={"PATH": str(bin_dir)}, capture_output=True, text=True, timeout=30
    )


def test_ensure_chromium_does_nothing_when_chromium_is_there(tmp_path: Path) -> None:
    result = _ensure_chromium(_fake_bin(tmp_path, uid=0, chromium=True))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "apt-calls.txt").exists()


def test_ensure_chromium_installs_debians_as_root(tmp_path: Path) -> None:
    bin_dir = _fake_bin(tmp_path, uid=0)
    result = _ensure_chromium(bin_dir)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "apt-calls.txt").read_text() == "install -y chromium\n"
    assert (bin_dir / "chromium").exists()


def test_ensure_chromium_stops_with_what_to_do_otherwise(tmp_path: Path) -> None:
    result = _ensure_chromium(_fake_bin(tmp_path, uid=1000))
    assert result.returncode == 1
    assert "chromium is missing" in result.stderr and "apt-get install chromium" in result.stderr
    assert not (tmp_path / "apt-calls.txt").exists()


def test_make_install_says_node_and_npm_are_needed(tmp_path: Path) -> None:
    make = shutil.which("make")
    assert make is not None
    # -W: as if package-lock.json had changed, so the npm step runs; on a PATH without node or npm.
    result = subprocess.run(
        [make, "-W", "package-lock.json", "node_modules/.installed"],
        cwd=ROOT,
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "Node.js and npm are needed" in result.stdout + result.stderr
