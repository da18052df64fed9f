"""The coordinator's pages over HTTP against the real app: the overview of a school year (their start
page) with its charts beside tables of the same figures and its filters in the address, the
achterstanden, the VVE children without an overdracht, the deadline forecast, every table as CSV and
as an .xlsx workbook (safe against formula injection, audited as the API's reads), moving a deadline
from an overdracht's page; only the coordinator's; a second gemeente's overdrachten never in them.

Most tests have a gemeente of their own (tests/test_monitoring.py's `a_gemeente`), so the figures are
exact while other tests share the database. The metadata-only crawl is tests/test_web_coordinatie_privacy.py."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from uuid import UUID

import asyncpg
import httpx
import pytest
from openpyxl import load_workbook

from overdracht import demo
from protocol.dates import end_of_day, school_year
from schemas.overdracht import Status
from tests.cases import NewCase
from tests.conftest import Login
from tests.happy_path import place_child
from tests.test_monitoring import SCHOOLJAAR, TODAY, Gemeente, a_birthday, a_gemeente, an_overdracht
from tests.test_web_pages import ORIGIN, browser_like, sign_in

__all__ = ["browser_like"]  # the fixture, for the tests here

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Page(HTMLParser):
    """What a test reads of a page: its tables (caption and rows of cell texts), links and selected options."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.links: list[str] = []
        self.selected: dict[str, str] = {}
        self._select: str | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.selected[self._select] = str(a.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            caption, rows = self.tables[-1]
            self.tables[-1] = (" ".join("".join(self._caption).split()), rows)
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._caption):
            if part is not None:
                part.append(data)

    def table(self, caption_starts: str) -> list[list[str]]:
        """The rows (header row first) of the table whose caption starts so."""
        found = [rows for caption, rows in self.tables if caption.startswith(caption_starts)]
        assert len(found) == 1, (caption_starts, [c for c, _ in self.tables])
        return found[0]


async def page_of(client: httpx.AsyncClient, url: str, status: int = 200) -> Page:
    r = await client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:2000])
    assert r.headers["content-type"].startswith("text/html")
    return Page(r.text)


def as_csv(r: httpx.Response) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text[:2000]
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith("attachment; filename=")
    assert r.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))


def as_xlsx(r: httpx.Response) -> dict[str, list[list[object]]]:
    """Each sheet's rows, the header first."""
    assert r.status_code == 200, r.text[:2000]
    assert r.headers["content-type"] == XLSX
    assert re.fullmatch(r'attachment; filename="[a-z-]+-\d{4}-\d{2}-\d{2}\.xlsx"', r.headers["content-disposition"])
    book = load_workbook(io.BytesIO(r.content))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


async def coordinator_of(client: httpx.AsyncClient, g: Gemeente) -> None:
    assert (await sign_in(client, g.coordinator)).status_code == 303


# The overview


