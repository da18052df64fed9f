"""Read-model queries of the monitoring: what is overdue, the key figures, and VVE children without an
overdracht. Metadata and aggregates only: no query here selects a child's name or the form, and the
one that needs a date of birth keeps it inside this module. Always within the caller's scope."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import asyncpg

from db.scope import Where, scoped
from protocol.dates import add_months, end_of_day
from schemas.gebruiker import Gebruiker
from schemas.monitoring import Groepering
from schemas.overdracht import Rol, Status, Vlag
from schemas.protocol import Leeftijd

# The location's wijk and stadsdeel: where the child goes to the voorschool.
_ORGANISATIES = """
FROM overdrachten o
JOIN locaties l ON l.id = o.locatie_id
JOIN wijken w ON w.id = l.wijk_id
JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
LEFT JOIN scholen s ON s.id = o.school_id
"""

_ACHTERSTANDEN = (
    """
SELECT o.id, o.status, o.open_vlaggen, o.achterstallig_sinds, o.deadlines, o.schooljaar,
       l.id AS locatie_id, l.naam AS locatie_naam, w.id AS wijk_id, w.naam AS wijk_naam,
       sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam, s.id AS school_id, s.naam AS school_naam
"""
    + _ORGANISATIES
)


@dataclass
class Filters:
    vlag: list[Vlag] | None = None
    locatie_id: UUID | None = None
    school_id: UUID | None = None
    wijk_id: UUID | None = None
    stadsdeel_id: UUID | None = None
    schooljaar: str | None = None


def _filter(where: Where, filters: Filters) -> None:
    """The organisations and the school year (not the flags: only the achterstanden have those)."""
    if filters.locatie_id:
        where.add("o.locatie_id = {}", filters.locatie_id)
    if filters.school_id:
        where.add("o.school_id = {}", filters.school_id)
    if filters.wijk_id:
        where.add("w.id = {}", filters.wijk_id)
    if filters.stadsdeel_id:
        where.add("sd.id = {}", filters.stadsdeel_id)
    if filters.schooljaar:
        where.add("o.schooljaar = {}", filters.schooljaar)


async def achterstanden(
    pool: asyncpg.Pool,
    user: Gebruiker,
    filters: Filters,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """What is overdue now, oldest first, keyset-paged on (achterstallig_sinds, id). The read model
    sets achterstallig_sinds exactly while a flag is open; for the coordinator the partial index on
    (gemeente_id, achterstallig_sinds) serves both the filter and the order."""
    where = scoped(user)
    where.add("o.achterstallig_sinds IS NOT NULL")
    if filters.vlag:
        where.add("o.open_vlaggen && {}::text[]", [v.value for v in filters.vlag])
    if filters.vlag and len(set(filters.vlag)) == 1:
        # Implied, and written as the predicate of that flag's partial index (migration 027): a rare
        # flag is then not looked for among every overdue row. The value is a Vlag, never free text.
        where.add(f"'{Vlag(filters.vlag[0]).value}' = ANY(o.open_vlaggen)")
    _filter(where, filters)
    if after:
        where.add("(o.achterstallig_sinds, o.id) > ({}, {})", *after)
    sql = _ACHTERSTANDEN + where.sql() + f" ORDER BY o.achterstallig_sinds, o.id LIMIT {int(limit)}"
    return await pool.fetch(sql, *where.args)


_GROEP_KOLOMMEN: dict[Groepering, tuple[str, str]] = {
    Groepering.STADSDEEL: ("sd.id", "sd.naam"),
    Groepering.WIJK: ("w.id", "w.naam"),
    Groepering.LOCATIE: ("l.id", "l.naam"),
    Groepering.SCHOOL: ("s.id", "s.naam"),
}

# A step counts once it is done: on time when done before its deadline (a deadline ends at the moment
# stored), late when at or after it. A step done without a deadline in the record had nothing to be
# late for and counts as on time.
STAPPEN: dict[str, str] = {"toestemming": "toestemming_op", "verzenden": "verzonden_op", "bevestigen": "ontvangen_op"}


def _tijdigheid(stap: str, gedaan: str) -> str:
    deadline = f"coalesce((o.deadlines->>'{stap}')::timestamptz, 'infinity')"
    return (
        f"count(*) FILTER (WHERE o.{gedaan} < {deadline}) AS {stap}_op_tijd,"
        f" count(*) FILTER (WHERE o.{gedaan} >= {deadline}) AS {stap}_te_laat"
    )


_CIJFERS = ",\n".join(
    [
        "count(*) AS aantal",
        *(f"count(*) FILTER (WHERE o.status = '{s.value}') AS status_{s.value}" for s in Status),
        *(_tijdigheid(stap, gedaan) for stap, gedaan in STAPPEN.items()),
        "count(*) FILTER (WHERE o.vve_indicatie AND o.ontvangen_op IS NOT NULL) AS vve_ontvangen",
        "count(*) FILTER (WHERE o.vve_indicatie AND o.ontvangen_op IS NOT NULL"
        " AND o.warme_overdracht_gehouden_op < o.eerste_schooldag) AS vve_warm_voor_start",
        f"count(*) FILTER (WHERE o.status = '{Status.GEWEIGERD.value}') AS geweigerd",
        f"count(*) FILTER (WHERE '{Vlag.SCHOOL_ONBEKEND.value}' = ANY(o.vlaggen)) AS school_onbekend",
    ]
)


# The key figures and the trend are sums of the totals migration 027 keeps per (gemeente, school year,
# location, school, whether the school sees it), with the month for the trend: the same organisations
# and scope as the rows'. Roll-ups of them answer the commonest questions from fewer rows: by location
# (no school in the key), by school (no location), and the trend by gemeente (neither).
_LOCATIE_JOINS = """
JOIN locaties l ON l.id = c.locatie_id
JOIN wijken w ON w.id = l.wijk_id
JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
"""
_SCHOOL_JOIN = "\nLEFT JOIN scholen s ON s.id = c.school_id\n"

_CIJFER_KOLOMMEN = [
    "aantal",
    *(f"status_{s.value}" for s in Status),
    *(f"{stap}_{t}" for stap in STAPPEN for t in ("op_tijd", "te_laat")),
    "vve_ontvangen",
    "vve_warm_voor_start",
    "school_onbekend",
]
_TREND_KOLOMMEN = [f"{stap}_{t}" for stap in STAPPEN for t in ("op_tijd", "te_laat")]


# The roll-ups each family of totals has besides its full key (migration 027).
_ROLLUPS = {"monitoring_cijfers": {"locatie", "school"}, "monitoring_trend": {"locatie", "gemeente"}}
# The roles whose scope the totals carry (db/scope.py's gemeente, locations, schools); a parent's own
# child is not a total: counted from the rows.
_TOTALEN_ROLLEN = frozenset(
    {Rol.PEDAGOGISCH_MEDEWERKER, Rol.LOCATIEMANAGER, Rol.SCHOOL, Rol.COORDINATOR, Rol.BEHEERDER}
)


@dataclass(frozen=True)
class _Totalen:
    """Which table of totals answers, and what it holds: a location (and so a wijk and stadsdeel), a school."""

    tabel: str
    locatie: bool
    school: bool

    def joins(self) -> str:
        return (_LOCATIE_JOINS if self.locatie else "") + (_SCHOOL_JOIN if self.school else "")


def _totalen(user: Gebruiker, familie: str, filters: Filters | None, groepering: Groepering | None) -> _Totalen | None:
    """The smallest table of totals (`familie`: monitoring_cijfers or monitoring_trend) that holds what the
    caller's scope, the filters and the grouping name; None for a role the totals do not carry (a
    parent's own child: not a total), which then counts the rows themselves."""
    if user.rol not in _TOTALEN_ROLLEN:
        return None
    f = filters or Filters()
    per_locatie = bool(f.locatie_id or f.wijk_id or f.stadsdeel_id) or user.rol in (
        Rol.PEDAGOGISCH_MEDEWERKER,
        Rol.LOCATIEMANAGER,
    )
    per_school = bool(f.school_id) or user.rol is Rol.SCHOOL or groepering is Groepering.SCHOOL
    if groepering in (Groepering.STADSDEEL, Groepering.WIJK, Groepering.LOCATIE):
        per_locatie = True
    rollups = _ROLLUPS[familie]
    # A school's scope needs school_ziet: the full key.
    if per_school and not per_locatie and "school" in rollups and user.rol is not Rol.SCHOOL:
        return _Totalen(f"{familie}_school", locatie=False, school=True)
    if per_school:
        return _Totalen(familie, locatie=True, school=True)
    if not per_locatie and "gemeente" in rollups:
        return _Totalen(f"{familie}_gemeente", locatie=False, school=False)
    return _Totalen(f"{familie}_locatie", locatie=True, school=False)


