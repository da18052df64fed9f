"""The audit trail: every read and change of a child's data leaves a row (who, whose, what, why, the
result), refusals too; the parents read their child's log; the privacy officer exports it per period
and per user; the API's database role cannot change a row, and no one can through the trigger; and
the log holds ids and field names, never a child's name."""

import csv
import hashlib
import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from dateutil.relativedelta import relativedelta

from core.settings import API_ROLE, Settings
from overdracht import demo
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM
from tests.helpers import assert_problem, eventually

TODAY = date.today()
VOORNAAM = "Auditvoornaam"
ACHTERNAAM = "Auditachternaam"
BORN = TODAY - relativedelta(years=3, months=7, days=6)
DEADLINE_REDEN = "Auditdeadlinereden"
IMPORT_ACHTERNAAM = "Auditimportkind"
PM, LM, SCHOOL = demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT], demo.SCHOOL_USER[demo.STER]
BEHEERDER = next(u.id for u in demo.STAFF_USERS if u.rol.value == "beheerder")
CONTENT_ROLES = {"pm", "lm", "ouder", "school"}


@dataclass
class Child:
    kind_id: UUID
    parent_id: UUID
    id: UUID | None = None  # its overdracht, once opened

    @property
    def url(self) -> str:
        return f"/v1/overdrachten/{self.id}"


async def place(pool: asyncpg.Pool, *, vve: bool = False, born: date = BORN) -> Child:
    kind_id, parent_id = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie,"
            " aangemelde_school_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            kind_id, demo.BOOMHUT, VOORNAAM, ACHTERNAAM, born, vve, demo.STER,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id) VALUES ($1, 'Ouder', 'ouder', $2, $3)",
            parent_id, demo.ALMERE, kind_id,
        )  # fmt: skip
    return Child(kind_id, parent_id)


class Calls:
    """The API as the test's people, with a token each."""

    def __init__(self, api: httpx.AsyncClient, login: Login) -> None:
        self.api, self.login = api, login
        self.tokens: dict[UUID, dict[str, str]] = {}

    async def __call__(self, who: UUID, method: str, url: str, expected: int, **kwargs: Any) -> httpx.Response:
        if who not in self.tokens:
            self.tokens[who] = await self.login(who)
        headers = {**self.tokens[who], **kwargs.pop("headers", {})}
        r = await self.api.request(method, url, headers=headers, **kwargs)
        assert r.status_code == expected, f"{method} {url}: {r.status_code} {r.text}"
        return r

    async def opened(self, pool: asyncpg.Pool, **child: Any) -> Child:
        c = await place(pool, **child)
        r = await self(PM, "POST", "/v1/overdrachten", 201, json={"kindId": str(c.kind_id)})
        c.id = UUID(r.json()["id"])
        return c


@pytest.fixture(scope="module")
def call(api: httpx.AsyncClient, login: Login) -> Calls:
    return Calls(api, login)


@pytest.fixture(scope="module")
async def sent(call: Calls, pool: asyncpg.Pool) -> Child:
    """An overdracht sent to De Ster, with a reason (a moved deadline's) in its timeline."""
    c = await call.opened(pool)
    await call(PM, "PUT", f"{c.url}/formulier", 200, json=COMPLETE_FORM)
    await call(PM, "POST", f"{c.url}/indieningen", 201)
    await call(c.parent_id, "POST", f"{c.url}/toestemmingen", 201, json={"besluit": "gegeven"})
    moved = {"datum": (TODAY + timedelta(days=300)).isoformat(), "reden": DEADLINE_REDEN}
    await call(demo.COORDINATOR, "PUT", f"{c.url}/deadlines/verzenden", 200, json=moved)
    await call(PM, "POST", f"{c.url}/verzendingen", 201)
    return c


