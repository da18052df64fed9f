"""Files through the pages: the PM'er adds the observation instrument's PDF export from the form editor
and the scan of a parent's consent form signed on paper from that parent's page; both are downloaded
from the pages. A file that is not what it should be, too large, or from another site is refused on the
page, with why, and nothing is stored."""

import re

import httpx

from overdracht import demo
from tests.cases import NewCase
from tests.helpers import a_pdf
from tests.test_toestemmingsscan import a_photo
from tests.test_web_pages import ORIGIN, browser_like, csrf, sign_in

__all__ = ["browser_like"]

PM = demo.PM_USER[demo.BOOMHUT]


async def test_the_pm_adds_the_observation_export_from_the_editor_and_reads_it_back(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    case = await new_case("concept")
    page = case.path.removeprefix("/v1")
    await sign_in(browser_like, PM)
    editor = await browser_like.get(f"{page}/formulier")
    assert "PDF-export van het observatie-instrument" in editor.text and 'enctype="multipart/form-data"' in editor.text
    token, pdf = csrf(editor.text), a_pdf("Observatie van de test")

    not_pdf = await browser_like.post(
        f"{page}/observatie-export", data={"csrf": token}, files={"bestand": ("kijk.pdf", b"geen pdf", "application/pdf")},
        headers=ORIGIN,
    )  # fmt: skip
    assert not_pdf.status_code == 415 and 'href="#veld-bestand">' in not_pdf.text and "PDF" in not_pdf.text
    nothing = await browser_like.post(f"{page}/observatie-export", data={"csrf": token}, files={}, headers=ORIGIN)
    assert nothing.status_code == 400 and "Kies een bestand." in nothing.text
    forged = await browser_like.post(
        f"{page}/observatie-export", data={"csrf": "fout"}, files={"bestand": ("kijk.pdf", pdf, "application/pdf")},
        headers=ORIGIN,
    )  # fmt: skip
    assert forged.status_code == 400 and "verlopen" in forged.text
    too_big = await browser_like.post(
        f"{page}/observatie-export", content=b"x" * 100, headers={**ORIGIN, "Content-Length": str(11 * 1024 * 1024),
        "Content-Type": "multipart/form-data; boundary=x"},
    )  # fmt: skip
    assert too_big.status_code == 413 and "groter dan 10 MB" in too_big.text
    assert (await case.get(case.pm))["bijlagen"] == []

    added = await browser_like.post(
        f"{page}/observatie-export", data={"csrf": token}, files={"bestand": ("kijk.pdf", pdf, "application/pdf")},
        headers=ORIGIN,
    )  # fmt: skip

    assert added.headers["location"] == f"{page}/formulier?gedaan=observatie_export"
    after = await browser_like.get(added.headers["location"])
    assert "De observatie-export is opgeslagen" in after.text and "Toegevoegd op" in after.text
    download = await browser_like.get(f"{page}/observatie-export")
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["cache-control"] == "no-store"
    assert "Observatie-export downloaden" in (await browser_like.get(page)).text


async def test_the_pm_adds_a_parent_s_signed_consent_form_and_only_a_picture_or_pdf(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    case = await new_case("bij_ouders")
    page = case.path.removeprefix("/v1")
    await sign_in(browser_like, PM)
    ouders = await browser_like.get(f"{page}/ouders")
    [ouder_id] = re.findall(r"/ouders/([0-9a-f-]{36})/toestemming\"", ouders.text)
    url = f"{page}/ouders/{ouder_id}/toestemmingsscan"
    token, photo = csrf(ouders.text), a_photo("PNG", "getekend")

    wrong = await browser_like.post(
        url, data={"csrf": token}, files={"bestand": ("scan.gif", b"GIF89a....", "image/gif")}, headers=ORIGIN
    )
    assert wrong.status_code == 415 and 'href="#veld-bestand">' in wrong.text
    added = await browser_like.post(
        url, data={"csrf": token}, files={"bestand": ("scan.png", photo, "image/png")}, headers=ORIGIN
    )

    assert added.headers["location"] == f"{page}/ouders?gedaan=toestemmingsscan"
    listed = await browser_like.get(added.headers["location"])
    assert "De scan van het getekende formulier is opgeslagen." in listed.text and f'href="{url}"' in listed.text
    download = await browser_like.get(url)
    assert (download.status_code, download.headers["content-type"], download.content) == (200, "image/png", photo)
    assert download.headers["content-disposition"] == 'attachment; filename="toestemming.png"'
