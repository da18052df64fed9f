"""The observation instrument's PDF export with the form (PUT/GET /v1/overdrachten/{id}/observatie-export):
uploaded by the location's staff while the form is a draft, downloaded by exactly those who may read the
form, checked by content, stored encrypted (never in clear in PostgreSQL, never in the engine), audited,
and purged with the content."""

import asyncio
import base64
import uuid
from asyncio.subprocess import PIPE, STDOUT
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from core.codec import EncryptionCodec, PayloadDecryptionError
from core.settings import Settings
from db.cluster import find_bindir
from overdracht import demo
from schemas.overdracht import Rol
from services.permissions import PERMISSIONS, Capability
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM, place_child
from tests.helpers import a_pdf, assert_problem, eventually
from tests.test_engine_privacy import payloads_in
from workflows.ids import workflow_id

MB10 = 10 * 1024 * 1024
PM = demo.PM_USER[demo.BOOMHUT]
OTHER_PM = demo.PM_USER[demo.ZONNETJE]
SCHOOL = demo.SCHOOL_USER[demo.STER]
BEHEERDER = UUID("60000000-0000-4000-8000-000000000011")
# A parent of another child (Lucas, also at De Boomhut).
OTHER_PARENT = next(c.parent_id for c in demo.CHILDREN if c.n == 12)


def marker() -> str:
    """Distinctive text inside a test PDF: found anywhere it should not be, the file leaked."""
    return f"Observatiemerkteken{uuid.uuid4().hex}"


class Case:
    """One new child at De Boomhut (school De Ster) with its overdracht opened by the PM'er: CONCEPT."""

    def __init__(self, api: httpx.AsyncClient, login: Login) -> None:
        self.api, self.login = api, login
        self.tokens: dict[UUID, dict[str, str]] = {}

    async def open(self, pool: asyncpg.Pool) -> "Case":
        self.kind_id, self.parent = await place_child(pool)
        r = await self.api.post("/v1/overdrachten", headers=await self.as_(PM), json={"kindId": str(self.kind_id)})
        assert r.status_code == 201, r.text
        self.id = r.json()["id"]
        self.path = f"/v1/overdrachten/{self.id}"
        return self

    async def as_(self, user: UUID) -> dict[str, str]:
        if user not in self.tokens:
            self.tokens[user] = await self.login(user)
        return self.tokens[user]

    async def upload(self, user: UUID, pdf: bytes, **headers: str) -> httpx.Response:
        hdrs = {**await self.as_(user), "Content-Type": "application/pdf", **headers}
        return await self.api.put(f"{self.path}/observatie-export", headers=hdrs, content=pdf)

    async def upload_form(self, user: UUID, name: str, data: bytes, mime: str) -> httpx.Response:
        files = {"bestand": (name, data, mime)}
        return await self.api.put(f"{self.path}/observatie-export", headers=await self.as_(user), files=files)

    async def download(self, user: UUID) -> httpx.Response:
        return await self.api.get(f"{self.path}/observatie-export", headers=await self.as_(user))

    async def step(self, method: str, sub: str, user: UUID, expected: int, body: Any = None) -> dict[str, Any]:
        r = await self.api.request(method, f"{self.path}{sub}", headers=await self.as_(user), json=body)
        assert r.status_code == expected, f"{method} {sub}: {r.status_code} {r.text}"
        return r.json()


@pytest.fixture
async def case(api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool) -> Case:
    return await Case(api, login).open(pool)


def assert_pdf(r: httpx.Response, pdf: bytes) -> None:
    assert r.status_code == 200, r.text
    assert r.content == pdf
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="observatie.pdf"'
    assert r.headers["cache-control"] == "no-store"


async def stored(pool: asyncpg.Pool, case: Case) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM bijlagen WHERE overdracht_id = $1", UUID(case.id))


async def audit_rows(pool: asyncpg.Pool, case: Case) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT gebruiker_id, actie, onderwerp, velden, grondslag, resultaat, kind_ids[1] AS kind_id FROM audit_log"
        " WHERE overdracht_ids = ARRAY[$1::uuid] AND onderwerp LIKE '%observatie%' ORDER BY id",
        UUID(case.id),
    )


