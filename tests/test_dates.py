"""The protocol's deadline arithmetic on its own: ages, the end of an Amsterdam day, Dutch working days."""

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.dates import (
    AMSTERDAM,
    add_months,
    add_working_days,
    age_reached,
    amsterdam_date,
    end_of_day,
    is_working_day,
    school_year,
    whole_months,
    working_days_between,
)

ONE_DAY = timedelta(days=1)

# Enough examples to reach the holidays and the clock changes of many years, still well under a second per test.
fast = settings(max_examples=200, deadline=None)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
ages = st.tuples(st.integers(0, 12), st.integers(0, 30))
counts = st.integers(0, 120)


# Ages


@pytest.mark.parametrize(
    ("birth", "years", "months", "reached"),
    [
        (date(2023, 8, 31), 3, 6, date(2027, 2, 28)),  # 2027 is no leap year
        (date(2024, 8, 31), 3, 6, date(2028, 2, 29)),  # 2028 is one
        (date(2024, 2, 29), 3, 6, date(2027, 8, 29)),
        (date(2024, 2, 29), 4, 0, date(2028, 2, 29)),
        (date(2024, 2, 29), 1, 0, date(2025, 2, 28)),
        (date(2023, 3, 31), 0, 1, date(2023, 4, 30)),
        (date(2022, 10, 15), 3, 6, date(2026, 4, 15)),
        (date(2022, 10, 15), 0, 0, date(2022, 10, 15)),
        (date(2022, 10, 15), 0, 18, date(2024, 4, 15)),  # months beyond a year carry over
    ],
)
def test_an_age_is_reached_on_the_same_day_of_the_month_or_the_months_last_day(
    birth: date, years: int, months: int, reached: date
) -> None:
    assert age_reached(birth, years=years, months=months) == reached


