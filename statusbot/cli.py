"""The command line: parse flags, set logging, load config, call one core function."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from statusbot import __version__
from statusbot.errors import StatusbotError

log = logging.getLogger("statusbot")

RISK_CHOICES = ("low", "medium", "high", "critical")


@dataclass
class Context:
    """What the global options decided, shared with every command."""

    config_path: str | None
    day: date | None
    dry_run: bool
    verbose: bool
    quiet: bool
    now: datetime

    def config(self) -> Any:
        """Load and validate the config (or the embedded default)."""
        from statusbot import config

        cwd = Path.cwd()
        return config.load(config.find_config(self.config_path, cwd), _checkout_root(cwd))

    def say(self, message: str) -> None:
        """Print a line of output unless --quiet."""
        if not self.quiet:
            click.echo(message)


def _checkout_root(cwd: Path) -> Path:
    """Return the top of the git checkout around cwd (the embedded default's base), or cwd."""
    for folder in (cwd, *cwd.parents):
        if (folder / ".git").exists():
            return folder
    return cwd


class Group(click.Group):
    """A click group that turns unexpected errors into one line unless --verbose."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; show a traceback only with --verbose."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            obj = ctx.find_object(Context)
            if obj is not None and obj.verbose:
                raise
            raise StatusbotError(
                f"unexpected {type(exc).__name__}: {exc} (run with --verbose for details)"
            ) from None


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD") from None
    if day.year < 1970:
        raise click.BadParameter(f"{value!r} is before 1970: no git history is that old")
    return day


def _finite(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    default=None,
    help="Config file (default: ./statusbot.yml, then "
    "$XDG_CONFIG_HOME/statusbot/config.yml, else the embedded default).",
)
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    callback=_parse_date,
    help="Report on this (past) day instead of today.",
)
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.option("-v", "--verbose", is_flag=True, help="Log detail, and tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.version_option(__version__, "--version", prog_name="statusbot")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: str | None,
    day: date | None,
    dry_run: bool,
    verbose: bool,
    quiet: bool,
) -> None:
    """Write a daily status page from git, tests, coverage and notes; publish it to Pages."""
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="statusbot: %(levelname)s: %(message)s")
    ctx.obj = Context(config_path, day, dry_run, verbose, quiet, datetime.now(UTC))


pass_context = click.make_pass_decorator(Context)


@cli.command()
@click.option(
    "--push/--no-push",
    default=None,
    help="Push to the remote (default: push when a config file sets publish.remote; "
    "the embedded default pushes only with --push, to origin).",
)
@click.option(
    "--days",
    "last_days",
    type=click.IntRange(1, 366),
    metavar="N",
    help="Fill the last N days (ending today, or at --date), oldest first.",
)
@click.option(
    "--since",
    metavar="YYYY-MM-DD",
    callback=_parse_date,
    help="Fill every day from this one to today (or --date), oldest first.",
)
@pass_context
def publish(obj: Context, push: bool | None, last_days: int | None, since: date | None) -> None:
    """Collect, compose, render and commit the day to the Pages branch (the main job)."""
    from statusbot.commands.publish import run, run_days

    if last_days is not None and since is not None:
        raise click.UsageError("give --days or --since, not both")
    if last_days is None and since is None:
        run(obj, obj.config(), push)
    else:
        run_days(obj, obj.config(), push, last_days, since)


@cli.command()
@click.option(
    "--out",
    "out",
    metavar="DIR",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write the site tree into.",
)
@pass_context
def render(obj: Context, out: str) -> None:
    """Write the site tree to a folder instead of committing it."""
    from statusbot.commands.publish import render_to

    render_to(obj, obj.config(), Path(out))


@cli.command()
@click.option(
    "--port",
    default=4000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 to serve the preview on (0: any free port).",
)
@pass_context
def preview(obj: Context, port: int) -> None:
    """Build the site as it would be published (with jekyll if installed) and serve it locally."""
    from statusbot.commands.preview import preview as run

    run(obj, obj.config(), port)


@cli.command()
@pass_context
def collect(obj: Context) -> None:
    """Print the day's collected facts as JSON."""
    from statusbot.run.collect import collect as collect_facts
    from statusbot.run.window import resolve_day, window_for
    from statusbot.run.workspace import open_workspace

    config = obj.config()
    day = resolve_day(obj.now, config.timezone, obj.day)
    window = window_for(day, config.timezone, config.workdays)
    facts = collect_facts(open_workspace(config, obj.now), window).facts
    click.echo(json.dumps(facts.to_dict(), indent=2, ensure_ascii=False))


@cli.command()
@click.argument("text", required=False)
@click.option(
    "--file",
    "text_file",
    metavar="F",
    default=None,
    help="Read the note from file F (- for stdin) instead of TEXT.",
)
@click.option(
    "--risk",
    type=click.Choice(RISK_CHOICES),
    default=None,
    help="Record the note as a risk of this level.",
)
@click.option("--key-effort", is_flag=True, help="Record the note as the day's key effort.")
@click.option(
    "--date",
    "note_day",
    metavar="YYYY-MM-DD",
    callback=_parse_date,
    help="The day the note belongs to (default: today, or the global --date).",
)
@click.option(
    "--resolve",
    "resolves",
    metavar="ID",
    default=None,
    help="The note resolves this open risk (its id, as the page shows it).",
)
@click.option(
    "--person",
    metavar="NAME",
    default=None,
    help="Whose note it is, by name in people (default: the first person).",
)
@pass_context
def note(
    obj: Context,
    text: str | None,
    text_file: str | None,
    risk: str | None,
    key_effort: bool,
    note_day: date | None,
    resolves: str | None,
    person: str | None,
) -> None:
    """Record a note of your own: an accomplishment, a risk or the key effort."""
    from statusbot.commands.record import note_text, record_note
    from statusbot.commands.resolve import record_resolution, say_risk_id

    text = note_text(text, text_file)
    config = obj.config()
    if resolves is not None:
        if risk or key_effort:
            raise click.UsageError("--resolve cannot be combined with --risk or --key-effort")
        record_resolution(obj, config, text, resolves, note_day or obj.day)
        return
    record_note(obj, config, text, risk, key_effort, note_day or obj.day, person)
    say_risk_id(obj, config, text, risk, note_day or obj.day)


@cli.group()
def record() -> None:
    """Record an event made outside the sources (a deployment, a metric)."""


@record.command("deploy")
@click.option(
    "--env",
    "environment",
    required=True,
    metavar="ENV",
    help="Environment deployed to, e.g. vmaas-dev.",
)
@click.option(
    "--version",
    "version",
    required=True,
    metavar="V",
    help="What was deployed: image tag, sha or version.",
)
@click.option(
    "--status",
    default="success",
    show_default=True,
    type=click.Choice(("success", "failure", "error", "in_progress")),
    help="How the deployment ended.",
)
@click.option("--url", default=None, metavar="U", help="Link to the deployment (http or https).")
@click.option("--note", "note_text", default=None, metavar="T", help="A few words about it.")
@pass_context
def record_deploy(
    obj: Context,
    environment: str,
    version: str,
    status: str,
    url: str | None,
    note_text: str | None,
) -> None:
    """Record a deployment made outside GitHub (a cluster, a VM)."""
    from statusbot.commands.record import record_deploy as run

    run(obj, obj.config(), environment, version, status, url, note_text)


@record.command("metric", context_settings={"ignore_unknown_options": True})  # VALUE may be -5
@click.argument("name")
@click.argument("value", type=float, callback=_finite)
@click.option("--unit", default="", metavar="U", help="Unit shown after the value, e.g. s, ms, %.")
@click.option("--label", default="", metavar="L", help="What was measured, e.g. AAP Direct.")
@click.option(
    "--better",
    type=click.Choice(("lower", "higher")),
    default=None,
    help="Which way is an improvement; default: lower for time units (s, ms, min), else higher.",
)
@pass_context
def record_metric(
    obj: Context, name: str, value: float, unit: str, label: str, better: str | None
) -> None:
    """Record a measured figure, e.g. `record metric "Provisioning time" 147 --unit s`."""
    from statusbot.commands.record import record_metric as run

    run(obj, obj.config(), name, value, unit, label, better)


@cli.command()
@click.option(
    "--github-actions",
    is_flag=True,
    help="Write .github/workflows/statusbot.yml (publish every 15 minutes) instead.",
)
@pass_context
def init(obj: Context, github_actions: bool) -> None:
    """Write a commented starter statusbot.yml; refuse to overwrite one."""
    if github_actions:
        from statusbot.commands.actions import write_workflow

        write_workflow(obj, _checkout_root(Path.cwd()))
        return
    from statusbot.commands.init import write_starter

    target = Path(obj.config_path) if obj.config_path else Path.cwd() / "statusbot.yml"
    write_starter(obj, target)


@cli.group()
def timer() -> None:
    """Run publish every 15 minutes from a systemd timer."""


@timer.command("install")
@click.option(
    "--user/--system",
    "user",
    default=True,
    help="User units in ~/.config/systemd/user (default), or system units in /etc/systemd/system.",
)
@click.option("--dry-run", "unit_dry_run", is_flag=True, help="Print the units; write nothing.")
@pass_context
def timer_install(obj: Context, user: bool, unit_dry_run: bool) -> None:
    """Write the units with this install's paths, reload systemd, enable the timer."""
    from statusbot.commands.timer import install

    install(obj, obj.config(), user, unit_dry_run)


@timer.command("uninstall")
@pass_context
def timer_uninstall(obj: Context) -> None:
    """Stop and disable the timer and remove its units."""
    from statusbot.commands.timer import uninstall

    uninstall(obj)


@timer.command("status")
@pass_context
def timer_status(obj: Context) -> None:
    """Show whether the timer is installed and active, and its next run."""
    from statusbot.commands.timer import status

    status(obj)


@cli.command()
@pass_context
def status(obj: Context) -> None:
    """Show the last run, publish and push, failing sources, and the timer."""
    from statusbot.commands.status import show

    show(obj, obj.config())


@cli.command()
@click.option("--show-input", is_flag=True, help="Print what the command would read; run nothing.")
@click.option("--dry-run", "own_dry_run", is_flag=True, help="Show the verdicts; store nothing.")
@pass_context
def summarize(obj: Context, show_input: bool, own_dry_run: bool) -> None:
    """Run the summarizer on the day; print its sections and each section's verdict."""
    from statusbot.commands.summarize import run

    run(obj, obj.config(), show_input, own_dry_run or obj.dry_run)


@cli.command()
@pass_context
def doctor(obj: Context) -> None:
    """Check config, token, push access, rendering and the timer; print the fix for each."""
    from statusbot.commands.doctor import run

    run(obj)


def main() -> None:
    """Run the command line."""
    try:
        cli(prog_name="statusbot")
    except StatusbotError as exc:  # pragma: no cover - click handles these in standalone mode
        exc.show()
        raise SystemExit(exc.exit_code) from None


__all__ = ["StatusbotError", "cli", "main"]
