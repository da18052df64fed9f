"""The protocol's dates as rules: when each deadline falls, when it is open, who is reminded and who
hears the escalations; when an unconfirmed dispatch expires and when the content's retention ends.
Pure and deterministic; the workflow keeps the timers (workflows/alarms.py)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from protocol.dates import KalenderOntbreekt, add_school_days, add_working_days, age_reached, amsterdam_date, end_of_day
from schemas.bericht import Aanleiding, Ontvanger
from schemas.overdracht import Deadline, Status, Vlag
from schemas.protocol import Leeftijd, ProtocolConfig
from schemas.workflow import HandoverState, VlagStatus
from workflows.lifecycle import EINDSTATUSSEN


class Niveau(StrEnum):
    """The alarms of one deadline, in the order they go off."""

    VOORAF = "vooraf"  # a reminder before the deadline (the school's, after 5 working days)
    VERLOPEN = "verlopen"  # the deadline passed: flag and remind whoever must act
    LEIDINGGEVENDE = "leidinggevende"  # escalate to the location manager or school direction
    COORDINATOR = "coordinator"  # escalate to the gemeente's coordinator


@dataclass(frozen=True)
class Rule:
    aanleiding: Aanleiding
    leidinggevende: Ontvanger


# Each deadline's flag is `Deadline.vlag` (schemas/overdracht.py).
RULES: dict[Deadline, Rule] = {
    Deadline.TOESTEMMING: Rule(Aanleiding.TOESTEMMING, Ontvanger.LOCATIEMANAGER),
    Deadline.SCHOOL_BEKEND: Rule(Aanleiding.SCHOOL_ONBEKEND, Ontvanger.LOCATIEMANAGER),
    Deadline.VERZENDEN: Rule(Aanleiding.VERZENDEN, Ontvanger.LOCATIEMANAGER),
    Deadline.BEVESTIGEN: Rule(Aanleiding.BEVESTIGEN, Ontvanger.SCHOOLDIRECTIE),
    Deadline.WARME_OVERDRACHT: Rule(Aanleiding.WARME_OVERDRACHT, Ontvanger.SCHOOLDIRECTIE),
}


@dataclass(frozen=True)
class Alarm:
    moment: datetime
    niveau: Niveau


def at_age(birth: date, age: Leeftijd) -> datetime:
    """The end of the day the child reaches `age`."""
    return end_of_day(age_reached(birth, age.jaren, age.maanden))


def starts_at(birth: date, config: ProtocolConfig) -> datetime:
    """The overdracht opens at the start of the day the child reaches the start age."""
    return end_of_day(age_reached(birth, config.start.jaren, config.start.maanden) - timedelta(days=1))


def initial_deadlines(birth: date, config: ProtocolConfig, *, summer: bool = True) -> dict[Deadline, datetime]:
    """The deadlines known at opening. `bevestigen` follows when it is sent. `summer`: whether the
    first school day knows the summer holiday (runs from before it did not)."""
    return {
        Deadline.TOESTEMMING: at_age(birth, config.toestemming_uiterlijk),
        Deadline.SCHOOL_BEKEND: at_age(birth, config.school_bekend_uiterlijk),
        Deadline.VERZENDEN: at_age(birth, config.verzenden_uiterlijk),
        Deadline.WARME_OVERDRACHT: warm_handover_deadline(first_school_day(birth, config, summer=summer)),
    }


def first_school_day(birth: date, config: ProtocolConfig, *, summer: bool = True) -> date:
    """Until the school names it: the day the child reaches the standard age, or, when that falls in a
    summer holiday, the day after the holiday (the child starts in the next school year)."""
    age = config.eerste_schooldag_standaard
    day = age_reached(birth, age.jaren, age.maanden)
    holiday = next((p for p in config.zomers if day in p), None) if summer else None
    return holiday.tot + timedelta(days=1) if holiday else day


def after_return(
    deadlines: dict[Deadline, datetime], now: datetime, config: ProtocolConfig
) -> dict[Deadline, datetime]:
    """After a school's "niet bij ons ingeschreven": a fresh term from now to name another school and
    send it; a deadline further ahead stays. `bevestigen` waits for the next dispatch."""
    result: dict[Deadline, datetime] = {d: m for d, m in deadlines.items() if d is not Deadline.BEVESTIGEN}
    return fresh_terms(result, now, config, (Deadline.SCHOOL_BEKEND, Deadline.VERZENDEN))


def fresh_terms(
    deadlines: dict[Deadline, datetime], now: datetime, config: ProtocolConfig, which: tuple[Deadline, ...]
) -> dict[Deadline, datetime]:
    """`which` get a fresh term from now (`na_retour_werkdagen`): a step asked again through nobody's
    delay (a return; another school, so new consent) is not late at once. A deadline further ahead stays."""
    fresh = end_of_day(add_working_days(amsterdam_date(now), config.na_retour_werkdagen))
    return {**deadlines, **{d: max(deadlines.get(d, fresh), fresh) for d in which}}


def warm_handover_deadline(first_day: date) -> datetime:
    """Held before the first school day: by the end of the day before it."""
    return end_of_day(first_day - timedelta(days=1))


# The school's terms: with the school calendar (Patch.SCHOOLKALENDER) they count school days.
SCHOOL_DEADLINES = frozenset({Deadline.BEVESTIGEN, Deadline.WARME_OVERDRACHT})


def school_days_after(day: date, n: int, config: ProtocolConfig) -> tuple[date, str]:
    """The n-th school day after `day` (a working day outside the school holidays of the gemeente's
    region), and the calendar it was counted in, as the timeline says it. Past the school years whose
    holidays the protocol lists it counts working days, and says so."""
    try:
        return add_school_days(day, n, config.schoolvakanties), f"schooldagen (regio {config.regio.value})"
    except KalenderOntbreekt as exc:
        return add_working_days(day, n), f"werkdagen (geen schoolvakanties bekend voor {exc.schooljaar})"


def _days_after(day: date, n: int, config: ProtocolConfig, schooldagen: bool) -> date:
    return school_days_after(day, n, config)[0] if schooldagen else add_working_days(day, n)


def confirm_deadline(sent_at: datetime, config: ProtocolConfig, *, schooldagen: bool = False) -> tuple[datetime, str]:
    """The school confirms receipt within `bevestigen_binnen_werkdagen` school days (working days for
    runs from before the school calendar), and the calendar that was counted in."""
    day = amsterdam_date(sent_at)
    if schooldagen:
        due, kalender = school_days_after(day, config.bevestigen_binnen_werkdagen, config)
    else:
        due, kalender = add_working_days(day, config.bevestigen_binnen_werkdagen), "werkdagen"
    return end_of_day(due), kalender


def dispatch_expires(birth: date, config: ProtocolConfig) -> datetime:
    """A dispatch the school never confirmed expires this many months after the 4th birthday."""
    months = config.bewaartermijnen.onbezorgde_verzending_maanden_na_vierde_verjaardag
    return end_of_day(age_reached(birth, 4, months))


def unfinished_expires(birth: date, config: ProtocolConfig) -> datetime:
    """An overdracht still running this many months after the 4th birthday ends (and is purged)."""
    months = config.bewaartermijnen.onafgeronde_overdracht_maanden_na_vierde_verjaardag
    return end_of_day(age_reached(birth, 4, months))


def retention_ends(status: Status, ended_at: datetime, config: ProtocolConfig) -> datetime:
    """Until when the content of an overdracht that ended in `status` at `ended_at` is kept: months
    after completion, days after a refusal, withdrawal or cancellation."""
    terms = config.bewaartermijnen
    if status is Status.AFGEROND:
        return end_of_day(age_reached(amsterdam_date(ended_at), months=terms.na_afronding_maanden))
    return ended_at + timedelta(days=terms.na_weigering_dagen)


def alarms(
    deadline: Deadline, moment: datetime, state: HandoverState, config: ProtocolConfig, *, schooldagen: bool = False
) -> list[Alarm]:
    """Every alarm of `deadline` ending at `moment`, in order. With `schooldagen` the school's
    deadlines count school days: no reminder or escalation falls in a school holiday."""
    school = schooldagen and deadline in SCHOOL_DEADLINES
    result = []
    if deadline is Deadline.BEVESTIGEN and state.verzonden_op is not None:
        day = _days_after(
            amsterdam_date(state.verzonden_op), config.herinnering_bevestigen_na_werkdagen, config, school
        )
        result.append(Alarm(min(end_of_day(day), moment), Niveau.VOORAF))
    result.append(Alarm(moment, Niveau.VERLOPEN))
    # Escalations count from the deadline's own day.
    day = amsterdam_date(moment - timedelta(microseconds=1))
    escalatie = config.escalatie
    for n, niveau in (
        (escalatie.naar_leidinggevende_na_werkdagen, Niveau.LEIDINGGEVENDE),
        (escalatie.naar_coordinator_na_werkdagen, Niveau.COORDINATOR),
    ):
        result.append(Alarm(end_of_day(_days_after(day, n, config, school)), niveau))
    return result


def is_open(deadline: Deadline, state: HandoverState) -> bool:
    """Whether the step this deadline is for is still to be taken."""
    if state.status in EINDSTATUSSEN:
        return False
    match deadline:
        case Deadline.TOESTEMMING:
            return state.status in (Status.CONCEPT, Status.BIJ_OUDERS)
        case Deadline.SCHOOL_BEKEND:
            return state.school_id is None
        case Deadline.VERZENDEN:
            return state.verzonden_op is None
        case Deadline.BEVESTIGEN:
            return state.status is Status.VERZONDEN
        case Deadline.WARME_OVERDRACHT:
            return state.warme_overdracht_vereist and state.warme_overdracht_gehouden_op is None


def who_acts(deadline: Deadline, state: HandoverState) -> tuple[Ontvanger, ...]:
    """Who a reminder goes to: whoever must take the step now."""
    match deadline:
        case Deadline.TOESTEMMING:
            return (Ontvanger.OUDERS,) if state.status is Status.BIJ_OUDERS else (Ontvanger.PEDAGOGISCH_MEDEWERKER,)
        case Deadline.SCHOOL_BEKEND:
            return (Ontvanger.OUDERS, Ontvanger.PEDAGOGISCH_MEDEWERKER)
        case Deadline.VERZENDEN:
            return (Ontvanger.PEDAGOGISCH_MEDEWERKER,)
        case Deadline.BEVESTIGEN:
            return (Ontvanger.SCHOOL,)
        case Deadline.WARME_OVERDRACHT:
            return (Ontvanger.SCHOOL, Ontvanger.PEDAGOGISCH_MEDEWERKER)


def recipients(deadline: Deadline, niveau: Niveau, state: HandoverState) -> tuple[Ontvanger, ...]:
    match niveau:
        case Niveau.VOORAF | Niveau.VERLOPEN:
            return who_acts(deadline, state)
        case Niveau.LEIDINGGEVENDE:
            return (RULES[deadline].leidinggevende,)
        case Niveau.COORDINATOR:
            return (Ontvanger.COORDINATOR,)


def next_deadline(state: HandoverState) -> datetime | None:
    """The earliest deadline whose step is still open."""
    moments = [m for d, m in state.deadlines.items() if is_open(d, state)]
    return min(moments, default=None)


def resolve_flags(state: HandoverState, now: datetime, *, when_due_later: bool = True) -> dict[Vlag, VlagStatus]:
    """A flag stays in the record, but it is no longer open once its step is taken, or (with
    `when_due_later`; runs from before did not) once its deadline lies ahead again: moved by the
    coordinator, or by the school's first school day. Its alarm sets it again when the new moment passes."""

    def lifted(vlag: Vlag) -> bool:
        deadline = vlag.deadline
        if not is_open(deadline, state):
            return True
        return when_due_later and deadline in state.deadlines and state.deadlines[deadline] > now

    return {
        vlag: VlagStatus(gezet_op=v.gezet_op, opgelost_op=now) if v.opgelost_op is None and lifted(vlag) else v
        for vlag, v in state.vlaggen.items()
    }
