"""Use cases of functioneel beheer for the gemeente's organisation: its CBS gemeentecode, stadsdelen, wijken,
voorschool locations (with their LRK number) and schools (BRIN and vestiging): created, renamed, moved,
closed and opened again; and the schools read from DUO's file of basisonderwijs vestigingen. The API
(api/routes/organisatie.py) and the pages (web/routes/beheer/organisatie.py) call these same functions.

Everything is the beheerder's own gemeente's: another gemeente's stadsdeel, wijk, location or school named
in the address is not found (404); named in the body (a wijk to move to), it is an unknown one (400).
Nothing is deleted. **Closed** means: it takes nothing new, and what it has keeps working:

- a closed stadsdeel takes no new wijk (none added to it, none moved into it);
- a closed wijk takes no new location or school (the DUO import adds none to it either);
- a closed location takes no new child: the placements import refuses a child it does not know yet there,
  and no child moves to it; the children placed there, their overdrachten and its staff carry on;
- a closed school is no longer offered or accepted as a child's school (choosing one, opening an
  overdracht with one, a new child in the placements import); overdrachten already with it carry on.

A closed one can be opened again. Every change is in the audit trail: what (`organisatie.school/<id>`)
and which fields; a refused attempt with its status."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg

from db import organisaties
from db.pool import Executor
from schemas.api import Verwijzing
from schemas.audit import Actie
from schemas.gebruiker import Gebruiker
from schemas.organisatie import (
    DuoImportResultaat,
    DuoRij,
    DuoUitkomst,
    Gemeente,
    GemeenteWijziging,
    Locatie,
    LocatieNieuw,
    LocatieWijziging,
    School,
    SchoolNieuw,
    SchoolWijziging,
    Stadsdeel,
    StadsdeelNieuw,
    StadsdeelWijziging,
    Wijk,
    WijkNieuw,
    WijkWijziging,
)
from services import duo
from services.context import Context
from services.errors import InvalidInput, NotFound, ServiceError
from services.permissions import Capability, require
from services.plaatsingen_csv import is_email


class BestaatAl(ServiceError):
    """A name, LRK number or BRIN with vestiging the gemeente has already (invalidParams names the field)."""

    status, title, code = 409, "Bestaat al", "bestaat_al"
    description = (
        "De gemeente heeft al een stadsdeel, wijk, locatie of school met deze naam, dit LRK-nummer of deze BRIN met"
        " vestiging; `invalidParams` noemt het veld."
    )


class Gesloten(ServiceError):
    """A closed stadsdeel or wijk takes nothing new (invalidParams names the field)."""

    status, title, code = 409, "Gesloten", "gesloten"
    description = "Een gesloten stadsdeel of wijk neemt niets nieuws aan; `invalidParams` noemt het veld."


ONGELDIG = "Een of meer velden zijn niet goed ingevuld; er is niets gewijzigd."
NIET_GEVONDEN = "{} bestaat niet of hoort niet bij uw gemeente."
GEMEENTECODE = "De gemeentecode is 4 cijfers, zoals het CBS hem geeft: 0034 voor Almere."
GEEN_GEMEENTECODE = (
    "Het bestand heeft geen kolom GEMEENTENAAM, en voor uw gemeente is nog geen gemeentecode ingesteld om de kolom"
    " GEMEENTENUMMER te lezen. Vul de gemeentecode in."
)
# Dutch: "dit stadsdeel" (het), "deze wijk" (de); "een onbekend stadsdeel", "een onbekende wijk".
DEZE = {"stadsdeel": "dit stadsdeel", "wijk": "deze wijk", "locatie": "deze locatie", "school": "deze school",
        "gemeente": "deze gemeente"}  # fmt: skip
ONBEKEND = {"stadsdeel": "onbekend stadsdeel", "wijk": "onbekende wijk"}


def _beheerder(ctx: Context, actie: Actie = Actie.WIJZIGEN) -> Gebruiker:
    return require(ctx, Capability.ORGANISATIE_BEHEREN, actie=actie)


def _nu() -> datetime:
    return datetime.now(UTC)


# What the API answers


def _stadsdeel(r: asyncpg.Record) -> Stadsdeel:
    return Stadsdeel(id=r["id"], naam=r["naam"], gesloten=r["gesloten_op"] is not None, gesloten_op=r["gesloten_op"])


def _wijk(r: asyncpg.Record) -> Wijk:
    return Wijk(
        id=r["id"],
        naam=r["naam"],
        stadsdeel=Verwijzing(id=r["stadsdeel_id"], naam=r["stadsdeel_naam"]),
        gesloten=r["gesloten_op"] is not None,
        gesloten_op=r["gesloten_op"],
    )


def _locatie(r: asyncpg.Record) -> Locatie:
    return Locatie(
        id=r["id"],
        naam=r["naam"],
        lrk_nummer=r["lrk_nummer"],
        wijk=Verwijzing(id=r["wijk_id"], naam=r["wijk_naam"]),
        stadsdeel=Verwijzing(id=r["stadsdeel_id"], naam=r["stadsdeel_naam"]),
        gesloten=r["gesloten_op"] is not None,
        gesloten_op=r["gesloten_op"],
    )


def _school(r: asyncpg.Record) -> School:
    return School(
        id=r["id"],
        naam=r["naam"],
        brin=r["brin"],
        vestiging=r["vestiging"],
        vestigingscode=f"{r['brin']}{r['vestiging']}" if r["brin"] and r["vestiging"] else None,
        intake_email=r["intake_email"],
        wijk=Verwijzing(id=r["wijk_id"], naam=r["wijk_naam"]),
        stadsdeel=Verwijzing(id=r["stadsdeel_id"], naam=r["stadsdeel_naam"]),
        gesloten=r["gesloten_op"] is not None,
        gesloten_op=r["gesloten_op"],
    )


def _gevonden(rows: list[asyncpg.Record], wat: str) -> asyncpg.Record:
    if not rows:
        raise niet_gevonden(wat)
    return rows[0]


# Checking the input: every field's problem at once, in Dutch, by the API's field name


class _Fouten(dict[str, str]):
    def check(self) -> None:
        if self:
            raise InvalidInput(ONGELDIG, invalid_params=[{"name": n, "reason": r} for n, r in self.items()])


def _naam(waarde: str, fouten: _Fouten) -> str:
    naam = duo.compact(waarde)
    if not naam:
        fouten["naam"] = "Vul een naam in."
    return naam


def _lrk(waarde: str, fouten: _Fouten) -> str:
    nummer = "".join(waarde.split())
    if not (nummer.isdecimal() and nummer.isascii() and 9 <= len(nummer) <= 12):
        fouten["lrkNummer"] = (
            "Een LRK-nummer is 9 tot 12 cijfers, zoals het in het Landelijk Register Kinderopvang staat."
        )
    return nummer


def _intake_email(waarde: str, fouten: _Fouten) -> str | None:
    """A school's intake address, or None for none (an empty one)."""
    adres = waarde.strip()
    if adres and not is_email(adres):
        fouten["intakeEmail"] = "Vul een e-mailadres in, bijvoorbeeld administratie@school.nl, of laat het leeg."
    return adres or None