def _scoped_totalen(user: Gebruiker) -> Where:
    """db/scope.py's scope on the totals (alias c); only roles _totalen accepts."""
    where = Where()
    match user.rol:
        case Rol.PEDAGOGISCH_MEDEWERKER | Rol.LOCATIEMANAGER:
            where.add("c.locatie_id = ANY({}::uuid[])", list(user.locatie_ids))
        case Rol.SCHOOL:
            where.add("c.school_id = ANY({}::uuid[]) AND c.school_ziet", list(user.school_ids))
        case _:
            where.add("c.gemeente_id = {}", user.gemeente_id)
    return where


def _filter_totalen(where: Where, filters: Filters) -> None:
    """_filter on the totals."""
    if filters.locatie_id:
        where.add("c.locatie_id = {}", filters.locatie_id)
    if filters.school_id:
        where.add("c.school_id = {}", filters.school_id)
    if filters.wijk_id:
        where.add("l.wijk_id = {}", filters.wijk_id)
    if filters.stadsdeel_id:
        where.add("w.stadsdeel_id = {}", filters.stadsdeel_id)
    if filters.schooljaar:
        where.add("c.schooljaar = {}", filters.schooljaar)


async def kengetallen(
    pool: asyncpg.Pool, user: Gebruiker, groepering: Groepering, schooljaar: str | None, filters: Filters | None = None
) -> str:
    """The key figures as the API's answer (`schemas.monitoring.Kengetallen`, camelCase), written by
    PostgreSQL: per school year its total and its groups, from one row per (school year, group) and one
    per school year over the whole scope (`totaal`), in one pass: GROUPING SETS over the totals
    (migration 027), a few rows per location or school and school year. `filters` narrows it to a
    stadsdeel, wijk, … A page by school has some 500 groups of 25 figures: validating and writing them
    as pydantic models took more than the query (docs/performance.md); tests/test_monitoring_json.py
    holds this JSON to the model."""
    totalen = _totalen(user, "monitoring_cijfers", filters, groepering)
    if totalen is None:
        return await _kengetallen_uit_rijen(pool, user, groepering, schooljaar, filters)
    groep_id, groep_naam = _GROEP_KOLOMMEN[groepering]
    where = _scoped_totalen(user)
    if schooljaar:
        where.add("c.schooljaar = {}", schooljaar)
    if filters:
        _filter_totalen(where, filters)
    sommen = ", ".join(f"sum(c.{k})::bigint AS {k}" for k in _CIJFER_KOLOMMEN)
    rijen = (
        f"SELECT c.schooljaar, GROUPING({groep_id}) = 1 AS totaal,"
        f" {groep_id} AS groep_id, {groep_naam} AS groep_naam, {sommen},"
        f" sum(c.status_{Status.GEWEIGERD.value})::bigint AS geweigerd"
        f" FROM {totalen.tabel} c"
        + totalen.joins()
        + where.sql()
        + f" GROUP BY GROUPING SETS ((c.schooljaar, {groep_id}, {groep_naam}), (c.schooljaar))"
        + " HAVING sum(c.aantal) > 0"
    )
    return await _kengetallen_json(pool, rijen, where, groepering, schooljaar)


