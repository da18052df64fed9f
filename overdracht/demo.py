"""The Almere demo data: organisations, a user for every role, and children at every stage. The
stages are reached the real way, through the API and the workflow; seeding again changes nothing."""

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from core.settings import Settings
from core.temporal import connect
from db import protocol as protocols
from db.pool import create_pool
from overdracht.worker import build_worker
from protocol.loader import load as load_protocol
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol, Status
from services.commands import overdracht_id_for


def _id(kind: int, n: int) -> UUID:
    """Readable fixed ids: the first digit says what it is (1 gemeente … 7 kind)."""
    return UUID(f"{kind}0000000-0000-4000-8000-{n:012d}")


ALMERE = _id(1, 1)
STADSDELEN = {_id(2, 1): "Almere Stad", _id(2, 2): "Almere Buiten"}
WIJKEN = {
    _id(3, 1): (_id(2, 1), "Centrum"),
    _id(3, 2): (_id(2, 1), "Literatuurwijk"),
    _id(3, 3): (_id(2, 1), "Parkwijk"),
    _id(3, 4): (_id(2, 2), "Regenboogbuurt"),
    _id(3, 5): (_id(2, 2), "Molenbuurt"),
}
BOOMHUT, ZONNETJE, REGENBOOG = _id(4, 1), _id(4, 2), _id(4, 3)
LOCATIES = {
    BOOMHUT: (_id(3, 2), "Peuteropvang De Boomhut"),
    ZONNETJE: (_id(3, 3), "Kinderdagverblijf Het Zonnetje"),
    REGENBOOG: (_id(3, 4), "Peuterspeelzaal De Regenboog"),
}
STER, POLDER, BAKEN = _id(5, 1), _id(5, 2), _id(5, 3)
SCHOLEN = {
    STER: (_id(3, 1), "Basisschool De Ster", "01AB"),
    POLDER: (_id(3, 3), "OBS De Polder", "02CD"),
    BAKEN: (_id(3, 5), "Kindcentrum Het Baken", "03EF"),
}


def _user(n: int, naam: str, rol: Rol, **scope: UUID) -> Gebruiker:
    return Gebruiker.model_validate({"id": _id(6, n), "naam": naam, "rol": rol, "gemeente_id": ALMERE, **scope})


STAFF_USERS = [
    _user(1, "Sanne de Vries", Rol.PEDAGOGISCH_MEDEWERKER, locatie_id=BOOMHUT),
    _user(2, "Yasmina Amrani", Rol.PEDAGOGISCH_MEDEWERKER, locatie_id=ZONNETJE),
    _user(3, "Lotte Bakker", Rol.PEDAGOGISCH_MEDEWERKER, locatie_id=REGENBOOG),
    _user(4, "Peter Visser", Rol.LOCATIEMANAGER, locatie_id=BOOMHUT),
    _user(5, "Ingrid Mulder", Rol.LOCATIEMANAGER, locatie_id=ZONNETJE),
    _user(6, "Karim Benali", Rol.LOCATIEMANAGER, locatie_id=REGENBOOG),
    _user(7, "Marieke Smit (IB)", Rol.SCHOOL, school_id=STER),
    _user(8, "Joost de Boer (IB)", Rol.SCHOOL, school_id=POLDER),
    _user(9, "Esther Dekker (IB)", Rol.SCHOOL, school_id=BAKEN),
    _user(10, "Anouk Jansen", Rol.COORDINATOR),
    _user(11, "Ruud Hendriks", Rol.BEHEERDER),
    _user(12, "Hanneke Verbeek (directie)", Rol.SCHOOL, school_id=STER),
    _user(13, "Mehmet Aydin (directie)", Rol.SCHOOL, school_id=POLDER),
    _user(14, "Wendy Kramer (directie)", Rol.SCHOOL, school_id=BAKEN),
]
COORDINATOR = STAFF_USERS[9].id
# Contact details for the notifications, beside Gebruiker (which is who signs in, not an address book).
_MAIL_DOMAIN = {
    BOOMHUT: "boomhut", ZONNETJE: "zonnetje", REGENBOOG: "regenboog", STER: "ster", POLDER: "polder", BAKEN: "baken"
}  # fmt: skip
FUNCTIE = {
    _id(6, 7): "intern_begeleider", _id(6, 8): "intern_begeleider", _id(6, 9): "intern_begeleider",
    _id(6, 12): "directie", _id(6, 13): "directie", _id(6, 14): "directie",
}  # fmt: skip


