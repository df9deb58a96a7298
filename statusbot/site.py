"""The browsable site around the day pages: index, monthly archive, weekly rollups, charts.

Everything here is rendered from day summaries (statusbot/summary.py), never from day pages, and
only the pages one day touches are rendered: its month, its week, the index, the archive list and
the charts. Untrusted text in a summary is already escaped markdown (markup.text).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from statusbot.charts import CACHE, ChartCache, chart_path, present_charts, render_charts
from statusbot.compose import Sections
from statusbot.config import Config
from statusbot.history import RECENT, History
from statusbot.markup import plural
from statusbot.model import RISK_LEVELS, Facts, Person
from statusbot.store import Store
from statusbot.summary import (
    THEME_ORDER,
    carry_risks,
    day_url,
    dumps,
    iso_week,
    summarize,
    summary_path,
)

INDEX = "index.md"
ARCHIVE = "archive.md"


def month_path(year: int, month: int) -> str:
    """Return a monthly archive page's path inside the site."""
    return f"archive/{year:04d}-{month:02d}.md"


def week_path(week: str) -> str:
    """Return a weekly rollup page's path inside the site."""
    return f"weeks/{week}.md"


def url(path: str) -> str:
    """Return the Liquid that makes a site path into a URL under the site's baseurl."""
    return '{{ "' + path + '" | relative_url }}'


def line(summary: dict[str, Any]) -> str:
    """Return the day's one-line summary: main item, work, PRs, tests, deploys, risks."""
    tests = summary.get("tests") or {}
    run = tests.get("run", 0)
    parts = []
    if summary.get("main"):
        parts.append(summary["main"])
    work = summary.get("work")
    if work and (work.get("commits") or work.get("merges")):
        counts = plural(work.get("commits", 0), "commit")
        if work.get("added") or work.get("deleted"):
            counts += f", +{work.get('added', 0):,}/−{work.get('deleted', 0):,} lines"
        parts.append(counts)
    parts.append(plural(summary.get("prs_merged", 0), "PR") + " merged")
    parts.append(f"tests {tests.get('passed', 0)}/{run} passing" if run else "no tests")
    parts.append(plural(len(summary.get("deploys") or []), "deployment"))
    risks = plural(summary.get("risks", 0), "risk")
    if summary.get("critical"):
        risks += f" ({summary['critical']} critical)"
    parts.append(risks)
    return " · ".join(parts)


def day_entry(summary: dict[str, Any]) -> dict[str, str]:
    """Return what a list of days shows for one day."""
    day = date.fromisoformat(summary["day"])
    return {
        "label": f"{day.isoformat()} ({day.strftime('%a')})",
        "url": url(day_url(day)),
        "line": line(summary),
    }


def _days(history: History, days: Iterable[date]) -> list[dict[str, str]]:
    """Return the entries of those days that have a summary, newest first."""
    found = [history.summaries.get(d.isoformat()) for d in sorted(days, reverse=True)]
    return [day_entry(s) for s in found if s is not None]


def render_history(
    history: History,
    day: date,
    templates_dir: Path | None = None,
    people: tuple[Person, ...] = (),
    charts: ChartCache | None = None,
) -> dict[str, str]:
    """Return the pages that change when `day` changes: index, archive, its month and week.

    `charts` keeps each chart's SVG by the digest of its inputs (see statusbot.charts).
    """
    files = {
        INDEX: render_index(history, templates_dir, people),
        ARCHIVE: render_archive(history, templates_dir),
        month_path(day.year, day.month): render_month(history, day.year, day.month, templates_dir),
        week_path(iso_week(day)): render_week(history, iso_week(day), templates_dir),
    }
    if history.newest is not None:
        files.update(render_charts(history.newest, history.summaries, charts))
    return files


