"""The PDF of a page: WeasyPrint, from the page's HTML and our own files only. Its URL fetcher serves our
static files from disk and refuses everything else, so a PDF never fetches anything over the network.
Imported when the first PDF is made (web/routes/afdruk.py), not with the app."""

import functools
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import ImageFile
from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no types
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]  # idem

from api.static import PREFIX, load_vendor

# fontTools (WeasyPrint subsets the fonts with it) logs the glyphs it keeps at INFO: those of the
# names on the page. WeasyPrint warns of every CSS rule it skips (the NL Design System's screen
# rules: hundreds a PDF); what matters, a file it could not fetch, fails the rendering (OwnFiles).
logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint").setLevel(logging.ERROR)
# WeasyPrint makes Pillow accept cut-off images, for the whole process, as it is imported. Our PDFs hold
# no images of anyone's; the scans of consent forms (services/bijlagen.py) must be refused when cut off.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# A base URL that resolves nowhere (.invalid never exists): the page's root-relative links land under
# it, and the fetcher below maps them to files on disk.
BASE_URL = "https://overdracht.invalid/"
WEB_STATIC = Path(__file__).resolve().parent / "static"


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