def _brin(waarde: str, fouten: _Fouten) -> str:
    brin = "".join(waarde.split()).upper()
    if not duo.BRIN.fullmatch(brin):
        fouten["brin"] = "Een BRIN-nummer is 4 tekens: 2 cijfers en dan 2 letters of cijfers, bijvoorbeeld 01AB."
    return brin


def _vestiging(waarde: str, fouten: _Fouten) -> str:
    vestiging = waarde.strip()
    if not (vestiging.isdecimal() and vestiging.isascii() and 1 <= len(vestiging) <= 2):
        fouten["vestiging"] = "Het vestigingsnummer is 2 cijfers, bijvoorbeeld 00 voor de hoofdvestiging."
    return vestiging.zfill(2)


def _gesloten_op(nu: datetime | None, gesloten: bool | None) -> datetime | None:
    if gesloten is None:
        return nu
    return (nu or _nu()) if gesloten else None


async def _naam_vrij(db: Executor, tabel: str, wat: str, gemeente_id: UUID, naam: str, behalve: UUID | None) -> None:
    if await organisaties.naam_bezet(db, tabel, gemeente_id, naam, behalve):
        raise naam_bezet(wat)


def naam_bezet(wat: str) -> BestaatAl:
    return BestaatAl(
        f"Uw gemeente heeft al een {wat} met deze naam. Kies een andere naam.",
        invalid_params=[{"name": "naam", "reason": f"er is al een {wat} met deze naam"}],
    )


