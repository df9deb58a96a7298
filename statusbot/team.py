"""Team pages: the day's facts split by person, a team page and each person's own page."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from statusbot import markup as md
from statusbot.compose import NO_ACTIVITY, NO_RISKS, Sections, compose
from statusbot.config.schema import RiskSettings
from statusbot.model import Facts, Person

MAX_HIGHLIGHTS = 5


def slug(person: Person) -> str:
    """Return the person's URL-safe name (unique among the configured people)."""
    return person.slug


def team_page_path(day: object) -> str:
    """Return the team page's path inside the site (URL /team/YYYY-MM-DD/)."""
    return f"team/{day}.md"


def person_page_path(person: Person, day: object) -> str:
    """Return a person's day page path inside the site (URL /people/<slug>/YYYY-MM-DD/)."""
    return f"people/{slug(person)}/{day}.md"


def person_index_path(person: Person) -> str:
    """Return the path of the page listing a person's days (URL /people/<slug>/)."""
    return f"people/{slug(person)}/index.md"


def owns_commit(person: Person, email: str, name: str) -> bool:
    """Return True when a commit author is the person, by email or by name."""
    return email.lower() in (e.lower() for e in person.emails) or name == person.name


def facts_of(facts: Facts, person: Person) -> Facts:
    """Return the facts attributable to one person: commits, pull requests, reviews, notes.

    Commits by author email or name, pull requests by author login, reviews by reviewer login,
    notes by --person (a note without one is the first person's). Tests, coverage, deployments
    and workflow runs are the team's: they stay on the team page.
    """
    first = facts.people[0].name if facts.people else None
    login = (person.github or "").lower()
    return replace(
        facts,
        people=(person,),
        commits=tuple(
            c for c in facts.commits if owns_commit(person, c.author_email, c.author_name)
        ),
        pull_requests=tuple(p for p in facts.pull_requests if login and p.author.lower() == login),
        reviews=tuple(r for r in facts.reviews if login and r.reviewer.lower() == login),
        notes=tuple(n for n in facts.notes if (n.person or first) == person.name),
        tests=(),
        coverage=(),
        coverage_changes=(),
        deployments=(),
        workflow_runs=(),
        failures=(),
        stale=(),
    )


def team_files(
    facts: Facts,
    team: Sections,
    risks: RiskSettings | None = None,
    templates_dir: Path | None = None,
) -> dict[str, str]:
    """Return the team page, each person's page and each person's list of days, by path."""
    if len(facts.people) < 2:
        return {}
    from statusbot.render import environment

    env = environment(templates_dir)
    day = facts.day.isoformat()
    people = []
    files: dict[str, str] = {}
    for person in facts.people:
        own = compose(facts_of(facts, person), risks)
        people.append(
            {
                "name": md.text(person.name, 80),
                "url": "{{ " + f'"/people/{slug(person)}/{day}/"' + " | relative_url }}",
                "days_url": "{{ " + f'"/people/{slug(person)}/"' + " | relative_url }}",
                "highlights": own.accomplishments[:MAX_HIGHLIGHTS],
                "more": max(0, len(own.accomplishments) - MAX_HIGHLIGHTS),
                "key_effort": own.key_effort,
            }
        )
        files[person_page_path(person, day)] = env.get_template("person-day.md.j2").render(
            day=day,
            name=md.text(person.name, 80),
            title=f"Daily Status - {md.text(person.name, 80)} - {day}",
            front_title=json.dumps(f"Daily Status - {person.name} - {day}", ensure_ascii=False),
            slug=slug(person),
            team_url="{{ " + f'"/team/{day}/"' + " | relative_url }}",
            sections=own,
            no_activity=NO_ACTIVITY,
            no_risks=NO_RISKS,
        )
        files[person_index_path(person)] = env.get_template("person-index.md.j2").render(
            name=md.text(person.name, 80),
            front_title=json.dumps(f"{person.name}: days", ensure_ascii=False),
            slug=slug(person),
        )
    team_items = _team_items(facts, team)
    files[team_page_path(day)] = env.get_template("team-day.md.j2").render(
        day=day,
        title=f"Team Status - {day}",
        people=people,
        merged=team_items["merged"],
        deployments=team_items["deployments"],
        tests=team_items["tests"],
        risks=team.risks,
        no_risks=NO_RISKS,
    )
    return files


def _team_items(facts: Facts, team: Sections) -> dict[str, list[str]]:
    """Return the team page's lists, picked from the whole team's accomplishments."""
    items = team.accomplishments
    return {
        "merged": [i for i in items if i.startswith(("Merged pull request", "Created and merged"))],
        "deployments": [i for i in items if i.startswith(("Deployed ", "Deployment of "))],
        "tests": [
            i
            for i in items
            if i.startswith(
                ("Executed ", "Ran ", "Expanded test coverage", "Test coverage changed", "Measured")
            )
        ],
    }
