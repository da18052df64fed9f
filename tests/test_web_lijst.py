"""The staff's lists: the start page (what is late, what is due next) and every overdracht with the
API's filters, a page at a time; a filter typed wrong keeps the input and says what to fix."""

import httpx

from overdracht import demo
from tests.cases import NewCase
from tests.test_web_pages import browser_like, sign_in

__all__ = ["browser_like"]

PM = demo.PM_USER[demo.BOOMHUT]


def name(case_kind: object) -> str:
    return f"Proef-{str(case_kind)[:8]}"


async def test_the_start_page_and_the_list_filtered_by_status(
    browser_like: httpx.AsyncClient, new_case: NewCase
) -> None:
    concept, with_parents = await new_case("concept"), await new_case("bij_ouders")
    await sign_in(browser_like, PM)

    start = await browser_like.get("/")
    assert "Eerstvolgende deadlines" in start.text and 'href="/overdrachten">Alle overdrachten' in start.text
    r = await browser_like.get("/overdrachten", params={"status": "bij_ouders", "sort": "-geopendOp"})

    assert r.status_code == 200
    assert name(with_parents.kind_id) in r.text and name(concept.kind_id) not in r.text
    assert '<option value="bij_ouders" selected>bij de ouders</option>' in r.text  # the filter kept


async def test_a_wrongly_typed_filter_is_shown_with_what_to_fix(browser_like: httpx.AsyncClient) -> None:
    await sign_in(browser_like, PM)

    r = await browser_like.get("/overdrachten", params={"schooljaar": "2027", "status": "ONZIN"})

    assert r.status_code == 400
    assert 'href="#veld-schooljaar">Vul dit in zoals in het voorbeeld.' in r.text
    assert 'href="#veld-status">Kies een van de mogelijkheden.' in r.text
    assert 'value="2027"' in r.text
