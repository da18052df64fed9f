"""The lifecycle beyond the happy path, as its callers meet it over the API: consent per parent, the
parents' reaction, withdrawal, a school's return, the warme overdracht, cancellation, a moved
deadline, the paper copy, and what the coordinator (metadata only) sees of all that."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from overdracht import demo
from tests.cases import FIRST_SCHOOL_DAY, WARM_DAY, Case, NewCase, events
from tests.conftest import Login
from tests.helpers import assert_problem, eventually

# 1. Consent per parent, protocol "alle_ouders" (the Almere default)


async def test_with_two_parents_the_first_consent_waits_for_the_second(new_case: NewCase) -> None:
    case = await new_case("bij_ouders", second_parent=True)
    first, second = case.parents

    after_first = await case.step("POST", "/toestemmingen", first, 201, {"besluit": "gegeven"})

    assert after_first["status"] == "bij_ouders"
    assert after_first["tijdstippen"]["toestemmingOp"] is None
    given = events(await case.timeline(case.pm), "toestemming_gegeven")
    assert [(e["status"], e["details"], e["rol"]) for e in given] == [("bij_ouders", {"nog_nodig": "1"}, "ouder")]

    after_second = await case.step("POST", "/toestemmingen", second, 201, {"besluit": "gegeven"})

    assert after_second["status"] == "gereed_voor_verzending"
    assert after_second["tijdstippen"]["toestemmingOp"] is not None
    assert (await case.get(case.pm))["status"] == "gereed_voor_verzending"
    assert len(events(await case.timeline(case.pm), "toestemming_gegeven")) == 2


async def test_the_same_parent_consenting_twice_counts_once(new_case: NewCase) -> None:
    case = await new_case("bij_ouders", second_parent=True)

    await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})
    again = await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})

    assert again["status"] == "bij_ouders"
    assert_problem(await case.api.post(f"{case.path}/verzendingen", headers=case.pm), 409)


@pytest.mark.parametrize("who_refuses", ["first, before any consent", "second, after the other's consent"])
async def test_a_refusal_by_either_parent_refuses_and_purges_the_content(
    new_case: NewCase, pool: asyncpg.Pool, who_refuses: str
) -> None:
    case = await new_case("bij_ouders", second_parent=True)
    first, second = case.parents
    await case.step("POST", "/ouderreacties", first, 201, {"eens": "nee", "zienswijze": "Klopt niet met thuis."})
    if who_refuses.startswith("second"):
        await case.step("POST", "/toestemmingen", first, 201, {"besluit": "gegeven"})
    refuser = first if who_refuses.startswith("first") else second

    refused = await case.step("POST", "/toestemmingen", refuser, 201, {"besluit": "geweigerd"})

    assert refused["status"] == "geweigerd"
    assert refused["tijdstippen"]["geweigerdOp"] is not None
    purged = await eventually(lambda: case.get(case.pm), lambda b: b["tijdstippen"]["inhoudVerwijderdOp"] is not None)
    assert purged["status"] == "geweigerd"
    assert purged["formulier"] is None
    assert events(await case.timeline(case.pm), "inhoud_verwijderd")
    overdracht_id = UUID(case.path.rsplit("/", 1)[1])
    assert await pool.fetchval("SELECT count(*) FROM ouderreacties WHERE overdracht_id = $1", overdracht_id) == 0
    # Refused is final: with the content, the parents' accounts are gone, so a later consent cannot even
    # be signed in for.
    assert_problem(await case.api.post(f"{case.path}/toestemmingen", headers=second, json={"besluit": "gegeven"}), 401)


# 2. The parents' reaction


async def test_the_parents_reaction_is_recorded_while_they_review(new_case: NewCase) -> None:
    case = await new_case("bij_ouders")
    reaction = {"eens": "nee", "zienswijze": "Thuis praat ze veel meer.", "reden": "Taal is te laag ingeschat."}

    body = await case.step("POST", "/ouderreacties", case.parent, 201, reaction)

    assert body["status"] == "bij_ouders"
    [reactie] = body["ouderreacties"]
    assert (reactie["eens"], reactie["zienswijze"], reactie["reden"]) == (
        "nee",
        reaction["zienswijze"],
        reaction["reden"],
    )
    [event] = events(await case.timeline(case.pm), "ouderreactie")
    # Whether the parents agree is content: not in the timeline's metadata, which the coordinator sees.
    assert event["details"] == {}
    assert event["rol"] == "ouder" and event["status"] == "bij_ouders"


async def test_a_reaction_outside_the_review_is_409_and_from_staff_403(new_case: NewCase) -> None:
    case = await new_case("concept")
    reaction = {"eens": "nee", "zienswijze": "Nog niet gezien.", "reden": "Te vroeg."}

    early = await case.api.post(f"{case.path}/ouderreacties", headers=case.parent, json=reaction)
    by_pm = await case.api.post(f"{case.path}/ouderreacties", headers=case.pm, json=reaction)

    assert "bij_ouders" in assert_problem(early, 409)["detail"]
    assert_problem(by_pm, 403)
    assert not events(await case.timeline(case.pm), "ouderreactie")


async def test_the_school_reads_the_parents_view_with_the_form(new_case: NewCase) -> None:
    case = await new_case("bij_ouders")
    view = "Thuis zingt hij de hele dag liedjes."
    await case.step("POST", "/ouderreacties", case.parent, 201, {"eens": "ja", "zienswijze": view})
    await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})
    await case.step("POST", "/verzendingen", case.pm, 201)

    r = await case.api.get(case.path, headers=case.school)

    assert r.status_code == 200
    assert view in r.text


# 3. Withdrawal


@pytest.mark.parametrize("stage", ["gereed_voor_verzending", "verzonden"])
async def test_consent_can_be_withdrawn_until_receipt(new_case: NewCase, stage: str) -> None:
    case = await new_case(stage)

    body = await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "ingetrokken"})

    assert body["status"] == "ingetrokken"
    assert body["tijdstippen"]["ingetrokkenOp"] is not None
    assert events(await case.timeline(case.pm), "toestemming_ingetrokken")
    # No consent, no transfer: it cannot be sent (again), and its content is destroyed.
    assert_problem(await case.api.post(f"{case.path}/verzendingen", headers=case.pm), 409)
    purged = await eventually(lambda: case.get(case.pm), lambda b: b["tijdstippen"]["inhoudVerwijderdOp"] is not None)
    assert purged["formulier"] is None and purged["status"] == "ingetrokken"


@pytest.mark.parametrize(
    ("stage", "besluit"), [("bij_ouders", "gegeven"), ("bij_ouders", "geweigerd"), ("verzonden", "ingetrokken")]
)
async def test_a_decision_on_consent_is_answered_in_one_shape_whatever_the_purge_did(
    new_case: NewCase, api: httpx.AsyncClient, stage: str, besluit: str
) -> None:
    """A refusal or withdrawal purges the content and the parents' access at once; the answer is the
    engine's record of the step, so it cannot depend on whether the purge ran before it was read."""
    case = await new_case(stage)

    body = await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": besluit})

    assert set(body) == {"id", "status", "revisie", "tijdstippen", "termijnen"}
    assert "bijgewerktOp" not in body["tijdstippen"] and body["tijdstippen"]["geopendOp"] is not None
    schema = (await api.get("/v1/openapi.json")).json()
    answer = schema["paths"]["/overdrachten/{overdracht_id}/toestemmingen"]["post"]["responses"]["201"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/StapResultaat"}


async def test_after_withdrawal_the_school_no_longer_reads_the_child(new_case: NewCase) -> None:
    case = await new_case("verzonden")
    assert (await case.get(case.school))["kind"]["voornaam"] == "Testkind"

    await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "ingetrokken"})
    await eventually(lambda: case.get(case.pm), lambda b: b["tijdstippen"]["inhoudVerwijderdOp"] is not None)

    r = await case.api.get(case.path, headers=case.school)
    assert r.status_code == 404 or r.json()["kind"] is None, r.text
    assert "Testkind" not in r.text and "Proef-" not in r.text


