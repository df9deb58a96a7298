"""Day summaries and archives of many days, shared by the site's tests."""

from __future__ import annotations

from datetime import date, timedelta

from statusbot.summary import dumps, summary_path

START = date(2025, 1, 1)


def summary(day: date, n: int) -> dict:
    """Return a plausible stored summary of one generated day."""
    return {
        "v": 1,
        "day": day.isoformat(),
        "commits": n % 7,
        "prs_merged": n % 3,
        "tests": {"passed": 40 + n % 5, "run": 45, "failed": 5 - n % 5},
        "coverage": round(60 + (n % 300) / 10, 1),
        "deploys": [{"env": "staging", "version": f"v{n}", "status": "success"}] * (n % 2),
        "risks": n % 4,
        "critical": 0,
        "open_risks": [],
        "resolved": [],
        "themes": {"Code": [f"Committed {n % 7} changes to app"]},
        "key_effort": "Work",
    }


def archive(days: int) -> dict[str, bytes]:
    """Return a Pages branch's summaries and day pages for `days` days from START."""
    files: dict[str, bytes] = {}
    for n in range(days):
        day = START + timedelta(days=n)
        files[summary_path(day)] = dumps(summary(day, n)).encode()
        files[f"_posts/{day}-daily-status.md"] = f"---\ntitle: {day}\n---\nday {n}\n".encode()
    return files
