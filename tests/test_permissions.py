"""The permission matrix: every endpoint × every role × the caller's own scope and a foreign one.

Each cell asserts the HTTP status the API promises (README: The API): 401 without a token, 403 for a role that may never
do this (whatever the scope), 404 for an overdracht outside the caller's scope, and inside it the
step's success status. For the list, the monitoring and the import, "scope" is the caller's
location, school or gemeente: the status is the same, and the answer holds only what is in scope.
Every answer the coordinator and the beheerder get (JSON, and CSV for the monitoring) is searched for
the content of the overdrachten made here: the child's name and date of birth, the form's texts, the
parents' view and every reason (`toelichting`) given.

`ENDPOINTS` is checked against the app's OpenAPI (test_every_endpoint_is_in_the_matrix): a new
endpoint fails the suite until it has a row here.

A successful state-changing call gets an overdracht of its own, driven to the state the step needs
through the API. GETs and refused attempts (401, 403, 404) use one shared overdracht, VERZONDEN to
De Ster with a parents' reaction, a moved deadline, a return and a request for a warme overdracht
behind it; the last test checks that the refused attempts did not change it (its `revisie`)."""

import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from dateutil.relativedelta import relativedelta
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.testing import WorkflowEnvironment

from core.codec import EncryptionCodec, PayloadDecryptionError
from core.settings import Settings
from db import gebruikers
from db import protocol as protocols
from db.scope import scoped
from overdracht import demo
from schemas.protocol import ProtocolConfig
from services.protocol_beheer import als_toml
from tests.conftest import Login, gemeente_worker
from tests.helpers import PROBLEM, a_pdf, eventually, finished_import
from tests.test_gebruikers import permission_cell as gebruikers_cell

TODAY = date.today()
FIRST_SCHOOL_DAY = (TODAY + timedelta(days=120)).isoformat()
WARM_DAY = (TODAY + timedelta(days=100)).isoformat()
MOVED_DEADLINE = (TODAY + timedelta(days=400)).isoformat()

# Content: distinctive strings, so a leak of any of them is found in the raw answer.
VOORNAAM = "Vertrouwelijkvoornaam"
ACHTERNAAM = "Vertrouwelijkachternaam"
FORM_TEXT = "Formuliertekst-vertrouwelijk"
PROFESSIONALS = "Logopedist-vertrouwelijk"
ADVIES = "Schooladvies-vertrouwelijk"
ZIENSWIJZE = "Zienswijze-vertrouwelijk"
REACTIE_REDEN = "Reactiereden-vertrouwelijk"
DEADLINE_REDEN = "Deadlinereden-vertrouwelijk"
RETOUR_REDEN = "Retourreden-vertrouwelijk"
WARM_REDEN = "Warmreden-vertrouwelijk"
ONTVANGST_REDEN = "Ontvangstreden-vertrouwelijk"
ANNULEER_REDEN = "Annuleerreden-vertrouwelijk"
IMPORT_NAAM = "Importkind-vertrouwelijk"
OBSERVATIE = "Observatieexportvertrouwelijk"  # the title inside the PDF export
CODEC_INHOUD = "Payloadinhoud-vertrouwelijk"  # in an engine payload
PDF = a_pdf(OBSERVATIE)
TOESTEMMINGSSCAN = "Toestemmingsscanvertrouwelijk"  # the title inside a parent's consent scan
SCAN = a_pdf(TOESTEMMINGSSCAN)
# Dates of birth, none of them a day any deadline or timestamp of these overdrachten falls on.
BORN = TODAY - relativedelta(years=3, months=7, days=3)  # past the start age, no deadline passed
BORN_OVERDUE = TODAY - relativedelta(years=3, months=11, days=5)  # past the send deadline
BORN_ELDERS = TODAY - relativedelta(years=3, months=8, days=9)
BORN_IMPORT = TODAY - relativedelta(years=2, days=11)  # opens itself at 3½
SECRETS = [
    VOORNAAM,
    ACHTERNAAM,
    FORM_TEXT,
    PROFESSIONALS,
    ADVIES,
    ZIENSWIJZE,
    REACTIE_REDEN,
    DEADLINE_REDEN,
    RETOUR_REDEN,
    WARM_REDEN,
    ONTVANGST_REDEN,
    ANNULEER_REDEN,
    IMPORT_NAAM,
    OBSERVATIE,
    TOESTEMMINGSSCAN,
    *(d.isoformat() for d in (BORN, BORN_OVERDUE, BORN_ELDERS, BORN_IMPORT)),
    *(d.strftime("%d-%m-%Y") for d in (BORN, BORN_OVERDUE, BORN_ELDERS, BORN_IMPORT)),
]
DOMAINS = (
    "taal", "rekenen", "motoriek_grof", "motoriek_fijn", "sociaal_emotioneel", "spel", "zelfredzaamheid", "welbevinden"
)  # fmt: skip


def form(vve: bool = False) -> dict[str, Any]:
    """A complete form, its free texts the distinctive strings."""
    return {
        "voorschool": {"sinds": "2024-09-01", "urenPerWeek": 16},
        "vve": {"indicatie": True, "programma": "piramide", "maandenDeelname": 14} if vve else {"indicatie": False},
        "ontwikkeling": {d: {"niveau": "zoals_verwacht", "toelichting": FORM_TEXT} for d in DOMAINS},
        "observatie": {"instrument": "kijk", "datum": (TODAY - timedelta(days=20)).isoformat()},
        "bijzonderheden": {"betrokkenProfessionals": PROFESSIONALS, "adviesVoorSchool": ADVIES},
    }


# The people

ROLES = ("pm", "lm", "ouder", "school", "coordinator", "beheerder")
METADATA_ONLY = {"coordinator", "beheerder"}
SCOPES = ("eigen", "vreemd")
BEHEERDER = UUID("60000000-0000-4000-8000-000000000011")
# A parent of another child (Lucas, also at De Boomhut).
OTHER_PARENT = next(c.parent_id for c in demo.CHILDREN if c.n == 12)


# The table

Body = Callable[["Case"], Any]


@dataclass(frozen=True)
class Endpoint:
    key: str  # the test id
    method: str
    path: str  # as the OpenAPI names it
    kind: str  # open | read | step | list | monitoring | import
    allowed: frozenset[str]  # the roles the API contract lets do this
    success: int = 200
    stage: str | None = None  # step: the state a fresh overdracht is driven to for the successful call
    vve: bool = False  # step: that overdracht's child has a VVE-indicatie (a warme overdracht is required)
    body: Body | None = None
    ouder_email: bool = False  # step: the child's parent has an address (a new code goes by mail)

    def url(self, case: "Case") -> str:
        return self.path.format(overdracht_id=case.id, stap="verzenden", ouder_id=case.parent_id, kind_id=case.kind_id)