async def test_consent_cannot_be_withdrawn_after_receipt(new_case: NewCase) -> None:
    case = await new_case("ontvangen")  # no warme overdracht needed: receipt completes it

    r = await case.api.post(f"{case.path}/toestemmingen", headers=case.parent, json={"besluit": "ingetrokken"})

    assert_problem(r, 409)
    after = await case.get(case.pm)
    assert after["status"] == "afgerond" and after["tijdstippen"]["ingetrokkenOp"] is None
    assert after["formulier"] is not None


# 4. Return by the school


async def return_to_sender(case: Case, reden: str) -> httpx.Response:
    r = await case.api.post(f"{case.path}/retouren", headers=case.school, json={"reden": reden})
    assert r.status_code == 201, r.text
    return r


async def test_the_school_is_answered_201_when_it_returns_an_overdracht(new_case: NewCase) -> None:
    case = await new_case("verzonden")

    r = await case.api.post(f"{case.path}/retouren", headers=case.school, json={"reden": "Niet ingeschreven"})

    assert (await case.get(case.pm))["status"] == "wacht_op_school"  # taken either way
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "wacht_op_school"


async def test_a_returned_overdracht_waits_for_another_school(new_case: NewCase, login: Login) -> None:
    case = await new_case("verzonden")

    await return_to_sender(case, "Niet ingeschreven")

    assert_problem(await case.api.get(case.path, headers=case.school), 404)
    assert_problem(await case.api.get(f"{case.path}/tijdlijn", headers=case.school), 404)
    ster_list = await case.api.get("/v1/overdrachten", headers=case.school, params={"status": "wacht_op_school"})
    assert case.path.rsplit("/", 1)[1] not in ster_list.text
    seen_by_pm = await case.get(case.pm)
    assert (seen_by_pm["status"], seen_by_pm["school"]) == ("wacht_op_school", None)
    [event] = events(await case.timeline(case.pm), "geretourneerd")
    assert (event["rol"], event["toelichting"]) == ("school", "Niet ingeschreven")

    chosen = await case.step("PUT", "/school", case.pm, 200, {"schoolId": str(demo.POLDER)})
    # The consent was for De Ster: the parents are asked again for De Polder.
    assert chosen["status"] == "bij_ouders"
    assert chosen["school"]["id"] == str(demo.POLDER)
    again = await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})
    assert again["status"] == "gereed_voor_verzending"
    sent = await case.step("POST", "/verzendingen", case.pm, 201)
    assert sent["status"] == "verzonden"

    polder = await login(demo.SCHOOL_USER[demo.POLDER])
    seen_by_polder = await case.get(polder)
    assert seen_by_polder["status"] == "verzonden"
    assert seen_by_polder["formulier"]["bijzonderheden"]["adviesVoorSchool"] == "Rustig opstarten helpt."
    assert_problem(await case.api.get(case.path, headers=case.school), 404)