def demo_email(user: Gebruiker) -> str:
    """A made-up address from the name and the organisation: sanne.de.vries@boomhut.demo.invalid."""
    local = ".".join(user.naam.split(" (")[0].lower().split())
    organisation = user.locatie_id or user.school_id
    domain = _MAIL_DOMAIN.get(organisation, "almere") if organisation else "almere"
    return f"{local}@{domain}.demo.invalid"


# Parent users have ids 60000000-…-0000000001NN, NN the child's number.
PARENT_BASE = 100


@dataclass(frozen=True)
class DemoChild:
    n: int
    voornaam: str
    achternaam: str
    locatie_id: UUID
    school_id: UUID | None
    months: int  # age in whole months today
    stage: Status | None  # None: no overdracht yet
    vve: bool = False

    @property
    def id(self) -> UUID:
        return _id(7, self.n)

    @property
    def parent_id(self) -> UUID:
        return _id(6, PARENT_BASE + self.n)


_B, _Z, _R = BOOMHUT, ZONNETJE, REGENBOOG
S = Status
CHILDREN = [
    # Too young: their overdracht opens at 3 years 6 months.
    DemoChild(1, "Noor", "Jansen", _B, STER, 36, None),
    DemoChild(2, "Daan", "de Jong", _Z, POLDER, 38, None, vve=True),
    DemoChild(3, "Liv", "Bos", _R, BAKEN, 40, None),
    DemoChild(4, "Finn", "Meijer", _B, STER, 41, None),
    # VVE-indicatie, past 3 years 6 months, and still no overdracht: what the coordinator must see.
    DemoChild(5, "Sem", "Yilmaz", _Z, None, 43, None, vve=True),
    DemoChild(6, "Saar", "Peters", _R, BAKEN, 44, None, vve=True),
    # CONCEPT: the PM'er is drafting.
    DemoChild(7, "Julia", "Hoekstra", _B, STER, 42, S.CONCEPT),
    DemoChild(8, "Mohammed", "El Idrissi", _Z, POLDER, 42, S.CONCEPT, vve=True),
    DemoChild(9, "Tess", "van Dijk", _R, BAKEN, 43, S.CONCEPT),
    DemoChild(10, "Levi", "Koster", _B, None, 43, S.CONCEPT),
    DemoChild(11, "Zoë", "Brouwer", _Z, POLDER, 44, S.CONCEPT, vve=True),
    # BIJ_OUDERS: waiting for the parents.
    DemoChild(12, "Lucas", "Vermeulen", _B, STER, 44, S.BIJ_OUDERS),
    DemoChild(13, "Emma", "Kaya", _Z, POLDER, 44, S.BIJ_OUDERS, vve=True),
    DemoChild(14, "Milan", "de Graaf", _R, BAKEN, 45, S.BIJ_OUDERS),
    DemoChild(15, "Yara", "Postma", _B, None, 45, S.BIJ_OUDERS),
    # WACHT_OP_SCHOOL: consent given, no school named yet.
    DemoChild(16, "Adam", "Öztürk", _Z, None, 45, S.WACHT_OP_SCHOOL, vve=True),
    DemoChild(17, "Nina", "Willems", _R, None, 46, S.WACHT_OP_SCHOOL),
    # GEREED_VOOR_VERZENDING: consent given, school known.
    DemoChild(18, "Jesse", "Schouten", _B, STER, 45, S.GEREED_VOOR_VERZENDING),
    DemoChild(19, "Fenna", "Hermans", _Z, POLDER, 46, S.GEREED_VOOR_VERZENDING),
    DemoChild(20, "Ibrahim", "Bakr", _R, BAKEN, 46, S.GEREED_VOOR_VERZENDING, vve=True),
    # VERZONDEN: with the school, receipt not yet confirmed.
    DemoChild(21, "Sophie", "Kuipers", _B, STER, 46, S.VERZONDEN),
    DemoChild(22, "Thomas", "Dijkstra", _Z, POLDER, 46, S.VERZONDEN, vve=True),
    DemoChild(23, "Anna", "Prins", _R, BAKEN, 47, S.VERZONDEN),
    DemoChild(24, "Ravi", "Ramdin", _B, POLDER, 47, S.VERZONDEN),
    # AFGEROND: received and confirmed.
    DemoChild(25, "Lieke", "Wouters", _B, STER, 47, S.AFGEROND),
    DemoChild(26, "Noah", "Sedney", _Z, POLDER, 47, S.AFGEROND),
    DemoChild(27, "Mila", "Gerritsen", _R, BAKEN, 48, S.AFGEROND),
    DemoChild(28, "Bram", "Kok", _B, BAKEN, 47, S.AFGEROND),
    # GEWEIGERD: the parents refused.
    DemoChild(29, "Eva", "Timmermans", _Z, POLDER, 45, S.GEWEIGERD),
    DemoChild(30, "Owen", "Mahabier", _R, BAKEN, 46, S.GEWEIGERD),
    DemoChild(31, "Isa", "van Leeuwen", _B, STER, 44, S.BIJ_OUDERS),
    # VVE children after receipt: the warme overdracht is still to be planned, or planned.
    DemoChild(32, "Amira", "Haddou", _Z, POLDER, 47, S.ONTVANGEN, vve=True),
    DemoChild(33, "Jayden", "Pinas", _R, BAKEN, 47, S.WARME_OVERDRACHT_GEPLAND, vve=True),
    # Side exits: consent withdrawn before receipt; the child moved away.
    DemoChild(34, "Lina", "Bouzid", _B, STER, 46, S.INGETROKKEN),
    DemoChild(35, "Ruben", "Smits", _Z, POLDER, 43, S.GEANNULEERD),
]
SCHOOL_USER = {STER: _id(6, 7), POLDER: _id(6, 8), BAKEN: _id(6, 9)}
PM_USER = {BOOMHUT: _id(6, 1), ZONNETJE: _id(6, 2), REGENBOOG: _id(6, 3)}
LM_USER = {BOOMHUT: _id(6, 4), ZONNETJE: _id(6, 5), REGENBOOG: _id(6, 6)}


