"""The overdracht on paper: a print-friendly page, and the same page as a PDF (A4) for the school's
dossier and the parents' copy. Both read through `overdrachten.detail`: the same capability check,
scope and read audit row as the overdracht's page, and only what the reader's role may read.

The PDF is rendered by WeasyPrint from the page's own template and stylesheets (print.css among
them). It fetches nothing over the network: its URL fetcher serves our own static files from disk and
refuses everything else."""

import asyncio
import functools
import logging
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlsplit
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from PIL import ImageFile
from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no types
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]  # idem

from activities.berichtteksten import datum
from api.static import NODE_MODULES, PREFIX, load_vendor
from schemas.api import OverdrachtDetail
from schemas.overdracht import Eens, Status, ToestemmingVoor
from services import overdrachten
from services.errors import ServiceError
from web.render import caller, error_page, page, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

# fontTools (WeasyPrint subsets the fonts with it) logs the glyphs it keeps at INFO: those of the
# names on the page. WeasyPrint warns of every CSS rule it skips (the NL Design System's screen
# rules: hundreds a PDF); what matters, a file it could not fetch, fails the rendering (OwnFiles).
logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint").setLevel(logging.ERROR)
# WeasyPrint makes Pillow accept cut-off images, for the whole process, as it is imported. Our PDFs hold
# no images of anyone's; the scans of consent forms (services/bijlagen.py) must be refused when cut off.
ImageFile.LOAD_TRUNCATED_IMAGES = False

TEMPLATE = "afdruk.html"
EENS = {
    Eens.JA: "ja",
    Eens.NEE: "nee",
    Eens.ONBEKEND: "dat weten de ouders nog niet",
}


def toestemming(o: OverdrachtDetail) -> str:
    """The parents' consent, in words."""
    gegeven = o.tijdstippen.toestemming_op
    match o.status:
        case Status.GEWEIGERD:
            return "geweigerd"
        case Status.INGETROKKEN:
            return "ingetrokken"
        case Status.CONCEPT:
            return "nog niet gevraagd"
        case Status.BIJ_OUDERS:
            return "gevraagd, de ouders hebben nog niet besloten"
    if gegeven is None:
        return "niet gegeven"
    tekst = f"gegeven op {datum(gegeven)}"
    if o.toestemming_voor is ToestemmingVoor.GENOEMDE_SCHOOL:
        return tekst + ", voor de genoemde school"
    if o.toestemming_voor is ToestemmingVoor.INGESCHREVEN_SCHOOL:
        return tekst + ", voor de school waar het kind wordt ingeschreven"
    return tekst


def context(o: OverdrachtDetail) -> dict[str, Any]:
    return {"o": o, "eens": EENS, "toestemming": toestemming(o)}


async def _detail(request: Request, overdracht_id: UUID, aangemeld: Aangemeld) -> OverdrachtDetail | Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            return await overdrachten.detail(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)


@router.get("/overdrachten/{overdracht_id}/afdruk")
async def afdruk(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    o = await _detail(request, overdracht_id, aangemeld)
    if isinstance(o, Response):
        return o
    return page(request, TEMPLATE, aangemeld=aangemeld, pdf=False, **context(o))


@router.get("/overdrachten/{overdracht_id}/afdruk.pdf")
async def afdruk_pdf(
    request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]
) -> Response:
    o = await _detail(request, overdracht_id, aangemeld)
    if isinstance(o, Response):
        return o
    # The page as `page` renders it (the same context), without `aangemeld`: the PDF does not name who
    # downloaded it (the audit trail does).
    html = bytes(page(request, TEMPLATE, aangemeld=None, pdf=True, **context(o)).body).decode()
    node_modules = request.app.state.settings.node_modules or NODE_MODULES
    pdf = await asyncio.to_thread(render_pdf, html, Path(node_modules))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            # The id's first characters only: no name in the file name (it lands in the downloads folder).
            "Content-Disposition": f'attachment; filename="overdracht-{str(o.id)[:8]}.pdf"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


# The PDF: WeasyPrint, with our own files only.

# A base URL that resolves nowhere (.invalid never exists): the page's root-relative links land under
# it, and the fetcher below maps them to files on disk.
BASE_URL = "https://overdracht.invalid/"
WEB_STATIC = Path(__file__).resolve().parent.parent / "static"


class OwnFiles(URLFetcher):  # type: ignore[misc]  # WeasyPrint's class is untyped
    """Serves /static/web/* from web/static and /static/vendor/* as api/static.py does (the listed
    files only), and data: URLs; anything else fails the rendering (a page that needs the network
    is a bug, not a PDF without its font)."""

    def __init__(self, node_modules: Path) -> None:
        super().__init__(allowed_protocols=("https", "data"), fail_on_errors=True)
        self._vendor = vendor_files(node_modules)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        file = self._file(url)
        if file is None:
            raise ValueError(f"not one of our own files: {url}")
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": _media_type(file)})

    def _file(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
            return None
        path = unquote(parts.path)
        if path.startswith(PREFIX + "/"):
            return self._vendor.get(path.removeprefix(PREFIX + "/"))
        if path.startswith("/static/web/"):
            file = (WEB_STATIC / path.removeprefix("/static/web/")).resolve()
            return file if file.parent == WEB_STATIC and file.is_file() else None
        return None


@functools.cache
def vendor_files(node_modules: Path) -> dict[str, Path]:
    return load_vendor(node_modules).files


def _media_type(file: Path) -> str:
    return {".css": "text/css", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}.get(
        file.suffix, "application/octet-stream"
    )


def render_pdf(html: str, node_modules: Path) -> bytes:
    """The page as an A4 PDF (print.css sets the page). Blocking: run it in a worker thread."""
    pdf: bytes = HTML(string=html, base_url=BASE_URL, url_fetcher=OwnFiles(node_modules)).write_pdf()
    return pdf