def niet_gevonden(wat: str) -> NotFound:
    return NotFound(NIET_GEVONDEN.format(DEZE[wat].capitalize()))


def onbekende_ouder(soort: str, veld: str) -> InvalidInput:
    """The stadsdeel or wijk to put something in is not the gemeente's."""
    return InvalidInput(
        f"Kies een {soort} van uw gemeente.", invalid_params=[{"name": veld, "reason": ONBEKEND[soort]}]
    )


def gesloten_ouder(soort: str, veld: str, wat: str) -> Gesloten:
    """The stadsdeel or wijk to put a `wat` in is closed."""
    return Gesloten(
        f"{DEZE[soort].capitalize()} is gesloten: er kan geen {wat} bij. Kies een open {soort}, of open"
        f" {DEZE[soort].split()[0]} eerst weer.",
        invalid_params=[{"name": veld, "reason": f"{DEZE[soort]} is gesloten"}],
    )


async def _open_ouder(
    db: Executor, gemeente_id: UUID, ouder_id: UUID, veld: str, soort: str, wat: str
) -> asyncpg.Record:
    """The stadsdeel or wijk something new goes into: the gemeente's (else 400), open (else 409)."""
    rows = await (organisaties.stadsdelen if soort == "stadsdeel" else organisaties.wijken)(db, gemeente_id, ouder_id)
    if not rows:
        raise onbekende_ouder(soort, veld)
    if rows[0]["gesloten_op"] is not None:
        raise gesloten_ouder(soort, veld, wat)
    return rows[0]


def _audit(ctx: Context, user: Gebruiker, wat: str, ding_id: UUID, velden: Iterable[str]) -> None:
    ctx.audit.add(user, Actie.WIJZIGEN, f"organisatie.{wat}/{ding_id}", velden=velden)


def _gewijzigd(oud: asyncpg.Record, **nieuw: object) -> list[str]:
    """The fields whose value changes, by the API's names."""
    namen = {
        "stadsdeel_id": "stadsdeelId", "wijk_id": "wijkId", "lrk_nummer": "lrkNummer", "gesloten_op": "gesloten",
        "intake_email": "intakeEmail", "bundel_uur": "bundelUur",
    }  # fmt: skip
    return [namen.get(veld, veld) for veld, waarde in nieuw.items() if oud[veld] != waarde]


# The gemeente


async def gemeente(ctx: Context) -> Gemeente:
    user = _beheerder(ctx, Actie.LEZEN)
    row = await organisaties.gemeente(ctx.pool, user.gemeente_id)
    if row is None:
        raise niet_gevonden("gemeente")
    return Gemeente(
        id=row["id"], naam=row["naam"], gemeentecode=row["gemeentecode"], bundelen=row["bundelen"],
        bundel_uur=row["bundel_uur"],
    )  # fmt: skip


async def wijzig_gemeente(ctx: Context, wijziging: GemeenteWijziging) -> Gemeente:
    """The CBS gemeentecode, by which the DUO import finds the gemeente's schools (null: by its name),
    and how its staff get reminders (at once, or a daily digest at an hour). Only the fields given change."""
    user = _beheerder(ctx)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, f"organisatie.gemeente/{user.gemeente_id}", velden=["gemeentecode"])
    given = wijziging.model_fields_set
    code = None
    if wijziging.gemeentecode is not None and wijziging.gemeentecode.strip():
        code = duo.gemeentecode(wijziging.gemeentecode)
        if code is None or code == "0000":
            _Fouten(gemeentecode=GEMEENTECODE).check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        oud = await organisaties.gemeente(conn, user.gemeente_id)
        if oud is None:
            raise niet_gevonden("gemeente")
        code = code if "gemeentecode" in given else oud["gemeentecode"]
        bundelen = oud["bundelen"] if wijziging.bundelen is None else wijziging.bundelen
        uur = oud["bundel_uur"] if wijziging.bundel_uur is None else wijziging.bundel_uur
        entry.velden = _gewijzigd(oud, gemeentecode=code, bundelen=bundelen, bundel_uur=uur)
        await organisaties.update_gemeente(conn, user.gemeente_id, code, bundelen, uur)
    return await gemeente(ctx)


# Stadsdelen