async def _kengetallen_uit_rijen(
    pool: asyncpg.Pool, user: Gebruiker, groepering: Groepering, schooljaar: str | None, filters: Filters | None
) -> str:
    """kengetallen counted from the rows themselves: a scope the totals do not carry."""
    groep_id, groep_naam = _GROEP_KOLOMMEN[groepering]
    where = scoped(user)
    if schooljaar:
        where.add("o.schooljaar = {}", schooljaar)
    if filters:
        _filter(where, filters)
    rijen = (
        f"SELECT o.schooljaar, GROUPING({groep_id}) = 1 AS totaal,"
        f" {groep_id} AS groep_id, {groep_naam} AS groep_naam,\n{_CIJFERS}\n"
        + _ORGANISATIES
        + where.sql()
        + f" GROUP BY GROUPING SETS ((o.schooljaar, {groep_id}, {groep_naam}), (o.schooljaar))"
    )
    return await _kengetallen_json(pool, rijen, where, groepering, schooljaar)


# One row's figures as the members of a JSON object (schemas.monitoring.Cijfers), from the columns
# _CIJFERS and the totals' sums name.
_CIJFERS_JSON = ", ".join(
    [
        "'aantal', r.aantal",
        "'perStatus', json_build_object(" + ", ".join(f"'{s.value}', r.status_{s.value}" for s in Status) + ")",
        "'tijdigheid', json_build_object("
        + ", ".join(
            f"'{stap}', json_build_object('opTijd', r.{stap}_op_tijd, 'teLaat', r.{stap}_te_laat)" for stap in STAPPEN
        )
        + ")",
        "'warmeOverdrachtVve', json_build_object('voorEersteSchooldag', r.vve_warm_voor_start,"
        " 'ontvangen', r.vve_ontvangen)",
        "'geweigerd', r.geweigerd",
        "'schoolOnbekend', r.school_onbekend",
    ]
)