STAFF = frozenset({"pm", "lm"})
BEHEER = frozenset({"beheerder"})
# The organisation's resources and the name of their id in the path.
ORGANISATIE_IDS = {"stadsdelen": "stadsdeel_id", "wijken": "wijk_id", "locaties": "locatie_id", "scholen": "school_id"}
EVERYONE = frozenset(ROLES)
ONE = "/v1/overdrachten/{overdracht_id}"

ENDPOINTS = [
    Endpoint("openen", "POST", "/v1/overdrachten", "open", STAFF, 201),
    Endpoint("lijst", "GET", "/v1/overdrachten", "list", EVERYONE),
    Endpoint("detail", "GET", ONE, "read", EVERYONE),
    Endpoint("tijdlijn", "GET", ONE + "/tijdlijn", "read", EVERYONE),
    Endpoint("formulier", "PUT", ONE + "/formulier", "step", STAFF, 200, "geopend", body=lambda c: form()),
    # The observation export with the form: added while it is a draft, read by whoever may read the form.
    Endpoint(
        "observatie-export-toevoegen",
        "PUT",
        ONE + "/observatie-export",
        "step",
        STAFF,
        200,
        "concept",
        body=lambda c: PDF,
    ),
    Endpoint("observatie-export", "GET", ONE + "/observatie-export", "read", STAFF | {"ouder", "school"}),
    Endpoint("indieningen", "POST", ONE + "/indieningen", "step", STAFF, 201, "concept"),
    Endpoint(
        "ouderreacties",
        "POST",
        ONE + "/ouderreacties",
        "step",
        frozenset({"ouder"}),
        201,
        "bij_ouders",
        body=lambda c: {"eens": "nee", "zienswijze": ZIENSWIJZE, "reden": REACTIE_REDEN},
    ),
    Endpoint(
        "correcties",
        "POST",
        ONE + "/correcties",
        "step",
        STAFF,
        201,
        "bij_ouders",
        body=lambda c: {"reden": ANNULEER_REDEN},
    ),
    Endpoint("papieren-kopieen", "POST", ONE + "/papieren-kopieen", "step", STAFF, 201, "bij_ouders"),
    Endpoint(
        "toestemmingen",
        "POST",
        ONE + "/toestemmingen",
        "step",
        frozenset({"ouder"}),
        201,
        "bij_ouders",
        body=lambda c: {"besluit": "gegeven"},
    ),
    # Consent on paper: the location records a parent's decision for them.
    Endpoint(
        "toestemming-namens-ouder",
        "POST",
        ONE + "/ouders/{ouder_id}/toestemmingen",
        "step",
        STAFF,
        201,
        "bij_ouders",
        body=lambda c: {"besluit": "gegeven", "wijze": "handtekening", "datum": TODAY.isoformat()},
    ),
    Endpoint(
        "school",
        "PUT",
        ONE + "/school",
        "step",
        STAFF | {"ouder"},
        200,
        "concept",
        body=lambda c: {"schoolId": str(demo.POLDER)},
    ),
    Endpoint("verzendingen", "POST", ONE + "/verzendingen", "step", STAFF, 201, "gereed_voor_verzending"),
    Endpoint(
        "ontvangstbevestigingen",
        "POST",
        ONE + "/ontvangstbevestigingen",
        "step",
        frozenset({"school"}),
        201,
        "verzonden",
        body=lambda c: {"eersteSchooldag": FIRST_SCHOOL_DAY, "reden": ONTVANGST_REDEN},
    ),
    Endpoint(
        "retouren",
        "POST",
        ONE + "/retouren",
        "step",
        frozenset({"school"}),
        201,
        "verzonden",
        body=lambda c: {"reden": RETOUR_REDEN},
    ),
    Endpoint(
        "warme-overdracht-aanvragen",
        "POST",
        ONE + "/warme-overdrachten",
        "step",
        frozenset({"pm", "school", "ouder"}),
        201,
        "verzonden",
        body=lambda c: {"actie": "aanvragen", "reden": WARM_REDEN},
    ),
    Endpoint(
        "warme-overdracht-plannen",
        "POST",
        ONE + "/warme-overdrachten",
        "step",
        frozenset({"pm", "school"}),
        201,
        "ontvangen",
        vve=True,
        body=lambda c: {"actie": "plannen", "datum": WARM_DAY, "vorm": "gesprek"},
    ),
    Endpoint(
        "warme-overdracht-vastleggen",
        "POST",
        ONE + "/warme-overdrachten",
        "step",
        frozenset({"pm", "school"}),
        201,
        "ontvangen",
        vve=True,
        body=lambda c: {"actie": "vastleggen", "datum": WARM_DAY, "vorm": "gesprek", "deelnemers": ["mentor"]},
    ),
    Endpoint(
        "annuleringen",
        "POST",
        ONE + "/annuleringen",
        "step",
        frozenset({"lm"}),
        201,
        "concept",
        body=lambda c: {"reden": ANNULEER_REDEN},
    ),
    Endpoint(
        "deadline-verplaatsen",
        "PUT",
        ONE + "/deadlines/{stap}",
        "step",
        frozenset({"coordinator"}),
        200,
        "concept",
        body=lambda c: {"datum": MOVED_DEADLINE, "reden": DEADLINE_REDEN},
    ),
    Endpoint(
        "achterstanden",
        "GET",
        "/v1/monitoring/achterstanden",
        "monitoring",
        frozenset({"lm", "school", "coordinator"}),
    ),
    Endpoint("kengetallen", "GET", "/v1/monitoring/kengetallen", "monitoring", STAFF | {"school", "coordinator"}),
    Endpoint("zonder-overdracht", "GET", "/v1/monitoring/zonder-overdracht", "monitoring", frozenset({"coordinator"})),
    # The trend per month and the deadline forecast: aggregates, within the scope (tests/test_prognose.py).
    Endpoint("trend", "GET", "/v1/monitoring/trend", "monitoring", STAFF | {"school", "coordinator"}),
    Endpoint("prognose", "GET", "/v1/monitoring/prognose", "monitoring", STAFF | {"school", "coordinator"}),
    Endpoint("import", "POST", "/v1/imports/plaatsingen", "import", frozenset({"lm", "beheerder"}), 202),
    # Your own settings (reminders at once or as a daily digest): every member of staff, never a parent.
    Endpoint("instellingen", "GET", "/v1/mijn-instellingen", "instellingen", EVERYONE - {"ouder"}),
    Endpoint("instellingen-wijzigen", "PATCH", "/v1/mijn-instellingen", "instellingen", EVERYONE - {"ouder"}),
    # An import job and its report: the one who started it (De Boomhut's manager) and their beheerder.
    Endpoint("importtaak", "GET", "/v1/imports/{import_id}", "importtaak", frozenset({"lm", "beheerder"})),
    Endpoint("importverslag", "GET", "/v1/imports/{import_id}/rapport", "importtaak", frozenset({"lm", "beheerder"})),
    # The child's inzage-log: its parents and the voorschool location's staff.
    Endpoint("inzage-log", "GET", ONE + "/inzage-log", "read", STAFF | {"ouder"}),
    # The audit trail's export: the privacy officer (functioneel beheer), their own gemeente's.
    Endpoint("audit", "GET", "/v1/audit", "audit", frozenset({"beheerder"})),
    # A parent's new code: the child's location sees its parents, prints one a letter or mails a link.
    Endpoint("ouders", "GET", ONE + "/ouders", "read", STAFF),
    Endpoint("ouder-brief", "POST", ONE + "/ouders/{ouder_id}/brieven", "step", STAFF, 200, "geopend"),
    Endpoint(
        "ouder-nieuwe-code",
        "POST",
        ONE + "/ouders/{ouder_id}/nieuwe-codes",
        "step",
        STAFF,
        202,
        "geopend",
        ouder_email=True,
    ),
    # The scan of a parent's consent form signed on paper: added by the location's staff while the overdracht
    # runs, read by them and by that parent (not the school: it needs no scan).
    Endpoint(
        "toestemmingsscan-toevoegen",
        "PUT",
        ONE + "/ouders/{ouder_id}/toestemmingsscan",
        "step",
        STAFF,
        200,
        "bij_ouders",
        body=lambda c: SCAN,
    ),
    Endpoint("toestemmingsscan", "GET", ONE + "/ouders/{ouder_id}/toestemmingsscan", "read", STAFF | {"ouder"}),
    # The child's placement: it ends (the child leaves) or moves to another location of the gemeente.
    Endpoint(
        "plaatsing-beeindigen",
        "POST",
        "/v1/kinderen/{kind_id}/plaatsing-beeindigingen",
        "step",
        frozenset({"lm"}),
        200,
        "concept",
        body=lambda c: {"reden": ANNULEER_REDEN},
    ),
    Endpoint(
        "verhuizen",
        "POST",
        "/v1/kinderen/{kind_id}/verhuizingen",
        "step",
        frozenset({"lm"}),
        200,
        "concept",
        body=lambda c: {"locatieId": str(demo.ZONNETJE)},
    ),
    # The child's mentor: the locatiemanager names a PM'er of the location.
    Endpoint(
        "mentor",
        "PUT",
        ONE + "/mentor",
        "step",
        frozenset({"lm"}),
        200,
        "geopend",
        body=lambda c: {"mentorId": str(demo.PM_USER[demo.BOOMHUT])},
    ),
    # The organisation: functioneel beheer keeps their own gemeente's (kind "organisatie": see _organisatie).
    *(
        Endpoint(f"organisatie-{m.lower()}-{p[4:].replace('{', '').replace('}', '')}", m, p, "organisatie", BEHEER, c)
        for m, p, c in [
            ("GET", "/v1/gemeente", 200),
            ("PATCH", "/v1/gemeente", 200),
            *((m, f"/v1/{soort}", c) for soort in ORGANISATIE_IDS for m, c in (("GET", 200), ("POST", 201))),
            *((m, f"/v1/{soort}/{{{id_}}}", 200) for soort, id_ in ORGANISATIE_IDS.items() for m in ("GET", "PATCH")),
            ("POST", "/v1/scholen/duo-import", 200),
        ]
    ),
    # The protocol: functioneel beheer uploads, compares and activates their own gemeente's versions (kind
    # "protocol": see _protocol).
    Endpoint("protocol-uploaden", "POST", "/v1/protocol-versies", "protocol", BEHEER, 201),
    Endpoint("protocol-versies", "GET", "/v1/protocol-versies", "protocol", BEHEER),
    Endpoint("protocol-versie", "GET", "/v1/protocol-versies/{versie}", "protocol", BEHEER),
    Endpoint("protocol-activeren", "POST", "/v1/protocol-versies/{versie}/activeringen", "protocol", BEHEER, 201),
    # The people: functioneel beheer invites and manages their own gemeente's staff (kind "gebruikers": another
    # gemeente's person is a 404; see tests/test_gebruikers.py permission_cell).
    Endpoint("gebruikers", "GET", "/v1/gebruikers", "gebruikers", BEHEER),
    Endpoint("gebruiker-uitnodigen", "POST", "/v1/gebruikers", "gebruikers", BEHEER, 201),
    Endpoint("gebruiker", "GET", "/v1/gebruikers/{gebruiker_id}", "gebruikers", BEHEER),
    Endpoint("gebruiker-rol", "PUT", "/v1/gebruikers/{gebruiker_id}/rol", "gebruikers", BEHEER),
    Endpoint("gebruiker-deactiveren", "POST", "/v1/gebruikers/{gebruiker_id}/deactiveringen", "gebruikers", BEHEER),
    Endpoint("gebruiker-activeren", "POST", "/v1/gebruikers/{gebruiker_id}/activeringen", "gebruikers", BEHEER),
    Endpoint(
        "gebruiker-opnieuw-uitnodigen", "POST", "/v1/gebruikers/{gebruiker_id}/uitnodigingen", "gebruikers", BEHEER, 202
    ),
    # The engine's payloads, for the Temporal UI (kind "codec"): with the keys of the caller's own gemeente's
    # namespace. The other gemeente (its namespace of its own) decodes nothing of Almere's (a 400); what it
    # encodes only its own namespace can read. In depth: tests/test_codec.py, tests/test_gemeenten_gescheiden.py.
    Endpoint("codec-ontsleutelen", "POST", "/v1/codec/decode", "codec", BEHEER),
    Endpoint("codec-versleutelen", "POST", "/v1/codec/encode", "codec", BEHEER),
]
# Not in the matrix: anyone's (health), the parent's code exchange (no role yet), and development only.
# The school's overdracht code needs a code, not an overdracht: every role is tried in
# tests/test_overdrachtcode.py.
NOT_IN_MATRIX = (
    "/v1/gezondheid", "/v1/ouder-sessies", "/v1/ouder-code-aanvragen", "/v1/dev/", "/v1/overdrachtcode-inwisselingen",
)  # fmt: skip