async def test_a_return_needs_a_reason_and_the_school(new_case: NewCase) -> None:
    case = await new_case("verzonden")

    without_reason = await case.api.post(f"{case.path}/retouren", headers=case.school, json={})
    empty_reason = await case.api.post(f"{case.path}/retouren", headers=case.school, json={"reden": ""})
    by_pm = await case.api.post(f"{case.path}/retouren", headers=case.pm, json={"reden": "Niet ingeschreven"})

    assert "reden" in {p["name"] for p in assert_problem(without_reason, 400)["invalidParams"]}
    assert_problem(empty_reason, 400)
    assert_problem(by_pm, 403)
    assert (await case.get(case.school))["status"] == "verzonden"


# 5. Warme overdracht


async def test_a_vve_child_gets_its_warme_overdracht_planned_and_held(new_case: NewCase) -> None:
    case = await new_case("ontvangen", vve=True)
    received = await case.get(case.school)
    assert received["status"] == "ontvangen"
    assert received["warmeOverdracht"]["vereist"] is True

    planned = await case.step(
        "POST", "/warme-overdrachten", case.school, 201, {"actie": "plannen", "datum": WARM_DAY, "vorm": "gesprek"}
    )

    assert planned["status"] == "warme_overdracht_gepland"
    assert planned["warmeOverdracht"]["geplandOp"] == WARM_DAY

    held = await case.step(
        "POST",
        "/warme-overdrachten",
        case.school,
        201,
        {"actie": "vastleggen", "datum": WARM_DAY, "vorm": "gesprek", "deelnemers": ["mentor", "intern begeleider"]},
    )

    assert held["status"] == "afgerond"
    assert held["warmeOverdracht"]["gehoudenOp"] == WARM_DAY
    assert held["tijdstippen"]["afgerondOp"] is not None
    statuses = [e["gebeurtenis"] for e in await case.timeline(case.pm)]
    assert statuses[-3:] == ["warme_overdracht_gepland", "warme_overdracht_gehouden", "afgerond"]