async def stadsdelen(ctx: Context) -> list[Stadsdeel]:
    user = _beheerder(ctx, Actie.LEZEN)
    return [_stadsdeel(r) for r in await organisaties.stadsdelen(ctx.pool, user.gemeente_id)]


async def stadsdeel(ctx: Context, stadsdeel_id: UUID) -> Stadsdeel:
    user = _beheerder(ctx, Actie.LEZEN)
    return _stadsdeel(_gevonden(await organisaties.stadsdelen(ctx.pool, user.gemeente_id, stadsdeel_id), "stadsdeel"))


async def nieuw_stadsdeel(ctx: Context, invoer: StadsdeelNieuw) -> Stadsdeel:
    user = _beheerder(ctx)
    stadsdeel_id = uuid4()
    _audit(ctx, user, "stadsdeel", stadsdeel_id, ["naam"])
    fouten = _Fouten()
    naam = _naam(invoer.naam, fouten)
    fouten.check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        await _naam_vrij(conn, "stadsdelen", "stadsdeel", user.gemeente_id, naam, None)
        await organisaties.insert_stadsdeel(conn, stadsdeel_id, user.gemeente_id, naam)
    return await stadsdeel(ctx, stadsdeel_id)


async def wijzig_stadsdeel(ctx: Context, stadsdeel_id: UUID, wijziging: StadsdeelWijziging) -> Stadsdeel:
    """Rename, close or open again (only the fields given)."""
    user = _beheerder(ctx)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, f"organisatie.stadsdeel/{stadsdeel_id}")
    fouten = _Fouten()
    naam = _naam(wijziging.naam, fouten) if wijziging.naam is not None else None
    fouten.check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        oud = _gevonden(await organisaties.stadsdelen(conn, user.gemeente_id, stadsdeel_id), "stadsdeel")
        naam = naam or oud["naam"]
        gesloten_op = _gesloten_op(oud["gesloten_op"], wijziging.gesloten)
        if naam != oud["naam"]:
            await _naam_vrij(conn, "stadsdelen", "stadsdeel", user.gemeente_id, naam, stadsdeel_id)
        entry.velden = _gewijzigd(oud, naam=naam, gesloten_op=gesloten_op)
        await organisaties.update_stadsdeel(conn, stadsdeel_id, naam, gesloten_op)
    return await stadsdeel(ctx, stadsdeel_id)


# Wijken


async def wijken(ctx: Context) -> list[Wijk]:
    user = _beheerder(ctx, Actie.LEZEN)
    return [_wijk(r) for r in await organisaties.wijken(ctx.pool, user.gemeente_id)]


async def wijk(ctx: Context, wijk_id: UUID) -> Wijk:
    user = _beheerder(ctx, Actie.LEZEN)
    return _wijk(_gevonden(await organisaties.wijken(ctx.pool, user.gemeente_id, wijk_id), "wijk"))


async def nieuwe_wijk(ctx: Context, invoer: WijkNieuw) -> Wijk:
    user = _beheerder(ctx)
    wijk_id = uuid4()
    _audit(ctx, user, "wijk", wijk_id, ["naam", "stadsdeelId"])
    fouten = _Fouten()
    naam = _naam(invoer.naam, fouten)
    fouten.check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        await _open_ouder(conn, user.gemeente_id, invoer.stadsdeel_id, "stadsdeelId", "stadsdeel", "wijk")
        await _naam_vrij(conn, "wijken", "wijk", user.gemeente_id, naam, None)
        await organisaties.insert_wijk(conn, wijk_id, invoer.stadsdeel_id, naam)
    return await wijk(ctx, wijk_id)


async def wijzig_wijk(ctx: Context, wijk_id: UUID, wijziging: WijkWijziging) -> Wijk:
    """Rename, move to another stadsdeel (with its locations and schools), close or open again."""
    user = _beheerder(ctx)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, f"organisatie.wijk/{wijk_id}")
    fouten = _Fouten()
    naam = _naam(wijziging.naam, fouten) if wijziging.naam is not None else None
    fouten.check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        oud = _gevonden(await organisaties.wijken(conn, user.gemeente_id, wijk_id), "wijk")
        naam = naam or oud["naam"]
        stadsdeel_id: UUID = wijziging.stadsdeel_id or oud["stadsdeel_id"]
        gesloten_op = _gesloten_op(oud["gesloten_op"], wijziging.gesloten)
        if stadsdeel_id != oud["stadsdeel_id"]:
            await _open_ouder(conn, user.gemeente_id, stadsdeel_id, "stadsdeelId", "stadsdeel", "wijk")
        if naam != oud["naam"]:
            await _naam_vrij(conn, "wijken", "wijk", user.gemeente_id, naam, wijk_id)
        entry.velden = _gewijzigd(oud, naam=naam, stadsdeel_id=stadsdeel_id, gesloten_op=gesloten_op)
        await organisaties.update_wijk(conn, wijk_id, stadsdeel_id, naam, gesloten_op)
    return await wijk(ctx, wijk_id)