def months_before(today: date, months: int, days: int = 0) -> date:
    """`today` less whole months (clamped to month end) and some days."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(today.day, last)) - timedelta(days=days)


def demo_form(child: DemoChild, complete: bool = True) -> dict[str, Any]:
    niveaus = ["zoals_verwacht", "voorsprong", "aandacht", "zoals_verwacht"]
    domeinen = [
        "taal", "rekenen", "motoriek_grof", "motoriek_fijn",
        "sociaal_emotioneel", "spel", "zelfredzaamheid", "welbevinden",
    ]  # fmt: skip
    ontwikkeling = {
        d: {"niveau": niveaus[(child.n + i) % len(niveaus)], "toelichting": "Speelt graag samen in de bouwhoek."}
        for i, d in enumerate(domeinen if complete else domeinen[:3])
    }
    vve = (
        {"indicatie": True, "programma": "kaleidoscoop", "maandenDeelname": child.months - 30, "urenPerWeek": 16}
        if child.vve
        else {"indicatie": False}
    )
    form: dict[str, Any] = {"voorschool": {"urenPerWeek": 8}, "vve": vve, "ontwikkeling": ontwikkeling}
    if complete:
        form["observatie"] = {"instrument": "kijk", "datum": (date.today() - timedelta(days=20)).isoformat()}
    return form


async def load_reference_data(pool: asyncpg.Pool, today: date) -> None:
    """Almere's organisations, protocol, users and children; safe to repeat."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("INSERT INTO gemeenten VALUES ($1, 'Almere') ON CONFLICT DO NOTHING", ALMERE)
        await conn.executemany(
            "INSERT INTO stadsdelen VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            [(i, ALMERE, naam) for i, naam in STADSDELEN.items()],
        )
        await conn.executemany(
            "INSERT INTO wijken VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            [(i, sd, naam) for i, (sd, naam) in WIJKEN.items()],
        )
        await conn.executemany(
            "INSERT INTO locaties VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            [(i, w, naam) for i, (w, naam) in LOCATIES.items()],
        )
        await conn.executemany(
            "INSERT INTO scholen VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            [(i, w, naam, brin) for i, (w, naam, brin) in SCHOLEN.items()],
        )
        # A child whose overdracht was purged is not brought back: its record went with the content.
        purged = {
            r["id"] for r in await conn.fetch("SELECT id FROM overdrachten WHERE inhoud_verwijderd_op IS NOT NULL")
        }
        await conn.executemany(
            "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie,"
            " vve_indicatie_datum, aangemelde_school_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " ON CONFLICT DO NOTHING",
            [
                (
                    c.id,
                    c.locatie_id,
                    c.voornaam,
                    c.achternaam,
                    months_before(today, c.months, c.n % 20),
                    c.vve,
                    months_before(today, c.months - 24) if c.vve else None,
                    c.school_id,
                )  # fmt: skip
                for c in CHILDREN
                if overdracht_id_for(c.id) not in purged
            ],
        )
        parents = [
            (_user(PARENT_BASE + c.n, f"Ouder van {c.voornaam}", Rol.OUDER, kind_id=c.id), f"ouder.{c.n}@demo.invalid")
            for c in CHILDREN
            if overdracht_id_for(c.id) not in purged
        ]
        users = [(u, demo_email(u)) for u in STAFF_USERS] + parents
        # Updating the contact details lets a database seeded before they existed get them too.
        await conn.executemany(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id, school_id, kind_id, email, functie)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            " ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, functie = EXCLUDED.functie",
            [
                (u.id, u.naam, u.rol.value, ALMERE, u.locatie_id, u.school_id, u.kind_id, email, FUNCTIE.get(u.id))
                for u, email in users
            ],
        )
        # Every child's mentor is its location's PM'er (a database seeded before there were mentors too).
        await conn.executemany(
            "UPDATE kinderen SET mentor_id = $2 WHERE id = $1 AND mentor_id IS NULL",
            [(c.id, PM_USER[c.locatie_id]) for c in CHILDREN if overdracht_id_for(c.id) not in purged],
        )
    await protocols.store(pool, ALMERE, load_protocol())


