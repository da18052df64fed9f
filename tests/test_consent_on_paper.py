"""Consent as it is given in practice: signed on the paper form or said in the conversation, and
recorded per parent by the voorschool, over the API. The parents are told, and can still withdraw."""

from datetime import date, timedelta

import asyncpg

from overdracht import demo
from tests.cases import Case, NewCase, events
from tests.conftest import Login
from tests.helpers import assert_problem, eventually

SIGNED = (date.today() - timedelta(days=2)).isoformat()


async def test_the_pm_records_each_parents_signature_and_the_parents_are_told(
    new_case: NewCase, pool: asyncpg.Pool
) -> None:
    case = await new_case("bij_ouders", second_parent=True)
    mum, dad = await pool.fetch(
        "SELECT id FROM gebruikers WHERE rol = 'ouder' AND kind_id = $1 ORDER BY id", case.kind_id
    )
    signed = {"besluit": "gegeven", "wijze": "handtekening", "datum": SIGNED}

    first = await case.step("POST", f"/ouders/{mum['id']}/toestemmingen", case.pm, 201, signed)
    second = await case.step("POST", f"/ouders/{dad['id']}/toestemmingen", case.pm, 201, {**signed, "wijze": "gesprek"})

    assert first["status"] == "bij_ouders"  # the protocol asks both parents
    assert second["status"] == "gereed_voor_verzending"
    given = events(await case.timeline(case.pm), "toestemming_gegeven")
    assert [(e["rol"], e["details"]["wijze"], e["details"]["datum"]) for e in given] == [
        ("pedagogisch_medewerker", "handtekening", SIGNED),
        ("pedagogisch_medewerker", "gesprek", SIGNED),
    ]
    # The parents hear what was recorded for them.
    told = await eventually(
        lambda: pool.fetch(
            "SELECT sleutel FROM berichten WHERE overdracht_id = $1 AND aanleiding = 'toestemming_vastgelegd'",
            case.path.rsplit("/", 1)[1],
        ),
        lambda rows: len(rows) == 2,
    )
    assert len(told) == 2
    # And a parent can still withdraw it themselves before the school has it.
    withdrawn = await case.step("POST", "/toestemmingen", case.parents[0], 201, {"besluit": "ingetrokken"})
    assert withdrawn["status"] == "ingetrokken"


async def test_a_refusal_on_paper_refuses(new_case: NewCase) -> None:
    case = await new_case("bij_ouders")
    parent_id = await _parent(case)

    refused = await case.step(
        "POST",
        f"/ouders/{parent_id}/toestemmingen",
        case.pm,
        201,
        {"besluit": "geweigerd", "wijze": "handtekening", "datum": SIGNED},
    )

    assert refused["status"] == "geweigerd"


async def test_recording_for_a_parent_needs_how_when_and_a_parent_of_this_child(
    new_case: NewCase, login: Login
) -> None:
    case = await new_case("bij_ouders")
    parent_id = await _parent(case)
    other_child_parent = next(c.parent_id for c in demo.CHILDREN if c.n == 12)
    ok = {"besluit": "gegeven", "wijze": "handtekening", "datum": SIGNED}

    digital = await case.api.post(
        f"{case.path}/ouders/{parent_id}/toestemmingen", headers=case.pm, json={**ok, "wijze": "digitaal"}
    )
    future = await case.api.post(
        f"{case.path}/ouders/{parent_id}/toestemmingen",
        headers=case.pm,
        json={**ok, "datum": (date.today() + timedelta(days=3)).isoformat()},
    )
    stranger = await case.api.post(f"{case.path}/ouders/{other_child_parent}/toestemmingen", headers=case.pm, json=ok)
    by_parent = await case.api.post(f"{case.path}/ouders/{parent_id}/toestemmingen", headers=case.parent, json=ok)
    by_school = await case.api.post(f"{case.path}/ouders/{parent_id}/toestemmingen", headers=case.school, json=ok)

    assert assert_problem(digital, 400)["invalidParams"][0]["name"] == "wijze"
    assert assert_problem(future, 400)["invalidParams"][0]["name"] == "datum"
    assert_problem(stranger, 404)
    assert_problem(by_parent, 403)
    assert_problem(by_school, 403)
    assert (await case.get(case.pm))["status"] == "bij_ouders"


async def _parent(case: Case) -> str:
    """The child's parent, as the location's staff find them."""
    r = await case.api.get(f"{case.path}/ouders", headers=case.pm)
    assert r.status_code == 200, r.text
    return str(r.json()["ouders"][0]["id"])