# Voorschool locations


async def locaties(ctx: Context) -> list[Locatie]:
    user = _beheerder(ctx, Actie.LEZEN)
    return [_locatie(r) for r in await organisaties.locaties(ctx.pool, user.gemeente_id)]


async def locatie(ctx: Context, locatie_id: UUID) -> Locatie:
    user = _beheerder(ctx, Actie.LEZEN)
    return _locatie(_gevonden(await organisaties.locaties(ctx.pool, user.gemeente_id, locatie_id), "locatie"))


async def _lrk_vrij(db: Executor, gemeente_id: UUID, lrk_nummer: str, behalve: UUID | None) -> None:
    if await organisaties.lrk_bezet(db, gemeente_id, lrk_nummer, behalve):
        raise lrk_bezet()


def lrk_bezet() -> BestaatAl:
    return BestaatAl(
        "Uw gemeente heeft al een locatie met dit LRK-nummer.",
        invalid_params=[{"name": "lrkNummer", "reason": "er is al een locatie met dit LRK-nummer"}],
    )


async def nieuwe_locatie(ctx: Context, invoer: LocatieNieuw) -> Locatie:
    user = _beheerder(ctx)
    locatie_id = uuid4()
    _audit(ctx, user, "locatie", locatie_id, ["naam", "wijkId", "lrkNummer"])
    fouten = _Fouten()
    naam, lrk = _naam(invoer.naam, fouten), _lrk(invoer.lrk_nummer, fouten)
    fouten.check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        await _open_ouder(conn, user.gemeente_id, invoer.wijk_id, "wijkId", "wijk", "locatie")
        await _naam_vrij(conn, "locaties", "locatie", user.gemeente_id, naam, None)
        await _lrk_vrij(conn, user.gemeente_id, lrk, None)
        await organisaties.insert_locatie(conn, locatie_id, invoer.wijk_id, naam, lrk)
    return await locatie(ctx, locatie_id)


async def wijzig_locatie(ctx: Context, locatie_id: UUID, wijziging: LocatieWijziging) -> Locatie:
    """Rename, move to another wijk, a new LRK number, close or open again (only the fields given)."""
    user = _beheerder(ctx)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, f"organisatie.locatie/{locatie_id}")
    fouten = _Fouten()
    naam = _naam(wijziging.naam, fouten) if wijziging.naam is not None else None
    lrk = _lrk(wijziging.lrk_nummer, fouten) if wijziging.lrk_nummer is not None else None
    fouten.check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        oud = _gevonden(await organisaties.locaties(conn, user.gemeente_id, locatie_id), "locatie")
        naam = naam or oud["naam"]
        wijk_id: UUID = wijziging.wijk_id or oud["wijk_id"]
        lrk = lrk or oud["lrk_nummer"]
        gesloten_op = _gesloten_op(oud["gesloten_op"], wijziging.gesloten)
        if wijk_id != oud["wijk_id"]:
            await _open_ouder(conn, user.gemeente_id, wijk_id, "wijkId", "wijk", "locatie")
        if naam != oud["naam"]:
            await _naam_vrij(conn, "locaties", "locatie", user.gemeente_id, naam, locatie_id)
        if lrk is not None and lrk != oud["lrk_nummer"]:
            await _lrk_vrij(conn, user.gemeente_id, lrk, locatie_id)
        entry.velden = _gewijzigd(oud, naam=naam, wijk_id=wijk_id, lrk_nummer=lrk, gesloten_op=gesloten_op)
        await organisaties.update_locatie(conn, locatie_id, wijk_id, naam, lrk, gesloten_op)
    return await locatie(ctx, locatie_id)