async def test_parents_may_ask_for_a_warme_overdracht_but_not_plan_or_record_it(new_case: NewCase) -> None:
    case = await new_case("ontvangen", vve=True)

    asked = await case.step(
        "POST", "/warme-overdrachten", case.parent, 201, {"actie": "aanvragen", "reden": "Hij is erg verlegen."}
    )
    plan = await case.api.post(
        f"{case.path}/warme-overdrachten",
        headers=case.parent,
        json={"actie": "plannen", "datum": WARM_DAY, "vorm": "gesprek"},
    )
    record = await case.api.post(
        f"{case.path}/warme-overdrachten",
        headers=case.parent,
        json={"actie": "vastleggen", "datum": WARM_DAY, "vorm": "gesprek", "deelnemers": ["ouder"]},
    )

    assert asked["status"] == "ontvangen"
    [event] = events(await case.timeline(case.pm), "warme_overdracht_gevraagd")
    assert (event["rol"], event["toelichting"]) == ("ouder", "Hij is erg verlegen.")
    assert_problem(plan, 403)
    assert_problem(record, 403)
    assert (await case.get(case.pm))["status"] == "ontvangen"


async def test_an_unknown_warme_overdracht_action_is_400(new_case: NewCase) -> None:
    case = await new_case("ontvangen", vve=True)

    r = await case.api.post(
        f"{case.path}/warme-overdrachten", headers=case.school, json={"actie": "afzeggen", "datum": WARM_DAY}
    )

    assert_problem(r, 400)
    assert (await case.get(case.school))["status"] == "ontvangen"


async def test_planning_a_warme_overdracht_before_receipt_is_409(new_case: NewCase) -> None:
    case = await new_case("verzonden", vve=True)

    r = await case.api.post(
        f"{case.path}/warme-overdrachten",
        headers=case.school,
        json={"actie": "plannen", "datum": WARM_DAY, "vorm": "video"},
    )

    assert_problem(r, 409)
    assert (await case.get(case.school))["warmeOverdracht"]["geplandOp"] is None


async def test_a_school_asking_for_a_warme_overdracht_at_receipt_keeps_it_open(new_case: NewCase) -> None:
    case = await new_case("verzonden")
    assert (await case.get(case.pm))["warmeOverdracht"]["vereist"] is False

    body = await case.step(
        "POST",
        "/ontvangstbevestigingen",
        case.school,
        201,
        {"eersteSchooldag": FIRST_SCHOOL_DAY, "warmeOverdrachtGewenst": True, "reden": "Veel wisselingen thuis."},
    )

    assert body["status"] == "ontvangen"
    assert body["warmeOverdracht"]["vereist"] is True
    assert body["tijdstippen"]["afgerondOp"] is None
    [event] = events(await case.timeline(case.pm), "ontvangst_bevestigd")
    assert event["details"] == {"warme_overdracht_gewenst": "ja"}


