"""The scan of a parent's consent form signed on paper (PUT/GET /v1/overdrachten/{id}/ouders/{ouderId}/toestemmingsscan):
one per parent, a PDF or a photo (JPEG, PNG) checked by its content, uploaded by the child's location while the
overdracht runs, downloaded by the location's staff and by that parent only (not the other parent, the school, the
coördinator or the beheerder), stored encrypted and bound to the parent, audited, shown in the detail to those who may
download it, and purged with the content."""

import io
import struct
import uuid
import zlib
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from core.codec import EncryptionCodec, PayloadDecryptionError
from core.settings import Settings
from overdracht import demo
from services.bijlagen import MAX_PIXELS, check_scan
from services.errors import TooLarge, UnsupportedFile
from tests.cases import Case, NewCase
from tests.conftest import Login
from tests.helpers import a_pdf, assert_problem, eventually

MB10 = 10 * 1024 * 1024
PM = demo.PM_USER[demo.BOOMHUT]
LM = demo.LM_USER[demo.BOOMHUT]
OTHER_PM = demo.PM_USER[demo.ZONNETJE]
OTHER_LM = demo.LM_USER[demo.ZONNETJE]
SCHOOL = demo.SCHOOL_USER[demo.STER]
BEHEERDER = UUID("60000000-0000-4000-8000-000000000011")
# A parent of another child (Lucas, also at De Boomhut).
OTHER_CHILDS_PARENT = next(c.parent_id for c in demo.CHILDREN if c.n == 12)


def marker() -> str:
    """Distinctive text inside a test file: found anywhere it should not be, the file leaked."""
    return f"Toestemmingsmerkteken{uuid.uuid4().hex}"


def a_photo(fmt: str, text: str) -> bytes:
    """A small photo of the signed page: a JPEG or PNG that carries `text` in clear (a comment, a text chunk)."""
    out = io.BytesIO()
    image = Image.new("RGB", (320, 240), (235, 235, 225))
    if fmt == "JPEG":
        image.save(out, "JPEG", comment=text.encode())
    else:
        info = PngInfo()
        info.add_text("Comment", text)
        image.save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    assert text.encode() in data
    return data


class Scans:
    """One new child's overdracht at De Boomhut and the requests around its parents' scans."""

    def __init__(self, case: Case, login: Login, pool: asyncpg.Pool) -> None:
        self.case, self.login, self.pool = case, login, pool
        self.api = case.api
        self.tokens: dict[UUID, dict[str, str]] = {}

    async def parent_ids(self) -> list[UUID]:
        """The child's parents: the first placed with it, then the second (tests.cases.add_parent)."""
        rows = await self.pool.fetch(
            "SELECT id FROM gebruikers WHERE kind_id = $1 AND rol = 'ouder' ORDER BY naam = 'Tweede ouder', id",
            self.case.kind_id,
        )
        return [r["id"] for r in rows]

    @property
    def id(self) -> UUID:
        return UUID(self.case.path.rsplit("/", 1)[1])

    async def as_(self, user: UUID) -> dict[str, str]:
        if user not in self.tokens:
            self.tokens[user] = await self.login(user)
        return self.tokens[user]

    def url(self, ouder_id: UUID) -> str:
        return f"{self.case.path}/ouders/{ouder_id}/toestemmingsscan"

    async def upload(self, user: UUID, ouder_id: UUID, data: bytes, mime: str = "application/pdf") -> httpx.Response:
        headers = {**await self.as_(user), "Content-Type": mime}
        return await self.api.put(self.url(ouder_id), headers=headers, content=data)

    async def upload_form(self, user: UUID, ouder_id: UUID, name: str, data: bytes, mime: str) -> httpx.Response:
        files = {"bestand": (name, data, mime)}
        return await self.api.put(self.url(ouder_id), headers=await self.as_(user), files=files)

    async def download(self, user: UUID, ouder_id: UUID) -> httpx.Response:
        return await self.api.get(self.url(ouder_id), headers=await self.as_(user))

    async def detail(self, user: UUID) -> dict[str, Any]:
        r = await self.api.get(self.case.path, headers=await self.as_(user))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    async def stored(self) -> list[asyncpg.Record]:
        return await self.pool.fetch(
            "SELECT * FROM bijlagen WHERE overdracht_id = $1 AND soort = 'toestemmingsscan' ORDER BY ouder_id", self.id
        )

    async def audit_rows(self) -> list[asyncpg.Record]:
        """The audit rows of the scans' use cases, and of the refusals of their endpoints (403)."""
        return await self.pool.fetch(
            "SELECT gebruiker_id, actie, grondslag, resultaat, kind_ids[1] AS kind_id, velden FROM audit_log"
            " WHERE overdracht_ids = ARRAY[$1::uuid] AND onderwerp LIKE '%toestemmingsscan%' ORDER BY id",
            self.id,
        )


