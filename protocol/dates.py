"""Deadline arithmetic of the protocol: ages, the end of a day in Amsterdam, Dutch working days, and
school days (working days outside a region's school holidays)."""

from calendar import monthrange
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# The years whose holidays are known: a year outside them is refused rather than silently treated as
# holiday-free.
from protocol.feestdagen import FIRST_YEAR, LAST_YEAR, PUBLIC_HOLIDAYS

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_ONE_DAY = timedelta(days=1)


def _require_date(day: date) -> None:
    # A datetime is a date too, but it never equals one: it would silently miss every holiday.
    if isinstance(day, datetime):
        raise TypeError(f"expected a date, got the datetime {day.isoformat()}")


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the month's end clamped (31 August + 6 months is the last day of
    February): dateutil's `day + relativedelta(months=months)`, without its cost (a list of hundreds of
    children asks it for each)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def whole_months(since: date, until: date) -> int:
    """The whole months from `since` to `until` (not before it), counted as add_months counts them:
    dateutil's `relativedelta(until, since)` in months."""
    months = (until.year - since.year) * 12 + until.month - since.month
    return months - 1 if add_months(since, months) > until else months


def age_reached(birth: date, years: int = 0, months: int = 0) -> date:
    """The date the child reaches this age (month ends clamped)."""
    _require_date(birth)
    if years < 0 or months < 0:
        raise ValueError(f"an age cannot be negative: {years} years and {months} months")
    return add_months(birth, years * 12 + months)


def end_of_day(day: date) -> datetime:
    """The moment `day` ends in Amsterdam, as an aware UTC datetime."""
    _require_date(day)
    # Since 1977 Amsterdam changes its clocks at 02:00/03:00, never at midnight: this wall time exists exactly once.
    midnight = datetime.combine(day + _ONE_DAY, time(), tzinfo=AMSTERDAM)
    return midnight.astimezone(UTC)


def amsterdam_date(moment: datetime) -> date:
    """The Amsterdam calendar date of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a moment needs a time zone to have an Amsterdam date: {moment.isoformat()}")
    return moment.astimezone(AMSTERDAM).date()


def deadline_day(moment: datetime) -> date:
    """The day a deadline falls on: the last day to meet it (`end_of_day` of it is the deadline itself)."""
    return amsterdam_date(moment - timedelta(microseconds=1))


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Dutch public holiday."""
    _require_date(day)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"no holidays known for {day.year}; only for {FIRST_YEAR} to {LAST_YEAR}")
    return day.weekday() < 5 and day not in PUBLIC_HOLIDAYS


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (n >= 0; `day` itself is not counted; n == 0 returns `day`)."""
    _require_date(day)
    if n < 0:
        raise ValueError(f"cannot count a negative number of working days: {n}")
    while n > 0:
        day += _ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after `start` up to and including `end` (0 when end <= start)."""
    _require_date(start)
    _require_date(end)
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        count += is_working_day(day)
        day += _ONE_DAY
    return count


def school_year(day: date) -> str:
    """The Dutch school year `day` falls in, named by its two calendar years: it turns on 1 August."""
    _require_date(day)
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


class KalenderOntbreekt(ValueError):
    """Counting school days reached a school year whose holidays are not known: `schooljaar` names it."""

    def __init__(self, schooljaar: str) -> None:
        super().__init__(f"geen schoolvakanties bekend voor schooljaar {schooljaar}")
        self.schooljaar = schooljaar


class Vakantie(Protocol):
    """A holiday from `van` up to and including `tot` (schemas/protocol.py's Periode is one)."""

    @property
    def van(self) -> date: ...

    @property
    def tot(self) -> date: ...


def add_school_days(day: date, n: int, vakanties: Sequence[Vakantie]) -> date:
    """The n-th school day after `day`: a working day outside the school holidays `vakanties`. Only
    school years with at least one holiday listed are known; counting into another raises
    KalenderOntbreekt (the caller then counts working days, and says so)."""
    _require_date(day)
    if n < 0:
        raise ValueError(f"cannot count a negative number of school days: {n}")
    known = {school_year(v.van) for v in vakanties}
    while n > 0:
        day += _ONE_DAY
        if school_year(day) not in known:
            raise KalenderOntbreekt(school_year(day))
        if is_working_day(day) and not any(v.van <= day <= v.tot for v in vakanties):
            n -= 1
    return day