async def _kengetallen_json(
    pool: asyncpg.Pool, rijen: str, where: Where, groepering: Groepering, schooljaar: str | None
) -> str:
    """The answer from `rijen` (kengetallen's rows): each school year, its total and its groups by name."""
    groepering_param, schooljaar_param = where.param(groepering.value), where.param(schooljaar)
    antwoord: str = await pool.fetchval(
        f"""
        SELECT json_build_object(
                   'groepering', {groepering_param}::text,
                   'schooljaar', {schooljaar_param}::text,
                   'schooljaren', COALESCE(json_agg(json_build_object(
                       'schooljaar', j.schooljaar, 'totaal', j.totaal, 'groepen', j.groepen
                   ) ORDER BY j.schooljaar NULLS LAST), '[]')
               )::text
        FROM (
            SELECT r.schooljaar,
                   (array_agg(json_build_object({_CIJFERS_JSON})) FILTER (WHERE r.totaal))[1] AS totaal,
                   COALESCE(json_agg(json_build_object(
                       'groep', CASE WHEN r.groep_id IS NOT NULL
                                THEN json_build_object('id', r.groep_id, 'naam', r.groep_naam) END,
                       {_CIJFERS_JSON}
                   ) ORDER BY r.groep_naam NULLS LAST, r.groep_id) FILTER (WHERE NOT r.totaal), '[]') AS groepen
            FROM ({rijen}) r
            GROUP BY r.schooljaar
        ) j
        """,
        *where.args,
    )
    return antwoord


# The steps the monitoring times, as rows of their own: (stap, done at, deadline). A step done without a
# deadline in the record had nothing to be late for: its deadline is 'infinity' (as in _tijdigheid).
_STAP_RIJEN = (
    "CROSS JOIN LATERAL (VALUES "
    + ", ".join(
        f"('{stap}', o.{gedaan}, coalesce((o.deadlines->>'{stap}')::timestamptz, 'infinity'))"
        for stap, gedaan in STAPPEN.items()
    )
    + ") AS t(stap, gedaan, deadline)"
)