MakeScans = Callable[..., Awaitable[Scans]]


@pytest.fixture
def scans(new_case: NewCase, login: Login, pool: asyncpg.Pool) -> MakeScans:
    """A new child's overdracht driven to `stage` (tests.cases.new_case), with its scans' requests."""

    async def made(stage: str = "bij_ouders", **kwargs: Any) -> Scans:
        return Scans(await new_case(stage, **kwargs), login, pool)

    return made


def assert_file(r: httpx.Response, data: bytes, media_type: str, name: str) -> None:
    assert r.status_code == 200, r.text
    assert r.content == data
    assert r.headers["content-type"] == media_type
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert r.headers["cache-control"] == "no-store"


async def test_round_trip_per_parent_pdf_and_photos_each_parent_sees_only_their_own(
    scans: MakeScans, settings: Settings
) -> None:
    s = await scans(second_parent=True)
    first, second = await s.parent_ids()
    pdf_text, jpeg_text, png_text = marker(), marker(), marker()
    pdf, jpeg, png = a_pdf(pdf_text), a_photo("JPEG", jpeg_text), a_photo("PNG", png_text)

    # The PM'er attaches the first parent's scan (a PDF); the manager the second's, a photo sent as a web form
    # sends it: under any name and declared type.
    r = await s.upload(PM, first, pdf)
    assert r.status_code == 200, r.text
    meta = r.json()
    assert (meta["soort"], meta["ouderId"], meta["grootte"]) == ("toestemmingsscan", str(first), len(pdf))
    r = await s.upload_form(LM, second, "handtekening.txt", jpeg, "text/plain")
    assert r.status_code == 200, r.text
    assert (r.json()["ouderId"], r.json()["grootte"]) == (str(second), len(jpeg))

    for staff in (PM, LM):
        assert_file(await s.download(staff, first), pdf, "application/pdf", "toestemming.pdf")
        assert_file(await s.download(staff, second), jpeg, "image/jpeg", "toestemming.jpg")
    # Each parent downloads their own, never the other's.
    assert_file(await s.download(first, first), pdf, "application/pdf", "toestemming.pdf")
    assert_file(await s.download(second, second), jpeg, "image/jpeg", "toestemming.jpg")
    assert_problem(await s.download(first, second), 404)
    assert_problem(await s.download(second, first), 404)

    # A new upload replaces the parent's scan; the other parent's stays.
    r = await s.upload(PM, first, png, "image/png")
    assert r.status_code == 200, r.text
    assert_file(await s.download(PM, first), png, "image/png", "toestemming.png")
    assert_file(await s.download(first, first), png, "image/png", "toestemming.png")
    assert_file(await s.download(second, second), jpeg, "image/jpeg", "toestemming.jpg")
    rows = await s.stored()
    assert sorted(r["ouder_id"] for r in rows) == sorted([first, second])

    # The detail shows the scans' metadata (no name) to those who may download them: the staff both, a
    # parent their own.
    by_parent = {r["ouder_id"]: r for r in rows}

    def shown(ouder_id: UUID) -> dict[str, Any]:
        row = by_parent[ouder_id]
        return {"soort": "toestemmingsscan", "ouderId": str(ouder_id), "grootte": row["grootte"]}

    def scans_in(detail: dict[str, Any]) -> list[dict[str, Any]]:
        return sorted(
            ({k: v for k, v in b.items() if k != "geuploadOp"} for b in detail["bijlagen"]),
            key=lambda b: str(b["ouderId"]),
        )

    both = sorted([shown(first), shown(second)], key=lambda b: b["ouderId"])
    for staff in (PM, LM):
        assert scans_in(await s.detail(staff)) == both
    assert scans_in(await s.detail(first)) == [shown(first)]
    assert scans_in(await s.detail(second)) == [shown(second)]
    assert all(b["geuploadOp"] for b in (await s.detail(PM))["bijlagen"])

    # Stored encrypted, bound to the overdracht, the kind and the parent: never its clear bytes.
    codec = EncryptionCodec.from_settings(settings)
    for row, data, text in ((by_parent[first], png, png_text), (by_parent[second], jpeg, jpeg_text)):
        inhoud = bytes(row["inhoud"])
        assert text.encode() not in inhoud and len(inhoud) == 12 + len(data) + 16
        bound = f"bijlage/toestemmingsscan/{s.id}/{row['ouder_id']}".encode()
        assert codec.unseal(row["sleutel_id"], inhoud, bound) == data
        other = second if row["ouder_id"] == first else first
        with pytest.raises(PayloadDecryptionError):
            codec.unseal(row["sleutel_id"], inhoud, f"bijlage/toestemmingsscan/{s.id}/{other}".encode())
        with pytest.raises(PayloadDecryptionError):
            codec.unseal(row["sleutel_id"], inhoud, f"bijlage/toestemmingsscan/{s.id}".encode())

    # Every upload and download in the audit trail, with its ground and answer; a parent's try at the other's too.
    up, read = ("wijzigen", "ToestemmingsscanToevoegen"), ("lezen", "ToestemmingsscanLezen")
    rows = await s.audit_rows()
    audit = [(r["gebruiker_id"], r["actie"], r["grondslag"], r["resultaat"]) for r in rows]
    assert audit[:2] == [(PM, *up, 200), (LM, *up, 200)]
    assert (first, *read, 200) in audit and (second, *read, 200) in audit
    assert (first, *read, 404) in audit and (second, *read, 404) in audit
    assert (PM, *up, 200) in audit[2:] and (LM, *read, 200) in audit
    assert all(
        (r["kind_id"], r["velden"]) == (s.case.kind_id, ["bijlage.toestemmingsscan"])
        for r in rows
        if r["resultaat"] == 200
    )
    inzage = await s.api.get(f"{s.case.path}/inzage-log", headers=await s.as_(first))
    assert "overdracht.toestemmingsscan" in {r["onderwerp"] for r in inzage.json()["resultaten"]}
    assert "handtekening.txt" not in inzage.text


