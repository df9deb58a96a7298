"""`statusbot timer install|uninstall|status`: the systemd units that run publish every 15 min.

systemctl is found as $STATUSBOT_SYSTEMCTL, else on PATH; the unit folder of --system is
$STATUSBOT_SYSTEM_UNIT_DIR, else /etc/systemd/system (both overridable so tests can run the real
command against a recording systemctl and a temporary folder).
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from statusbot.errors import StatusbotError
from statusbot.store import write_atomic

if TYPE_CHECKING:
    from statusbot.cli import Context
    from statusbot.config import Config

UNITS = ("statusbot.service", "statusbot.timer")
TIMER = "statusbot.timer"
TOKEN_NAME = "github-token"
LINGER_DIR = Path("/var/lib/systemd/linger")


@dataclass(frozen=True)
class Scope:
    """User or system units: where they live and how systemctl is told."""

    user: bool

    @property
    def flag(self) -> list[str]:
        """Return systemctl's scope flag."""
        return ["--user"] if self.user else []

    @property
    def unit_dir(self) -> Path:
        """Return the folder the units are written to."""
        if self.user:
            return config_home() / "systemd" / "user"
        return Path(os.environ.get("STATUSBOT_SYSTEM_UNIT_DIR") or "/etc/systemd/system")

    @property
    def token_file(self) -> Path:
        """Return where the token credential is read from."""
        if self.user:
            return config_home() / "statusbot" / TOKEN_NAME
        return Path("/etc/statusbot") / TOKEN_NAME

    @property
    def name(self) -> str:
        """Return 'user' or 'system'."""
        return "user" if self.user else "system"


def config_home() -> Path:
    """Return $XDG_CONFIG_HOME or ~/.config."""
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def systemctl_path() -> str | None:
    """Return the systemctl to run: $STATUSBOT_SYSTEMCTL, else the one on PATH."""
    return os.environ.get("STATUSBOT_SYSTEMCTL") or shutil.which("systemctl")


