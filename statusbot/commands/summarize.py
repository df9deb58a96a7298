"""`statusbot summarize`: run the configured summarizer on the day and show its verdicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from statusbot.errors import ConfigError

if TYPE_CHECKING:
    from statusbot.cli import Context
    from statusbot.compose import Sections
    from statusbot.config import Config


def run(obj: Context, config: Config, show_input: bool, dry_run: bool) -> None:
    """Print the command's input, or run it and print the sections and each section's verdict."""
    from statusbot.compose import compose
    from statusbot.run.collect import collect
    from statusbot.run.window import resolve_day, window_for
    from statusbot.run.workspace import open_workspace
    from statusbot.summarizer import TITLES, attempt
    from statusbot.summarizer.digest import command_input

    day = resolve_day(obj.now, config.timezone, obj.day)
    workspace = open_workspace(config, obj.now)
    facts = collect(workspace, window_for(day, config.timezone, config.workdays)).facts
    sections = compose(facts, config.risks)
    settings = config.summarizer
    if show_input:
        click.echo(command_input(settings.input, facts, sections, config.templates_dir), nl=False)
        return
    if not settings.command:
        raise ConfigError("summarizer.command is not set; see README, Summarizer")
    result, entry = attempt(
        facts,
        sections,
        settings.command,
        settings.timeout,
        workspace.store,
        save=not dry_run,
        mode=settings.input,
        templates_dir=config.templates_dir,
        fresh=True,
    )
    obj.say(markdown(result))
    for name, verdict in entry["verdicts"].items():
        used = "summarizer's text" if verdict["used"] else f"built-in ({verdict['reason']})"
        obj.say(f"{TITLES[name]}: {used}")
    if dry_run:
        obj.say(f"dry run: the answer for {day} was not stored")
    else:
        obj.say(f"stored for {day}: publish uses it while the facts stay the same")


def markdown(sections: Sections) -> str:
    """Return the three sections as the day page shows them."""
    from statusbot.compose import NO_RISKS
    from statusbot.summarizer.digest import line

    out = ["## Accomplishments", *(f"- {line(i)}" for i in sections.accomplishments)]
    out += ["", "## Risks & Challenges"]
    out += [f"- {r.markdown}" for r in sections.risks] or [NO_RISKS]
    out += ["", "## Key Effort", sections.key_effort, ""]
    return "\n".join(out)