@pytest.mark.parametrize(("years", "months"), [(-1, 0), (0, -1), (4, -6)])
def test_a_negative_age_is_refused(years: int, months: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        age_reached(date(2023, 1, 1), years=years, months=months)


# The end of a day


@pytest.mark.parametrize(
    ("day", "ends"),
    [
        (date(2026, 1, 15), datetime(2026, 1, 15, 23, tzinfo=UTC)),  # winter time, UTC+1
        (date(2026, 7, 1), datetime(2026, 7, 1, 22, tzinfo=UTC)),  # summer time, UTC+2
        (date(2026, 3, 28), datetime(2026, 3, 28, 23, tzinfo=UTC)),  # the night before the clocks go forward
        (date(2026, 3, 29), datetime(2026, 3, 29, 22, tzinfo=UTC)),  # a 23-hour day
        (date(2026, 10, 24), datetime(2026, 10, 24, 22, tzinfo=UTC)),  # the night before the clocks go back
        (date(2026, 10, 25), datetime(2026, 10, 25, 23, tzinfo=UTC)),  # a 25-hour day
        (date(2026, 12, 31), datetime(2026, 12, 31, 23, tzinfo=UTC)),
    ],
)
def test_a_day_ends_at_the_next_amsterdam_midnight(day: date, ends: datetime) -> None:
    moment = end_of_day(day)

    assert moment == ends
    assert moment.tzinfo is UTC
    assert moment.astimezone(AMSTERDAM).replace(tzinfo=None) == datetime.combine(day + ONE_DAY, datetime.min.time())


def test_the_days_the_clocks_change_are_23_and_25_hours_long() -> None:
    assert end_of_day(date(2026, 3, 29)) - end_of_day(date(2026, 3, 28)) == timedelta(hours=23)
    assert end_of_day(date(2026, 10, 25)) - end_of_day(date(2026, 10, 24)) == timedelta(hours=25)
    assert end_of_day(date(2026, 6, 2)) - end_of_day(date(2026, 6, 1)) == timedelta(hours=24)


def test_the_amsterdam_date_of_a_moment() -> None:
    assert amsterdam_date(datetime(2026, 7, 1, 21, 59, tzinfo=UTC)) == date(2026, 7, 1)
    assert amsterdam_date(datetime(2026, 7, 1, 22, 0, tzinfo=UTC)) == date(2026, 7, 2)
    assert amsterdam_date(datetime(2026, 1, 15, 22, 59, tzinfo=UTC)) == date(2026, 1, 15)
    assert amsterdam_date(datetime(2026, 1, 15, 23, 0, tzinfo=UTC)) == date(2026, 1, 16)


def test_a_moment_without_a_time_zone_has_no_amsterdam_date() -> None:
    with pytest.raises(ValueError, match="time zone"):
        amsterdam_date(datetime(2026, 7, 1, 12))


def test_a_datetime_is_refused_where_a_date_is_meant() -> None:
    # It would compare unequal to every holiday and so pass for a working day.
    moment = datetime(2027, 4, 27, 12, tzinfo=UTC)
    for call in (is_working_day, end_of_day, lambda d: add_working_days(d, 1), lambda d: age_reached(d, 4)):
        with pytest.raises(TypeError, match="expected a date"):
            call(moment)


# Working days


@pytest.mark.parametrize(
    "holiday",
    [
        date(2027, 1, 1),  # Nieuwjaarsdag
        date(2027, 3, 29),  # Tweede Paasdag
        date(2027, 4, 27),  # Koningsdag
        date(2027, 5, 6),  # Hemelvaartsdag
        date(2027, 5, 17),  # Tweede Pinksterdag
        date(2026, 12, 25),  # Eerste Kerstdag (a Friday)
        date(2028, 12, 25),  # Eerste Kerstdag (a Monday)
        date(2028, 12, 26),  # Tweede Kerstdag (a Tuesday)
        date(2025, 5, 5),  # Bevrijdingsdag in a lustrum year
        date(2027, 5, 5),  # Bevrijdingsdag: the Algemene termijnenwet names it every year
    ],
)
def test_a_dutch_public_holiday_on_a_weekday_is_no_working_day(holiday: date) -> None:
    assert holiday.weekday() < 5
    assert not is_working_day(holiday)


@pytest.mark.parametrize(
    "day",
    [
        date(2027, 3, 26),  # Goede Vrijdag: not a holiday under the Algemene termijnenwet
        date(2027, 4, 26),  # the Monday before Koningsdag
        date(2027, 12, 24),  # Kerstavond
        date(2027, 12, 31),  # Oudejaarsdag
        date(2028, 2, 29),
    ],
)
def test_an_ordinary_weekday_is_a_working_day(day: date) -> None:
    assert is_working_day(day)


def test_saturday_and_sunday_are_no_working_days() -> None:
    assert not is_working_day(date(2026, 6, 13))
    assert not is_working_day(date(2026, 6, 14))


def test_ten_working_days_across_christmas_and_new_year() -> None:
    # Sent on Friday 18 December 2026: 21-24 Dec, 28-31 Dec, 4-5 Jan; 25 Dec and 1 Jan are holidays.
    deadline = add_working_days(date(2026, 12, 18), 10)

    assert deadline == date(2027, 1, 5)
    assert end_of_day(deadline) == datetime(2027, 1, 5, 23, tzinfo=UTC)
    assert working_days_between(date(2026, 12, 18), deadline) == 10


def test_ten_working_days_across_easter_and_koningsdag_2027() -> None:
    # Sent on Thursday 25 March 2027: Tweede Paasdag does not count, Goede Vrijdag does.
    assert add_working_days(date(2027, 3, 25), 10) == date(2027, 4, 9)
    # Sent on Tuesday 20 April 2027: Koningsdag, Bevrijdingsdag and Hemelvaart do not count.
    assert add_working_days(date(2027, 4, 20), 10) == date(2027, 5, 7)


@pytest.mark.parametrize("sent", [date(2026, 6, 13), date(2026, 6, 14)])
def test_sent_in_the_weekend_the_count_starts_on_monday(sent: date) -> None:
    assert add_working_days(sent, 1) == date(2026, 6, 15)
    assert add_working_days(sent, 10) == date(2026, 6, 26)


def test_zero_working_days_is_the_day_itself_even_in_the_weekend() -> None:
    assert add_working_days(date(2026, 6, 13), 0) == date(2026, 6, 13)


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 6, 15), -1)


def test_working_days_between_counts_after_the_start_up_to_and_including_the_end() -> None:
    monday, friday = date(2026, 6, 15), date(2026, 6, 19)

    assert working_days_between(monday, friday) == 4
    assert working_days_between(monday, monday) == 0
    assert working_days_between(friday, monday) == 0
    assert working_days_between(friday, date(2026, 6, 21)) == 0  # only the weekend