def render_index(
    history: History, templates_dir: Path | None = None, people: tuple[Person, ...] = ()
) -> str:
    """Return the home page: this week's days on top, the charts, the recent days, the months."""
    from statusbot import markup as md

    newest = history.newest
    team = len(people) > 1 and newest is not None  # a team: link each person's list of days
    people_links = (
        [(md.text(p.name, 80), url(f"/people/{p.slug}/")) for p in people] if team else []
    )
    this_week = iso_week(newest) if newest else None
    current = [d for d in history.days if this_week and iso_week(d) == this_week]
    earlier = [d for d in history.days if d not in current][-RECENT:]
    months = sorted({(d.year, d.month) for d in history.days}, reverse=True)
    return _template("index.md.j2", templates_dir).render(
        site_title="{{ site.title | escape }}",
        week=this_week,
        week_url=url(f"/weeks/{this_week}/") if this_week else None,
        current=_days(history, current),
        earlier=_days(history, earlier),
        charts=[
            (title, url("/" + chart_path(stem)))
            for stem, title in present_charts(newest, history.summaries)
        ]
        if newest
        else [],
        months=[
            (f"{calendar.month_name[m]} {y}", url(f"/archive/{y:04d}-{m:02d}/")) for y, m in months
        ],
        archive_url=url("/archive/"),
        people=people_links,
        team_url=url(f"/team/{newest}/") if team else None,
    )


def render_archive(history: History, templates_dir: Path | None = None) -> str:
    """Return the archive page: every month and every week, newest first."""
    months = sorted({(d.year, d.month) for d in history.days}, reverse=True)
    weeks = sorted({iso_week(d) for d in history.days}, reverse=True)
    return _template("archive.md.j2", templates_dir).render(
        months=[
            (f"{calendar.month_name[m]} {y}", url(f"/archive/{y:04d}-{m:02d}/")) for y, m in months
        ],
        weeks=[(w, url(f"/weeks/{w}/")) for w in weeks],
    )


def render_month(history: History, year: int, month: int, templates_dir: Path | None = None) -> str:
    """Return a month's archive page: its days, newest first, one line each."""
    days = [d for d in history.days if (d.year, d.month) == (year, month)]
    weeks = sorted({iso_week(d) for d in days})
    return _template("month.md.j2", templates_dir).render(
        title=f"{calendar.month_name[month]} {year}",
        permalink=f"/archive/{year:04d}-{month:02d}/",
        days=_days(history, days),
        weeks=[(w, url(f"/weeks/{w}/")) for w in weeks],
        archive_url=url("/archive/"),
    )


def week_days(week: str) -> list[date]:
    """Return the seven days of an ISO week label like 2026-W06."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return [monday + timedelta(days=n) for n in range(7)]


def render_week(history: History, week: str, templates_dir: Path | None = None) -> str:
    """Return a week's rollup: accomplishments by theme, PRs, deploys, trends, open risks."""
    all_days = week_days(week)
    summaries = [
        history.summaries[d.isoformat()] for d in all_days if d.isoformat() in history.summaries
    ]
    themes: dict[str, list[str]] = {}
    deploys: dict[str, list[str]] = {}
    trend = []
    for s in summaries:
        short = date.fromisoformat(s["day"]).strftime("%a %b %d")
        for theme, items in (s.get("themes") or {}).items():
            themes.setdefault(theme, []).extend(f"{short}: {item}" for item in items)
        for d in s.get("deploys") or []:
            status = "" if d["status"] == "success" else f" ({d['status']})"
            deploys.setdefault(d["env"], []).append(f"{short}: {d['version']}{status}")
        tests = s.get("tests") or {}
        run = tests.get("run", 0)
        coverage = s.get("coverage")
        trend.append(
            {
                "day": short,
                "url": url(day_url(s["day"])),
                "tests": f"{tests.get('passed', 0)}/{run}" if run else "–",
                "rate": f"{100.0 * tests.get('passed', 0) / run:.1f}%" if run else "–",
                "coverage": f"{coverage:.1f}%" if coverage is not None else "–",
                "prs": s.get("prs_merged", 0),
            }
        )
    order = list(THEME_ORDER)
    ranked = sorted(
        themes.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])
    )
    first, last = all_days[0], all_days[-1]
    return _template("week.md.j2", templates_dir).render(
        title=f"Week {week}",
        permalink=f"/weeks/{week}/",
        span=f"{first:%a %b %d} – {last:%a %b %d %Y}",
        days=_days(history, [date.fromisoformat(s["day"]) for s in summaries]),
        themes=ranked,
        prs=sum(s.get("prs_merged", 0) for s in summaries),
        deploys=sorted(deploys.items()),
        trend=trend,
        risks=_week_risks(summaries),
        archive_url=url("/archive/"),
        month_url=url(f"/archive/{first.year:04d}-{first.month:02d}/"),
    )