def expected_status(ep: Endpoint, role: str, scope: str) -> int:
    if role == "anoniem":
        return 401
    if role not in ep.allowed:
        return 403
    if scope == "vreemd" and ep.kind in ("open", "read", "step", "importtaak"):
        return 404
    if scope == "vreemd" and ep.kind == "organisatie" and "{" in ep.path:  # another gemeente's stadsdeel, …
        return 404
    if scope == "vreemd" and ep.key == "codec-ontsleutelen":  # Almere's payload, under keys it does not have
        return 400
    return ep.success


def matrix() -> list[Any]:
    params = []
    for ep in ENDPOINTS:
        for role in ROLES:
            for scope in SCOPES:
                params.append(pytest.param(ep, role, scope, id=f"{ep.key}-{role}-{scope}"))
        params.append(pytest.param(ep, "anoniem", "-", id=f"{ep.key}-zonder-token"))
    return params


# The world: the shared overdracht, an overdue one, and a second gemeente


@dataclass
class Case:
    id: str
    kind_id: UUID
    parent_id: UUID


@dataclass
class Elders:
    """Another gemeente, with its own coordinator, beheerder, an overdue overdracht and a VVE child
    without one."""

    id: UUID
    stadsdeel: UUID
    locatie: UUID
    coordinator: UUID
    beheerder: UUID
    overdue_id: UUID
    vve_kind: UUID
    namespace: str  # its engine namespace: of its own, as a gemeente made with `overdracht beheerder` has