async def test_the_coordinator_starts_at_the_overview_of_the_school_year(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    await coordinator_of(browser_like, g)

    start = await browser_like.get("/")

    assert start.status_code == 200
    huidig = school_year(TODAY)
    assert f"Overzicht schooljaar {huidig}" in start.text
    assert Page(start.text).selected["schooljaar"] == huidig
    same = await browser_like.get("/coordinatie")
    assert same.status_code == 200 and f"Overzicht schooljaar {huidig}" in same.text


async def test_the_overview_shows_each_wijk_and_stadsdeel_with_charts_beside_tables_of_the_same_figures(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    deadline = end_of_day(date(2026, 6, 30))
    on_time, late = datetime(2026, 6, 1, 10, tzinfo=UTC), datetime(2026, 7, 2, 10, tzinfo=UTC)
    deadlines = {"toestemming": deadline, "verzenden": deadline, "bevestigen": deadline}
    # Haven (Noord): consent on time twice, late once; sent on time once.
    await an_overdracht(pool, g, g.l1, status=Status.WACHT_OP_SCHOOL, deadlines=deadlines, toestemming_op=on_time,
                        vlaggen=("school_onbekend",))  # fmt: skip
    await an_overdracht(pool, g, g.l1, school=g.s1, status=Status.VERZONDEN, deadlines=deadlines,
                        toestemming_op=on_time, verzonden_op=on_time)  # fmt: skip
    await an_overdracht(pool, g, g.l1, school=g.s1, status=Status.GEREED_VOOR_VERZENDING, deadlines=deadlines,
                        toestemming_op=late)  # fmt: skip
    # Zeeënbuurt (Zuid): a refusal; a VVE child received, its warme overdracht before the first school day.
    await an_overdracht(pool, g, g.l3, status=Status.GEWEIGERD, deadlines=deadlines)
    await an_overdracht(pool, g, g.l3, school=g.s2, status=Status.AFGEROND, vve=True, deadlines=deadlines,
                        toestemming_op=on_time, verzonden_op=on_time, ontvangen_op=late,
                        eerste_schooldag=date(2026, 8, 31), gehouden_op=date(2026, 8, 20))  # fmt: skip
    # Kerkwijk (Noord): no overdracht this school year, but a VVE child past 3½ without one.
    await place_child(pool, g.l2, None, vve=True, born=a_birthday(3, 8))
    await coordinator_of(browser_like, g)

    page = await page_of(browser_like, f"/coordinatie?schooljaar={SCHOOLJAAR}")

    assert page.table("Op tijd per stap, per wijk") == [
        ["Wijk", "Toestemming op tijd", "Verzonden op tijd", "Ontvangst bevestigd op tijd"],
        ["Haven", "67% (2 van 3)", "100% (1 van 1)", "–"],
        ["Zeeënbuurt", "100% (1 van 1)", "100% (1 van 1)", "0% (0 van 1)"],
    ]
    assert page.table("Op tijd per stap, per maand") == [
        ["Maand", "Toestemming op tijd", "Verzonden op tijd", "Ontvangst bevestigd op tijd"],
        ["jun 2026", "100% (3 van 3)", "100% (2 van 2)", "–"],
        ["jul 2026", "0% (0 van 1)", "–", "0% (0 van 1)"],
    ]
    assert page.table("Kengetallen per stadsdeel") == [
        ["Stadsdeel", "Overdrachten", "VVE: warme overdracht vóór de eerste schooldag", "Geweigerd",
         "School onbekend bij de deadline", "VVE-kinderen zonder overdracht (nu)"],
        ["Noord", "3", "0 van 0 ontvangen", "0", "1", "1"],
        ["Zuid", "2", "1 van 1 ontvangen", "1", "0", "0"],
        ["Totaal", "5", "1 van 1 ontvangen", "1", "1", "1"],
    ]  # fmt: skip
    assert page.table("Kengetallen per wijk")[1:] == [
        ["Haven (Noord)", "3", "0 van 0 ontvangen", "0", "1", "0"],
        ["Kerkwijk (Noord)", "0", "–", "0", "0", "1"],
        ["Zeeënbuurt (Zuid)", "2", "1 van 1 ontvangen", "1", "0", "0"],
    ]
    # The charts: pictures with a name, drawn from the same figures (a bar of 67% for Haven's consent).
    r = await browser_like.get(f"/coordinatie?schooljaar={SCHOOLJAAR}")
    svgs = re.findall(r"<svg [^>]*>", r.text)
    assert len(svgs) == 2 and all('role="img"' in s and "aria-labelledby=" in s for s in svgs)
    assert '<title id="grafiek-wijken-titel">Op tijd per stap, per wijk</title>' in r.text
    assert ">67%</text>" in r.text and ">jul 2026</text>" in r.text

    # Filtered by wijk (the address carries it, and the form shows it chosen), and by stadsdeel.
    haven = await page_of(browser_like, f"/coordinatie?schooljaar={SCHOOLJAAR}&wijk={g.haven}")
    assert [row[0] for row in haven.table("Kengetallen per wijk")[1:]] == ["Haven (Noord)"]
    assert haven.selected == {"schooljaar": SCHOOLJAAR, "wijk": str(g.haven)}
    assert (
        f"/coordinatie/overzicht.xlsx?schooljaar={SCHOOLJAAR}&amp;wijk={g.haven}"
        in (await browser_like.get(f"/coordinatie?schooljaar={SCHOOLJAAR}&wijk={g.haven}")).text
    )
    zuid = await page_of(browser_like, f"/coordinatie?schooljaar={SCHOOLJAAR}&stadsdeel={g.zuid}")
    assert [row[0] for row in zuid.table("Kengetallen per stadsdeel")[1:]] == ["Zuid", "Totaal"]
    # Another school year: nothing of this one.
    empty = await page_of(browser_like, "/coordinatie?schooljaar=2001-2002")
    assert empty.table("Kengetallen per stadsdeel")[1:] == [
        ["Noord", "0", "–", "0", "0", "1"],
        ["Totaal", "0", "–", "0", "0", "1"],
    ]
    # A filter the page does not understand: said beside it; the rest of the page still there.
    r = await browser_like.get(f"/coordinatie?schooljaar=volgend-jaar&wijk={g.haven}")
    assert r.status_code == 400
    assert "Vul dit in zoals in het voorbeeld." in r.text and 'id="veld-schooljaar-fout"' in r.text
    assert "Kengetallen per wijk" in r.text


# The lists


async def test_the_achterstanden_oldest_first_filtered_and_a_page_at_a_time(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    t0 = datetime(2026, 9, 1, 8, tzinfo=UTC)
    deadlines = {"toestemming": end_of_day(date(2026, 8, 20)), "school_bekend": end_of_day(date(2026, 8, 31))}
    late_school = await an_overdracht(
        pool, g, g.l3, status=Status.BIJ_OUDERS, vlaggen=("school_onbekend",), open_vlaggen=("school_onbekend",),
        achterstallig_sinds=t0 + timedelta(days=2), deadlines=deadlines,
    )  # fmt: skip
    late_consent = await an_overdracht(
        pool, g, g.l1, school=g.s1, vlaggen=("te_laat_toestemming",), open_vlaggen=("te_laat_toestemming",),
        achterstallig_sinds=t0, deadlines=deadlines,
    )  # fmt: skip
    await an_overdracht(pool, g, g.l2, vlaggen=("te_laat_toestemming",), deadlines=deadlines)  # late once, not now
    await coordinator_of(browser_like, g)

    page = await page_of(browser_like, "/coordinatie/achterstanden")

    rows = page.table("Te laat, het langst te laat bovenaan")
    assert rows[0] == ["Overdracht", "Te laat sinds", "Te laat voor", "Status", "Wijk", "School"]
    assert rows[1][0].startswith("Peuteropvang Het Anker") and rows[2][0].startswith("Peuterspeelzaal Zeeën")
    assert rows[1][1:] == ["1 september 2026", "toestemming te laat (deadline 20 augustus 2026)", "in voorbereiding",
                           "Haven", "Basisschool De Horizon"]  # fmt: skip
    assert rows[2][2:] == ["school nog onbekend (deadline 31 augustus 2026)", "bij de ouders", "Zeeënbuurt",
                           "nog niet bekend"]  # fmt: skip
    assert [link for link in page.links if link.startswith("/overdrachten/")] == [
        f"/overdrachten/{late_consent}", f"/overdrachten/{late_school}"
    ]  # fmt: skip

    for query, expected in [
        ("vlag=school_onbekend", [late_school]),
        (f"wijk={g.haven}", [late_consent]),
        (f"locatie={g.l3}", [late_school]),
        (f"school={g.s1}", [late_consent]),
        (f"school={g.s2}", []),
    ]:
        filtered = await page_of(browser_like, f"/coordinatie/achterstanden?{query}")
        assert [link for link in filtered.links if link.startswith("/overdrachten/")] == [
            f"/overdrachten/{i}" for i in expected
        ], query
        name, value = query.split("=")
        assert filtered.selected[name] == value

    # Fifty to a page, then "Volgende pagina" with the same filters.
    for n in range(49):
        await an_overdracht(
            pool, g, g.l2, vlaggen=("te_laat_verzenden",), open_vlaggen=("te_laat_verzenden",),
            achterstallig_sinds=t0 + timedelta(days=3, minutes=n), deadlines=deadlines,
        )  # fmt: skip
    first = await page_of(browser_like, "/coordinatie/achterstanden")
    assert len(first.table("Te laat")) == 51
    [volgende] = [link for link in first.links if "cursor=" in link]
    second = await page_of(browser_like, volgende.replace("&amp;", "&"))
    assert len(second.table("Te laat")) == 2  # the header and the 51st
    bad = await browser_like.get("/coordinatie/achterstanden?cursor=kapot")
    assert bad.status_code == 400 and len(Page(bad.text).table("Te laat")) == 51  # the first page, with why


async def test_the_vve_children_without_an_overdracht_by_id_and_location_only(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    born = a_birthday(3, 9)
    kind, _ = await place_child(pool, g.l1, None, vve=True, born=born)
    other, _ = await place_child(pool, g.l3, None, vve=True, born=a_birthday(3, 7))
    await place_child(pool, g.l1, None, vve=False, born=a_birthday(3, 9))  # no VVE-indicatie
    await coordinator_of(browser_like, g)

    r = await browser_like.get("/coordinatie/zonder-overdracht")

    rows = Page(r.text).table("2 VVE-kinderen zonder overdracht")
    assert rows[1] == [str(kind), "Peuteropvang Het Anker", "Haven", "Noord", "3"]
    assert rows[2][0] == str(other)
    assert "Testkind" not in r.text and "Proef-" not in r.text and born.strftime("%d-%m-%Y") not in r.text
    only = Page((await browser_like.get(f"/coordinatie/zonder-overdracht?stadsdeel={g.zuid}")).text)
    assert [row[0] for row in only.table("1 VVE-kind")[1:]] == [str(other)]


async def test_the_forecast_per_week_deadline_location_and_school(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    soon = end_of_day(TODAY + timedelta(days=1))
    o = await an_overdracht(pool, g, g.l1, school=g.s1, deadlines={"toestemming": soon, "verzenden": soon})
    await pool.execute("UPDATE overdrachten SET volgende_deadline = $2 WHERE id = $1", o, soon)
    await coordinator_of(browser_like, g)

    page = await page_of(browser_like, "/coordinatie/prognose")

    week = 0 if (TODAY + timedelta(days=1)).weekday() else 1  # tomorrow is a Monday: next week's
    per_deadline = page.table("Deadlines per week, per deadline")
    assert len(per_deadline[0]) == 10 and per_deadline[0][1].startswith("week ")
    counts = {row[0]: row[1:] for row in per_deadline[1:]}
    assert counts["Toestemming"][week] == "1" and counts["Verzenden"][week] == "1" and counts["Totaal"][-1] == "2"
    assert counts["School bekend"] == ["0"] * 9
    assert page.table("Deadlines per week, per voorschoollocatie")[1][0] == "Peuteropvang Het Anker"
    assert page.table("Deadlines per week, per school")[1][0] == "Basisschool De Horizon"
    r = await browser_like.get(f"/coordinatie/prognose?school={g.s2}")
    assert "Geen deadlines in deze weken." in r.text and r.text.count('role="img"') == 1


# Downloads


async def test_every_table_downloads_as_csv_and_xlsx_safe_against_formula_injection_and_audited(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    g = await a_gemeente(pool)
    # Names a spreadsheet would run as formulas.
    await pool.execute('UPDATE locaties SET naam = \'=HYPERLINK("http://evil.example","klik")\' WHERE id = $1', g.l1)
    await pool.execute("UPDATE scholen SET naam = '+31 Basisschool' WHERE id = $1", g.s1)
    await pool.execute("UPDATE wijken SET naam = '@Haven' WHERE id = $1", g.haven)
    await pool.execute("UPDATE stadsdelen SET naam = '-Noord' WHERE id = $1", g.noord)
    late = await an_overdracht(
        pool, g, g.l1, school=g.s1, vlaggen=("te_laat_toestemming",), open_vlaggen=("te_laat_toestemming",),
        achterstallig_sinds=datetime(2026, 9, 1, tzinfo=UTC),
        deadlines={"toestemming": end_of_day(date(2026, 8, 20)), "verzenden": end_of_day(TODAY + timedelta(days=2))},
        toestemming_op=datetime(2026, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    await pool.execute(
        "UPDATE overdrachten SET volgende_deadline = $2 WHERE id = $1", late, end_of_day(TODAY + timedelta(days=2))
    )
    kind, _ = await place_child(pool, g.l1, None, vve=True, born=a_birthday(3, 9))
    await coordinator_of(browser_like, g)

    # The overview: four tables, each a CSV; all four in one workbook.
    q = f"schooljaar={SCHOOLJAAR}"
    wijken = as_csv(await browser_like.get(f"/coordinatie/overzicht.csv?{q}&tabel=wijken"))
    assert wijken[0]["Wijk"] == "'@Haven" and wijken[0]["Aantal overdrachten"] == "1"
    assert (
        as_csv(await browser_like.get(f"/coordinatie/overzicht.csv?{q}&tabel=stadsdelen"))[0]["Stadsdeel"] == "'-Noord"
    )
    assert as_csv(await browser_like.get(f"/coordinatie/overzicht.csv?{q}&tabel=maanden"))[0]["Maand"] == "2026-06"
    zonder = as_csv(await browser_like.get(f"/coordinatie/overzicht.csv?{q}&tabel=zonder-overdracht"))
    assert zonder == [{"Stadsdeel": "'-Noord", "Wijk": "'@Haven", "VVE-kinderen zonder overdracht": "1",
                       "Stadsdeel-id": str(g.noord), "Wijk-id": str(g.haven)}]  # fmt: skip
    book = as_xlsx(await browser_like.get(f"/coordinatie/overzicht.xlsx?{q}"))
    assert list(book) == ["Per stadsdeel", "Per wijk", "Per maand", "Zonder overdracht per wijk"]
    assert book["Per wijk"][1][:4] == [SCHOOLJAAR, "'@Haven", str(g.haven), 1]  # numbers as numbers
    assert book["Zonder overdracht per wijk"][1] == ["'-Noord", "'@Haven", 1, str(g.noord), str(g.haven)]

    # The achterstanden: the whole list, as CSV and as a workbook; every text cell text, never a formula.
    rows = as_csv(await browser_like.get("/coordinatie/achterstanden.csv"))
    assert [r["Overdracht"] for r in rows] == [str(late)]
    assert (
        rows[0]["Locatie"] == '\'=HYPERLINK("http://evil.example","klik")' and rows[0]["School"] == "'+31 Basisschool"
    )
    r = await browser_like.get("/coordinatie/achterstanden.xlsx?vlag=te_laat_toestemming")
    sheet = as_xlsx(r)["Achterstanden"]
    header, row = sheet[0], sheet[1]
    assert row[header.index("Overdracht")] == str(late)
    assert row[header.index("Locatie")] == '\'=HYPERLINK("http://evil.example","klik")'
    cells = load_workbook(io.BytesIO(r.content))["Achterstanden"]
    assert all(c.data_type != "f" for line in cells.iter_rows() for c in line)
    assert (
        as_xlsx(await browser_like.get("/coordinatie/achterstanden.xlsx?vlag=school_onbekend"))["Achterstanden"][1:]
        == []
    )
    # A download is audited as the API's read of the list: the overdracht, by the coordinator.
    audited = await pool.fetch(
        "SELECT onderwerp, actie, resultaat FROM audit_log WHERE gebruiker_id = $1 AND overdracht_ids @> ARRAY[$2::uuid]",
        g.coordinator, late,
    )  # fmt: skip
    assert [tuple(a) for a in audited] == [("monitoring.achterstanden", "lezen", 200)] * 2  # the CSV, the workbook

    # The children without an overdracht: their reading audited too.
    kinderen = as_csv(await browser_like.get("/coordinatie/zonder-overdracht.csv"))
    assert [k["Kind"] for k in kinderen] == [str(kind)] and kinderen[0]["Locatie"].startswith("'=")
    assert as_xlsx(await browser_like.get("/coordinatie/zonder-overdracht.xlsx"))["Zonder overdracht"][1][0] == str(
        kind
    )
    assert await pool.fetchval(
        "SELECT count(*) FROM audit_log WHERE gebruiker_id = $1 AND kind_ids @> ARRAY[$2::uuid] AND onderwerp = $3",
        g.coordinator, kind, "monitoring.zonder_overdracht",
    ) == 2  # fmt: skip

    # The forecast.
    prognose = as_csv(await browser_like.get("/coordinatie/prognose.csv"))
    assert [(r["Soort"], r["Naam"]) for r in prognose if r["Soort"] in ("Locatie", "School")] == [
        ("Locatie", "'=HYPERLINK(\"http://evil.example\",\"klik\")"), ("School", "'+31 Basisschool")
    ]  # fmt: skip
    assert list(as_xlsx(await browser_like.get("/coordinatie/prognose.xlsx"))) == ["Prognose"]

    # What does not exist.
    for url in ("/coordinatie/onbekend.csv", "/coordinatie/overzicht.csv?tabel=kinderen", "/coordinatie/niets.xlsx"):
        assert (await browser_like.get(url)).status_code == 404, url


# Moving a deadline


async def test_the_coordinator_moves_a_deadline_with_a_reason_from_the_overdrachts_page(
    browser_like: httpx.AsyncClient, new_case: NewCase, api: httpx.AsyncClient, login: Login
) -> None:
    case = await new_case("concept")
    overdracht_id = case.path.rsplit("/", 1)[-1]
    await sign_in(browser_like, demo.COORDINATOR)
    page = await browser_like.get(f"/overdrachten/{overdracht_id}")
    assert f'href="/overdrachten/{overdracht_id}/deadline"' in page.text

    form = await browser_like.get(f"/overdrachten/{overdracht_id}/deadline")

    assert form.status_code == 200
    # The open deadlines: consent and sending (the school is known, so that deadline is met).
    offered = re.findall(r'name="deadline" value="([a-z_]+)"', form.text)
    assert offered == ["toestemming", "verzenden"]
    [csrf] = set(re.findall(r'name="csrf" value="([^"]+)"', form.text))

    # Nothing filled in: a message per field, in a summary that links to each.
    empty = await browser_like.post(
        f"/overdrachten/{overdracht_id}/deadline", data={"csrf": csrf, "deadline": "", "datum": "", "reden": ""},
        headers=ORIGIN,
    )  # fmt: skip
    assert empty.status_code == 400
    for veld, melding in [("deadline", "Kies welke deadline u verplaatst."),
                          ("datum", "Vul de nieuwe datum in als dag-maand-jaar"),
                          ("reden", "Vul in waarom u de deadline verplaatst.")]:  # fmt: skip
        assert f'href="#veld-{veld}"' in empty.text and melding in empty.text
    # A day that does not exist: that field's message, the rest as typed.
    wrong = await browser_like.post(
        f"/overdrachten/{overdracht_id}/deadline",
        data={"csrf": csrf, "deadline": "verzenden", "datum": "31-02-2027", "reden": "Langdurig ziek"},
        headers=ORIGIN,
    )
    assert wrong.status_code == 400 and "Vul de nieuwe datum in" in wrong.text
    assert ">Langdurig ziek</textarea>" in wrong.text and 'value="verzenden" id="veld-deadline-2" checked' in wrong.text
    assert 'value="31-02-2027"' in wrong.text

    new_day = TODAY + timedelta(days=200)
    moved = await browser_like.post(
        f"/overdrachten/{overdracht_id}/deadline",
        data={"csrf": csrf, "deadline": "verzenden", "datum": new_day.isoformat(), "reden": "Langdurig ziek"},
        headers=ORIGIN,
    )

    assert (moved.status_code, moved.headers["location"]) == (
        303, f"/overdrachten/{overdracht_id}?gedaan=deadline_verplaatst"
    )  # fmt: skip
    shown = await browser_like.get(moved.headers["location"])
    assert "De deadline is verplaatst." in shown.text and "deadline verplaatst" in shown.text  # the timeline
    assert "Langdurig ziek" not in shown.text  # the reason is content: not for the coordinator
    detail = await case.get(case.pm)
    assert detail["termijnen"]["deadlines"]["verzenden"] == end_of_day(new_day).isoformat().replace("+00:00", "Z")
    timeline = await case.timeline(case.pm)
    assert timeline[-1]["gebeurtenis"] == "deadline_verplaatst" and timeline[-1]["toelichting"] == "Langdurig ziek"
    # From another origin: refused, nothing moved.
    forged = await browser_like.post(
        f"/overdrachten/{overdracht_id}/deadline",
        data={"csrf": csrf, "deadline": "toestemming", "datum": new_day.isoformat(), "reden": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    assert len(await case.timeline(case.pm)) == len(timeline)


async def test_only_the_coordinator_moves_a_deadline_and_only_while_it_runs(
    browser_like: httpx.AsyncClient, new_case: NewCase, pool: asyncpg.Pool
) -> None:
    case = await new_case("concept")
    overdracht_id = case.path.rsplit("/", 1)[-1]
    await sign_in(browser_like, demo.PM_USER[demo.BOOMHUT])
    assert "/deadline" not in (await browser_like.get(f"/overdrachten/{overdracht_id}")).text
    refused = await browser_like.get(f"/overdrachten/{overdracht_id}/deadline")
    assert refused.status_code == 403 and "een deadline verplaatsen" in refused.text
    # Another gemeente's coordinator: it does not exist for them.
    g = await a_gemeente(pool)
    await coordinator_of(browser_like, g)
    assert (await browser_like.get(f"/overdrachten/{overdracht_id}/deadline")).status_code == 404
    # An overdracht that has ended: nothing to move, and the page says why.
    ended = await an_overdracht(pool, g, g.l1, status=Status.AFGEROND, deadlines={"toestemming": end_of_day(TODAY)})
    r = await browser_like.get(f"/overdrachten/{ended}/deadline")
    assert (
        r.status_code == 409
        and "geen deadline meer om te verplaatsen" in r.text
        and '<form method="post"' not in r.text
    )


DEADLINE_PAGE = {
    demo.PM_USER[demo.BOOMHUT]: 403, demo.LM_USER[demo.BOOMHUT]: 403, demo.PM_USER[demo.ZONNETJE]: 403,
    demo.SCHOOL_USER[demo.STER]: 403, demo.STAFF_USERS[10].id: 403, demo.COORDINATOR: 200,
}  # fmt: skip


@pytest.mark.parametrize(("user", "expected"), DEADLINE_PAGE.items(), ids=[str(u)[-2:] for u in DEADLINE_PAGE])
async def test_the_deadline_page_opens_for_the_coordinator_alone(
    browser_like: httpx.AsyncClient, new_case: NewCase, user: UUID, expected: int
) -> None:
    case = await new_case("bij_ouders")
    await sign_in(browser_like, user)

    r = await browser_like.get(f"{case.path.removeprefix('/v1')}/deadline")

    assert r.status_code == expected and r.headers["content-type"].startswith("text/html")
    assert "Testkind" not in r.text


# Only the coordinator's, and only their gemeente's


PAGES = [
    "/coordinatie",
    "/coordinatie/achterstanden",
    "/coordinatie/zonder-overdracht",
    "/coordinatie/prognose",
    "/coordinatie/overzicht.csv",
    "/coordinatie/achterstanden.xlsx",
]


@pytest.mark.parametrize("role", ["pm", "lm", "school1", "beheerder"])
async def test_the_pages_are_the_coordinators_alone(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool, role: str
) -> None:
    g = await a_gemeente(pool)
    await sign_in(browser_like, {"pm": g.pm1, "lm": g.lm1, "school1": g.school1, "beheerder": g.beheerder}[role])
    for url in PAGES:
        r = await browser_like.get(url)
        assert r.status_code == 403 and "voor de coördinator van de gemeente" in r.text, (role, url)


async def test_without_signing_in_the_pages_send_you_to_sign_in(browser_like: httpx.AsyncClient) -> None:
    for url in PAGES:
        r = await browser_like.get(url)
        assert (r.status_code, r.headers["location"]) == (303, "/aanmelden"), url


async def test_a_second_gemeentes_overdrachten_never_appear(
    browser_like: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Two gemeenten's coordinators: each sees their own overdracht, in every page and download, never the other's."""
    ours, theirs = await a_gemeente(pool), await a_gemeente(pool)
    ids = {}
    for g in (ours, theirs):
        soon = end_of_day(TODAY + timedelta(days=3))
        ids[g.id] = await an_overdracht(
            pool, g, g.l1, school=g.s1, vlaggen=("te_laat_toestemming",), open_vlaggen=("te_laat_toestemming",),
            achterstallig_sinds=datetime(2026, 9, 1, tzinfo=UTC), deadlines={"toestemming": soon, "verzenden": soon},
            toestemming_op=datetime(2026, 6, 1, tzinfo=UTC),
        )  # fmt: skip
        await pool.execute("UPDATE overdrachten SET volgende_deadline = $2 WHERE id = $1", ids[g.id], soon)
        await place_child(pool, g.l2, None, vve=True, born=a_birthday(3, 9))
    for g, other in ((ours, theirs), (theirs, ours)):
        await coordinator_of(browser_like, g)
        q = f"?schooljaar={SCHOOLJAAR}"
        seen = []
        for url in [*PAGES, "/coordinatie/achterstanden.csv", "/coordinatie/prognose.csv", "/coordinatie/prognose.xlsx",
                    "/coordinatie/zonder-overdracht.csv", "/coordinatie/overzicht.xlsx"]:  # fmt: skip
            r = await browser_like.get(
                url + (q if url.startswith("/coordinatie/overzicht") or url == "/coordinatie" else "")
            )
            assert r.status_code == 200, url
            text = r.text if not url.endswith(".xlsx") else str(as_xlsx(r))
            seen.append(text)
            for foreign in (
                other.id,
                other.l1,
                other.l2,
                other.s1,
                other.haven,
                other.kerkwijk,
                other.noord,
                ids[other.id],
            ):
                assert str(foreign) not in text, (url, foreign)
        everything = "\n".join(seen)
        for own in (g.l1, g.haven, ids[g.id]):
            assert str(own) in everything
        assert (await browser_like.get(f"/overdrachten/{ids[other.id]}/deadline")).status_code == 404
    # The figures too: one overdracht each.
    await coordinator_of(browser_like, ours)
    page = await page_of(browser_like, f"/coordinatie?schooljaar={SCHOOLJAAR}")
    assert page.table("Kengetallen per stadsdeel")[-1][:2] == ["Totaal", "1"]


async def test_the_demo_coordinator_signs_in_to_almere(browser_like: httpx.AsyncClient) -> None:
    await sign_in(browser_like, demo.COORDINATOR)
    page = await page_of(browser_like, "/")
    assert [row[0] for row in page.table("Kengetallen per stadsdeel")[1:]][-1] == "Totaal"
    assert "Almere Stad" in str(page.tables) and "Monitorstad" not in str(page.tables)