async def test_the_pm_uploads_and_replaces_it_the_pm_and_the_parent_download_it(case: Case, pool: asyncpg.Pool) -> None:
    first, second = a_pdf(marker()), a_pdf(marker())

    r = await case.upload(PM, first)
    assert r.status_code == 200, r.text
    meta = r.json()
    assert (meta["soort"], meta["grootte"]) == ("observatie_export", len(first)) and meta["geuploadOp"]
    assert_pdf(await case.download(PM), first)
    assert_pdf(await case.download(case.parent), first)

    # Replaced, as a web form sends it: a multipart field, under any name and declared type.
    r = await case.upload_form(PM, "observatie.txt", second, "text/plain")
    assert r.status_code == 200, r.text
    assert_pdf(await case.download(PM), second)
    assert_pdf(await case.download(case.parent), second)
    assert len(await stored(pool, case)) == 1

    # The detail shows it, name-free, to those who may read the form.
    for user in (PM, case.parent):
        detail = (await case.api.get(case.path, headers=await case.as_(user))).json()
        assert detail["bijlagen"] == [
            {
                "soort": "observatie_export",
                "ouderId": None,
                "grootte": len(second),
                "geuploadOp": r.json()["geuploadOp"],
            }
        ]

    # Every upload and download is in the audit trail: who, why, the answer; never a name.
    rows = [
        (row["gebruiker_id"], row["actie"], row["grondslag"], row["resultaat"], row["kind_id"])
        for row in await audit_rows(pool, case)
    ]
    upload, download = ("wijzigen", "BijlageToevoegen", 200), ("lezen", "BijlageLezen", 200)
    assert rows == [
        (PM, *upload, case.kind_id),
        (PM, *download, case.kind_id),
        (case.parent, *download, case.kind_id),
        (PM, *upload, case.kind_id),
        (PM, *download, case.kind_id),
        (case.parent, *download, case.kind_id),
    ]
    assert all(row["velden"] == ["bijlage.observatie_export"] for row in await audit_rows(pool, case))
    inzage = await case.api.get(f"{case.path}/inzage-log", headers=await case.as_(case.parent))
    assert "overdracht.observatie_export" in {r["onderwerp"] for r in inzage.json()["resultaten"]}
    assert "observatie.txt" not in inzage.text


async def test_only_those_who_may_read_the_form_get_it(case: Case, pool: asyncpg.Pool) -> None:
    pdf = a_pdf(marker())
    assert (await case.upload(PM, pdf)).status_code == 200
    before = await stored(pool, case)

    # The coordinator and the beheerder work on metadata only: never the file, nor its metadata.
    for user in (demo.COORDINATOR, BEHEERDER):
        assert_problem(await case.download(user), 403)
        assert_problem(await case.upload(user, a_pdf()), 403)
        detail = (await case.api.get(case.path, headers=await case.as_(user))).json()
        assert detail["bijlagen"] is None
    # Outside their scope it does not exist: another location's PM'er, another child's parent, the
    # school before it was sent there.
    for user in (OTHER_PM, OTHER_PARENT, SCHOOL):
        assert_problem(await case.download(user), 404)
    assert_problem(await case.upload(OTHER_PM, a_pdf()), 404)
    # Parents and schools read; they do not add.
    assert_problem(await case.upload(case.parent, a_pdf()), 403)
    assert_problem(await case.upload(SCHOOL, a_pdf()), 403)
    assert await stored(pool, case) == before

    refused = [(r["gebruiker_id"], r["resultaat"]) for r in await audit_rows(pool, case) if r["resultaat"] >= 400]
    assert (demo.COORDINATOR, 403) in refused and (OTHER_PM, 404) in refused


async def test_upload_after_submission_is_refused_and_the_school_reads_it_once_sent(
    case: Case, pool: asyncpg.Pool
) -> None:
    pdf = a_pdf(marker())
    assert (await case.upload(PM, pdf)).status_code == 200
    await case.step("PUT", "/formulier", PM, 200, COMPLETE_FORM)
    assert (await case.upload(demo.LM_USER[demo.BOOMHUT], pdf)).status_code == 200  # the manager may, too
    before = await stored(pool, case)

    await case.step("POST", "/indieningen", PM, 201)
    body = assert_problem(await case.upload(PM, a_pdf(marker())), 409)
    assert "concept" in body["detail"] and "bij_ouders" in body["detail"]
    assert await stored(pool, case) == before

    await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})
    assert_problem(await case.download(SCHOOL), 404)  # not sent yet
    await case.step("POST", "/verzendingen", PM, 201)
    assert_pdf(await case.download(SCHOOL), pdf)
    assert_problem(await case.upload(PM, a_pdf()), 409)
    assert_problem(await case.download(demo.SCHOOL_USER[demo.POLDER]), 404)


