"""Use case of the location's staff: a printed letter for one parent of an overdracht, with a fresh
one-time code and a QR code of the parent's link (the same link their messages carry). For a parent
without an address, or one who does not read mail: the voorschool hands or posts it.

The letter is plain Dutch (B1): what the overdracht is, how to open it, and what to mind. It names
the parent and the child (it is for them); the code is printed once and kept only as a hash. Names
never go into the URL, a log line or an error."""

import asyncio
import functools
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg

from activities.berichtteksten import datum, ouder_link, tijdstip
from db import ouder_codes, overdracht_codes
from db import protocol as protocols
from protocol.dates import amsterdam_date
from schemas.audit import Actie
from schemas.overdracht import Status, ToestemmingVoor
from services.context import Context
from services.ouder_codes import parent_for_code
from services.permissions import Capability, require

if TYPE_CHECKING:
    from fpdf import FPDF
from workflows import deadlines

log = logging.getLogger(__name__)
# fontTools logs, at INFO, the glyphs it keeps of a font: those of the names in the letter.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).parent / "fonts"
FONT, MONO = "DejaVu", "Courier"  # Courier (a PDF core font) for the code: plain ASCII, easy to tell apart
# The QR code: error correction M (15 %), fine for a printed page; a module of 1.6 mm scans from afar.
QR_ERROR = "m"
QR_MODULE_MM = 1.6
MARGIN_MM = 20.0
QUIET_MM = 4 * QR_MODULE_MM  # the blank border of four modules the standard asks around it
CODE_GROUP = 4


@dataclass(frozen=True)
class Brief:
    """What one letter says: filled in by the use case, laid out by `render`."""

    ouder: str  # the parent's name, as the voorschool knows it
    kind: str  # the child's first name
    locatie: str  # the voorschool location that sends it
    link: str  # the parent's page with the code (the QR code)
    pagina: str  # the parent's page without it, to type the code on
    code: str
    geldig_tot: datetime
    datum: date
    # The parents' overdracht code for the school where they enrol the child, while one is waited for.
    overdrachtcode: str | None = None
    overdrachtcode_tot: datetime | None = None


async def print_letter(ctx: Context, overdracht_id: UUID, ouder_id: UUID) -> bytes:
    """A one-page A4 PDF for one parent of an overdracht the caller may see, with a fresh code. The
    code is stored (as its hash) only once the letter is made: a failure leaves no code behind."""
    user = require(ctx, Capability.OUDER_CODE_UITGEVEN, overdracht_id=overdracht_id)
    entry = ctx.audit.add(
        user,
        Actie.EXPORTEREN,
        "ouder_brief",
        overdracht_id=overdracht_id,
        velden=["kind.naam", "ouder.naam", "ouder.code"],
    )
    row, parent = await parent_for_code(ctx, overdracht_id, ouder_id)
    entry.kind_id = row["kind_id"]
    code = ouder_codes.new_code()
    expires_at = await ouder_codes.expiry(ctx.pool, timedelta(hours=ctx.settings.ouder_code_ttl_hours))
    voor_school = await _for_the_school(ctx, row)
    brief = Brief(
        ouder=parent["naam"],
        kind=row["voornaam"],
        locatie=row["locatie_naam"],
        link=ouder_link(ctx.settings.public_base_url, code),
        pagina=f"{ctx.settings.public_base_url.rstrip('/')}/ouder",
        code=code,
        geldig_tot=expires_at,
        datum=amsterdam_date(datetime.now(UTC)),
        overdrachtcode=voor_school[0] if voor_school else None,
        overdrachtcode_tot=voor_school[1] if voor_school else None,
    )
    # Laying out a page takes a few tens of milliseconds of CPU: not on the event loop.
    pdf = await asyncio.to_thread(render, brief)
    await ouder_codes.store_letter_code(ctx.pool, code, parent["id"], row["kind_id"], overdracht_id, expires_at)
    if voor_school:
        await overdracht_codes.store(ctx.pool, voor_school[0], overdracht_id, voor_school[1])
    log.info("parent letter printed", extra={"overdracht_id": str(overdracht_id), "bytes": len(pdf)})
    return pdf


async def _for_the_school(ctx: Context, row: asyncpg.Record) -> tuple[str, datetime] | None:
    """A fresh overdracht code, and until when it works, when the parents consented for wherever the
    child is enrolled and no school has it yet: the letter carries it too (on paper, as by mail)."""
    if row["status"] != Status.WACHT_OP_SCHOOL or row["toestemming_voor"] != ToestemmingVoor.INGESCHREVEN_SCHOOL:
        return None
    config = await protocols.version(ctx.pool, ctx.user.gemeente_id, row["protocol_versie"])
    if config is None or row["geboortedatum"] is None:
        return None
    return overdracht_codes.new_code(), deadlines.dispatch_expires(row["geboortedatum"], config)


# The letter