@dataclass
class World:
    api: httpx.AsyncClient
    pool: asyncpg.Pool
    login: Login
    shared: Case
    shared_revisie: int
    overdue: Case  # at De Boomhut, overdue now
    elders: Elders
    tokens: dict[UUID, dict[str, str]]
    settings: Settings

    async def headers(self, user: UUID) -> dict[str, str]:
        if user not in self.tokens:
            self.tokens[user] = await self.login(user)
        return self.tokens[user]

    def user(self, role: str, scope: str, case: Case) -> UUID:
        if role == "ouder":
            return case.parent_id if scope == "eigen" else OTHER_PARENT
        return {
            ("pm", "eigen"): demo.PM_USER[demo.BOOMHUT],
            ("pm", "vreemd"): demo.PM_USER[demo.ZONNETJE],
            ("lm", "eigen"): demo.LM_USER[demo.BOOMHUT],
            ("lm", "vreemd"): demo.LM_USER[demo.ZONNETJE],
            ("school", "eigen"): demo.SCHOOL_USER[demo.STER],
            ("school", "vreemd"): demo.SCHOOL_USER[demo.POLDER],
            ("coordinator", "eigen"): demo.COORDINATOR,
            ("coordinator", "vreemd"): self.elders.coordinator,
            ("beheerder", "eigen"): BEHEERDER,
            ("beheerder", "vreemd"): self.elders.beheerder,
        }[role, scope]

    async def step(
        self, case: Case, method: str, sub: str, who: UUID, expected: int, body: Any = None
    ) -> dict[str, Any]:
        r = await self.api.request(
            method, f"/v1/overdrachten/{case.id}{sub}", headers=await self.headers(who), json=body
        )
        assert r.status_code == expected, f"{method} {sub}: {r.status_code} {r.text}"
        return r.json()

    async def place(
        self, locatie: UUID = demo.BOOMHUT, school: UUID | None = demo.STER, *, vve: bool = False, born: date = BORN
    ) -> Case:
        """A child placed at a location (not yet opened), and a parent user for it."""
        return await place(self.pool, demo.ALMERE, locatie, school, vve=vve, born=born)

    async def drive(self, stage: str, *, vve: bool = False) -> Case:
        """A new child at De Boomhut (school De Ster), its overdracht driven to `stage` through the API."""
        case = await self.place(vve=vve)
        pm = demo.PM_USER[demo.BOOMHUT]
        r = await self.api.post("/v1/overdrachten", headers=await self.headers(pm), json={"kindId": str(case.kind_id)})
        assert r.status_code == 201, r.text
        case.id = r.json()["id"]
        body = r.json()
        for next_stage in STAGES[1 : STAGES.index(stage) + 1]:
            if next_stage == "concept":
                body = await self.step(case, "PUT", "/formulier", pm, 200, form(vve))
            elif next_stage == "bij_ouders":
                body = await self.step(case, "POST", "/indieningen", pm, 201)
            elif next_stage == "gereed_voor_verzending":
                body = await self.step(case, "POST", "/toestemmingen", case.parent_id, 201, {"besluit": "gegeven"})
            elif next_stage == "verzonden":
                body = await self.step(case, "POST", "/verzendingen", pm, 201)
            else:
                school = demo.SCHOOL_USER[demo.STER]
                body = await self.step(
                    case, "POST", "/ontvangstbevestigingen", school, 201, {"eersteSchooldag": FIRST_SCHOOL_DAY}
                )
        assert body["status"] == ("concept" if stage == "geopend" else stage), body["status"]
        return case


# GEOPEND: opened, no form saved yet; every later stage has the form.
STAGES = ["geopend", "concept", "bij_ouders", "gereed_voor_verzending", "verzonden", "ontvangen"]


async def place(
    pool: asyncpg.Pool, gemeente: UUID, locatie: UUID, school: UUID | None, *, vve: bool, born: date
) -> Case:
    kind_id, parent_id = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie,"
            " aangemelde_school_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            kind_id, locatie, VOORNAAM, ACHTERNAAM, born, vve, school,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id) VALUES ($1, 'Ouder', 'ouder', $2, $3)",
            parent_id, gemeente, kind_id,
        )  # fmt: skip
    return Case(id="", kind_id=kind_id, parent_id=parent_id)


async def make_elders(pool: asyncpg.Pool) -> Elders:
    g, stadsdeel, wijk, locatie, school = (uuid.uuid4() for _ in range(5))
    coordinator, beheerder = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO gemeenten (id, naam, namespace) VALUES ($1, 'Eldersdorp', $2)", g, f"gemeente-{g}"
        )
        await conn.execute("INSERT INTO stadsdelen VALUES ($1, $2, 'Stadsdeel Elders')", stadsdeel, g)
        await conn.execute("INSERT INTO wijken VALUES ($1, $2, 'Wijk Elders')", wijk, stadsdeel)
        await conn.execute("INSERT INTO locaties VALUES ($1, $2, 'Peuteropvang Elders')", locatie, wijk)
        await conn.execute(
            "INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, 'Basisschool Elders')", school, wijk
        )
        await conn.executemany(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id) VALUES ($1, $2, $3, $4)",
            [(coordinator, "Coördinator Elders", "coordinator", g), (beheerder, "Beheerder Elders", "beheerder", g)],
        )
    await protocols.store(pool, g, ProtocolConfig())
    vve_kind = await place(pool, g, locatie, None, vve=True, born=BORN_ELDERS)
    overdue_kind = await place(pool, g, locatie, school, vve=False, born=BORN_ELDERS)
    # Overdue now, as the workflow would have recorded it: only the read model is needed here.
    overdue_id = uuid.uuid4()
    past = datetime.now(UTC) - timedelta(days=10)
    await pool.execute(
        "INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, school_id, status, revisie, geopend_op,"
        " bijgewerkt_op, deadlines, vlaggen, open_vlaggen, achterstallig_sinds, schooljaar)"
        " VALUES ($1, $2, $3, $4, $5, 'concept', 3, $6, $6, $7::jsonb, $8, $8, $6, $9)",
        overdue_id, overdue_kind.kind_id, g, locatie, school, past,
        f'{{"verzenden": "{past.isoformat()}"}}', ["te_laat_verzenden"], f"{TODAY.year}-{TODAY.year + 1}",
    )  # fmt: skip
    return Elders(g, stadsdeel, locatie, coordinator, beheerder, overdue_id, vve_kind.kind_id, f"gemeente-{g}")


