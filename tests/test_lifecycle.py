"""The lifecycle's rules on their own."""

import pytest

from schemas.overdracht import Status
from workflows.lifecycle import ALLOWED_FROM, EINDSTATUSSEN, Stap, refusal


@pytest.mark.parametrize("stap", list(Stap))
def test_no_step_is_allowed_in_a_final_state(stap: Stap) -> None:
    for status in EINDSTATUSSEN:
        if (stap, status) == (Stap.PAPIEREN_KOPIE, Status.GEWEIGERD):
            continue  # a paper copy handed over may still be recorded, until the content is purged
        assert refusal(stap, status) is not None


def test_a_refusal_names_the_step_and_both_states() -> None:
    message = refusal(Stap.VERZENDEN, Status.BIJ_OUDERS)

    assert message == "'verzenden' kan alleen in status gereed_voor_verzending; deze overdracht is nu bij_ouders."


def test_every_step_has_a_rule() -> None:
    assert set(ALLOWED_FROM) == set(Stap)
