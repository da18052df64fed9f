"""The parents' pages in the parent's language: gettext catalogues (Babel) in web/locales/, Dutch (B1)
as the source. Each request's language lives in a context variable, set per request (`kies`, or the
dependency `ouder_taal`), so the templates' `_()` of a request never reads another's.

A language is one catalogue, `web/locales/<code>/LC_MESSAGES/messages.po`: compiled here when the app
starts (nothing to build, no .mo file to keep) and offered in the language switch from then on.
README.md ("The parents' pages, and their translations") says how to extract, add and update one.
The staff's pages stay Dutch: only the parents' routes choose a language."""

from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from fastapi import Request, Response
from jinja2 import Environment

from core.settings import Environment as Omgeving

LOCALES = Path(__file__).with_name("locales")
DOMAIN = "messages"
BRONTAAL = "nl"  # the source: the msgids are the Dutch (B1) text itself
COOKIE = "taal"  # the parent's choice: a language code, nothing personal
COOKIE_MAX_AGE = 365 * 24 * 3600
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_taal: ContextVar[str] = ContextVar("taal", default=BRONTAAL)


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is defined; it is translated where it is shown (`_()`)."""
    return message


def compile_catalogue(po: Path) -> Translations:
    """One .po file as the translations gettext reads (its fuzzy entries left out, as msgfmt does)."""
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name, domain=DOMAIN)
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def _load() -> dict[str, Translations]:
    return {po.parent.parent.name: compile_catalogue(po) for po in sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


VERTALINGEN = _load()
TALEN: tuple[str, ...] = (BRONTAAL, *sorted(t for t in VERTALINGEN if t != BRONTAAL))


def taalnaam(taal: str) -> str:
    """A language's name in that language ("Nederlands", "English"), as the switch offers it."""
    naam = Locale.parse(taal).get_display_name(taal) or taal
    return naam[:1].upper() + naam[1:]


TAALNAMEN = {taal: taalnaam(taal) for taal in TALEN}


# The gettext functions the templates call (installed on the Jinja environment by `install`).


def huidige() -> str:
    """This request's language."""
    return _taal.get()


def gettext(message: str) -> str:
    vertaling = VERTALINGEN.get(_taal.get())
    return vertaling.gettext(message) if vertaling is not None else message


def ngettext(singular: str, plural: str, n: int) -> str:
    vertaling = VERTALINGEN.get(_taal.get())
    if vertaling is not None:
        return vertaling.ngettext(singular, plural, n)
    return singular if n == 1 else plural


def dag(moment: date | datetime) -> str:
    """A date (a moment: its Amsterdam date) in words, in this request's language: '3 oktober 2026'."""
    if isinstance(moment, datetime):
        moment = _amsterdam(moment).date()
    return format_date(moment, format="long", locale=huidige())


def tijd(moment: datetime) -> str:
    """A moment's Amsterdam date and time, in this request's language: '3 oktober 2026 om 14:05'."""
    local = _amsterdam(moment)
    return gettext("%(dag)s om %(tijd)s") % {"dag": dag(local), "tijd": format_time(local, "short", locale=huidige())}


def getal(waarde: float) -> str:
    """A number as this request's language writes it: '12,5' in Dutch, '12.5' in English."""
    return format_decimal(waarde, locale=huidige())


def _amsterdam(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(AMSTERDAM)


def install(env: Environment) -> None:
    """`_()`, `gettext()`, `ngettext()` and `{% trans %}` in every template (new style: `_('… %(naam)s',
    naam=…)`); for the staff's pages, which set no language, they answer the Dutch text as it is."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    env.globals["taal"] = huidige
    env.globals["taalnamen"] = TAALNAMEN
    env.filters["dag"] = dag
    env.filters["tijd"] = tijd
    env.filters["getal"] = getal
    # `{% trans %}` blocks with their whitespace trimmed, as babel.cfg extracts them.
    env.policies["ext.i18n.trimmed"] = True


# Choosing the language of a request: the cookie, else the browser's Accept-Language, else Dutch.


def uit_accept_language(header: str, talen: Iterable[str] = TALEN) -> str | None:
    """The first language of the header (by q, then order) that we have, or whose main language we have."""
    beschikbaar = set(talen)
    voorkeuren: list[tuple[float, int, str]] = []
    for i, deel in enumerate(header.split(",")):
        tag, _, params = deel.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            naam, _, waarde = param.strip().partition("=")
            if naam == "q":
                try:
                    q = float(waarde)
                except ValueError:
                    q = 0.0
        if tag and q > 0:
            voorkeuren.append((-q, i, tag.strip().lower()))
    for _q, _i, tag in sorted(voorkeuren):
        for kandidaat in (tag, tag.split("-")[0]):
            if kandidaat in beschikbaar:
                return kandidaat
    return None


def van_verzoek(request: Request) -> str:
    gekozen = request.cookies.get(COOKIE, "")
    if gekozen in TALEN:
        return gekozen
    return uit_accept_language(request.headers.get("accept-language", "")) or BRONTAAL


def gebruik(taal: str) -> None:
    """This request's language from here on (the request's own context: no other request sees it)."""
    _taal.set(taal if taal in TALEN else BRONTAAL)


def kies(request: Request) -> str:
    """Set this request's language from the parent's choice (cookie) or browser; returns it."""
    taal = van_verzoek(request)
    gebruik(taal)
    return taal


async def ouder_taal(request: Request) -> str:
    """Dependency of the parents' pages. Async on purpose: FastAPI runs it in the endpoint's own task,
    so the language it sets is the one the page renders in."""
    return kies(request)


def onthoud(request: Request, response: Response, taal: str) -> None:
    """Keep the parent's choice in a cookie (only the language code)."""
    response.set_cookie(
        COOKIE,
        taal,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        secure=request.app.state.settings.environment is Omgeving.PRODUCTION,
        samesite="lax",
        path="/",
    )


def eigen_pad(terug: str) -> str:
    """Where to go back to after choosing a language: a path on this site only (never another site)."""
    delen = urlsplit(terug)
    if delen.scheme or delen.netloc or not delen.path.startswith("/") or "\\" in terug or terug.startswith("//"):
        return "/"
    return delen.path
