"""`statusbot status`: the last runs, failing sources and the timer, from the run history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statusbot import health
from statusbot.run.workspace import store_for

if TYPE_CHECKING:
    from statusbot.cli import Context
    from statusbot.config import Config


def lines(history: dict[str, Any], timer: str) -> list[str]:
    """Return the status report's lines."""
    out = []
    last = history.get("last_run")
    if last is None:
        out.append("last run: never (run statusbot publish, or install the timer)")
    else:
        state = "ok" if last.get("ok") else "FAILED"
        out.append(f"last run: {last['at']} {state}: {last.get('summary', '')}")
    success = history.get("last_success")
    out.append(f"last successful publish: {success['at'] if success else 'never'}")
    commit = history.get("last_commit")
    out.append(
        f"last commit: {commit['at']} {(commit.get('commit') or '')[:7]}" if commit else
        "last commit: never"
    )  # fmt: skip
    push = history.get("last_push")
    out.append(f"last push: {push['at']}" if push else "last push: never")
    failing = history.get("failing") or {}
    if not failing:
        out.append("failing sources: none")
    else:
        out.append("failing sources:")
        for source, info in sorted(failing.items()):
            out.append(f"  {source}: {info.get('reason', '')} (since {info.get('since')})")
    out.append(f"timer: {timer}")
    return out


def show(obj: Context, config: Config) -> None:
    """Print the status report."""
    from statusbot.commands.timer import describe_timer, timer_state

    history = health.load(store_for(config))
    for line in lines(history, describe_timer(timer_state())):
        obj.say(line)