@dataclass(frozen=True)
class _Step:
    """One API call that moves a child on, taken only from the state it starts in."""

    start: Status
    method: str
    path: str
    by: str  # "pm", "lm", "ouder" or "school"
    body: dict[str, Any] | None = None


def _path(child: DemoChild, stage: Status) -> list[_Step]:
    """The steps that take this child from its opened overdracht to its stage."""
    first_day = months_before(date.today(), child.months - 48, -30).isoformat()
    form = _Step(S.CONCEPT, "PUT", "formulier", "pm", demo_form(child, complete=stage is not S.CONCEPT))
    submit = _Step(S.CONCEPT, "POST", "indieningen", "pm")
    consent = _Step(S.BIJ_OUDERS, "POST", "toestemmingen", "ouder", {"besluit": "gegeven"})
    sent = [form, submit, consent, _Step(S.GEREED_VOOR_VERZENDING, "POST", "verzendingen", "pm")]
    received = [*sent, _Step(S.VERZONDEN, "POST", "ontvangstbevestigingen", "school", {"eersteSchooldag": first_day})]
    plan = {
        "actie": "plannen",
        "datum": months_before(date.today(), child.months - 48, 10).isoformat(),
        "vorm": "gesprek",
    }
    return {
        S.CONCEPT: [form],
        S.BIJ_OUDERS: [form, submit],
        S.WACHT_OP_SCHOOL: [form, submit, consent],
        S.GEREED_VOOR_VERZENDING: [form, submit, consent],
        S.VERZONDEN: sent,
        S.ONTVANGEN: received,  # a VVE child: the warme overdracht is still to come
        S.WARME_OVERDRACHT_GEPLAND: [*received, _Step(S.ONTVANGEN, "POST", "warme-overdrachten", "school", plan)],
        S.AFGEROND: received,
        S.GEWEIGERD: [form, submit, _Step(S.BIJ_OUDERS, "POST", "toestemmingen", "ouder", {"besluit": "geweigerd"})],
        S.INGETROKKEN: [
            form,
            submit,
            consent,
            _Step(S.GEREED_VOOR_VERZENDING, "POST", "toestemmingen", "ouder", {"besluit": "ingetrokken"}),
        ],
        S.GEANNULEERD: [
            form,
            _Step(S.CONCEPT, "POST", "annuleringen", "lm", {"reden": "Verhuisd naar een andere gemeente"}),
        ],
    }[stage]