# 6. Cancellation


async def test_the_locatiemanager_cancels_once(new_case: NewCase, login: Login) -> None:
    case = await new_case("bij_ouders")
    lm = await login(demo.LM_USER[demo.BOOMHUT])

    by_pm = await case.api.post(f"{case.path}/annuleringen", headers=case.pm, json={"reden": "Verhuisd"})
    assert_problem(by_pm, 403)
    assert (await case.get(case.pm))["status"] == "bij_ouders"

    cancelled = await case.step("POST", "/annuleringen", lm, 201, {"reden": "Verhuisd"})

    assert cancelled["status"] == "geannuleerd"
    assert cancelled["tijdstippen"]["geannuleerdOp"] is not None
    [event] = events(await case.timeline(lm), "geannuleerd")
    assert event["rol"] == "locatiemanager"
    assert_problem(await case.api.post(f"{case.path}/annuleringen", headers=lm, json={"reden": "Verhuisd"}), 409)
    assert (await case.get(case.pm))["status"] == "geannuleerd"


async def test_another_locations_manager_cannot_cancel(new_case: NewCase, login: Login) -> None:
    case = await new_case("concept")
    other_lm = await login(demo.LM_USER[demo.ZONNETJE])

    r = await case.api.post(f"{case.path}/annuleringen", headers=other_lm, json={"reden": "Verhuisd"})

    assert_problem(r, 404)
    assert (await case.get(case.pm))["status"] == "concept"


# 7. Moving a deadline


async def test_the_coordinator_moves_a_deadline_with_an_audited_reason(
    new_case: NewCase, coordinator: dict[str, str]
) -> None:
    case = await new_case("bij_ouders")
    before = (await case.get(case.pm))["termijnen"]["deadlines"]

    body = await case.step(
        "PUT", "/deadlines/verzenden", coordinator, 200, {"datum": "2031-01-31", "reden": "Langdurig ziek"}
    )

    # The end of 31 January 2031 in Amsterdam (CET, UTC+1).
    assert body["termijnen"]["deadlines"]["verzenden"] == "2031-01-31T23:00:00Z"
    moved = datetime.fromisoformat(body["termijnen"]["deadlines"]["verzenden"])
    assert moved == datetime(2031, 1, 31, 23, 0, tzinfo=UTC)
    after = (await case.get(case.pm))["termijnen"]["deadlines"]
    assert datetime.fromisoformat(after["verzenden"]) == moved
    assert {k: v for k, v in after.items() if k != "verzenden"} == {k: v for k, v in before.items() if k != "verzenden"}
    [seen_by_pm] = events(await case.timeline(case.pm), "deadline_verplaatst")
    [seen_by_coordinator] = events(await case.timeline(coordinator), "deadline_verplaatst")
    assert seen_by_pm["rol"] == seen_by_coordinator["rol"] == "coordinator"
    assert seen_by_pm["details"]["deadline"] == "verzenden"
    assert seen_by_pm["toelichting"] == "Langdurig ziek"
    assert seen_by_coordinator["toelichting"] is None