# Schools


async def scholen(ctx: Context) -> list[School]:
    user = _beheerder(ctx, Actie.LEZEN)
    return [_school(r) for r in await organisaties.scholen(ctx.pool, user.gemeente_id)]


async def school(ctx: Context, school_id: UUID) -> School:
    user = _beheerder(ctx, Actie.LEZEN)
    return _school(_gevonden(await organisaties.scholen(ctx.pool, user.gemeente_id, school_id), "school"))


async def _vestiging_vrij(db: Executor, gemeente_id: UUID, brin: str, vestiging: str, behalve: UUID | None) -> None:
    if await organisaties.vestiging_bezet(db, gemeente_id, brin, vestiging, behalve):
        raise vestiging_bezet(brin, vestiging)


def vestiging_bezet(brin: str, vestiging: str) -> BestaatAl:
    reason = "er is al een school met dit BRIN-nummer en deze vestiging"
    return BestaatAl(
        f"Uw gemeente heeft al een school met BRIN {brin} en vestiging {vestiging}.",
        invalid_params=[{"name": "brin", "reason": reason}, {"name": "vestiging", "reason": reason}],
    )


async def nieuwe_school(ctx: Context, invoer: SchoolNieuw) -> School:
    user = _beheerder(ctx)
    school_id = uuid4()
    _audit(ctx, user, "school", school_id, ["naam", "wijkId", "brin", "vestiging", "intakeEmail"])
    fouten = _Fouten()
    naam, brin, vestiging = _naam(invoer.naam, fouten), _brin(invoer.brin, fouten), _vestiging(invoer.vestiging, fouten)
    intake_email = _intake_email(invoer.intake_email or "", fouten)
    fouten.check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        await _open_ouder(conn, user.gemeente_id, invoer.wijk_id, "wijkId", "wijk", "school")
        await _vestiging_vrij(conn, user.gemeente_id, brin, vestiging, None)
        await organisaties.insert_school(conn, school_id, invoer.wijk_id, naam, brin, vestiging, intake_email)
    return await school(ctx, school_id)


async def wijzig_school(ctx: Context, school_id: UUID, wijziging: SchoolWijziging) -> School:
    """Rename, move to another wijk, correct its BRIN or vestiging, close or open again."""
    user = _beheerder(ctx)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, f"organisatie.school/{school_id}")
    fouten = _Fouten()
    naam = _naam(wijziging.naam, fouten) if wijziging.naam is not None else None
    brin = _brin(wijziging.brin, fouten) if wijziging.brin is not None else None
    vestiging = _vestiging(wijziging.vestiging, fouten) if wijziging.vestiging is not None else None
    intake = _intake_email(wijziging.intake_email, fouten) if wijziging.intake_email is not None else None
    fouten.check()
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        oud = _gevonden(await organisaties.scholen(conn, user.gemeente_id, school_id), "school")
        intake_email = oud["intake_email"] if wijziging.intake_email is None else intake
        naam = naam or oud["naam"]
        wijk_id: UUID = wijziging.wijk_id or oud["wijk_id"]
        brin = brin or oud["brin"]
        vestiging = vestiging or oud["vestiging"]
        gesloten_op = _gesloten_op(oud["gesloten_op"], wijziging.gesloten)
        if wijk_id != oud["wijk_id"]:
            await _open_ouder(conn, user.gemeente_id, wijk_id, "wijkId", "wijk", "school")
        if brin is None and vestiging is not None:
            _Fouten(brin="Vul het BRIN-nummer in: een vestiging hoort bij een BRIN.").check()
        if brin is not None and vestiging is not None and (brin, vestiging) != (oud["brin"], oud["vestiging"]):
            await _vestiging_vrij(conn, user.gemeente_id, brin, vestiging, school_id)
        entry.velden = _gewijzigd(
            oud, naam=naam, wijk_id=wijk_id, brin=brin, vestiging=vestiging, gesloten_op=gesloten_op,
            intake_email=intake_email,
        )  # fmt: skip
        await organisaties.update_school(conn, school_id, wijk_id, naam, brin, vestiging, gesloten_op, intake_email)
    return await school(ctx, school_id)


# The schools from DUO's file