async def test_what_is_no_pdf_jpeg_or_png_or_too_big_is_refused_and_changes_nothing(
    scans: MakeScans,
) -> None:
    s = await scans()
    [parent] = await s.parent_ids()
    jpeg = a_photo("JPEG", marker())
    assert (await s.upload(PM, parent, jpeg, "image/jpeg")).status_code == 200
    before = await s.stored()

    text = b"Ik geef toestemming. Handtekening: ...\n" * 20
    gif = io.BytesIO()
    Image.new("RGB", (32, 32)).save(gif, "GIF")
    for data, mime in (
        (text, "application/pdf"),
        (text, "image/jpeg"),
        (b"", "image/png"),
        (gif.getvalue(), "application/octet-stream"),  # an image, but not one of the three
        (b"\xff\xd8\xff\xe0" + text, "image/jpeg"),  # the magic alone is not enough
        (b"\x89PNG\r\n\x1a\n" + text, "image/png"),
        (jpeg[: len(jpeg) // 2], "image/jpeg"),  # cut off
        (b"%PDF-1.7\n" + text, "application/pdf"),
        (jpeg, "text/plain"),  # a type no scan has, even for a JPEG
    ):
        assert_problem(await s.upload(PM, parent, data, mime), 415)
    assert_problem(await s.upload_form(PM, parent, "scan.jpg", text, "image/jpeg"), 415)

    # More than 10 MB, as the body or in a form; 10 MB exactly is no problem of size (it is refused for
    # not being a readable image).
    padded = jpeg + b"\0" * (MB10 + 1 - len(jpeg))
    assert_problem(await s.upload(PM, parent, padded, "image/jpeg"), 413)
    assert_problem(await s.upload_form(PM, parent, "scan.jpg", padded, "image/jpeg"), 413)
    assert_problem(await s.upload(PM, parent, b"x" + padded[: MB10 - 1], "image/jpeg"), 415)

    assert await s.stored() == before
    assert_file(await s.download(PM, parent), jpeg, "image/jpeg", "toestemming.jpg")


async def test_only_the_location_and_the_parent_not_the_school_coordinator_or_beheerder(
    scans: MakeScans,
) -> None:
    s = await scans()
    [parent] = await s.parent_ids()
    assert_problem(await s.download(PM, parent), 404)  # none yet
    pdf = a_pdf(marker())
    assert (await s.upload(PM, parent, pdf)).status_code == 200
    before = await s.stored()

    # Another location's staff, another child's parent: the overdracht does not exist for them.
    for user in (OTHER_PM, OTHER_LM, OTHER_CHILDS_PARENT):
        assert_problem(await s.download(user, parent), 404)
    for user in (OTHER_PM, OTHER_LM):
        assert_problem(await s.upload(user, parent, a_pdf()), 404)
    # Roles that may never read or add one.
    for user in (SCHOOL, demo.COORDINATOR, BEHEERDER):
        assert_problem(await s.download(user, parent), 403)
        assert_problem(await s.upload(user, parent, a_pdf()), 403)
    # The parent reads their own; they do not add one.
    assert_problem(await s.upload(parent, parent, a_pdf()), 403)
    # `ouderId` must be a parent of this child: not another child's parent, a PM'er, or no one at all.
    for not_a_parent in (OTHER_CHILDS_PARENT, PM, uuid.uuid4()):
        assert_problem(await s.upload(PM, not_a_parent, a_pdf()), 404)
        assert_problem(await s.download(PM, not_a_parent), 404)
    assert await s.stored() == before

    # Once sent, the school reads the form but not the scans: not in the detail, not as a download.
    await s.case.step("POST", "/toestemmingen", s.case.parent, 201, {"besluit": "gegeven"})
    await s.case.step("POST", "/verzendingen", s.case.pm, 201)
    assert (await s.detail(SCHOOL))["bijlagen"] == []
    assert_problem(await s.download(SCHOOL, parent), 403)
    for user in (demo.COORDINATOR, BEHEERDER):
        assert (await s.detail(user))["bijlagen"] is None
    # Still running (VERZONDEN): the location may still add or replace it.
    assert (await s.upload(LM, parent, pdf)).status_code == 200

    refused = [(r["gebruiker_id"], r["resultaat"]) for r in await s.audit_rows() if r["resultaat"] >= 400]
    assert (SCHOOL, 403) in refused and (OTHER_PM, 404) in refused and (demo.COORDINATOR, 403) in refused


async def test_purged_with_the_content_after_a_refusal_and_none_added_after_the_end(
    scans: MakeScans, pool: asyncpg.Pool
) -> None:
    s = await scans()
    [parent] = await s.parent_ids()
    pdf = a_pdf(marker())
    assert (await s.upload(PM, parent, pdf)).status_code == 200
    assert_file(await s.download(parent, parent), pdf, "application/pdf", "toestemming.pdf")

    refused = await s.case.step("POST", "/toestemmingen", s.case.parent, 201, {"besluit": "geweigerd"})
    assert refused["status"] == "geweigerd"
    await eventually(
        lambda: pool.fetchval("SELECT inhoud_verwijderd_op FROM overdrachten WHERE id = $1", s.id),
        lambda purged: purged is not None,
    )
    assert await s.stored() == []
    assert await pool.fetchval("SELECT count(*) FROM bijlagen WHERE overdracht_id = $1", s.id) == 0
    assert_problem(await s.download(PM, parent), 404)
    detail = await s.detail(PM)
    assert (detail["status"], detail["bijlagen"]) == ("geweigerd", [])

    # Ended: nothing is added any more (its content is gone, and would be purged).
    body = assert_problem(await s.upload(PM, parent, a_pdf()), 409)
    assert "geweigerd" in body["detail"]
    assert await s.stored() == []


def a_png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels in a few bytes (no image data): what a decompression
    bomb looks like before it is decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_the_content_decides_and_an_image_of_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    assert check_scan(a_pdf()) == "application/pdf"
    assert check_scan(a_photo("JPEG", marker())) == "image/jpeg"
    assert check_scan(a_photo("PNG", marker())) == "image/png"
    with pytest.raises(UnsupportedFile):
        check_scan(a_png_header(100, 100))  # a header, no picture
    # Over Pillow's guard against decompression bombs (about 89 million pixels), or far over it: 413.
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(TooLarge):
        check_scan(a_png_header(10_000, 9_000))
    with pytest.raises(TooLarge):
        check_scan(a_png_header(20_000, 20_000))
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS  # our limit is Pillow's (written out: Pillow loads late)


def test_a_cut_off_photo_stays_refused_in_the_api_process() -> None:
    """The app imports WeasyPrint (the overdracht's PDF), which tells Pillow to accept cut-off images."""
    import api.app  # noqa: F401 - everything the API process imports

    jpeg = a_photo("JPEG", marker())
    with pytest.raises(UnsupportedFile):
        check_scan(jpeg[: len(jpeg) // 2])