async def test_moving_a_deadline_is_refused_when_it_cannot_be_moved(
    new_case: NewCase, coordinator: dict[str, str]
) -> None:
    case = await new_case("bij_ouders")
    move = {"datum": "2031-01-31", "reden": "Langdurig ziek"}

    by_pm = await case.api.put(f"{case.path}/deadlines/verzenden", headers=case.pm, json=move)
    unknown_step = await case.api.put(f"{case.path}/deadlines/slapen", headers=coordinator, json=move)
    not_yet_known = await case.api.put(f"{case.path}/deadlines/bevestigen", headers=coordinator, json=move)
    without_reason = await case.api.put(
        f"{case.path}/deadlines/verzenden", headers=coordinator, json={"datum": "2031-01-31"}
    )

    assert_problem(by_pm, 403)
    assert_problem(unknown_step, 400)
    assert "bevestigen" in assert_problem(not_yet_known, 409)["detail"]
    assert_problem(without_reason, 400)
    deadlines = (await case.get(case.pm))["termijnen"]["deadlines"]
    assert "bevestigen" not in deadlines
    assert datetime.fromisoformat(deadlines["verzenden"]).year < 2031
    assert not events(await case.timeline(case.pm), "deadline_verplaatst")


# 8. Paper copy


async def test_a_paper_copy_is_recorded_while_the_parents_review(new_case: NewCase) -> None:
    case = await new_case("bij_ouders")

    body = await case.step("POST", "/papieren-kopieen", case.pm, 201)

    assert body["status"] == "bij_ouders"
    assert body["tijdstippen"]["papierenKopieOp"] is not None
    assert (await case.get(case.pm))["tijdstippen"]["papierenKopieOp"] == body["tijdstippen"]["papierenKopieOp"]
    assert events(await case.timeline(case.pm), "papieren_kopie_meegegeven")


async def test_a_paper_copy_of_a_draft_is_409(new_case: NewCase) -> None:
    case = await new_case("concept")

    r = await case.api.post(f"{case.path}/papieren-kopieen", headers=case.pm)

    assert_problem(r, 409)
    assert (await case.get(case.pm))["tijdstippen"]["papierenKopieOp"] is None


# 9. The coordinator's view


async def all_pages(api: httpx.AsyncClient, who: dict[str, str], **params: Any) -> list[httpx.Response]:
    pages, cursor = [], None
    while True:
        page = {**params, "pageSize": 100, **({"cursor": cursor} if cursor else {})}
        r = await api.get("/v1/overdrachten", headers=who, params=page)
        assert r.status_code == 200, r.text
        pages.append(r)
        if not (cursor := r.json()["volgendeCursor"]):
            return pages


async def test_the_coordinator_sees_no_content_after_the_steps(new_case: NewCase, coordinator: dict[str, str]) -> None:
    case = await new_case("bij_ouders")
    view = "Zij is thuis heel spraakzaam."
    reasons = ["Verhuizing gepland", "Niet ingeschreven hier"]
    await case.step("POST", "/ouderreacties", case.parent, 201, {"eens": "nee", "zienswijze": view, "reden": "X1"})
    await case.step("POST", "/papieren-kopieen", case.pm, 201)
    await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})
    await case.step("PUT", "/deadlines/verzenden", coordinator, 200, {"datum": "2031-01-31", "reden": reasons[0]})
    await case.step("POST", "/verzendingen", case.pm, 201)
    await return_to_sender(case, reasons[1])
    # The content is there, for those who may read it.
    assert (await case.get(case.pm))["kind"]["voornaam"] == "Testkind"
    assert {e["toelichting"] for e in await case.timeline(case.pm)} >= set(reasons)

    detail = await case.api.get(case.path, headers=coordinator)
    timeline = await case.api.get(f"{case.path}/tijdlijn", headers=coordinator)
    listing = await all_pages(case.api, coordinator, status="wacht_op_school")

    assert detail.status_code == timeline.status_code == 200
    assert detail.json()["kind"] is None and detail.json()["formulier"] is None
    assert all(e["toelichting"] is None for e in timeline.json()["gebeurtenissen"])
    assert case.path.rsplit("/", 1)[1] in "".join(p.text for p in listing)
    text = detail.text + timeline.text + "".join(p.text for p in listing)
    for secret in ("Testkind", "Proef-", "Rustig opstarten", "Ontwikkelt zich goed", view, "X1", *reasons):
        assert secret not in text, secret
