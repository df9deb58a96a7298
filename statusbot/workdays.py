"""Working days: which weekdays get a page, and the window a working day's page covers."""

from __future__ import annotations

from datetime import date, timedelta

NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_workdays(text: object) -> frozenset[int]:
    """Return weekday numbers (Monday = 0) from "Mon-Fri", "Sun-Thu" or "Mon,Tue,Thu"."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected days like Mon-Fri or Mon,Tue,Thu, got {text!r}")
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        a, b = _day(first), _day(last) if last else _day(first)
        span = (b - a) % 7
        days.update((a + i) % 7 for i in range(span + 1))
    return frozenset(days)


def _day(name: str) -> int:
    key = name.strip().lower()[:3]
    if key not in NAMES or len(name.strip()) < 3:
        raise ValueError(f"unknown day {name.strip()!r}: use Mon, Tue, Wed, Thu, Fri, Sat, Sun")
    return NAMES.index(key)


def first_day(day: date, workdays: frozenset[int] | None) -> date:
    """Return the first calendar day a page for day covers.

    A working day covers the days since the previous working day ended (Monday covers the
    weekend with Mon-Fri); any other day, and every day without workdays, covers itself.
    """
    if not workdays or day.weekday() not in workdays:
        return day
    start = day
    for _ in range(6):
        before = start - timedelta(days=1)
        if before.weekday() in workdays:
            break
        start = before
    return start


def covered_days(day: date, workdays: frozenset[int] | None) -> list[date]:
    """Return the calendar days, oldest first, that the page for day covers."""
    first = first_day(day, workdays)
    return [first + timedelta(days=i) for i in range((day - first).days + 1)]