async def trend(pool: asyncpg.Pool, user: Gebruiker, filters: Filters) -> list[asyncpg.Record]:
    """Per calendar month (Amsterdam) the steps done in it, on time and late, per step: the same
    counting as the key figures, by the month the step was taken. Months without any step are absent.
    Summed from the totals per month (migration 027)."""
    totalen = _totalen(user, "monitoring_trend", filters, None)
    if totalen is None:
        return await _trend_uit_rijen(pool, user, filters)
    where = _scoped_totalen(user)
    _filter_totalen(where, filters)
    sommen = ", ".join(f"sum(c.{k})::bigint AS {k}" for k in _TREND_KOLOMMEN)
    sql = (
        f"SELECT c.maand, {sommen} FROM {totalen.tabel} c"
        + totalen.joins()
        + where.sql()
        + " GROUP BY c.maand HAVING "
        + " + ".join(f"sum(c.{k})" for k in _TREND_KOLOMMEN)
        + " > 0 ORDER BY c.maand"
    )
    return await pool.fetch(sql, *where.args)


async def _trend_uit_rijen(pool: asyncpg.Pool, user: Gebruiker, filters: Filters) -> list[asyncpg.Record]:
    """trend counted from the rows themselves: a scope the totals do not carry."""
    where = scoped(user)
    _filter(where, filters)
    where.add("t.gedaan IS NOT NULL")
    kolommen = ",\n".join(
        f"count(*) FILTER (WHERE t.stap = '{stap}' AND t.gedaan < t.deadline) AS {stap}_op_tijd,"
        f" count(*) FILTER (WHERE t.stap = '{stap}' AND t.gedaan >= t.deadline) AS {stap}_te_laat"
        for stap in STAPPEN
    )
    sql = (
        f"SELECT to_char(t.gedaan AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM') AS maand,\n{kolommen}\n"
        + _ORGANISATIES
        + _STAP_RIJEN
        + where.sql()
        + " GROUP BY maand ORDER BY maand"
    )
    return await pool.fetch(sql, *where.args)


# Whether a deadline's step is still to be taken: one SQL function (migration 029), the same the forecast's
# totals are kept by. tests/test_prognose.py holds it to workflows/deadlines.is_open, end states included.
_OPEN = (
    "overdracht_deadline_open(d.deadline, o.status, o.school_id, o.verzonden_op,"
    " o.warme_overdracht_vereist, o.warme_overdracht_gehouden_op)"
)


def _weken(monday: date, weken: int) -> list[datetime]:
    """Where each of the weeks from `monday` begins, and the last one ends: a deadline that ends at the end
    of a day is in that day's week, so week k holds the moments after the end of the day before its
    Monday up to the end of its Sunday."""
    return [end_of_day(monday + timedelta(days=7 * k - 1)) + timedelta(microseconds=1) for k in range(weken + 1)]


def _week(moment: str, grenzen: str) -> str:
    """The week (0: the first) `moment` falls in, given `_weken`'s bounds: a binary search, not a time zone
    conversion per row."""
    return f"width_bucket({moment}, {grenzen}::timestamptz[]) - 1"


def _prognose_kolommen(deadline: str) -> str:
    return (
        f"SELECT GROUPING({deadline}) = 0 AS per_deadline, GROUPING(l.id) = 0 AS per_locatie, d.week,"
        f" {deadline} AS deadline, l.id AS locatie_id, l.naam AS locatie_naam, s.id AS school_id,"
        " s.naam AS school_naam,"
    )


def _prognose_groepen(deadline: str) -> str:
    return f" GROUP BY GROUPING SETS ((d.week, {deadline}), (d.week, l.id, l.naam), (d.week, s.id, s.naam))"


