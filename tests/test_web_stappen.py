"""The voorschool's steps through the pages, against the real app and engine: consent recorded on paper,
sending, a correction round, choosing the school and the mentor, cancelling (locatiemanager only), the
parents' letter; bad input keeps what was typed, a step the state no longer allows says why."""

import re
from datetime import date, timedelta

import httpx

from overdracht import demo
from tests.cases import Case, NewCase
from tests.test_web_pages import ORIGIN, browser_like, csrf, sign_in

__all__ = ["browser_like"]

PM, LM = demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT]


def page_of(case: Case) -> str:
    return case.path.removeprefix("/v1")


async def post(client: httpx.AsyncClient, url: str, data: dict[str, str] | None = None) -> httpx.Response:
    form = await client.get(url if not url.endswith(("/verzenden", "/papieren-kopie")) else url.rsplit("/", 1)[0])
    return await client.post(url, data={"csrf": csrf(form.text), **(data or {})}, headers=ORIGIN)


async def test_consent_given_on_paper_is_recorded_per_parent_and_then_the_pm_sends(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    case = await new_case("bij_ouders")
    await sign_in(browser_like, PM)
    ouders = await browser_like.get(f"{page_of(case)}/ouders")
    assert ouders.status_code == 200
    [ouder_id] = re.findall(r"/ouders/([0-9a-f-]{36})/toestemming", ouders.text)
    url = f"{page_of(case)}/ouders/{ouder_id}/toestemming"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()

    missing = await post(browser_like, url, {"wijze": "gesprek", "datum": ""})
    assert missing.status_code == 400
    assert 'href="#veld-besluit">Vul dit in.' in missing.text and 'href="#veld-datum">Vul dit in.' in missing.text
    assert re.search(r'value="gesprek" id="veld-wijze-2" checked', missing.text)  # kept
    future = await post(browser_like, url, {"besluit": "gegeven", "wijze": "handtekening", "datum": tomorrow})
    assert future.status_code == 400 and "ligt in de toekomst" in future.text
    assert (await case.get(case.pm))["status"] == "bij_ouders"

    done = await post(
        browser_like, url, {"besluit": "gegeven", "wijze": "handtekening", "datum": date.today().isoformat()}
    )

    assert done.status_code == 303
    assert "Het besluit van de ouder is vastgelegd." in (await browser_like.get(done.headers["location"])).text
    assert (await case.get(case.pm))["status"] == "gereed_voor_verzending"
    overdracht = await browser_like.get(page_of(case))
    assert "Naar Basisschool De Ster versturen" in overdracht.text
    token = csrf(overdracht.text)
    sent = await post(browser_like, f"{page_of(case)}/verzenden")
    assert sent.headers["location"] == f"{page_of(case)}?gedaan=verzonden"
    assert "De overdracht is naar de school verstuurd." in (await browser_like.get(sent.headers["location"])).text
    assert (await case.get(case.pm))["status"] == "verzonden"
    # A second click, from the page as it was: refused, and the page says why.
    again = await browser_like.post(f"{page_of(case)}/verzenden", data={"csrf": token}, headers=ORIGIN)
    assert again.status_code == 409 and "Dit kan nu niet" in again.text


async def test_a_correction_needs_a_reason_and_takes_the_form_back(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    case = await new_case("bij_ouders")
    await sign_in(browser_like, PM)
    assert "Formulier terugnemen voor een correctie" in (await browser_like.get(page_of(case))).text

    empty = await post(browser_like, f"{page_of(case)}/correctie", {"reden": "  "})
    assert empty.status_code == 400 and 'href="#veld-reden">Vul dit in.' in empty.text
    done = await post(browser_like, f"{page_of(case)}/correctie", {"reden": "Ouders zien een fout bij taal."})

    assert done.status_code == 303
    assert (await case.get(case.pm))["status"] == "concept"


async def test_only_the_locatiemanager_cancels_and_names_the_mentor(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    case = await new_case("concept")
    await sign_in(browser_like, PM)
    overdracht = await browser_like.get(page_of(case))
    assert "Overdracht annuleren" not in overdracht.text
    assert (await browser_like.get(f"{page_of(case)}/annuleren")).status_code == 403
    refused = await browser_like.post(
        f"{page_of(case)}/annuleren", data={"csrf": csrf(overdracht.text), "reden": "Verhuist."}, headers=ORIGIN
    )
    assert refused.status_code == 403 and "annuleren" in refused.text
    assert (await case.get(case.pm))["status"] == "concept"

    await sign_in(browser_like, LM)  # (a new session in the same browser)
    mentor_page = await browser_like.get(f"{page_of(case)}/mentor")
    assert "Sanne de Vries" in mentor_page.text
    sanne = str(PM)
    named = await post(browser_like, f"{page_of(case)}/mentor", {"mentorId": sanne})
    assert named.status_code == 303
    assert (await case.get(case.pm))["mentor"]["id"] == sanne
    cancelled = await post(browser_like, f"{page_of(case)}/annuleren", {"reden": "Verhuist naar Lelystad."})
    assert cancelled.status_code == 303
    assert (await case.get(case.pm))["status"] == "geannuleerd"


async def test_the_pm_chooses_another_school_from_the_gemeente_s_list(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    case = await new_case("concept")
    await sign_in(browser_like, PM)
    form = await browser_like.get(f"{page_of(case)}/school")
    options = dict(
        (naam, sid) for sid, naam in re.findall(r'<option value="([0-9a-f-]{36})"[^>]*>([^<]+)</option>', form.text)
    )
    assert "De Polder" in " ".join(options)

    nothing = await post(browser_like, f"{page_of(case)}/school", {"schoolId": ""})
    assert nothing.status_code == 400 and 'href="#veld-schoolId">Kies een school.' in nothing.text
    polder = next(sid for naam, sid in options.items() if "Polder" in naam)
    chosen = await post(browser_like, f"{page_of(case)}/school", {"schoolId": polder})

    assert chosen.status_code == 303
    assert (await case.get(case.pm))["school"]["id"] == polder


async def test_the_letter_with_a_new_code_is_a_pdf_to_print(browser_like: httpx.AsyncClient, new_case: NewCase) -> None:
    case = await new_case("bij_ouders")
    await sign_in(browser_like, PM)
    ouders = await browser_like.get(f"{page_of(case)}/ouders")
    [ouder_id] = re.findall(r"/ouders/([0-9a-f-]{36})/brief", ouders.text)

    r = await browser_like.post(
        f"{page_of(case)}/ouders/{ouder_id}/brief", data={"csrf": csrf(ouders.text)}, headers=ORIGIN
    )

    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert r.headers["content-disposition"] == 'attachment; filename="brief-ouder.pdf"'