def grouped(code: str) -> str:
    """The code in groups of four, easier to read out and type over (the spaces do not count)."""
    return " ".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


@functools.cache
def _covered() -> frozenset[int]:
    """The characters both fonts draw."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fontTools ships no types; fpdf2 brings it

    maps = [TTFont(FONTS / name, lazy=True).getBestCmap() for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
    return frozenset(maps[0]) & frozenset(maps[1])


def printable(text: str) -> str:
    """A name as the fonts can print it: a character they lack becomes '?' (rather than a gap, and
    rather than a warning that would quote it in the log)."""
    covered = _covered()
    return "".join(c if ord(c) in covered else "?" for c in " ".join(text.split()))


def render(brief: Brief) -> bytes:
    """The letter: one A4 page. fpdf2 and segno are imported at the first letter, not with the API: with
    fontTools and Pillow they are some 50 MB of every API process (docs/performance.md, P4)."""
    import segno
    from fpdf import FPDF

    ouder, kind, locatie = printable(brief.ouder), printable(brief.kind), printable(brief.locatie)
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title("Brief voor ouders: persoonlijke code voor de overdracht")
    pdf.set_author("Overdracht voorschool-basisschool")
    pdf.set_creator("overdracht")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_page()
    width = pdf.w - 2 * MARGIN_MM

    def text(body: str, size: float = 11, style: str = "", after: float = 3) -> None:
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(width, size * 0.5, body, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(after)

    pdf.set_font(FONT, "B", 11)
    pdf.cell(width / 2, 6, locatie)
    pdf.set_font(FONT, "", 11)
    pdf.cell(width / 2, 6, datum(datetime.combine(brief.datum, datetime.min.time())), align="R")
    pdf.ln(16)
    text("Uw persoonlijke code voor de overdracht", size=17, style="B", after=6)
    text(f"Beste {ouder},")
    text(
        f"{kind} gaat bijna naar de basisschool. De voorschool schrijft daarom op hoe het met {kind} gaat."
        " Dat heet de overdracht. U kunt de overdracht op internet lezen. U kunt er ook op reageren. En u"
        " kunt zeggen of de voorschool de overdracht naar de basisschool mag sturen.",
        after=6,
    )
    text("Zo opent u de overdracht", size=13, style="B", after=2)
    text("1.  Scan de QR-code hieronder met de camera van uw telefoon.", after=4)

    qr = segno.make(brief.link, error=QR_ERROR)
    top = pdf.get_y()
    # Its quiet zone in the margin: the code itself lines up with the text.
    size = _draw_qr(pdf, qr.matrix, MARGIN_MM - QUIET_MM, top - QUIET_MM)
    pdf.set_y(top - QUIET_MM + size + 2)

    text(f"2.  Lukt dat niet? Ga dan op internet naar {brief.pagina} en typ deze code over:", after=3)
    pdf.set_font(MONO, "B", 14)
    pdf.multi_cell(width, 7, grouped(brief.code), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(width, 5, "De spaties hoeft u niet over te typen.", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    if brief.overdrachtcode and brief.overdrachtcode_tot:
        text("Voor de basisschool", size=13, style="B", after=2)
        text(
            "Geef deze overdrachtcode aan de basisschool als u uw kind inschrijft. De school haalt er de overdracht mee op:",
            after=2,
        )
        pdf.set_font(MONO, "B", 14)
        pdf.multi_cell(
            width, 7, overdracht_codes.printed(brief.overdrachtcode), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        text(
            f"De school kan de overdrachtcode één keer gebruiken, tot {datum(brief.overdrachtcode_tot)}.",
            size=9,
            after=6,
        )

    text("Goed om te weten", size=13, style="B", after=2)
    for line in (
        "De code is alleen voor u. Geef de code niet aan iemand anders.",
        f"U kunt de code één keer gebruiken. De code werkt tot {tijdstip(brief.geldig_tot)}.",
        "Werkt de code niet meer? Vraag de voorschool dan om een nieuwe code.",
        f"Heeft u vragen? Stel ze gerust aan de pedagogisch medewerker van {kind}.",
    ):
        text(f"•  {line}", after=1.5)
    pdf.ln(6)
    text("Met vriendelijke groet,", after=1)
    text(locatie)
    return bytes(pdf.output())


def _draw_qr(pdf: "FPDF", matrix: tuple[bytearray, ...], x: float, y: float) -> float:
    """The QR code as filled rectangles (sharp at any printer resolution), one per run of dark modules
    in a row, inside its quiet zone from (x, y); returns its height with that zone."""
    pdf.set_fill_color(0, 0, 0)
    quiet = QUIET_MM
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(
                x + quiet + start * QR_MODULE_MM,
                y + quiet + r * QR_MODULE_MM,
                (c - start) * QR_MODULE_MM,
                QR_MODULE_MM,
                style="F",
            )
    return len(matrix) * QR_MODULE_MM + 2 * quiet
