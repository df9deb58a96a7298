"""`statusbot init --github-actions`: write the workflow that publishes every 15 minutes."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from statusbot.commands.init import write_new
from statusbot.errors import StatusbotError

if TYPE_CHECKING:
    from statusbot.cli import Context

WORKFLOW = Path(".github") / "workflows" / "statusbot.yml"
SPEC_MARK = "__STATUSBOT_SPEC__"
EXAMPLE = "--spec 'statusbot[github] @ git+https://github.com/OWNER/statusbot@v1.0'"


def install_spec(dist: metadata.Distribution | None = None) -> str:
    """Return what pip needs to install this very statusbot on a runner.

    The installed distribution's `direct_url.json` (PEP 610) tells a VCS checkout (pinned to
    its commit) or an archive URL; without it statusbot came from an index, at this version.
    A local folder or file can't be reached from a runner: that is refused.
    """
    dist = dist or metadata.distribution("statusbot")
    text = dist.read_text("direct_url.json")
    if not text:
        return f"statusbot[github]=={dist.version}"
    try:
        origin = json.loads(text)
        url = str(origin["url"])
    except (ValueError, KeyError, TypeError):
        raise StatusbotError(f"cannot tell where statusbot came from; give {EXAMPLE}") from None
    if url.startswith("file:") or "dir_info" in origin:
        raise StatusbotError(
            f"statusbot was installed from a local path ({url}), which a runner can't reach; "
            f"give {EXAMPLE}"
        )
    fragment = f"#subdirectory={origin['subdirectory']}" if origin.get("subdirectory") else ""
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict):
        rev = vcs.get("commit_id") or vcs.get("requested_revision")
        at = f"@{rev}" if rev else ""
        return f"statusbot[github] @ {vcs.get('vcs', 'git')}+{url}{at}{fragment}"
    return f"statusbot[github] @ {url}{fragment}"


def workflow_text(spec: str) -> str:
    """Return the workflow file statusbot writes, installing statusbot from `spec`."""
    from statusbot.render import data_dir

    if not spec.strip() or any(c in spec for c in "\r\n"):
        raise StatusbotError("--spec must be one line, e.g. " + EXAMPLE)
    text = (data_dir("templates") / "github-workflow.yml").read_text(encoding="utf-8")
    return text.replace(SPEC_MARK, json.dumps(spec.strip()))  # a YAML double-quoted string


def write_workflow(obj: Context, root: Path, spec: str | None = None) -> None:
    """Create .github/workflows/statusbot.yml under root, never replacing one."""
    target = root / WORKFLOW
    text = workflow_text(spec or install_spec())
    if obj.dry_run:
        obj.say(f"dry run: would write {target}")
        return
    write_new(target, text)
    obj.say(f"wrote {target}; commit and push it, with a statusbot.yml listing people")
