"""Replay a real day (shared/real-days/*.json) into a real git repository with git fast-import."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REAL_DAYS = Path(__file__).resolve().parents[2] / "shared" / "real-days"
DAYS = (
    "go-junit-report-2019-10-06.json",
    "pycobertura-2020-05-29.json",
    "publish-unit-test-result-action-2020-09-01.json",
    "mkdocs-2015-06-19.json",
)


def load(name: str) -> dict[str, Any]:
    """Return one real day's facts."""
    return json.loads((REAL_DAYS / name).read_text(encoding="utf-8"))


def _stamp(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{int(moment.timestamp())} {sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


class _Tree:
    """A file tree whose text files are lists of unique lines, and binary files are bytes."""

    def __init__(self, files: dict[str, list[str] | bytes]) -> None:
        self.files = files

    def apply(self, tag: str, numstat: list[list[Any]]) -> tuple[_Tree, list[str]]:
        """Return the tree after one commit's numstat, and the paths it changed."""
        files = dict(self.files)
        changed = []
        for added, deleted, path in numstat:
            if added is None:  # binary: new bytes, always with a NUL
                files[path] = b"\0binary " + tag.encode() + b"\0"
            else:
                old = files.get(path)
                lines = list(old) if isinstance(old, list) else []
                lines = lines[deleted:] + [f"{tag} {path} {n}" for n in range(added)]
                files[path] = lines
            changed.append(path)
        return _Tree(files), changed

    def blob(self, path: str) -> bytes:
        """Return one file's bytes."""
        value = self.files[path]
        if isinstance(value, bytes):
            return value
        return "".join(line + "\n" for line in value).encode("utf-8")


def replay(day: dict[str, Any], repo: Path) -> dict[str, str]:
    """Replay the day's commits (and a root commit for the history before) into a new repo.

    Returns {the day's sha: the replayed sha}. Branches point at the newest commit they contain.
    """
    subprocess.run(["git", "init", "-q", "-b", day["default_branch"], str(repo)], check=True)
    commits = list(reversed(day["commits"]))  # oldest first: parents come before children
    deletions: dict[str, int] = {}
    for commit in commits:
        for _added, deleted, path in commit["numstat"]:
            deletions[path] = deletions.get(path, 0) + (deleted or 0)
    root = _Tree({p: [f"root {p} {n}" for n in range(d + 1)] for p, d in deletions.items()})
    first = min(datetime.fromisoformat(c["authored_at"]) for c in commits)
    root_stamp = _stamp((first - timedelta(days=30)).isoformat())
    stream = [b"commit refs/statusbot-replay/root\nmark :1\n"]
    stream.append(f"author Before <before@example.com> {root_stamp}\n".encode())
    stream.append(f"committer Before <before@example.com> {root_stamp}\n".encode())
    stream.append(_data(b"History before the day"))
    stream += [_modify(path, root) for path in sorted(root.files)]
    trees = {"root": root}
    marks: dict[str, int] = {}
    known = {c["sha"] for c in commits}
    outside = sorted({p for c in commits for p in c["parents"] if p not in known})
    for n, parent in enumerate(outside, start=2):  # parents before the day: stand-ins
        marks[parent] = n
        stream.append(f"commit refs/statusbot-replay/root\nmark :{n}\n".encode())
        stream.append(f"author Before <before@example.com> {root_stamp}\n".encode())
        stream.append(f"committer Before <before@example.com> {root_stamp}\n".encode())
        stream.append(_data(f"Before the day ({parent[:10]})".encode()))
        stream.append(b"from :1\n")
    for n, commit in enumerate(commits, start=2 + len(outside)):
        sha = commit["sha"]
        marks[sha] = n
        parents = [marks.get(p) for p in commit["parents"]] or [1]
        parents = [p or 1 for p in parents]
        base = trees.get(commit["parents"][0], root) if commit["parents"] else root
        tree, changed = base.apply(sha[:10], commit["numstat"])
        trees[sha] = tree
        message = commit["subject"] + ("\n\n" + commit["body"] if commit["body"] else "") + "\n"
        stream.append(f"commit refs/statusbot-replay/all\nmark :{n}\n".encode())
        name, email = commit["author_name"], commit["author_email"]
        stream.append(f"author {name} <{email}> {_stamp(commit['authored_at'])}\n".encode())
        stream.append(f"committer {name} <{email}> {_stamp(commit['committed_at'])}\n".encode())
        stream.append(_data(message.encode("utf-8")))
        stream.append(f"from :{parents[0]}\n".encode())
        for extra in dict.fromkeys(parents[1:]):
            if extra != parents[0]:
                stream.append(f"merge :{extra}\n".encode())
        stream += [_modify(path, tree) for path in changed]
    members: dict[str, list[dict[str, Any]]] = {}
    for commit in day["commits"]:  # newest first
        for branch in commit["branches"]:
            members.setdefault(branch, []).append(commit)
    after = _stamp(
        (datetime.fromisoformat(day["commits"][0]["authored_at"]) + timedelta(2)).isoformat()
    )
    newest: dict[str, int] = {}
    next_mark = max(marks.values()) + 1
    for branch, held in sorted(members.items()):
        parents = {p for c in held for p in c["parents"]}
        heads = [marks[c["sha"]] for c in held if c["sha"] not in parents]
        if len(heads) == 1:
            newest[branch] = heads[0]
            continue
        # The branch's real tip is a later commit that joins these: stand one in, after the day.
        stream.append(f"commit refs/statusbot-replay/all\nmark :{next_mark}\n".encode())
        stream.append(f"author After <after@example.com> {after}\n".encode())
        stream.append(f"committer After <after@example.com> {after}\n".encode())
        stream.append(_data(f"After the day: {branch}".encode()))
        stream.append(f"from :{heads[0]}\n".encode())
        stream += [f"merge :{head}\n".encode() for head in heads[1:]]
        newest[branch] = next_mark
        next_mark += 1
    for branch, mark in sorted(newest.items()):
        stream.append(f"reset refs/heads/{branch}\nfrom :{mark}\n\n".encode())
    stream.append(f"reset refs/heads/{day['default_branch']}\n".encode())
    tip = newest.get(day["default_branch"], max(marks.values(), default=1))
    stream.append(f"from :{tip}\n\n".encode())
    marks_file = repo / ".git" / "replay-marks"
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet", f"--export-marks={marks_file}"],
        input=b"".join(stream),
        check=True,
    )
    for ref in ("refs/statusbot-replay/all", "refs/statusbot-replay/root"):
        subprocess.run(["git", "-C", str(repo), "update-ref", "-d", ref], check=False)
    by_mark = dict(line.split() for line in marks_file.read_text().splitlines())
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard"], check=True)
    return {sha: by_mark[f":{marks[sha]}"] for sha in known}


def _modify(path: str, tree: _Tree) -> bytes:
    return f"M 100644 inline {path}\n".encode() + _data(tree.blob(path))


def numstat_sum(day: dict[str, Any], shas: set[str]) -> tuple[int, int]:
    """Return (added, deleted) text lines of those commits, by their numstat."""
    added = deleted = 0
    for commit in day["commits"]:
        if commit["sha"] in shas:
            added += sum(a or 0 for a, _d, _p in commit["numstat"])
            deleted += sum(d or 0 for _a, d, _p in commit["numstat"])
    return added, deleted