def systemctl(scope: Scope, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run systemctl in the scope; raise StatusbotError with its message on failure."""
    exe = systemctl_path()
    if exe is None or not os.access(exe, os.X_OK):
        where = f" at {exe}" if exe else " on PATH"
        raise StatusbotError(f"systemctl not found{where}: this needs a machine run by systemd")
    proc = subprocess.run(
        [exe, *scope.flag, *args], capture_output=True, text=True, check=False, timeout=60
    )
    if check and proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        raise StatusbotError(f"systemctl {' '.join([*scope.flag, *args])} failed: {reason}")
    return proc


def statusbot_command() -> list[str]:
    """Return the command that runs this install of statusbot."""
    script = Path(sys.executable).parent / "statusbot"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "statusbot"]


def _escape(value: str) -> str:
    """Escape systemd specifiers (%) in a value."""
    return value.replace("%", "%%")


def _arg(value: str) -> str:
    """Return one ExecStart= argument, quoted when needed."""
    value = _escape(value).replace("$", "$$")
    if any(c in value for c in " \t\"'\\;"):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def _path_arg(value: Path) -> str:
    """Return a path for a list setting (ReadWritePaths=), quoted when needed."""
    text = _escape(str(value))
    return f'"{text}"' if " " in text else text


def writable_paths(config: Config) -> list[Path]:
    """Return what the run writes: the Pages repo's git directory and the store."""
    from statusbot.gitpages.git import GitError
    from statusbot.gitpages.refs import git_common_dir

    try:
        paths = [git_common_dir(config.publish.repo)]
    except GitError:
        paths = [config.publish.repo]
    if config.state_dir is not None:
        paths.append(config.state_dir)
    return paths


def render_units(config: Config, scope: Scope, token_file: Path | None = None) -> dict[str, str]:
    """Return {unit name: text}: the templates filled with this install's paths."""
    from statusbot.render import data_dir

    token = token_file or scope.token_file
    command = statusbot_command()
    if config.path is not None:
        command += ["--config", str(config.path)]
    command.append("publish")
    workdir = config.path.parent if config.path is not None else config.base
    if token.is_file():
        credential = f"LoadCredential={TOKEN_NAME}:{_escape(str(token))}"
    else:
        credential = f"# LoadCredential={TOKEN_NAME}:{_escape(str(token))}"
    user = "" if scope.user else f"User={_current_user()}\n"
    deps = "" if scope.user else "Wants=network-online.target\nAfter=network-online.target\n"
    values = {
        "@SCOPE@": "--user " if scope.user else "",
        "@UNIT_DEPS@": deps,
        "@WORKDIR@": _escape(str(workdir)),
        "@EXEC@": " ".join(_arg(a) for a in command),
        "@USER@": user,
        "@CREDENTIAL@": credential,
        "@ENVFILE@": _escape(str(token.with_name("env"))),
        "@WRITABLE@": " ".join(_path_arg(p) for p in writable_paths(config)),
    }
    units = {}
    for name in UNITS:
        text = (data_dir("systemd") / name).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        units[name] = text
    return units


def _current_user() -> str:
    return os.environ.get("SUDO_USER") or getpass.getuser()


def install(obj: Context, config: Config, user: bool, dry_run: bool) -> None:
    """Write the units, reload systemd, enable and start the timer; print each step."""
    scope = Scope(user)
    units = render_units(config, scope)
    if dry_run or obj.dry_run:
        for name, text in units.items():
            click_echo(f"# {scope.unit_dir / name}\n{text}")
        return
    for name, text in units.items():
        write_atomic(scope.unit_dir / name, text)
        obj.say(f"wrote {scope.unit_dir / name}")
    systemctl(scope, "daemon-reload")
    obj.say(f"reloaded the {scope.name} units: systemctl {' '.join(scope.flag)} daemon-reload")
    systemctl(scope, "enable", "--now", TIMER)
    obj.say(f"enabled and started {TIMER}: every 15 minutes, on the quarter hour")
    if not scope.token_file.is_file():
        obj.say(
            f"no token at {scope.token_file}: GitHub facts need one there (mode 0600), "
            "then run the install again"
        )
    if user and not (LINGER_DIR / _current_user()).exists():
        obj.say(
            "lingering is off: user units stop when you log out; to keep the timer running, "
            f"run: loginctl enable-linger {_current_user()}"
        )
    journal = "journalctl --user" if scope.user else "journalctl"
    obj.say(f"see it with: statusbot timer status, or {journal} -t statusbot")


def installed_scope() -> Scope | None:
    """Return the scope whose unit folder holds statusbot.timer, user first."""
    for scope in (Scope(True), Scope(False)):
        if (scope.unit_dir / TIMER).is_file():
            return scope
    return None


def uninstall(obj: Context) -> None:
    """Stop and disable the timer, remove the units, reload systemd."""
    scope = installed_scope()
    if scope is None:
        obj.say("no statusbot timer is installed; nothing to do")
        return
    if obj.dry_run:
        obj.say(f"dry run: would disable {TIMER} and remove the units in {scope.unit_dir}")
        return
    systemctl(scope, "disable", "--now", TIMER, check=False)
    obj.say(f"stopped and disabled {TIMER}")
    for name in UNITS:
        path = scope.unit_dir / name
        if path.exists():
            path.unlink()
            obj.say(f"removed {path}")
    systemctl(scope, "daemon-reload")
    obj.say(f"reloaded the {scope.name} units")


def timer_state() -> dict[str, str]:
    """Return the timer's properties (installed, ActiveState, next and last run) or a reason."""
    scope = installed_scope()
    if scope is None:
        return {"installed": "no"}
    props = "ActiveState,UnitFileState,NextElapseUSecRealtime,LastTriggerUSec,Result"
    try:
        proc = systemctl(scope, "show", TIMER, f"--property={props}", check=False)
    except (StatusbotError, OSError, subprocess.SubprocessError) as exc:
        return {"installed": scope.name, "error": str(exc)}
    state = {"installed": scope.name}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition("=")
        if key:
            state[key] = value
    if proc.returncode != 0:
        state["error"] = (proc.stderr.strip().splitlines() or ["systemctl failed"])[-1]
    return state


def describe_timer(state: dict[str, str]) -> str:
    """Return one line about the timer for status and doctor."""
    if state.get("installed") == "no":
        return "not installed (statusbot timer install)"
    if "error" in state:
        return f"{state['installed']} units installed; state unknown: {state['error']}"
    active = state.get("ActiveState", "unknown")
    enabled = state.get("UnitFileState", "unknown")
    nxt = state.get("NextElapseUSecRealtime") or "none"
    last = state.get("LastTriggerUSec") or "never"
    return f"{state['installed']} timer {active}, {enabled}; next run {nxt}; last run {last}"


def status(obj: Context) -> None:
    """Print the timer's state."""
    obj.say(f"timer: {describe_timer(timer_state())}")


def click_echo(text: str) -> None:
    """Print text (the units of a dry run), even under --quiet."""
    import click

    click.echo(text, nl=False)