async def last_id(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT COALESCE(max(id), 0) FROM audit_log")


def _clause(column: str, n: int) -> str:
    """A column's condition; `kind_id` and `overdracht_id`: a row that names it, alone or among others."""
    return f"{column}s @> ARRAY[${n}::uuid]" if column in ("kind_id", "overdracht_id") else f"{column} = ${n}"


async def rows_since(pool: asyncpg.Pool, since: int, **where: Any) -> list[asyncpg.Record]:
    clauses = " AND ".join(_clause(column, i + 2) for i, column in enumerate(where))
    return await pool.fetch(
        f"SELECT * FROM audit_log WHERE id > $1 {'AND ' + clauses if clauses else ''} ORDER BY id",
        since,
        *where.values(),
    )


# Recording


def who(role: str, c: Child) -> UUID:
    return {
        "pm": PM,
        "lm": LM,
        "ouder": c.parent_id,
        "school": SCHOOL,
        "coordinator": demo.COORDINATOR,
        "beheerder": BEHEERDER,
    }[role]


ORGANISATIE = {
    "pm": demo.BOOMHUT,
    "lm": demo.BOOMHUT,
    "ouder": None,
    "school": demo.STER,
    "coordinator": demo.ALMERE,
    "beheerder": demo.ALMERE,
}
ROL = {
    "pm": "pedagogisch_medewerker",
    "lm": "locatiemanager",
    "ouder": "ouder",
    "school": "school",
    "coordinator": "coordinator",
    "beheerder": "beheerder",
}
# What each read answers a role that may read the content; metadata roles get none of it.
READS = {
    "detail": ("", "overdracht.detail", ["kind.naam", "kind.geboortedatum", "formulier"]),
    "tijdlijn": ("/tijdlijn", "overdracht.tijdlijn", ["tijdlijn.toelichting"]),
    "lijst": (None, "overdrachten.lijst", ["kind.naam", "kind.geboortedatum"]),
}


@pytest.mark.parametrize("read", list(READS))
@pytest.mark.parametrize("role", list(ROL))
async def test_every_read_by_every_role_is_recorded(
    call: Calls, pool: asyncpg.Pool, sent: Child, role: str, read: str
) -> None:
    sub, onderwerp, content = READS[read]
    user = who(role, sent)
    since = await last_id(pool)

    listed: list[UUID] = []
    if sub is None:
        r = await call(user, "GET", "/v1/overdrachten", 200, params={"sort": "-geopendOp", "pageSize": 100})
        listed = [UUID(o["id"]) for o in r.json()["resultaten"]]
        assert sent.id in listed
    else:
        await call(user, "GET", sent.url + sub, 200)

    rows = await rows_since(pool, since, gebruiker_id=user)
    if sub is None:  # one row naming every overdracht listed (one per set of fields), not one per line
        assert sorted(o for r in rows for o in r["overdracht_ids"]) == sorted(listed)
        assert len(rows) == len({tuple(r["velden"]) for r in rows}) <= 2
    mine = [r for r in rows if sent.id in r["overdracht_ids"]]
    assert len(mine) == 1, rows
    row = mine[0]
    assert (row["actie"], row["onderwerp"], row["grondslag"], row["resultaat"]) == (
        "lezen",
        onderwerp,
        "OverdrachtLezen",
        200,
    )
    assert (row["rol"], sent.kind_id in row["kind_ids"], row["gemeente_id"]) == (ROL[role], True, demo.ALMERE)
    assert row["organisatie_id"] == ORGANISATIE[role]
    assert row["velden"] == (content if role in CONTENT_ROLES else [])


async def test_a_row_carries_the_request_id(call: Calls, pool: asyncpg.Pool, sent: Child) -> None:
    since = await last_id(pool)

    r = await call(PM, "GET", sent.url, 200, headers={"X-Request-ID": "audit-trace-1"})

    assert r.headers["X-Request-ID"] == "audit-trace-1"
    assert [row["request_id"] for row in await rows_since(pool, since, gebruiker_id=PM)] == ["audit-trace-1"]


async def test_a_form_save_records_the_sections_it_changed(call: Calls, pool: asyncpg.Pool) -> None:
    c = await call.opened(pool)
    since = await last_id(pool)

    await call(PM, "PUT", f"{c.url}/formulier", 200, json={"voorschool": COMPLETE_FORM["voorschool"]})
    changed = {**COMPLETE_FORM, "voorschool": COMPLETE_FORM["voorschool"]}
    await call(PM, "PUT", f"{c.url}/formulier", 200, json=changed)
    again = {**changed, "bijzonderheden": {"adviesVoorSchool": "Anders."}}
    await call(LM, "PUT", f"{c.url}/formulier", 200, json=again)

    rows = await rows_since(pool, since, overdracht_id=c.id)
    assert [(r["gebruiker_id"], r["actie"], r["onderwerp"], r["grondslag"], r["resultaat"]) for r in rows] == [
        (PM, "wijzigen", "overdracht.formulier", "FormulierBewerken", 200),
        (PM, "wijzigen", "overdracht.formulier", "FormulierBewerken", 200),
        (LM, "wijzigen", "overdracht.formulier", "FormulierBewerken", 200),
    ]
    assert [r["velden"] for r in rows] == [
        ["formulier.voorschool"],
        ["formulier.vve", "formulier.ontwikkeling", "formulier.observatie", "formulier.bijzonderheden"],
        ["formulier.bijzonderheden"],
    ]
    assert all(r["kind_ids"] == [c.kind_id] for r in rows)


async def test_consent_and_the_parents_reaction_are_recorded_with_their_fields(call: Calls, pool: asyncpg.Pool) -> None:
    c = await call.opened(pool)
    await call(PM, "PUT", f"{c.url}/formulier", 200, json=COMPLETE_FORM)
    await call(PM, "POST", f"{c.url}/indieningen", 201)
    since = await last_id(pool)

    await call(c.parent_id, "POST", f"{c.url}/ouderreacties", 201, json={"eens": "ja", "zienswijze": "Klopt."})
    await call(c.parent_id, "POST", f"{c.url}/toestemmingen", 201, json={"besluit": "gegeven"})

    rows = await rows_since(pool, since, overdracht_id=c.id)
    got = [(r["gebruiker_id"], r["rol"], r["onderwerp"], r["velden"], r["grondslag"], r["resultaat"]) for r in rows]
    assert got == [
        (c.parent_id, "ouder", "overdracht.ouderreactie", ["eens", "zienswijze"], "OuderreactieGeven", 201),
        (c.parent_id, "ouder", "overdracht.toestemming", ["besluit"], "ToestemmingGeven", 201),
    ]


async def test_refused_attempts_are_recorded_with_their_status(call: Calls, pool: asyncpg.Pool) -> None:
    c = await call.opened(pool)
    since = await last_id(pool)

    await call(PM, "POST", f"{c.url}/verzendingen", 409)  # not in this state
    await call(demo.PM_USER[demo.ZONNETJE], "GET", c.url, 404)  # not in their scope
    await call(demo.COORDINATOR, "PUT", f"{c.url}/formulier", 403, json=COMPLETE_FORM)  # never their role

    rows = await rows_since(pool, since, overdracht_id=c.id)
    got = [(r["gebruiker_id"], r["actie"], r["onderwerp"], r["grondslag"], r["resultaat"]) for r in rows]
    assert got == [
        (PM, "wijzigen", "overdracht.verzending", "Verzenden", 409),
        (demo.PM_USER[demo.ZONNETJE], "lezen", "overdracht.detail", "OverdrachtLezen", 404),
        (demo.COORDINATOR, "wijzigen", "PUT /v1/overdrachten/{overdracht_id}/formulier", "FormulierBewerken", 403),
    ]
    # The id tried, not the child behind it: whoever tried may not be allowed to know it.
    assert all(r["kind_ids"] == [] for r in rows)


async def test_an_import_records_the_children_it_stored(call: Calls, pool: asyncpg.Pool) -> None:
    achternaam = f"{IMPORT_ACHTERNAAM}-{uuid.uuid4().hex[:8]}"
    born = (TODAY - relativedelta(years=2, days=17)).strftime("%d-%m-%Y")
    content = (
        "voornaam;achternaam;geboortedatum;locatie;vve_indicatie;ouder1_naam;ouder1_email\r\n"
        f"{VOORNAAM};{achternaam};{born};{demo.BOOMHUT};ja;Ouder;ouder.{achternaam[-8:]}@example.org\r\n"
    )
    since = await last_id(pool)

    r = await call(
        LM, "POST", "/v1/imports/plaatsingen", 202, content=content.encode(), headers={"Content-Type": "text/csv"}
    )
    await eventually(lambda: call(LM, "GET", r.headers["location"], 200), lambda job: job.json()["status"] == "klaar")

    kind_id = await pool.fetchval("SELECT id FROM kinderen WHERE achternaam = $1", achternaam)
    rows = await rows_since(pool, since, gebruiker_id=LM)
    assert [(r["actie"], r["onderwerp"], r["kind_ids"], r["grondslag"], r["resultaat"]) for r in rows] == [
        ("importeren", "plaatsingen", [kind_id], "PlaatsingenImporteren", 200)
    ]
    assert rows[0]["velden"] == ["kind.naam", "kind.geboortedatum", "kind.vve_indicatie", "ouders"]


async def test_the_coordinators_list_of_children_without_an_overdracht_is_recorded(
    call: Calls, pool: asyncpg.Pool
) -> None:
    c = await place(pool, vve=True)
    since = await last_id(pool)

    r = await call(demo.COORDINATOR, "GET", "/v1/monitoring/zonder-overdracht", 200)

    listed = [UUID(k["kindId"]) for k in r.json()["kinderen"]]
    rows = await rows_since(pool, since, gebruiker_id=demo.COORDINATOR)
    assert c.kind_id in listed and [r["kind_ids"] for r in rows] == [listed]  # one row names them all
    assert {(r["onderwerp"], r["grondslag"]) for r in rows} == {
        ("monitoring.zonder_overdracht", "KinderenZonderOverdrachtZien")
    }


async def test_a_parents_code_exchanged_for_a_session_is_recorded(
    api: httpx.AsyncClient, call: Calls, pool: asyncpg.Pool
) -> None:
    c = await call.opened(pool)
    await pool.execute("UPDATE gebruikers SET email = $2 WHERE id = $1", c.parent_id, f"{c.parent_id}@example.org")
    await call(PM, "PUT", f"{c.url}/formulier", 200, json=COMPLETE_FORM)
    await call(PM, "POST", f"{c.url}/indieningen", 201)
    bericht = await eventually(lambda: pool.fetchval("SELECT id FROM berichten WHERE overdracht_id = $1", c.id))
    code = secrets.token_urlsafe(32)
    await pool.execute(
        "INSERT INTO ouder_codes (hash, gebruiker_id, kind_id, overdracht_id, bericht_id, expires_at)"
        " VALUES ($1, $2, $3, $4, $5, now() + interval '1 hour')",
        hashlib.sha256(code.encode()).digest(), c.parent_id, c.kind_id, c.id, bericht,
    )  # fmt: skip
    since = await last_id(pool)

    assert (await api.post("/v1/ouder-sessies", json={"code": code})).status_code == 200
    assert (await api.post("/v1/ouder-sessies", json={"code": code})).status_code == 401  # used: no one to record

    rows = await rows_since(pool, since)
    assert [(r["gebruiker_id"], r["actie"], r["onderwerp"], r["kind_ids"], r["grondslag"]) for r in rows] == [
        (c.parent_id, "aanmelden", "ouder_sessie", [c.kind_id], "OuderCode")
    ]


# Reading it back


async def test_the_parents_see_who_read_their_childs_data(call: Calls, pool: asyncpg.Pool, sent: Child) -> None:
    await call(PM, "GET", sent.url, 200)
    await call(SCHOOL, "GET", sent.url, 200)
    await call(demo.PM_USER[demo.ZONNETJE], "GET", sent.url, 404)  # refused: processed nothing

    r = await call(sent.parent_id, "GET", f"{sent.url}/inzage-log", 200, params={"pageSize": 100})

    entries = r.json()["resultaten"]
    assert entries == sorted(entries, key=lambda e: e["tijdstip"], reverse=True)
    reads = [e for e in entries if e["onderwerp"] == "overdracht.detail"]
    school = next(e for e in reads if e["rol"] == "school")
    pm = next(e for e in reads if e["rol"] == "pedagogisch_medewerker")
    assert school["organisatie"] == {"id": str(demo.STER), "naam": await name_of(pool, "scholen", demo.STER)}
    assert pm["organisatie"] == {"id": str(demo.BOOMHUT), "naam": await name_of(pool, "locaties", demo.BOOMHUT)}
    assert pm["velden"] == ["kind.naam", "kind.geboortedatum", "formulier"]
    assert (pm["actie"], pm["grondslag"], pm["omschrijving"]) == ("lezen", "OverdrachtLezen", "overdrachten bekijken")
    assert {e["onderwerp"] for e in entries} >= {"overdracht.formulier", "overdracht.toestemming", "overdracht.openen"}
    # Which person is not the parents' to see; a refusal is not a processing.
    assert "gebruikerId" not in pm and "resultaat" not in pm
    assert not [e for e in entries if e["organisatie"] and e["organisatie"]["id"] == str(demo.ZONNETJE)]
    assert str(demo.PM_USER[demo.BOOMHUT]) not in r.text


async def name_of(pool: asyncpg.Pool, table: str, row_id: UUID) -> str:
    return await pool.fetchval(f"SELECT naam FROM {table} WHERE id = $1", row_id)


async def test_the_inzage_log_pages_and_is_for_the_childs_parents_and_location(
    call: Calls, pool: asyncpg.Pool, sent: Child
) -> None:
    first = (await call(PM, "GET", f"{sent.url}/inzage-log", 200, params={"pageSize": 2})).json()
    second = await call(
        PM, "GET", f"{sent.url}/inzage-log", 200, params={"pageSize": 2, "cursor": first["volgendeCursor"]}
    )
    assert len(first["resultaten"]) == 2 and first["volgendeCursor"]
    assert second.json()["resultaten"][0]["tijdstip"] <= first["resultaten"][-1]["tijdstip"]

    for metadata_role in (demo.COORDINATOR, BEHEERDER, SCHOOL):
        assert_problem(await call(metadata_role, "GET", f"{sent.url}/inzage-log", 403), 403)
    other = await call.opened(pool)
    assert_problem(await call(other.parent_id, "GET", f"{sent.url}/inzage-log", 404), 404)
    assert_problem(await call(demo.PM_USER[demo.ZONNETJE], "GET", f"{sent.url}/inzage-log", 404), 404)


async def test_the_export_is_per_period_and_per_user_and_its_csv_parses(
    call: Calls, pool: asyncpg.Pool, sent: Child
) -> None:
    await call(SCHOOL, "GET", sent.url, 200)
    today = {"van": TODAY.isoformat(), "tot": TODAY.isoformat()}

    pages, cursor = [], None
    while True:
        params = {**today, "gebruikerId": str(SCHOOL), "pageSize": 50, **({"cursor": cursor} if cursor else {})}
        page = (await call(BEHEERDER, "GET", "/v1/audit", 200, params=params)).json()
        pages += page["resultaten"]
        if not (cursor := page["volgendeCursor"]):
            break
    assert pages and {p["gebruikerId"] for p in pages} == {str(SCHOOL)}
    assert [p["id"] for p in pages] == sorted(p["id"] for p in pages)
    assert {"overdracht.detail", "overdracht.ontvangstbevestiging"} & {p["onderwerp"] for p in pages}
    assert all(datetime.fromisoformat(p["tijdstip"]).date() in (TODAY, TODAY - timedelta(days=1)) for p in pages)

    as_csv = await call(
        BEHEERDER, "GET", "/v1/audit", 200, params={**today, "gebruikerId": str(SCHOOL)}, headers={"Accept": "text/csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(as_csv.text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0][:4] == ["Id", "Tijdstip", "Gebruiker-id", "Rol"]
    assert [int(line[0]) for line in lines[1:]] == [p["id"] for p in pages]
    assert {line[2] for line in lines[1:]} == {str(SCHOOL)}

    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    later = await call(BEHEERDER, "GET", "/v1/audit", 200, params={"van": tomorrow, "gebruikerId": str(SCHOOL)})
    assert later.json()["resultaten"] == []
    earlier = await call(BEHEERDER, "GET", "/v1/audit", 200, params={"tot": (TODAY - timedelta(days=2)).isoformat()})
    assert earlier.json()["resultaten"] == []
    assert_problem(
        await call(BEHEERDER, "GET", "/v1/audit", 400, params={"van": tomorrow, "tot": TODAY.isoformat()}), 400
    )


async def test_the_export_is_the_privacy_officers_for_their_gemeente_and_is_recorded(
    call: Calls, pool: asyncpg.Pool
) -> None:
    for role in (PM, demo.COORDINATOR, SCHOOL):
        assert_problem(await call(role, "GET", "/v1/audit", 403), 403)
    elders, beheerder = uuid.uuid4(), uuid.uuid4()
    await pool.execute("INSERT INTO gemeenten VALUES ($1, 'Auditdorp')", elders)
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id) VALUES ($1, 'Beheerder Auditdorp', 'beheerder', $2)",
        beheerder,
        elders,
    )
    since = await last_id(pool)

    r = await call(beheerder, "GET", "/v1/audit", 200, params={"gebruikerId": str(PM)})

    assert r.json()["resultaten"] == []
    rows = await rows_since(pool, since, gebruiker_id=beheerder)
    assert [(r["actie"], r["grondslag"], r["gemeente_id"]) for r in rows] == [("exporteren", "AuditExporteren", elders)]


# Append-only


async def test_the_api_role_may_read_and_append_but_not_change_the_audit_trail(
    settings: Settings, pool: asyncpg.Pool, sent: Child
) -> None:
    # The API's own connections (its pool keeps them open a while after the requests above).
    api_connections = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = $1"
    assert await pool.fetchval(api_connections, API_ROLE) > 0
    dsn = settings.effective_api_database_url()
    conn = await asyncpg.connect(dsn)
    try:
        assert await conn.fetchval("SELECT current_user") == API_ROLE
        assert not await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE kind_ids @> ARRAY[$1::uuid]", sent.kind_id) > 0
        for statement in (
            "UPDATE audit_log SET resultaat = 200 WHERE kind_ids @> ARRAY[$1::uuid]",
            "DELETE FROM audit_log WHERE kind_ids @> ARRAY[$1::uuid]",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await conn.execute(statement, sent.kind_id)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.execute("TRUNCATE audit_log")
        # The migrations' bookkeeping is not the API's either.
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("DELETE FROM schema_migrations")
    finally:
        await conn.close()


async def test_not_even_the_owner_can_change_or_remove_a_row(pool: asyncpg.Pool, sent: Child) -> None:
    before = await pool.fetch("SELECT * FROM audit_log WHERE kind_ids @> ARRAY[$1::uuid] ORDER BY id", sent.kind_id)
    for statement in (
        "UPDATE audit_log SET onderwerp = 'anders' WHERE kind_ids @> ARRAY[$1::uuid]",
        "DELETE FROM audit_log WHERE kind_ids @> ARRAY[$1::uuid]",
    ):
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await pool.execute(statement, sent.kind_id)
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        await pool.execute("TRUNCATE audit_log")
    assert (
        await pool.fetch("SELECT * FROM audit_log WHERE kind_ids @> ARRAY[$1::uuid] ORDER BY id", sent.kind_id)
        == before
    )


async def test_the_audit_trail_holds_no_name_or_date_of_birth(pool: asyncpg.Pool, sent: Child) -> None:
    """Runs last: after every kind of row above (reads, steps, refusals, import, monitoring, export)."""
    assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE kind_ids @> ARRAY[$1::uuid]", sent.kind_id) >= 10
    for secret in (VOORNAAM, ACHTERNAAM, IMPORT_ACHTERNAAM, DEADLINE_REDEN, BORN.isoformat(), "Klopt."):
        found = await pool.fetchval("SELECT count(*) FROM audit_log a WHERE strpos(a::text, $1) > 0", secret)
        assert found == 0, secret