async def test_what_is_not_a_pdf_or_too_big_is_refused_and_changes_nothing(case: Case, pool: asyncpg.Pool) -> None:
    pdf = a_pdf(marker())
    assert (await case.upload(PM, pdf)).status_code == 200
    before = await stored(pool, case)

    text = b"Dit is een verslag, geen PDF.\n" * 20
    assert_problem(await case.upload_form(PM, "observatie.pdf", text, "application/pdf"), 415)
    assert_problem(await case.upload(PM, text), 415)
    assert_problem(await case.upload(PM, b""), 415)
    # The magic alone is not enough: it must parse as a PDF.
    assert_problem(await case.upload(PM, b"%PDF-1.7\n" + text), 415)
    assert_problem(await case.upload(PM, pdf[: len(pdf) // 2]), 415)
    # A type that is not a PDF's, even for a PDF.
    assert_problem(await case.upload(PM, pdf, **{"Content-Type": "text/plain"}), 415)
    # A form without the field, or not a form at all.
    r = await case.api.put(
        f"{case.path}/observatie-export",
        headers=await case.as_(PM),
        files={"anders": ("o.pdf", pdf, "application/pdf")},
    )
    assert {p["name"] for p in assert_problem(r, 400)["invalidParams"]} == {"bestand"}
    broken = {**await case.as_(PM), "Content-Type": "multipart/form-data; boundary=xyz"}
    assert_problem(await case.api.put(f"{case.path}/observatie-export", headers=broken, content=pdf), 400)

    # More than 10 MB, as the body or in a form, with or without an Idempotency-Key; 10 MB exactly is
    # no problem of size (it is refused for not being a PDF).
    padded = pdf + b"%" * (MB10 + 1 - len(pdf))
    assert_problem(await case.upload(PM, padded), 413)
    assert_problem(await case.upload(PM, padded, **{"Idempotency-Key": str(uuid.uuid4())}), 413)
    assert_problem(await case.upload_form(PM, "observatie.pdf", padded, "application/pdf"), 413)
    assert_problem(await case.upload(PM, b"x" + padded[: MB10 - 1]), 415)
    # Far too big with an Idempotency-Key: refused before the key's middleware holds it all, nothing kept.
    key = str(uuid.uuid4())
    assert_problem(await case.upload(PM, padded + b"%" * (6 * 1024 * 1024), **{"Idempotency-Key": key}), 413)
    assert await pool.fetchval("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = $1", key) == 0

    assert await stored(pool, case) == before
    assert_pdf(await case.download(PM), pdf)


async def test_stored_encrypted_never_in_clear_and_never_in_the_engine(
    case: Case, pool: asyncpg.Pool, settings: Settings, database_url: str, env: WorkflowEnvironment
) -> None:
    secret = marker()
    pdf = a_pdf(secret)
    # With an Idempotency-Key: the stored answer for a repeat holds no more than the metadata.
    key = {"Idempotency-Key": str(uuid.uuid4())}
    r = await case.upload(PM, pdf, **key)
    assert r.status_code == 200, r.text
    repeat = await case.upload(PM, pdf, **key)
    assert (repeat.status_code, repeat.headers["Idempotency-Replayed"], repeat.json()) == (200, "true", r.json())

    [row] = await stored(pool, case)
    inhoud = bytes(row["inhoud"])
    assert inhoud != pdf and secret.encode() not in inhoud and b"%PDF-" not in inhoud
    assert len(inhoud) == 12 + len(pdf) + 16  # nonce, ciphertext, tag: AES-256-GCM
    assert row["sleutel_id"] == "test-2026"  # the service's configured payload key
    # It is the file, under the service's key, for this overdracht only.
    codec = EncryptionCodec.from_settings(settings)
    bound = f"bijlage/observatie_export/{case.id}".encode()
    assert codec.unseal(row["sleutel_id"], inhoud, bound) == pdf
    with pytest.raises(PayloadDecryptionError):
        codec.unseal(row["sleutel_id"], inhoud, f"bijlage/observatie_export/{uuid.uuid4()}".encode())
    # A fresh nonce every time: the same file uploaded again is stored as other bytes.
    assert (await case.upload(PM, pdf)).status_code == 200
    [again] = await stored(pool, case)
    assert bytes(again["inhoud"]) != inhoud and bytes(again["inhoud"])[:12] != inhoud[:12]

    # Nowhere in the database in clear: the operator's backup holds neither the text nor the file.
    process = await asyncio.create_subprocess_exec(
        str(find_bindir() / "pg_dump"), "--no-owner", database_url, stdout=PIPE, stderr=STDOUT
    )
    dump, _ = await process.communicate()
    assert process.returncode == 0, dump[-2000:]
    assert secret.encode() not in dump
    assert str(case.kind_id).encode() in dump  # the control: the dump holds this test's rows

    # Never in the engine: no payload of the workflow's history holds it, decrypted or not.
    handle = env.client.get_workflow_handle(workflow_id(case.id))
    codec_ = env.client.data_converter.payload_codec
    assert codec_ is not None
    history = await handle.fetch_history()
    payloads = [p for event in history.events for p in payloads_in(event)]
    decoded = await codec_.decode(payloads)
    assert payloads and decoded
    in_engine = b"".join(p.SerializeToString() for p in [*payloads, *decoded])
    assert secret.encode() not in in_engine and b"%PDF-" not in in_engine
    assert base64.b64encode(pdf[:48]) not in in_engine


async def test_purged_with_the_content_after_refusal(case: Case, pool: asyncpg.Pool) -> None:
    pdf = a_pdf(marker())
    assert (await case.upload(PM, pdf)).status_code == 200
    await case.step("PUT", "/formulier", PM, 200, COMPLETE_FORM)
    await case.step("POST", "/indieningen", PM, 201)
    assert_pdf(await case.download(case.parent), pdf)

    refused = await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "geweigerd"})
    assert refused["status"] == "geweigerd"

    await eventually(
        lambda: pool.fetchval("SELECT inhoud_verwijderd_op FROM overdrachten WHERE id = $1", UUID(case.id)),
        lambda purged: purged is not None,
    )
    assert await stored(pool, case) == []
    assert_problem(await case.download(PM), 404)
    detail = (await case.api.get(case.path, headers=await case.as_(PM))).json()
    assert (detail["status"], detail["bijlagen"]) == ("geweigerd", [])


def test_the_form_s_readers_and_the_bijlage_s_readers_are_the_same_roles() -> None:
    """Reading the file is reading the form: the roles that may read content (Gebruiker.reads_content)."""
    readers = {rol for rol in Rol if rol not in (Rol.COORDINATOR, Rol.BEHEERDER)}
    assert set(PERMISSIONS[Capability.BIJLAGE_LEZEN].roles) == readers
    assert PERMISSIONS[Capability.BIJLAGE_TOEVOEGEN].roles == PERMISSIONS[Capability.FORMULIER_BEWERKEN].roles


def test_sealing_binds_the_key_and_the_associated_data() -> None:
    old = EncryptionCodec({"oud": b"o" * 32}, "oud")
    rotated = EncryptionCodec({"oud": b"o" * 32, "nieuw": b"n" * 32}, "nieuw")
    key_id, sealed = old.seal(b"%PDF-1.7 inhoud", b"overdracht-1")

    assert rotated.unseal(key_id, sealed, b"overdracht-1") == b"%PDF-1.7 inhoud"  # old keys still decrypt
    assert rotated.seal(b"x", b"a")[0] == "nieuw"
    for wrong_key, wrong_data in (("nieuw", b"overdracht-1"), ("oud", b"overdracht-2"), ("weg", b"overdracht-1")):
        with pytest.raises(PayloadDecryptionError):
            rotated.unseal(wrong_key, sealed, wrong_data)
    with pytest.raises(PayloadDecryptionError):
        old.unseal(key_id, sealed[:-1] + bytes([sealed[-1] ^ 1]), b"overdracht-1")