def _week_risks(summaries: list[dict[str, Any]]) -> list[str]:
    """Return every risk open during the week, with where it stood at the week's end."""
    seen: dict[str, dict[str, Any]] = {}
    resolved: dict[str, str] = {}
    for s in summaries:
        for risk in s.get("open_risks") or []:
            seen.setdefault(risk["id"], risk)
        for risk in s.get("resolved") or []:
            seen.setdefault(risk["id"], risk)
            resolved[risk["id"]] = s["day"]
    still_open = {r["id"] for r in (summaries[-1].get("open_risks") or [])} if summaries else set()
    order = {level: i for i, level in enumerate(RISK_LEVELS)}
    lines = []
    for risk in sorted(seen.values(), key=lambda r: (order.get(r["level"], 9), r["since"])):
        if risk["id"] in still_open:
            state = "still open"
        elif risk["id"] in resolved:
            state = f"resolved on {resolved[risk['id']]}"
        else:
            state = "no longer open"
        lines.append(
            f"**{risk['level'].upper()}:** {risk['text']} (open since {risk['since']}, "
            f"risk id {risk['id']}; {state})"
        )
    return lines


def _template(name: str, templates_dir: Path | None) -> Any:
    from statusbot.render import environment

    return environment(templates_dir).get_template(name)


def with_history(
    config: Config, store: Store, facts: Facts, sections: Sections, save: bool = True
) -> tuple[Sections, dict[str, str]]:
    """Read the summaries the day needs from the Pages branch; return its sections and files.

    The charts drawn before are taken from the store's chart cache, and it is saved when a
    chart changed (unless `save` is False: a dry run stores nothing).
    """
    from statusbot.history import load
    from statusbot.providers.records import resolved_risks

    history = load(config.publish.repo, config.publish.branch, config.publish.path, facts.day)
    resolved = resolved_risks(store, facts.day)
    kept = store.load_json(CACHE)  # a damaged entry is drawn again
    charts: ChartCache = {stem: c for stem, c in kept.items() if isinstance(c, dict)}
    done = build_day(facts, sections, history, resolved, config.templates_dir, charts)
    if save and charts != kept:
        store.save_json(CACHE, dict(charts))
    return done


def summarize_day(
    facts: Facts, sections: Sections, history: History, resolved: set[str]
) -> tuple[Sections, dict[str, Any]]:
    """Carry open risks onto the day; return its sections and its summary."""
    sections, open_risks, closed = carry_risks(
        facts, sections, history.previous_open_risks(facts.day), resolved
    )
    return sections, summarize(facts, sections, open_risks, closed)


def build_day(
    facts: Facts,
    sections: Sections,
    history: History,
    resolved: set[str],
    templates_dir: Path | None = None,
    charts: ChartCache | None = None,
) -> tuple[Sections, dict[str, str]]:
    """Carry open risks onto the day, and return its sections and the site files it changes."""
    sections, summary = summarize_day(facts, sections, history, resolved)
    files = {summary_path(facts.day): dumps(summary)}
    with_day = history.with_day(summary)
    files.update(render_history(with_day, facts.day, templates_dir, facts.people, charts))
    return sections, files


def render_everything(history: History, templates_dir: Path | None = None) -> dict[str, str]:
    """Return every history page at once (a first import of a whole archive)."""
    files = {
        INDEX: render_index(history, templates_dir),
        ARCHIVE: render_archive(history, templates_dir),
    }
    for year, month in sorted({(d.year, d.month) for d in history.days}):
        files[month_path(year, month)] = render_month(history, year, month, templates_dir)
    for week in sorted({iso_week(d) for d in history.days}):
        files[week_path(week)] = render_week(history, week, templates_dir)
    if history.newest is not None:
        files.update(render_charts(history.newest, history.summaries))
    return files
