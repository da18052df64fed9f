"""The browser assets the service serves itself, from `node_modules` (`npm ci`, which `make install`
runs from package-lock.json): no CDN, so a page works offline and tells no third party who opens it.

Only the files named in VENDOR are served, each under `/static/vendor/<name>/<version>/<path in the
package>`, the version read from the installed package. A new version is a new URL, so every file may
be cached for a year. Pages name a file by its asset name, never by its path: with `vendor_context` as
a Jinja2Templates context processor, `{{ vendor['htmx'] }}` is htmx's URL.

`install_docs` serves /v1/docs, FastAPI's Swagger UI page, from these files instead of a CDN."""

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

# Where `make install` puts them: next to the source (settings.node_modules elsewhere, e.g. the image).
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
PREFIX = "/static/vendor"
# Versioned URLs never change content: a year, and no revalidation.
CACHE_CONTROL = "public, max-age=31536000, immutable"
MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".woff2": "font/woff2",
}


@dataclass(frozen=True)
class Package:
    """An npm package (in package.json) and the files of it the pages load, by their names."""

    name: str  # the URL's segment
    npm: str
    files: dict[str, str]  # asset name -> path inside the package
    # A stylesheet whose url(...)s are served too (its fonts), relative to it.
    with_urls_of: str | None = None


PACKAGES = (
    # NL Design System: the Utrecht components' CSS and the design tokens they use (`utrecht-theme`
    # on <html>), with the tokens' font, Noto Sans.
    Package("utrecht-components", "@utrecht/component-library-css", {"utrecht-components": "dist/index.css"}),
    Package("utrecht-tokens", "@utrecht/design-tokens", {"utrecht-tokens": "dist/index.css"}),
    Package("noto-sans", "@fontsource-variable/noto-sans", {"noto-sans": "index.css"}, with_urls_of="index.css"),
    Package("htmx", "htmx.org", {"htmx": "dist/htmx.min.js"}),
    Package(
        "swagger-ui",
        "swagger-ui-dist",
        {
            "swagger-ui-js": "swagger-ui-bundle.js",
            "swagger-ui-css": "swagger-ui.css",
            "swagger-ui-favicon": "favicon-32x32.png",
        },
    ),
)

_CSS_URL = re.compile(r"""url\(\s*['"]?(\./[^'")]+)['"]?\s*\)""")


class MissingAssets(RuntimeError):
    """node_modules is absent or incomplete: `make install` (npm ci) has not run, or not since
    package-lock.json changed."""


@dataclass(frozen=True)
class Vendor:
    """What is served: URL path (below PREFIX) -> file, and each asset name's URL."""

    files: dict[str, Path]
    urls: dict[str, str]


def _missing(what: str, node_modules: Path) -> MissingAssets:
    return MissingAssets(
        f"{what} is not in {node_modules}: run `make install` (it runs `npm ci` from package-lock.json); "
        "the pages' stylesheets and scripts are served from there, never from a CDN"
    )


def load_vendor(node_modules: Path = NODE_MODULES) -> Vendor:
    """The files to serve, checked to exist; MissingAssets names `make install` when one does not."""
    files: dict[str, Path] = {}
    urls: dict[str, str] = {}
    for package in PACKAGES:
        root = node_modules / package.npm
        try:
            version = json.loads((root / "package.json").read_text())["version"]
        except FileNotFoundError:
            raise _missing(f"The npm package {package.npm}", node_modules) from None
        base = f"{package.name}/{version}"
        paths = list(package.files.values())
        if package.with_urls_of:
            css = root / package.with_urls_of
            if css.is_file():
                folder = os.path.dirname(package.with_urls_of)
                paths += [os.path.normpath(os.path.join(folder, u)) for u in _CSS_URL.findall(css.read_text())]
        for path in paths:
            if not (root / path).is_file():
                raise _missing(f"{package.npm}/{path}", node_modules)
            files[f"{base}/{path}"] = root / path
        urls |= {asset: f"{PREFIX}/{base}/{path}" for asset, path in package.files.items()}
    return Vendor(files, urls)


def vendor_context(request: Request) -> dict[str, dict[str, str]]:
    """A Jinja2Templates context processor: `vendor[name]` is the URL of an asset mount_static serves
    (a key of a Package's `files`: "utrecht-tokens", "utrecht-components", "noto-sans", "htmx", …)."""
    return {"vendor": request.app.state.vendor_urls}


class VendorFiles(StaticFiles):
    """StaticFiles (GET and HEAD, ETag, 304) over exactly the listed files, with a year's caching."""

    def __init__(self, vendor: Vendor) -> None:
        super().__init__(check_dir=False)
        self._files = {os.path.normpath(path): file for path, file in vendor.files.items()}

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        file = self._files.get(path)
        return (str(file), file.stat()) if file else ("", None)

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=MEDIA_TYPES.get(Path(full_path).suffix, "application/octet-stream"),
            headers={"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"},
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


def mount_static(app: FastAPI, node_modules: Path | None = None) -> None:
    """Serve the vendor files under /static/vendor. First among the routes, so that a broader mount
    (`/static`) cannot hide them. Raises MissingAssets (naming `make install`) without node_modules."""
    vendor = load_vendor(node_modules or NODE_MODULES)
    app.state.vendor_urls = vendor.urls
    app.router.routes.insert(0, Mount(PREFIX, app=VendorFiles(vendor), name="vendor"))


def install_docs(app: FastAPI, docs_url: str = "/v1/docs") -> None:
    """/v1/docs: Swagger UI (create the app with docs_url=None), its script, stylesheet and icon served
    by mount_static. No validator badge: it would send the OpenAPI's URL to validator.swagger.io."""

    async def swagger_ui(request: Request) -> HTMLResponse:
        root_path = request.scope.get("root_path", "").rstrip("/")
        urls: dict[str, str] = request.app.state.vendor_urls
        assert app.openapi_url is not None
        return get_swagger_ui_html(
            openapi_url=root_path + app.openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=root_path + urls["swagger-ui-js"],
            swagger_css_url=root_path + urls["swagger-ui-css"],
            swagger_favicon_url=root_path + urls["swagger-ui-favicon"],
            oauth2_redirect_url=None,
            swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
        )

    app.add_route(docs_url, swagger_ui, include_in_schema=False)
