"""Render: compose the day's sections, then the page, history pages and team pages as text."""

from __future__ import annotations

from datetime import date

from statusbot.compose import Sections, compose
from statusbot.model import Facts
from statusbot.providers.base import Provider
from statusbot.run.workspace import Workspace


def render_all(
    workspace: Workspace, facts: Facts, dry_run: bool = False
) -> tuple[Sections, dict[str, str]]:
    """Return the sections and every site file they change; a dry run stores nothing."""
    from statusbot.render import render_site
    from statusbot.site import with_history
    from statusbot.team import team_files

    config, store = workspace.config, workspace.store
    sections = compose(facts, config.risks)
    if config.summarizer.command:  # an optional command rewrites the prose; its claims are checked
        from statusbot.summarizer import from_config

        sections = sections.reworded(from_config(config, facts, sections, store, save=not dry_run))
    # Open risks carry over from earlier days; index, archive, week and charts come along.
    sections, history_files = with_history(config, store, facts, sections)
    team = team_files(facts, sections, config.risks, config.templates_dir)
    return sections, {**render_site(facts, sections, config), **history_files, **team}


def site_for_day(
    workspace: Workspace,
    day: date,
    dry_run: bool = False,
    providers: tuple[Provider, ...] | None = None,
) -> tuple[Facts, Sections, dict[str, str]]:
    """Collect, compose and render one day (render, preview and doctor use it)."""
    from statusbot.guest import place
    from statusbot.run.collect import collect
    from statusbot.run.window import window_for

    config = workspace.config
    facts = collect(workspace, window_for(day, config.timezone, config.workdays), providers).facts
    sections, files = render_all(workspace, facts, dry_run)
    return facts, sections, place(files, config.publish.path, config.site_title)