async def prognose(
    pool: asyncpg.Pool, user: Gebruiker, filters: Filters, *, now: datetime, monday: date, weken: int
) -> list[asyncpg.Record]:
    """The deadlines of steps still open that end after `now` and on a day before `weken` weeks from
    `monday`: counted per (week, deadline), per (week, location) and per (week, school) in one statement.
    `week` counts from 0 (the week of `monday`); a deadline's day is the one it ends at the end of.
    Summed from the totals (migrations 029 and 031): a narrower scope or filter from the full key by
    moment, a few rows per location, school and day; the coordinator's whole gemeente from the roll-ups:
    per deadline by moment, and per location and per school the week under way by moment (only what ends
    after now), the whole weeks after it by week."""
    if user.rol not in _TOTALEN_ROLLEN:
        return await _prognose_uit_rijen(pool, user, filters, now=now, monday=monday, weken=weken)
    grenzen = _weken(monday, weken)
    heel = user.rol in (Rol.COORDINATOR, Rol.BEHEERDER) and not (
        filters.locatie_id or filters.school_id or filters.wijk_id or filters.stadsdeel_id
    )
    # The same conditions on every table: the gemeente's roll-ups name no location or school, and a
    # question of the whole gemeente has no filter that names one.
    where = _scoped_totalen(user)
    _filter_totalen(where, filters)
    scope = list(where.clauses)
    na_nu, tot_eind = f"c.moment > {where.param(now)}", f"c.moment < {where.param(grenzen[-1])}"
    week = f"CROSS JOIN LATERAL (SELECT {_week('c.moment', where.param(grenzen))} AS week) AS d"

    def waar(*clauses: str) -> str:
        return " WHERE " + " AND ".join([*scope, *clauses])

    if not heel:
        sql = (
            _prognose_kolommen("c.deadline")
            + " sum(c.aantal) AS aantal FROM monitoring_prognose c"
            + _LOCATIE_JOINS
            + _SCHOOL_JOIN
            + week
            + waar(na_nu, tot_eind)
            + _prognose_groepen("c.deadline")
            + " HAVING sum(c.aantal) <> 0"
        )
        return await pool.fetch(sql, *where.args)
    per_deadline = (
        "SELECT true AS per_deadline, false AS per_locatie, d.week, c.deadline, NULL::uuid AS locatie_id,"
        " NULL::text AS locatie_naam, NULL::uuid AS school_id, NULL::text AS school_naam, sum(c.aantal) AS aantal"
        " FROM monitoring_prognose_gemeente c " + week + waar(na_nu, tot_eind) + " GROUP BY d.week, c.deadline"
    )
    # The weeks from `heel_af` on have not begun: whole, from the totals per week.
    heel_af = next((k for k, grens in enumerate(grenzen) if grens > now), weken)
    lopend = f"c.moment < {where.param(grenzen[heel_af])}"
    van, tot = where.param(monday + timedelta(weeks=heel_af)), where.param(monday + timedelta(weeks=weken))
    weken_na = (f"c.week >= {van}", f"c.week < {tot}")
    week_nr = f"(c.week - {where.param(monday)}::date) / 7"
    per_locatie = (
        "SELECT false, true, d.week, NULL, l.id, l.naam, NULL, NULL, sum(c.aantal)"
        " FROM monitoring_prognose_locatie c JOIN locaties l ON l.id = c.locatie_id "
        + week
        + waar(na_nu, lopend)
        + " GROUP BY d.week, l.id, l.naam HAVING sum(c.aantal) <> 0 UNION ALL"
        f" SELECT false, true, {week_nr}, NULL, l.id, l.naam, NULL, NULL, sum(c.aantal)"
        " FROM monitoring_prognose_locatie_week c JOIN locaties l ON l.id = c.locatie_id"
        + waar(*weken_na)
        + " GROUP BY c.week, l.id, l.naam"
    )
    per_school = (
        "SELECT false, false, d.week, NULL, NULL, NULL, s.id, s.naam, sum(c.aantal)"
        " FROM monitoring_prognose_school c LEFT JOIN scholen s ON s.id = c.school_id "
        + week
        + waar(na_nu, lopend)
        + " GROUP BY d.week, s.id, s.naam HAVING sum(c.aantal) <> 0 UNION ALL"
        f" SELECT false, false, {week_nr}, NULL, NULL, NULL, s.id, s.naam, sum(c.aantal)"
        " FROM monitoring_prognose_school_week c LEFT JOIN scholen s ON s.id = c.school_id"
        + waar(*weken_na)
        + " GROUP BY c.week, s.id, s.naam"
    )
    having = " HAVING sum(c.aantal) <> 0"
    sql = " UNION ALL ".join(q + having for q in (per_deadline, per_locatie, per_school))
    return await pool.fetch(sql, *where.args)


