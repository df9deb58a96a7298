"""`statusbot init --github-actions`: write the workflow that publishes every 15 minutes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from statusbot.commands.init import write_new

if TYPE_CHECKING:
    from statusbot.cli import Context

WORKFLOW = Path(".github") / "workflows" / "statusbot.yml"


def workflow_text() -> str:
    """Return the workflow file statusbot writes."""
    from statusbot.render import data_dir

    return (data_dir("templates") / "github-workflow.yml").read_text(encoding="utf-8")


def write_workflow(obj: Context, root: Path) -> None:
    """Create .github/workflows/statusbot.yml under root, never replacing one."""
    target = root / WORKFLOW
    if obj.dry_run:
        obj.say(f"dry run: would write {target}")
        return
    write_new(target, workflow_text())
    obj.say(f"wrote {target}; commit and push it, with a statusbot.yml listing people")
