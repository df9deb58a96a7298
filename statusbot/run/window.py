"""The day a run reports on and the window of time its page covers: one definition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from statusbot.errors import DateError
from statusbot.workdays import covered_days, first_day


@dataclass(frozen=True)
class Window:
    """A page's day and its [start, end) in UTC, which spans the weekend on a Monday."""

    day: date
    start: datetime
    end: datetime
    days: tuple[date, ...]  # the calendar days covered, oldest first

    @property
    def since(self) -> date | None:
        """Return the first covered day when the page spans several, else None."""
        return self.days[0] if len(self.days) > 1 else None


def day_window(day: date, timezone: str) -> tuple[datetime, datetime]:
    """Return the day's [start, end) in UTC; a DST day is 23 or 25 hours long."""
    return span(day, day, timezone)


def span(first: date, last: date, timezone: str) -> tuple[datetime, datetime]:
    """Return [first's midnight, the midnight after last) in UTC (DST-safe)."""
    tz = ZoneInfo(timezone)
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    # In UTC, so comparisons use absolute time, not wall time (which repeats an hour in autumn).
    return start.astimezone(UTC), end.astimezone(UTC)


def window_for(day: date, timezone: str, workdays: frozenset[int] | None) -> Window:
    """Return the window the page for day covers (a working day covers the days since the last)."""
    start, end = span(first_day(day, workdays), day, timezone)
    return Window(day, start, end, tuple(covered_days(day, workdays)))


def resolve_day(now: datetime, timezone: str, day: date | None) -> date:
    """Return the day to report on: the given one, or today in the configured zone."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    if day is not None and day > today:
        raise DateError(f"--date {day} is in the future (today is {today} in {timezone})")
    return day or today