async def _prognose_uit_rijen(
    pool: asyncpg.Pool, user: Gebruiker, filters: Filters, *, now: datetime, monday: date, weken: int
) -> list[asyncpg.Record]:
    """prognose counted from the rows themselves: a scope the totals do not carry."""
    where = scoped(user)
    _filter(where, filters)
    where.add("d.moment > {}", now)
    grenzen = _weken(monday, weken)
    where.add("d.moment < {}", grenzen[-1])
    where.add(_OPEN)
    sql = (
        _prognose_kolommen("d.deadline")
        + " count(*) AS aantal\n"
        + _ORGANISATIES
        + "CROSS JOIN LATERAL (SELECT e.key AS deadline, e.value::timestamptz AS moment,"
        f" {_week('e.value::timestamptz', where.param(grenzen))} AS week FROM jsonb_each_text(o.deadlines) AS e) AS d"
        + where.sql()
        + _prognose_groepen("d.deadline")
    )
    return await pool.fetch(sql, *where.args)


async def filteropties(pool: asyncpg.Pool, user: Gebruiker) -> list[asyncpg.Record]:
    """The caller's gemeente's stadsdelen, wijken, locations and schools (with the wijk or stadsdeel
    each lies in), and the school years of the overdrachten in the caller's scope, in one query: rows
    of (soort, id, naam, in_id, in_naam)."""
    # The school years from the totals (migration 027), a few rows per location, not every overdracht.
    totalen = _totalen(user, "monitoring_cijfers", None, Groepering.LOCATIE)
    if totalen is None:
        where, jaren = scoped(user), "overdrachten o"
    else:
        where, jaren = _scoped_totalen(user), f"{totalen.tabel} c"
    alias = jaren[-1]
    where.add(f"{alias}.schooljaar IS NOT NULL")
    if alias == "c":
        where.add("c.aantal > 0")
    gemeente = where.param(user.gemeente_id)
    sql = f"""
        SELECT 'stadsdeel' AS soort, sd.id, sd.naam, NULL::uuid AS in_id, NULL::text AS in_naam
        FROM stadsdelen sd WHERE sd.gemeente_id = {gemeente}
        UNION ALL
        SELECT 'wijk', w.id, w.naam, sd.id, sd.naam
        FROM wijken w JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE sd.gemeente_id = {gemeente}
        UNION ALL
        SELECT 'locatie', l.id, l.naam, w.id, w.naam
        FROM locaties l JOIN wijken w ON w.id = l.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
        WHERE sd.gemeente_id = {gemeente}
        UNION ALL
        SELECT 'school', s.id, s.naam, NULL, NULL
        FROM scholen s JOIN wijken w ON w.id = s.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
        WHERE sd.gemeente_id = {gemeente}
        UNION ALL
        (SELECT DISTINCT 'schooljaar', NULL::uuid, {alias}.schooljaar, NULL::uuid, NULL::text FROM {jaren}
        {where.sql()})
        ORDER BY soort, naam, id
    """
    return await pool.fetch(sql, *where.args)


_KINDEREN_ZONDER_OVERDRACHT = """
FROM kinderen k
JOIN locaties l ON l.id = k.locatie_id
JOIN wijken w ON w.id = l.wijk_id
JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
"""


def _zonder_overdracht(gemeente_id: UUID, filters: Filters | None) -> Where:
    """The gemeente's VVE children without an overdracht, in the location's organisations of `filters`
    (a child has no school year or school yet: those filters do not apply)."""
    where = Where()
    where.add("sd.gemeente_id = {}", gemeente_id)
    where.add("k.vve_indicatie")
    # heeft_overdracht is kept exact by migration 027's triggers, in the transaction that writes the
    # overdracht (tests/test_monitoring_totalen.py), and serves the partial index of the few children
    # without one.
    where.add("NOT k.heeft_overdracht")
    if filters and filters.locatie_id:
        where.add("l.id = {}", filters.locatie_id)
    if filters and filters.wijk_id:
        where.add("w.id = {}", filters.wijk_id)
    if filters and filters.stadsdeel_id:
        where.add("sd.id = {}", filters.stadsdeel_id)
    return where


