"""What statusbot owns on the Pages branch: a manifest of the files it wrote, per folder.

`<path>/.statusbot-manifest.json` (a dot file: Jekyll does not publish it) names the publisher
that owns the folder and every file it wrote there. A publisher never changes a file it did not
write, nor writes into a folder another publisher owns. A folder that statusbot published into
before manifests existed is taken over on the first run when every file in it came from
statusbot's own commits (the `Generated-by: statusbot` trailer or a `statusbot:` subject).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from statusbot.errors import PublishError
from statusbot.gitpages.commits import TRAILER
from statusbot.gitpages.git import Git
from statusbot.gitpages.tree import ls_tree

MANIFEST_NAME = ".statusbot-manifest.json"
SHOWN = 3  # foreign files named in a refusal


@dataclass(frozen=True)
class Manifest:
    """The owner of a folder of the Pages branch and the files it wrote (relative to the folder)."""

    owner: str
    files: tuple[str, ...]

    def to_bytes(self) -> bytes:
        """Return the manifest as written on the branch: stable bytes for the same content."""
        data = {"owner": self.owner, "files": sorted(set(self.files))}
        return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes, where: str) -> Manifest:
        """Parse a manifest read from the branch, or raise PublishError naming it."""
        try:
            raw = json.loads(data.decode("utf-8"))
            owner, files = raw["owner"], raw["files"]
            if not isinstance(owner, str) or not all(isinstance(f, str) for f in files):
                raise TypeError("owner and files must be strings")
        except (ValueError, KeyError, TypeError) as exc:
            raise PublishError(f"{where} is not a statusbot manifest ({exc}); remove it") from None
        return cls(owner, tuple(files))


def claim(
    git: Git,
    commit: str | None,
    branch: str,
    base: str,
    site: Mapping[str, bytes],
    owner: str,
    adopt: bool = False,
) -> dict[str, bytes]:
    """Return `site` plus this folder's manifest, or raise if it would touch another's files.

    `base` is the folder ("" or "docs/"), `site` is keyed by path on the branch. A file already
    on the branch that the folder's manifest does not list is someone else's: refused unless
    `adopt`, which takes it over.
    """
    where = f"{branch}:{base}{MANIFEST_NAME}"
    path = base + MANIFEST_NAME
    parents = {p.rsplit("/", i)[0] for p in site for i in range(1, p.count("/") + 1)}
    current = ls_tree(git, commit, [path, *site, *sorted(parents)]) if commit else {}
    ours: set[str] = set()
    if path not in current and commit:
        ours = _written_by_statusbot(git, commit, base, branch, adopt)
    if path in current:
        found = Manifest.from_bytes(git.run("cat-file", "blob", current[path].oid).stdout, where)
        if found.owner != owner:
            folder = f"/{base}" if base else "/"
            raise PublishError(
                f"folder {folder} of branch '{branch}' belongs to another statusbot publisher "
                f"({found.owner}): give this config its own publish.path"
            )
        ours = {base + name for name in found.files}
    foreign = sorted(
        name
        for name, entry in current.items()
        if name != path and name not in ours and (name in site or entry.type != "tree")
    )
    if foreign and not adopt:
        more = f" and {len(foreign) - SHOWN} more" if len(foreign) > SHOWN else ""
        raise PublishError(
            f"branch '{branch}' holds files statusbot did not write ({', '.join(foreign[:SHOWN])}"
            f"{more}) and publishing would change them: choose a publish.path folder of "
            "statusbot's own, or adopt them (publish.adopt: true)"
        )
    names = {name[len(base) :] for name in ours | set(site)}
    return {**site, path: Manifest(owner, tuple(names)).to_bytes()}


def _written_by_statusbot(git: Git, commit: str, base: str, branch: str, adopt: bool) -> set[str]:
    """Return the files of a folder without a manifest, when statusbot's commits wrote them all.

    Raise PublishError naming the files another writer made or changed (unless `adopt`).
    """
    where = [base.rstrip("/")] if base else []
    present = {
        name
        for name, entry in ls_tree(git, commit, None).items()
        if entry.type != "tree" and name.startswith(base)
    }
    if not present:
        return set()
    proc = git.run(
        "log", "--invert-grep", "-E", f"--grep=^{TRAILER}$", "--grep=^statusbot:",
        "--no-renames", "--name-only", "-z", "--format=", commit, "--", *where,
    )  # fmt: skip
    touched = {n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n}
    theirs = sorted(present & touched)
    if theirs and not adopt:
        more = f" and {len(theirs) - SHOWN} more" if len(theirs) > SHOWN else ""
        folder = f"folder /{base}" if base else "the root"
        raise PublishError(
            f"{folder} of branch '{branch}' holds files statusbot did not write "
            f"({', '.join(theirs[:SHOWN])}{more}): choose a publish.path folder of its own "
            "(e.g. /status), or take them over with publish.adopt: true"
        )
    return present - set(theirs)
