"""`statusbot init --github-actions`: write the workflow that publishes every 15 minutes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from statusbot.errors import StatusbotError

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
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise StatusbotError(f"{target} already exists; not overwriting it") from None
    except OSError as exc:
        raise StatusbotError(f"{target}: cannot write: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(workflow_text())
    obj.say(f"wrote {target}; commit and push it, with a statusbot.yml listing people")
