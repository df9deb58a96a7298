"""The no-change shortcut: same inputs and an unmoved branch tip mean nothing to render."""

from __future__ import annotations

import hashlib
import json

from statusbot.config import Config
from statusbot.model import Facts
from statusbot.state import Store

LAST_RUN = "last-publish.json"


def fingerprint(config: Config, facts: Facts, extra: str, push: bool) -> str:
    """Return a digest of everything a page depends on besides the Pages branch itself."""
    from statusbot import __version__
    from statusbot.render import data_dir

    digest = hashlib.sha256()
    for part in (__version__, repr(config), extra, str(push)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(json.dumps(facts.to_dict(), sort_keys=True, default=str).encode("utf-8"))
    roots = [data_dir("templates"), data_dir("site"), data_dir("_config.yml")]
    if config.templates_dir is not None:
        roots.append(config.templates_dir)
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0".encode())
    return digest.hexdigest()


def unchanged_tip(config: Config, store: Store, key: str, remote: str | None) -> str | None:
    """Return the branch tip when the last run published these very inputs and it has not moved."""
    from statusbot.gitpages.refs import branch_tips

    last = store.load_json(LAST_RUN)
    if last.get("key") != key or not last.get("tip"):
        return None
    local, tracking = branch_tips(config.publish.repo, config.publish.branch, remote)
    unmoved = local == last["tip"] and (remote is None or tracking == local)
    return local if unmoved else None


def remember(config: Config, store: Store, key: str, remote: str | None) -> None:
    """Record the inputs and the branch tip of a completed run, for the next run's shortcut."""
    from statusbot.gitpages.refs import branch_tips

    local, _tracking = branch_tips(config.publish.repo, config.publish.branch, remote)
    store.save_json(LAST_RUN, {"key": key, "tip": local})