@pytest.fixture(scope="module")
async def world(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, settings: Settings, env: WorkflowEnvironment
) -> AsyncIterator[World]:
    w = World(api, pool, login, Case("", uuid.uuid4(), uuid.uuid4()), 0, Case("", uuid.uuid4(), uuid.uuid4()),
              await make_elders(pool), {}, settings)  # fmt: skip
    async with gemeente_worker(env, pool, settings, w.elders.namespace):
        yield await _made(w)


async def _made(w: World) -> World:
    api, pool = w.api, w.pool
    pm, coordinator, school = demo.PM_USER[demo.BOOMHUT], demo.COORDINATOR, demo.SCHOOL_USER[demo.STER]

    # The shared overdracht: every kind of content behind it, then VERZONDEN to De Ster.
    c = w.shared = await w.drive("concept")
    pdf_headers = {**await w.headers(pm), "Content-Type": "application/pdf"}
    r = await api.put(f"/v1/overdrachten/{c.id}/observatie-export", headers=pdf_headers, content=PDF)
    assert r.status_code == 200, r.text
    await w.step(c, "POST", "/indieningen", pm, 201)
    await w.step(c, "POST", "/ouderreacties", c.parent_id, 201, {"eens": "nee", "zienswijze": ZIENSWIJZE,
                                                                   "reden": REACTIE_REDEN})  # fmt: skip
    await w.step(c, "POST", "/papieren-kopieen", pm, 201)
    r = await api.put(
        f"/v1/overdrachten/{c.id}/ouders/{c.parent_id}/toestemmingsscan", headers=pdf_headers, content=SCAN
    )
    assert r.status_code == 200, r.text
    await w.step(c, "POST", "/toestemmingen", c.parent_id, 201, {"besluit": "gegeven"})
    await w.step(c, "PUT", "/deadlines/verzenden", coordinator, 200, {"datum": MOVED_DEADLINE, "reden": DEADLINE_REDEN})
    await w.step(c, "POST", "/verzendingen", pm, 201)
    await w.step(c, "POST", "/retouren", school, 201, {"reden": RETOUR_REDEN})
    await w.step(c, "PUT", "/school", pm, 200, {"schoolId": str(demo.STER)})
    await w.step(c, "POST", "/verzendingen", pm, 201)
    body = await w.step(c, "POST", "/warme-overdrachten", c.parent_id, 201, {"actie": "aanvragen", "reden": WARM_REDEN})
    assert body["status"] == "verzonden"
    w.shared_revisie = body["revisie"]

    # Overdue: a child past the send deadline; opening it sets its flags at once.
    w.overdue = await w.place(born=BORN_OVERDUE)
    r = await api.post("/v1/overdrachten", headers=await w.headers(pm), json={"kindId": str(w.overdue.kind_id)})
    assert r.status_code == 201, r.text
    w.overdue.id = r.json()["id"]
    await eventually(
        lambda: pool.fetchval("SELECT achterstallig_sinds FROM overdrachten WHERE id = $1", UUID(w.overdue.id)),
        lambda since: since is not None,
    )
    return w


# Checks


def assert_status(r: httpx.Response, expected: int) -> None:
    assert r.status_code == expected, f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}"
    if expected >= 400:
        assert r.headers["content-type"] == PROBLEM, r.headers["content-type"]


def assert_no_content(role: str, *answers: httpx.Response) -> None:
    """The coordinator's and the beheerder's answers hold no content (raw text, JSON or CSV)."""
    if role not in METADATA_ONLY:
        return
    for r in answers:
        leaked = [s for s in SECRETS if s in r.text]
        assert not leaked, f"{role} got {leaked} from {r.request.method} {r.request.url.path}"


# Whether each overdracht is in the user's scope, as the README describes it: the location's, what was
# sent to the school, the own child's, the gemeente's. Answers the ids that are not.
OUT_OF_SCOPE = """
SELECT o.id FROM overdrachten o JOIN gebruikers g ON g.id = $2
WHERE o.id = ANY($1::uuid[]) AND NOT COALESCE(CASE
    WHEN g.rol IN ('pedagogisch_medewerker', 'locatiemanager') THEN o.locatie_id = g.locatie_id
    WHEN g.rol = 'school' THEN o.school_id = g.school_id AND o.verzonden_op IS NOT NULL
    WHEN g.rol = 'ouder' THEN o.kind_id = g.kind_id
    ELSE o.gemeente_id = g.gemeente_id END, false)
"""


async def assert_in_scope(pool: asyncpg.Pool, user: UUID, ids: list[str]) -> None:
    outside = await pool.fetch(OUT_OF_SCOPE, [UUID(i) for i in ids], user)
    assert not outside, f"outside the caller's scope: {[r['id'] for r in outside]}"


async def all_pages(w: World, url: str, headers: dict[str, str], **params: Any) -> list[httpx.Response]:
    pages, cursor = [], None
    while True:
        r = await w.api.get(
            url, headers=headers, params={**params, "pageSize": 100, **({"cursor": cursor} if cursor else {})}
        )
        pages.append(r)
        if r.status_code != 200 or not (cursor := r.json()["volgendeCursor"]):
            return pages


# The matrix