async def zonder_overdracht(
    pool: asyncpg.Pool,
    gemeente_id: UUID,
    start: Leeftijd,
    today: date,
    protocol_versie: int,
    filters: Filters | None = None,
) -> asyncpg.Record:
    """VVE children of the gemeente past the start age with no overdracht at all, longest past first, as
    the API's answer (`schemas.monitoring.ZonderOverdracht`, camelCase) written by PostgreSQL: `antwoord`
    (JSON text), and `kind_ids`, the children in it in its order (for the audit). Each child: its id, its
    location, wijk and stadsdeel, and the whole months since it reached the start age, both counted as
    protocol.dates counts them (age_reached, whole_months): PostgreSQL's date + interval clamps a month's
    end as add_months does (31 August + 6 months is the last day of February), and a month is whole when
    adding it does not pass today. The date of birth stays in the database.

    Hundreds of children, four objects each: validating and writing them as pydantic models took more
    than the query (docs/performance.md). tests/test_monitoring_json.py holds this JSON to the model."""
    # The WHERE narrows to children born early enough (the index), with a few days to spare for the
    # month ends; the exact test is on `bereikt`, the day the start age was reached.
    born_by = add_months(today, -(start.jaren * 12 + start.maanden)) + timedelta(days=4)
    where = _zonder_overdracht(gemeente_id, filters)
    where.add("k.geboortedatum <= {}", born_by)
    jaren, maanden, vandaag = where.param(start.jaren), where.param(start.maanden), where.param(today)
    versie = where.param(protocol_versie)
    row = await pool.fetchrow(
        f"""
        SELECT json_build_object(
                   'peildatum', {vandaag}::date,
                   'startleeftijd', json_build_object('jaren', {jaren}::int, 'maanden', {maanden}::int),
                   'protocolVersie', {versie}::int,
                   'kinderen', COALESCE(json_agg(json_build_object(
                       'kindId', z.id,
                       'locatie', json_build_object('id', z.locatie_id, 'naam', z.locatie_naam),
                       'wijk', json_build_object('id', z.wijk_id, 'naam', z.wijk_naam),
                       'stadsdeel', json_build_object('id', z.stadsdeel_id, 'naam', z.stadsdeel_naam),
                       'maandenNaStartleeftijd',
                       m.maanden - ((z.bereikt + make_interval(months => m.maanden))::date > {vandaag})::int
                   ) ORDER BY z.geboortedatum, z.id), '[]')
               )::text AS antwoord,
               COALESCE(array_agg(z.id ORDER BY z.geboortedatum, z.id), '{{}}') AS kind_ids
        FROM (
            SELECT k.id, k.geboortedatum, l.id AS locatie_id, l.naam AS locatie_naam, w.id AS wijk_id,
                   w.naam AS wijk_naam, sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam,
                   (k.geboortedatum + make_interval(years => {jaren}, months => {maanden}))::date AS bereikt
            {_KINDEREN_ZONDER_OVERDRACHT}
            {where.sql()}
        ) z
        CROSS JOIN LATERAL (
            SELECT ((extract(year FROM {vandaag}::date) - extract(year FROM z.bereikt)) * 12
                    + extract(month FROM {vandaag}::date) - extract(month FROM z.bereikt))::int AS maanden
        ) m
        WHERE z.bereikt <= {vandaag}
        """,
        *where.args,
    )
    assert row is not None  # an aggregate without a GROUP BY: one row, also for no children
    return row


async def zonder_overdracht_per_wijk(
    pool: asyncpg.Pool, gemeente_id: UUID, start: Leeftijd, today: date, filters: Filters | None = None
) -> list[asyncpg.Record]:
    """How many of those children per wijk, counted in SQL: PostgreSQL's date + interval clamps a month's
    end as age_reached does (31 August + 6 months is the last day of February)."""
    where = _zonder_overdracht(gemeente_id, filters)
    where.add(
        "(k.geboortedatum + make_interval(years => {}, months => {}))::date <= {}", start.jaren, start.maanden, today
    )
    return await pool.fetch(
        "SELECT w.id AS wijk_id, w.naam AS wijk_naam, sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam,"
        " count(*) AS aantal"
        + _KINDEREN_ZONDER_OVERDRACHT
        + where.sql()
        + " GROUP BY sd.id, sd.naam, w.id, w.naam ORDER BY sd.naam, w.naam, w.id",
        *where.args,
    )