def test_a_year_without_known_holidays_is_refused() -> None:
    with pytest.raises(ValueError, match="no holidays known for 1999"):
        is_working_day(date(1999, 12, 31))
    with pytest.raises(ValueError, match="no holidays known for 2101"):
        add_working_days(date(2100, 12, 31), 1)


# Properties


@fast
@given(dates, dates, ages)
def test_age_reached_is_monotonic_in_the_birth_date(first: date, second: date, age: tuple[int, int]) -> None:
    earlier, later = sorted((first, second))
    assert age_reached(earlier, *age) <= age_reached(later, *age)


@fast
@given(dates, ages, ages)
def test_age_reached_is_monotonic_in_the_age(birth: date, first: tuple[int, int], second: tuple[int, int]) -> None:
    younger, older = sorted((first, second), key=lambda age: age[0] * 12 + age[1])
    assert age_reached(birth, *younger) <= age_reached(birth, *older)


@fast
@given(dates, ages)
def test_age_reached_keeps_the_day_of_the_month_or_clamps_to_the_last(birth: date, age: tuple[int, int]) -> None:
    years, months = age
    reached = age_reached(birth, years, months)

    month_index = birth.year * 12 + birth.month - 1 + years * 12 + months
    assert (reached.year, reached.month - 1) == divmod(month_index, 12)
    last_day = calendar.monthrange(reached.year, reached.month)[1]
    assert reached.day == min(birth.day, last_day)


@fast
@given(dates, st.integers(1, 120))
def test_add_working_days_lands_on_a_working_day(day: date, n: int) -> None:
    assert is_working_day(add_working_days(day, n))


@fast
@given(dates, counts)
def test_add_working_days_is_strictly_increasing_in_n(day: date, n: int) -> None:
    assert add_working_days(day, n) < add_working_days(day, n + 1)


@fast
@given(dates, counts)
def test_working_days_between_undoes_add_working_days(day: date, n: int) -> None:
    deadline = add_working_days(day, n)

    assert working_days_between(day, deadline) == n
    # The deadline is the first day that reaches n: the day before it is still short.
    if n > 0:
        assert working_days_between(day, deadline - ONE_DAY) == n - 1


@fast
@given(dates, st.integers(0, 400), st.integers(0, 400))
def test_working_days_between_adds_up_over_consecutive_spans(start: date, first: int, second: int) -> None:
    middle = start + timedelta(days=first)
    end = middle + timedelta(days=second)
    assert working_days_between(start, end) == working_days_between(start, middle) + working_days_between(middle, end)


@fast
@given(dates)
def test_a_day_lasts_23_24_or_25_hours(day: date) -> None:
    length = end_of_day(day) - end_of_day(day - ONE_DAY)
    assert length in {timedelta(hours=23), timedelta(hours=24), timedelta(hours=25)}


@fast
@given(dates)
def test_the_end_of_a_day_is_the_first_moment_of_the_next(day: date) -> None:
    moment = end_of_day(day)

    assert moment.tzinfo is UTC
    assert amsterdam_date(moment - timedelta(microseconds=1)) == day
    assert amsterdam_date(moment) == day + ONE_DAY


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2028, 2, 29), "2027-2028"), (date(2027, 7, 31), "2026-2027"), (date(2027, 8, 1), "2027-2028")],
)
def test_the_school_year_turns_on_1_august(day: date, year: str) -> None:
    assert school_year(day) == year


@fast
@given(dates, st.integers(-600, 600))
def test_add_months_is_dateutils_relativedelta(day: date, months: int) -> None:
    """The ages and the months past the start age were dateutil's: they stay exactly that, month ends
    and leap days included."""
    assert add_months(day, months) == day + relativedelta(months=months)


@fast
@given(dates, dates)
def test_whole_months_is_dateutils_relativedelta(first: date, second: date) -> None:
    since, until = min(first, second), max(first, second)
    between = relativedelta(until, since)
    assert whole_months(since, until) == between.years * 12 + between.months


def test_whole_months_counts_a_clamped_month_end_as_a_whole_month() -> None:
    assert whole_months(date(2026, 8, 31), date(2027, 2, 28)) == 6  # 31 August + 6 months: 28 February
    assert whole_months(date(2026, 8, 31), date(2027, 2, 27)) == 5
    assert whole_months(date(2024, 2, 29), date(2025, 2, 28)) == 12
