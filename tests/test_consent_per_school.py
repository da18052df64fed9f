"""Consent is for a school, over the API: for the school named when the parents consented (another
school asks them again, also after a return), or for "the school where my child is enrolled"."""

from overdracht import demo
from tests.cases import NewCase, events


async def test_choosing_another_school_after_consent_asks_the_parents_again(new_case: NewCase) -> None:
    case = await new_case("gereed_voor_verzending")  # consent given, De Ster named
    before = await case.get(case.pm)
    assert (before["toestemmingVoor"], before["toestemmingSchoolId"]) == ("genoemde_school", str(demo.STER))

    other = await case.step("PUT", "/school", case.pm, 200, {"schoolId": str(demo.POLDER)})

    assert other["status"] == "bij_ouders"
    assert other["toestemmingVoor"] is None and other["tijdstippen"]["toestemmingOp"] is None
    [chosen] = events(await case.timeline(case.pm), "school_gekozen")
    assert chosen["details"] == {"toestemming": "opnieuw gevraagd"}
    again = await case.step("POST", "/toestemmingen", case.parent, 201, {"besluit": "gegeven"})
    assert again["status"] == "gereed_voor_verzending"
    assert (await case.get(case.pm))["toestemmingSchoolId"] == str(demo.POLDER)


async def test_after_a_return_another_school_asks_again_unless_consent_was_for_any(new_case: NewCase) -> None:
    named = await new_case("verzonden")
    anywhere = await new_case("bij_ouders")
    await anywhere.step(
        "POST", "/toestemmingen", anywhere.parent, 201, {"besluit": "gegeven", "voor": "ingeschreven_school"}
    )
    await anywhere.step("POST", "/verzendingen", anywhere.pm, 201)
    for case in (named, anywhere):
        await case.step("POST", "/retouren", case.school, 201, {"reden": "Niet bij ons ingeschreven"})

    asked_again = await named.step("PUT", "/school", named.pm, 200, {"schoolId": str(demo.POLDER)})
    stands = await anywhere.step("PUT", "/school", anywhere.pm, 200, {"schoolId": str(demo.POLDER)})

    assert asked_again["status"] == "bij_ouders"
    assert (stands["status"], stands["toestemmingVoor"]) == ("gereed_voor_verzending", "ingeschreven_school")
