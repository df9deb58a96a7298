"""Working days: parsing, and a working day's window covering the days since the last one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from statusbot.config import build
from statusbot.errors import ConfigError
from statusbot.run.window import window_for
from statusbot.workdays import covered_days, parse_workdays


def page_window(day, timezone, workdays):
    window = window_for(day, timezone, workdays)
    return window.start, window.end


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("Sun-Thu", {6, 0, 1, 2, 3}),
        ("Mon,Tue,Thu", {0, 1, 3}),
        ("mon - wed, Friday", {0, 1, 2, 4}),
        ("Sat", {5}),
    ],
)
def test_forms_of_workdays(text, days):
    assert parse_workdays(text) == frozenset(days)


def test_a_bad_workdays_value_is_one_clear_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        build({"workdays": "Mon-Fry"}, base=tmp_path, path=None)
    assert caught.value.message == (
        "config: workdays: unknown day 'Fry': use Mon, Tue, Wed, Thu, Fri, Sat, Sun"
    )


def test_monday_covers_the_weekend_across_a_dst_change_in_prague():
    mon_fri = parse_workdays("Mon-Fri")
    monday = date(2026, 3, 30)  # Europe/Prague moved to summer time on Sunday 29 March
    assert covered_days(monday, mon_fri) == [date(2026, 3, 28), date(2026, 3, 29), monday]
    start, end = page_window(monday, "Europe/Prague", mon_fri)
    assert start == datetime(2026, 3, 27, 23, 0, tzinfo=UTC)  # Saturday 00:00 CET
    assert end == datetime(2026, 3, 30, 22, 0, tzinfo=UTC)  # Tuesday 00:00 CEST
    tuesday = page_window(date(2026, 3, 31), "Europe/Prague", mon_fri)
    assert tuesday == (end, datetime(2026, 3, 31, 22, 0, tzinfo=UTC))


def test_other_days_cover_themselves():
    sun_thu = parse_workdays("Sun-Thu")
    assert covered_days(date(2026, 3, 29), sun_thu) == [
        date(2026, 3, 27),
        date(2026, 3, 28),
        date(2026, 3, 29),
    ]  # Sunday after a Fri-Sat weekend
    assert covered_days(date(2026, 3, 28), sun_thu) == [date(2026, 3, 28)]  # Saturday: itself
    assert covered_days(date(2026, 3, 30), None) == [date(2026, 3, 30)]
    assert page_window(date(2026, 3, 30), "UTC", None) == (
        datetime(2026, 3, 30, tzinfo=UTC),
        datetime(2026, 3, 31, tzinfo=UTC),
    )