async def importeer_duo(
    ctx: Context, upload: Callable[[], Awaitable[bytes]], wijk_id: UUID | None = None
) -> DuoImportResultaat:
    """The gemeente's schools from DUO's file of basisonderwijs vestigingen (`upload` reads it, only once the
    caller may import). The gemeente's rows (by GEMEENTENUMMER when the gemeente has its gemeentecode, else
    by GEMEENTENAAM) each find their school by BRIN and vestiging: a known school takes the file's name
    (a name that differs only in capitals or spaces stays as it is); a new one is added in `wijk_id` (none
    given: it is skipped, and said so). A school the file does not list is reported, never changed.
    Idempotent: importing the same file again changes nothing."""
    user = _beheerder(ctx, Actie.IMPORTEREN)
    ctx.audit.add(user, Actie.IMPORTEREN, "organisatie.scholen.duo-import", velden=["naam", "brin", "vestiging"])
    data = await upload()
    try:
        # A whole country's file: not on the event loop.
        bestand = await asyncio.to_thread(duo.lees_bestand, data)
    except duo.BestandOngeldig as exc:
        kolommen = exc.kolommen or {"bestand": exc.reden}
        raise InvalidInput(exc.reden, invalid_params=[{"name": k, "reason": r} for k, r in kolommen.items()]) from None
    async with organisaties.transaction(ctx.pool, user.gemeente_id) as conn:
        if wijk_id is not None:
            await _open_ouder(conn, user.gemeente_id, wijk_id, "wijkId", "wijk", "school")
        g = await organisaties.gemeente(conn, user.gemeente_id)
        if g is None:
            raise niet_gevonden("gemeente")
        op_nummer = g["gemeentecode"] is not None and bestand.met_gemeentenummer
        if not op_nummer and not bestand.met_gemeentenaam:
            raise InvalidInput(
                GEEN_GEMEENTECODE,
                invalid_params=[{"name": "gemeentecode", "reason": "nodig voor de kolom GEMEENTENUMMER"}],
            )
        run = _DuoImport(ctx, user, conn, wijk_id, await organisaties.scholen(conn, user.gemeente_id))
        if op_nummer:
            eigen = [r.gemeentenummer == g["gemeentecode"] for r in bestand.regels]
        else:
            sleutel = duo.compact(g["naam"]).casefold()
            eigen = [r.gemeentenaam is not None and r.gemeentenaam.casefold() == sleutel for r in bestand.regels]
        await run.all(bestand.regels, eigen)
    return run.result(len(bestand.regels), "gemeentenummer" if op_nummer else "gemeentenaam")