class _Driver:
    """Takes one child to its stage through the API, skipping the steps it already took."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self._tokens: dict[UUID, str] = {}

    async def _as(self, user: UUID) -> dict[str, str]:
        if user not in self._tokens:
            r = await self._http.post("/v1/dev/tokens", json={"gebruikerId": str(user)})
            r.raise_for_status()
            self._tokens[user] = r.json()["accessToken"]
        return {"Authorization": f"Bearer {self._tokens[user]}"}

    async def _call(self, method: str, path: str, user: UUID, body: dict[str, Any] | None = None) -> dict[str, Any]:
        r = await self._http.request(method, path, json=body or {}, headers=await self._as(user))
        if r.status_code >= 300:
            raise RuntimeError(f"seed: {method} {path} answered {r.status_code}: {r.text[:300]}")
        answer: dict[str, Any] = r.json()
        return answer

    async def drive(self, child: DemoChild) -> None:
        if child.stage is None:  # no overdracht yet
            return
        users = {"pm": PM_USER[child.locatie_id], "lm": LM_USER[child.locatie_id], "ouder": child.parent_id}
        if child.school_id is not None:  # a child whose school is unknown takes no step of the school's
            users["school"] = SCHOOL_USER[child.school_id]
        o = await self._call("POST", "/v1/overdrachten", users["pm"], {"kindId": str(child.id)})
        for i, step in enumerate(_path(child, child.stage)):
            # The form is saved once, right after opening; any other step only from its own state.
            already = o["status"] != step.start or (i == 0 and o["formulier"] is not None)
            if not already:
                o = await self._call(step.method, f"/v1/overdrachten/{o['id']}/{step.path}", users[step.by], step.body)
        if o["status"] != child.stage:
            raise RuntimeError(f"seed: child {child.n} reached {o['status']}, expected {child.stage}")


async def seed(settings: Settings) -> str:
    """Load the demo data. Runs its own worker for the duration, so it needs only the engine and
    the database; another worker on the same task queue may run beside it."""
    if not settings.dev_mode:
        raise SystemExit("The demo data is for development and test only (OVERDRACHT_ENVIRONMENT=production).")
    pool = await create_pool(settings.effective_database_url())
    try:
        await load_reference_data(pool, date.today())
        client = await connect(settings)
        app = create_app(settings)
        async with (
            build_worker(client, pool, settings),
            LifespanManager(app) as manager,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://seed") as http,
        ):
            driver = _Driver(http)
            limit = asyncio.Semaphore(8)

            async def one(child: DemoChild) -> None:
                async with limit:
                    await driver.drive(child)

            # A purged overdracht is finished for good: its child is no longer known.
            purged = {
                r["id"] for r in await pool.fetch("SELECT id FROM overdrachten WHERE inhoud_verwijderd_op IS NOT NULL")
            }
            await asyncio.gather(
                *(one(c) for c in CHILDREN if c.stage is not None and overdracht_id_for(c.id) not in purged)
            )
        counts = await pool.fetch("SELECT status, count(*) AS n FROM overdrachten GROUP BY status ORDER BY status")
    finally:
        await pool.close()
    per_status = ", ".join(f"{r['status']} {r['n']}" for r in counts)
    return f"Demo data: {len(CHILDREN)} children; overdrachten per status: {per_status}"