async def _audit(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    """The export, JSON and CSV: only the beheerder, only their own gemeente's rows, no content."""
    headers = await _auth(w, role, scope, w.shared)
    r = await w.api.get(ep.path, headers=headers, params={"pageSize": 1000})
    as_csv = await w.api.get(ep.path, headers={**headers, "Accept": "text/csv"})
    assert_status(r, expected)
    assert_status(as_csv, expected)
    assert_no_content(role, r, as_csv)
    if expected != 200:
        return
    gemeente = w.elders.id if scope == "vreemd" else demo.ALMERE
    users = [UUID(row["gebruikerId"]) for row in r.json()["resultaten"]]
    outside = await w.pool.fetch(
        "SELECT id FROM gebruikers WHERE id = ANY($1::uuid[]) AND gemeente_id <> $2", users, gemeente
    )
    assert not outside, outside
    assert (str(w.shared.kind_id) in as_csv.text) == (scope == "eigen")


@pytest.mark.parametrize(("ep", "role", "scope"), matrix())
async def test_permission(world: World, ep: Endpoint, role: str, scope: str) -> None:
    expected = expected_status(ep, role, scope)
    check = {
        "open": _open, "read": _read, "step": _step, "list": _list,
        "monitoring": _monitoring, "import": _import, "importtaak": _importtaak, "instellingen": _instellingen, "audit": _audit, "organisatie": _organisatie,
        "protocol": _protocol, "gebruikers": gebruikers_cell, "codec": _codec,
    }  # fmt: skip
    await check[ep.kind](world, ep, role, scope, expected)


async def _auth(w: World, role: str, scope: str, case: Case) -> dict[str, str]:
    return {} if role == "anoniem" else await w.headers(w.user(role, scope, case))


async def _open(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    """A child at De Boomhut, not yet opened: its PM'er and manager open it, no one else can."""
    case = await w.place()
    r = await w.api.post(ep.path, headers=await _auth(w, role, scope, case), json={"kindId": str(case.kind_id)})
    assert_status(r, expected)
    assert_no_content(role, r)
    opened = await w.pool.fetchval("SELECT count(*) FROM overdrachten WHERE kind_id = $1", case.kind_id)
    assert opened == (1 if expected == ep.success else 0)


async def _read(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    r = await w.api.get(ep.url(w.shared), headers=await _auth(w, role, scope, w.shared))
    assert_status(r, expected)
    assert_no_content(role, r)
    if expected == 200 and role in METADATA_ONLY:
        if ep.key == "detail":
            assert r.json()["kind"] is None and r.json()["formulier"] is None
        else:
            assert all(e["toelichting"] is None for e in r.json()["gebeurtenissen"])


async def _step(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    # A fresh overdracht wherever the step should succeed; the shared one for what is refused.
    may = role in ep.allowed
    if may and scope == "eigen":
        assert ep.stage is not None, f"{ep.key}: a step names the state its overdracht is driven to"
        case = await w.drive(ep.stage, vve=ep.vve)
        if ep.ouder_email:
            address = f"ouder.{uuid.uuid4().hex[:8]}@example.org"
            await w.pool.execute("UPDATE gebruikers SET email = $2 WHERE id = $1", case.parent_id, address)
    else:
        case = w.shared
    body = ep.body(case) if ep.body else None
    headers = await _auth(w, role, scope, case)
    if isinstance(body, bytes):  # a file: the PDF export, a consent scan
        r = await w.api.request(
            ep.method, ep.url(case), headers={**headers, "Content-Type": "application/pdf"}, content=body
        )
    else:
        r = await w.api.request(ep.method, ep.url(case), headers=headers, json=body)
    assert_status(r, expected)
    assert_no_content(role, r)


async def _list(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    headers = await _auth(w, role, scope, w.shared)
    pages = await all_pages(w, ep.path, headers)
    assert_status(pages[0], expected)
    assert_no_content(role, *pages)
    if expected != 200:
        return
    ids = [o["id"] for p in pages for o in p.json()["resultaten"]]
    assert (w.shared.id in ids) == (scope == "eigen")
    await assert_in_scope(w.pool, w.user(role, scope, w.shared), ids)
    if role in METADATA_ONLY:
        assert (str(w.elders.overdue_id) in ids) == (scope == "vreemd")
        assert all(o["kind"] is None for p in pages for o in p.json()["resultaten"])


GROEPERING = {"pm": "locatie", "lm": "locatie", "school": "school"}


async def _monitoring(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    headers = await _auth(w, role, scope, w.shared)
    params = {"groepering": GROEPERING.get(role, "stadsdeel")} if ep.key == "kengetallen" else {}
    if ep.key == "achterstanden":
        pages = await all_pages(w, ep.path, headers)
    else:
        pages = [await w.api.get(ep.path, headers=headers, params=params)]
    assert_status(pages[0], expected)
    # The CSV too, for the coordinator and the beheerder: the same status, no content, not the other gemeente.
    as_csv = []
    if role in METADATA_ONLY:
        as_csv = [await w.api.get(ep.path, headers={**headers, "Accept": "text/csv"}, params=params)]
        assert_status(as_csv[0], expected)
    assert_no_content(role, *pages, *as_csv)
    if expected != 200:
        return
    user = w.user(role, scope, w.shared)
    for r in as_csv:
        assert r.headers["content-type"].startswith("text/csv")
        other = ["Almere", "Boomhut"] if scope == "vreemd" else ["Elders"]
        assert not [name for name in other if name in r.text], r.text
    if ep.key == "achterstanden":
        ids = [a["overdrachtId"] for p in pages for a in p.json()["resultaten"]]
        await assert_in_scope(w.pool, user, ids)
        assert (w.overdue.id in ids) == (scope == "eigen" and role in {"pm", "lm", "coordinator"})
        assert (str(w.elders.overdue_id) in ids) == (role == "coordinator" and scope == "vreemd")
    elif ep.key == "kengetallen":
        groups = {g["groep"]["id"] for j in pages[0].json()["schooljaren"] for g in j["groepen"] if g["groep"]}
        if role == "coordinator":
            gemeente = w.elders.id if scope == "vreemd" else demo.ALMERE
            rows = await w.pool.fetch("SELECT id FROM stadsdelen WHERE gemeente_id = $1", gemeente)
            allowed = {str(r["id"]) for r in rows}
            mine = str(w.elders.stadsdeel) if scope == "vreemd" else str(demo.WIJKEN[demo.LOCATIES[demo.BOOMHUT][0]][0])
        else:
            row = await w.pool.fetchrow("SELECT locatie_id, school_id FROM gebruikers WHERE id = $1", user)
            assert row is not None
            allowed = {str(row["school_id"] if role == "school" else row["locatie_id"])}
            mine = str(demo.STER if role == "school" else demo.BOOMHUT)
        assert groups <= allowed, groups - allowed
        assert (mine in groups) == (scope == "eigen" or role == "coordinator")
    elif ep.key == "prognose":
        # Only locations of overdrachten the caller may see (other tests may have sent some of De Boomhut's to
        # the foreign school: those it sees); the shared overdracht (sent to De Ster, its receipt due within
        # days) puts De Boomhut in its own scope.
        locaties = {g["groep"]["id"] for g in pages[0].json()["locaties"]}
        caller = await gebruikers.get(w.pool, user)
        assert caller is not None
        where = scoped(caller)
        visible = {
            str(r["locatie_id"])
            for r in await w.pool.fetch(f"SELECT DISTINCT o.locatie_id FROM overdrachten o{where.sql()}", *where.args)
        }
        assert locaties <= visible, locaties - visible
        if scope == "eigen":
            assert str(demo.BOOMHUT) in locaties, locaties
    elif ep.key == "trend":
        assert all(m["maand"] for m in pages[0].json()["maanden"])  # the figures: tests/test_prognose.py
    else:
        kinderen = [k["kindId"] for k in pages[0].json()["kinderen"]]
        gemeente = w.elders.id if scope == "vreemd" else demo.ALMERE
        outside = await w.pool.fetch(
            "SELECT k.id FROM kinderen k JOIN locaties l ON l.id = k.locatie_id JOIN wijken w ON w.id = l.wijk_id"
            " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE k.id = ANY($1::uuid[]) AND sd.gemeente_id <> $2",
            [UUID(k) for k in kinderen],
            gemeente,
        )
        assert not outside, outside
        assert (str(w.elders.vve_kind) in kinderen) == (scope == "vreemd")
        assert kinderen


async def _import(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    """One child for De Boomhut: its manager and Almere's beheerder import it; another location's
    manager and another gemeente's beheerder get the row rejected."""
    achternaam = f"{IMPORT_NAAM}-{uuid.uuid4().hex[:8]}"
    columns = ["voornaam", "achternaam", "geboortedatum", "locatie", "vve_indicatie", "ouder1_naam", "ouder1_email"]
    row = [VOORNAAM, achternaam, BORN_IMPORT.strftime("%d-%m-%Y"), str(demo.BOOMHUT), "nee", "Ouder",
           f"ouder.{achternaam[-8:]}@example.org"]  # fmt: skip
    content = ("\r\n".join([";".join(columns), ";".join(row)]) + "\r\n").encode()
    headers = {**await _auth(w, role, scope, w.shared), "Content-Type": "text/csv"}
    r = await w.api.post(ep.path, headers=headers, content=content)
    assert_status(r, expected)
    assert_no_content(role, r)
    if expected != 202:
        assert await w.pool.fetchval("SELECT count(*) FROM kinderen WHERE achternaam = $1", achternaam) == 0
        return
    done = await finished_import(w.api, r, headers)
    assert_no_content(role, done)
    stored = await w.pool.fetchval("SELECT count(*) FROM kinderen WHERE achternaam = $1", achternaam)
    result = done.json()["resultaat"]
    imported = scope == "eigen"
    assert (result["geimporteerd"], result["afgewezen"], stored) == ((1, 0, 1) if imported else (0, 1, 0)), result


async def _instellingen(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    """One's own settings: read, and set back to the gemeente's (what they were), changing nothing else."""
    headers = await _auth(w, role, scope, w.shared)
    r = await w.api.request(
        ep.method, ep.path, headers=headers, json={"berichten": None} if ep.method == "PATCH" else None
    )
    assert_status(r, expected)
    assert_no_content(role, r)
    if expected == 200:
        assert r.json()["berichten"] is None


# One import by De Boomhut's manager, made once.
_IMPORTTAAK: list[str] = []


async def _importtaak(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    """The job and its report: another location's manager and another gemeente's beheerder get a 404."""
    if not _IMPORTTAAK:
        headers = {**await w.headers(demo.LM_USER[demo.BOOMHUT]), "Content-Type": "text/csv"}
        content = f"voornaam;achternaam;geboortedatum;locatie;vve_indicatie;ouder1_naam\r\n{VOORNAAM};{IMPORT_NAAM}-{uuid.uuid4().hex[:8]};{BORN_IMPORT.strftime('%d-%m-%Y')};{demo.BOOMHUT};nee;Ouder\r\n"
        r = await w.api.post("/v1/imports/plaatsingen", headers=headers, content=content.encode())
        _IMPORTTAAK.append((await finished_import(w.api, r, headers)).json()["id"])
    r = await w.api.get(ep.path.replace("{import_id}", _IMPORTTAAK[0]), headers=await _auth(w, role, scope, w.shared))
    assert_status(r, expected)
    assert_no_content(role, r)
    if expected == 200 and ep.key == "importverslag":
        assert r.headers["content-type"].startswith("text/csv")
        assert r.text.splitlines()[1:] == ["2;nieuw kind;overdracht ingepland;"]


# The organisation: one of Almere's and one of the other gemeente's, made once, changed only by renaming.
_ORGANISATIES: dict[UUID, dict[str, UUID]] = {}


async def _organisatie_van(pool: asyncpg.Pool, gemeente: UUID) -> dict[str, UUID]:
    if gemeente not in _ORGANISATIES:
        ids = {k: uuid.uuid4() for k in ("stadsdeel_id", "wijk_id", "locatie_id", "school_id")}
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("INSERT INTO stadsdelen VALUES ($1, $2, 'Matrix')", ids["stadsdeel_id"], gemeente)
            await conn.execute("INSERT INTO wijken VALUES ($1, $2, 'Matrix')", ids["wijk_id"], ids["stadsdeel_id"])
            await conn.execute("INSERT INTO locaties VALUES ($1, $2, 'Matrix')", ids["locatie_id"], ids["wijk_id"])
            await conn.execute(
                "INSERT INTO scholen (id, wijk_id, naam, brin, vestiging) VALUES ($1, $2, 'Matrix', '98ZZ', '00')",
                ids["school_id"], ids["wijk_id"],
            )  # fmt: skip
        _ORGANISATIES[gemeente] = ids
    return _ORGANISATIES[gemeente]


async def _organisatie(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    """The organisation's admin API (in depth: tests/test_organisatie_api.py). The address names Almere's
    stadsdeel, wijk, location or school: its beheerder changes it, the other gemeente's gets a 404; what a
    new one goes into is the caller's own gemeente's; a list holds only the caller's gemeente's."""
    headers = await _auth(w, role, scope, w.shared)
    almere = await _organisatie_van(w.pool, demo.ALMERE)
    eigen = await _organisatie_van(w.pool, w.elders.id) if role == "beheerder" and scope == "vreemd" else almere
    url = ep.path.format(**almere)
    naam = f"Matrix {uuid.uuid4().hex[:8]}"
    bodies: dict[str, Any] = {
        "/v1/gemeente": {"gemeentecode": None},
        "/v1/wijken": {"naam": naam, "stadsdeelId": str(eigen["stadsdeel_id"])},
        "/v1/locaties": {"naam": naam, "wijkId": str(eigen["wijk_id"]), "lrkNummer": str(uuid.uuid4().int)[:12]},
        "/v1/scholen": {"naam": naam, "wijkId": str(eigen["wijk_id"]), "brin": "98ZZ", "vestiging": "01"},
    }
    if ep.path.endswith("/duo-import"):  # one row of Almere's; no wijk for new schools, so nothing changes
        csv = f"VESTIGINGSCODE;VESTIGINGSNAAM;GEMEENTENUMMER;GEMEENTENAAM\r\n98ZY00;{naam};0034;ALMERE\r\n"
        r = await w.api.post(url, headers={**headers, "Content-Type": "text/csv"}, content=csv.encode())
    else:
        body = bodies.get(ep.path, {"naam": naam}) if ep.method != "GET" else None
        r = await w.api.request(ep.method, url, headers=headers, json=body)
    assert_status(r, expected)
    assert_no_content(role, r)
    renamed = await w.pool.fetch(
        "SELECT id FROM stadsdelen WHERE naam = $1 UNION SELECT id FROM wijken WHERE naam = $1"
        " UNION SELECT id FROM locaties WHERE naam = $1 UNION SELECT id FROM scholen WHERE naam = $1",
        naam,
    )
    if expected >= 400 or ep.method == "GET" or ep.path.endswith("/duo-import"):
        assert renamed == []  # nothing changed
    if expected == 200 and ep.method == "GET" and ep.path.removeprefix("/v1/") in ORGANISATIE_IDS:
        listed = {x["id"] for x in r.json()["resultaten"]}
        assert (str(almere[ORGANISATIE_IDS[ep.path.removeprefix("/v1/")]]) in listed) == (scope == "eigen")
    if expected == 200 and ep.path.endswith("/duo-import"):
        [regel] = r.json()["regels"]
        assert regel["eigenGemeente"] == (scope == "eigen"), regel


async def _protocol(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    """The protocol versions (in depth: tests/test_protocol_beheer.py). Each call first has Almere's beheerder
    upload a draft equal to Almere's active version, so activating it changes no term of the other tests.
    The address names that draft: the other gemeente has no version of that number (a 404 for its
    beheerder); an upload or a list is the caller's own gemeente's."""
    active = await protocols.current(w.pool, demo.ALMERE)
    assert active is not None
    toml = {"Content-Type": "application/toml"}
    draft = await w.api.post(
        "/v1/protocol-versies", headers={**await w.headers(BEHEERDER), **toml}, content=als_toml(active.config)
    )
    assert draft.status_code == 201, draft.text
    versie = draft.json()["versie"]
    if "{versie}" in ep.path and role == "beheerder" and scope == "vreemd":
        expected = 404  # Almere's version: the other gemeente has only its own 1 (and 2, once it uploads)
    before = await w.pool.fetchval("SELECT count(*) FROM protocol_versies")
    headers = await _auth(w, role, scope, w.shared)
    if ep.method == "POST" and "{versie}" not in ep.path:
        r = await w.api.post(ep.path, headers={**headers, **toml}, content=als_toml(active.config))
    else:
        r = await w.api.request(ep.method, ep.path.format(versie=versie), headers=headers)
    assert_status(r, expected)
    assert_no_content(role, r)
    now = await protocols.current(w.pool, demo.ALMERE)
    assert now is not None and now.config == active.config
    assert now.versie == (versie if expected == 201 and "{versie}" in ep.path else active.versie)
    if expected >= 400:
        assert await w.pool.fetchval("SELECT count(*) FROM protocol_versies") == before
    elif ep.method == "GET" and "{versie}" not in ep.path:
        door = {(v["versie"], (v["geuploadDoor"] or {}).get("id")) for v in r.json()["resultaten"]}
        assert ((versie, str(BEHEERDER)) in door) == (scope == "eigen")
        assert all(who == str(BEHEERDER) for _, who in door if who) == (scope == "eigen")


async def _codec(w: World, ep: Endpoint, role: str, scope: str, expected: int) -> None:
    """A payload as Almere's workflows have the engine store it (the home namespace's keys), to decode; a
    plain one to encode."""
    plain = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(CODEC_INHOUD).encode())
    thuis = EncryptionCodec.from_settings(w.settings)
    [sealed] = await thuis.encode([plain])
    payloads = [sealed] if ep.key == "codec-ontsleutelen" else [plain]
    body = json_format.MessageToDict(Payloads(payloads=payloads))
    r = await w.api.post(ep.path, headers=await _auth(w, role, scope, w.shared), json=body)
    assert_status(r, expected)
    assert CODEC_INHOUD not in r.text
    if expected != 200:
        return
    [answer] = json_format.ParseDict(r.json(), Payloads()).payloads
    if ep.key == "codec-ontsleutelen":
        assert answer == plain
        return
    eigen = EncryptionCodec.from_settings(w.settings, w.elders.namespace if scope == "vreemd" else None)
    assert await eigen.decode([answer]) == [plain]
    if scope == "vreemd":
        with pytest.raises(PayloadDecryptionError):
            await thuis.decode([answer])


# Around the matrix


async def test_every_endpoint_is_in_the_matrix(api: httpx.AsyncClient) -> None:
    document = (await api.get("/v1/openapi.json")).json()
    [server] = document["servers"]  # the paths are from its URL: /v1
    paths = {server["url"] + path: operations for path, operations in document["paths"].items()}
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    in_api = {
        (method.upper(), path)
        for path, operations in paths.items()
        if not path.startswith(NOT_IN_MATRIX)
        for method in operations
        if method in methods
    }
    in_table = {(ep.method, ep.path) for ep in ENDPOINTS}
    assert not in_api - in_table, f"endpoints without a row in the permission matrix: {sorted(in_api - in_table)}"
    assert not in_table - in_api, f"rows for endpoints the API does not have: {sorted(in_table - in_api)}"


async def test_the_content_is_there_for_those_who_may_read_it(world: World) -> None:
    """The secrets the coordinator must not see are really in the shared overdracht."""
    w = world
    for user in (demo.PM_USER[demo.BOOMHUT], demo.SCHOOL_USER[demo.STER], w.shared.parent_id):
        detail = await w.api.get(f"/v1/overdrachten/{w.shared.id}", headers=await w.headers(user))
        timeline = await w.api.get(f"/v1/overdrachten/{w.shared.id}/tijdlijn", headers=await w.headers(user))
        assert detail.status_code == timeline.status_code == 200
        for secret in (VOORNAAM, ACHTERNAAM, BORN.isoformat(), FORM_TEXT, PROFESSIONALS, ADVIES, ZIENSWIJZE,
                       REACTIE_REDEN):  # fmt: skip
            assert secret in detail.text, (user, secret)
        for secret in (DEADLINE_REDEN, RETOUR_REDEN, WARM_REDEN):
            assert secret in timeline.text, (user, secret)
        export = await w.api.get(f"/v1/overdrachten/{w.shared.id}/observatie-export", headers=await w.headers(user))
        assert export.content == PDF and OBSERVATIE.encode() in export.content
    # The parent's consent scan: the location's staff and that parent (the school needs none).
    for user in (demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT], w.shared.parent_id):
        url = f"/v1/overdrachten/{w.shared.id}/ouders/{w.shared.parent_id}/toestemmingsscan"
        scan = await w.api.get(url, headers=await w.headers(user))
        assert scan.content == SCAN and TOESTEMMINGSSCAN.encode() in scan.content


async def test_the_refused_attempts_left_the_shared_overdracht_as_it_was(world: World) -> None:
    """Runs after the matrix: no 401, 403 or 404 attempt changed the shared overdracht."""
    r = await world.api.get(
        f"/v1/overdrachten/{world.shared.id}", headers=await world.headers(demo.PM_USER[demo.BOOMHUT])
    )
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["revisie"]) == ("verzonden", world.shared_revisie)