class _DuoImport:
    def __init__(
        self, ctx: Context, user: Gebruiker, conn: Executor, wijk_id: UUID | None, scholen: list[asyncpg.Record]
    ) -> None:
        self.ctx, self.user, self.conn, self.wijk_id = ctx, user, conn, wijk_id
        self.scholen = scholen
        self.per_code = {(r["brin"], r["vestiging"]): r for r in scholen if r["vestiging"] is not None}
        self.gevonden: set[UUID] = set()
        self.regels: list[DuoRij] = []
        self.tellers: Counter[DuoUitkomst] = Counter()
        self.andere_gemeente = 0

    async def all(self, regels: list[duo.Regel], eigen: list[bool]) -> None:
        # How many vestigingen of each BRIN the gemeente's rows hold: a known school with that BRIN and no
        # vestiging yet is the one when there is only one.
        per_brin = Counter(r.brin for r, e in zip(regels, eigen, strict=True) if e and r.fout is None)
        gezien: dict[tuple[str, str], int] = {}
        for regel, van_ons in zip(regels, eigen, strict=True):
            if not van_ons:
                self.andere_gemeente += 1
                wie = regel.gemeentenaam or regel.gemeentenummer or "onbekend"
                self._rij(regel, DuoUitkomst.OVERGESLAGEN, None, f"andere gemeente ({wie})", eigen=False)
            elif regel.fout is not None:
                self._rij(regel, DuoUitkomst.OVERGESLAGEN, None, regel.fout)
            else:
                assert regel.brin is not None and regel.vestiging is not None and regel.naam is not None
                code = (regel.brin, regel.vestiging)
                if code in gezien:
                    reden = f"dezelfde vestiging als regel {gezien[code]}"
                    self._rij(regel, DuoUitkomst.OVERGESLAGEN, None, reden)
                    continue
                gezien[code] = regel.regel
                await self._een(regel, per_brin[regel.brin] == 1)

    def _match(self, regel: duo.Regel, enige_van_brin: bool) -> asyncpg.Record | None:
        """The known school of this row: by BRIN and vestiging; else one without a vestiging yet (made by
        hand, or before the vestiging was kept) with this row's name and BRIN (or none), or with its BRIN
        when the file has only this one vestiging of it."""
        if (r := self.per_code.get((regel.brin, regel.vestiging))) is not None:
            return r
        sleutel = duo.compact(regel.naam or "").casefold()
        zonder = [r for r in self.scholen if r["vestiging"] is None and r["id"] not in self.gevonden]
        for r in zonder:
            if r["brin"] in (None, regel.brin) and duo.compact(r["naam"]).casefold() == sleutel:
                return r
        matches = [r for r in zonder if r["brin"] == regel.brin]
        return matches[0] if enige_van_brin and len(matches) == 1 else None

    async def _een(self, regel: duo.Regel, enige_van_brin: bool) -> None:
        assert regel.brin is not None and regel.vestiging is not None and regel.naam is not None
        oud = self._match(regel, enige_van_brin)
        if oud is None:
            if self.wijk_id is None:
                reden = "nieuwe school: kies op het formulier de wijk voor nieuwe scholen"
                self._rij(regel, DuoUitkomst.OVERGESLAGEN, None, reden)
                return
            school_id = uuid4()
            await organisaties.insert_school(
                self.conn, school_id, self.wijk_id, regel.naam, regel.brin, regel.vestiging
            )
            self._audit(school_id, ["naam", "wijkId", "brin", "vestiging"])
            self._rij(regel, DuoUitkomst.TOEGEVOEGD, school_id, None)
            return
        self.gevonden.add(oud["id"])
        velden = []
        naam = oud["naam"]
        if duo.compact(oud["naam"]).casefold() != duo.compact(regel.naam).casefold():
            naam, velden = regel.naam, ["naam"]
        if oud["vestiging"] is None:
            velden += ["brin", "vestiging"]
        if not velden:
            self._rij(regel, DuoUitkomst.ONGEWIJZIGD, oud["id"], None)
            return
        await organisaties.update_school(
            self.conn, oud["id"], oud["wijk_id"], naam, regel.brin, regel.vestiging, oud["gesloten_op"],
            oud["intake_email"],
        )  # fmt: skip
        self._audit(oud["id"], velden)
        wat = {"naam": f"naam was '{oud['naam']}'", "brin": "BRIN en vestiging aangevuld"}
        self._rij(regel, DuoUitkomst.BIJGEWERKT, oud["id"], "; ".join(wat[v] for v in velden if v in wat))

    def _audit(self, school_id: UUID, velden: list[str]) -> None:
        self.ctx.audit.add(self.user, Actie.IMPORTEREN, f"organisatie.school/{school_id}", velden=velden)

    def _rij(
        self,
        regel: duo.Regel,
        uitkomst: DuoUitkomst,
        school_id: UUID | None,
        toelichting: str | None,
        *,
        eigen: bool = True,
    ) -> None:
        if eigen:  # the other gemeenten' rows: counted apart, without their names
            self.tellers[uitkomst] += 1
        self.regels.append(
            DuoRij(
                regel=regel.regel,
                uitkomst=uitkomst,
                eigen_gemeente=eigen,
                vestigingscode=regel.vestigingscode,
                naam=regel.naam if eigen else None,
                school_id=school_id,
                toelichting=toelichting,
            )
        )

    def result(self, rijen: int, gemeente_op: str) -> DuoImportResultaat:
        niet = [_school(r) for r in self.scholen if r["id"] not in self.gevonden and r["gesloten_op"] is None]
        return DuoImportResultaat(
            rijen=rijen,
            toegevoegd=self.tellers[DuoUitkomst.TOEGEVOEGD],
            bijgewerkt=self.tellers[DuoUitkomst.BIJGEWERKT],
            ongewijzigd=self.tellers[DuoUitkomst.ONGEWIJZIGD],
            overgeslagen=self.tellers[DuoUitkomst.OVERGESLAGEN],
            andere_gemeente=self.andere_gemeente,
            gemeente_op=gemeente_op,
            regels=self.regels,
            niet_in_bestand=niet,
        )
