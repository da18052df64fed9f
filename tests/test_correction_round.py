"""A correction round, over the API: after talking with the parents the PM'er takes the form back,
corrects it and submits it again; consent given for the old form lapses, and the parents see what
changed."""

from typing import Any

from tests.cases import NewCase, events
from tests.happy_path import COMPLETE_FORM
from tests.helpers import assert_problem

CORRECTED: dict[str, Any] = {
    **COMPLETE_FORM,
    "ontwikkeling": {
        **COMPLETE_FORM["ontwikkeling"],
        "taal": {"niveau": "voorsprong", "toelichting": "Praat thuis twee talen vloeiend."},
    },
}


async def test_the_pm_takes_the_form_back_corrects_it_and_the_parents_see_what_changed(new_case: NewCase) -> None:
    case = await new_case("bij_ouders")
    await case.step("POST", "/ouderreacties", case.parent, 201, {"eens": "nee", "zienswijze": "Thuis praat ze veel."})

    back = await case.step("POST", "/correcties", case.pm, 201, {"reden": "Taal aangepast na het gesprek"})
    assert back["status"] == "concept"
    await case.step("PUT", "/formulier", case.pm, 200, CORRECTED)
    again = await case.step("POST", "/indieningen", case.pm, 201)

    assert again["status"] == "bij_ouders"
    seen = await case.get(case.parent)
    assert {(w["veld"], w["was"], w["nu"]) for w in seen["wijzigingen"]} == {
        ("ontwikkeling.taal.niveau", "zoals_verwacht", "voorsprong"),
        ("ontwikkeling.taal.toelichting", "Ontwikkelt zich goed.", "Praat thuis twee talen vloeiend."),
    }
    [taken_back] = events(await case.timeline(case.pm), "teruggenomen")
    assert (taken_back["rol"], taken_back["toelichting"]) == ("pedagogisch_medewerker", "Taal aangepast na het gesprek")
    consented = await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})
    assert consented["status"] == "gereed_voor_verzending"


async def test_consent_for_the_old_form_lapses_and_is_asked_again(new_case: NewCase) -> None:
    case = await new_case("gereed_voor_verzending")

    back = await case.step("POST", "/correcties", case.pm, 201, {"reden": "Advies voor school aangevuld"})
    assert (back["status"], back["tijdstippen"]["toestemmingOp"]) == ("concept", None)
    assert_problem(await case.api.post(f"{case.path}/verzendingen", headers=case.pm), 409)
    await case.step("PUT", "/formulier", case.pm, 200, CORRECTED)
    resubmitted = await case.step("POST", "/indieningen", case.pm, 201)

    assert resubmitted["status"] == "bij_ouders"  # the parents are asked again


async def test_a_correction_needs_a_reason_staff_and_a_form_not_yet_sent(new_case: NewCase) -> None:
    draft = await new_case("concept")
    sent = await new_case("verzonden")
    reviewing = await new_case("bij_ouders")

    assert_problem(await draft.api.post(f"{draft.path}/correcties", headers=draft.pm, json={"reden": "x"}), 409)
    assert_problem(await sent.api.post(f"{sent.path}/correcties", headers=sent.pm, json={"reden": "x"}), 409)
    no_reason = await reviewing.api.post(f"{reviewing.path}/correcties", headers=reviewing.pm, json={})
    by_parent = await reviewing.api.post(
        f"{reviewing.path}/correcties", headers=reviewing.parent, json={"reden": "Ik wil iets anders"}
    )
    assert_problem(no_reason, 400)
    assert_problem(by_parent, 403)
    assert (await reviewing.get(reviewing.pm))["status"] == "bij_ouders"
    assert (await reviewing.get(reviewing.pm))["wijzigingen"] == []
