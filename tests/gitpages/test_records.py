"""Records in the repository: a bare remote, two laptops and a publisher, racing and offline."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import bare_remote, commit, git, make_repo, set_mtime

import statusbot
from statusbot.gitpages.git import Git
from statusbot.gitpages.records import REF, read_records

ANA = ("Ana Lima", "ana@example.com")
BO = ("Bo Berg", "bo@example.com")
CONFIG = f"""\
timezone: UTC
people:
  - name: {ANA[0]}
    emails: [{ANA[1]}]
  - name: {BO[0]}
    emails: [{BO[1]}]
sources:
  git: [.]
  junit: []
  coverage: []
publish:
  repo: .
  remote: origin
"""
ENV = {**os.environ, "PYTHONPATH": str(Path(statusbot.__file__).resolve().parents[1])}


def statusbot_cli(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run statusbot in its own process, as a person in a shell would."""
    env = {**ENV, "HOME": os.environ["HOME"], "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"]}
    return subprocess.run(
        [sys.executable, "-m", "statusbot", *args],
        cwd=clone, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


@pytest.fixture
def team(tmp_path: Path) -> dict[str, Path]:
    """Return a bare origin (refusing forced pushes) and clones: two laptops and a publisher."""
    seed = make_repo(tmp_path / "seed", ANA)
    (seed / "statusbot.yml").write_text(CONFIG)
    git(seed, "add", "statusbot.yml")
    commit(seed, "Add statusbot.yml", datetime.now(UTC))
    origin = bare_remote(tmp_path / "origin.git")
    git(origin, "config", "receive.denyNonFastForwards", "true")  # a forced push would fail
    git(seed, "push", "-q", str(origin), "main")
    clones = {"origin": origin}
    for name, user in (("laptop1", ANA), ("laptop2", BO), ("publisher", ("CI", "ci@example.com"))):
        path = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(origin), str(path)], check=True)
        git(path, "config", "user.name", user[0])
        git(path, "config", "user.email", user[1])
        clones[name] = path
    return clones


def page(clone: Path, kind: str = "_posts/{day}-daily-status.md") -> str:
    """Return a page of today from the clone's Pages branch."""
    day = datetime.now(UTC).date()
    return git(clone, "show", f"gh-pages:{kind.format(day=day)}")


def test_twenty_notes_written_at_once_from_two_laptops_appear_once(team, capsys):
    began = time.monotonic()
    started = {}
    for i in range(20):
        laptop = team["laptop1" if i % 2 == 0 else "laptop2"]
        env = {**ENV, "HOME": os.environ["HOME"], "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"]}
        started[i] = subprocess.Popen(
            [sys.executable, "-m", "statusbot", "note", f"Racing note number {i:02d} done"],
            cwd=laptop, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    rejected = 0
    for proc in started.values():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "pushed records to 'origin'" in out or "records already on" in out, out
        found = re.search(r"after (\d+) rejected push", out)
        rejected += int(found.group(1)) if found else 0
    writing = time.monotonic() - began
    published = statusbot_cli(team["publisher"], "publish")
    assert published.returncode == 0, published.stderr
    text = page(team["publisher"])
    for i in range(20):
        assert text.count(f"Racing note number {i:02d} done") == 1, i
    ana = page(team["publisher"], "people/ana-lima/{day}.md")
    bo = page(team["publisher"], "people/bo-berg/{day}.md")
    assert ana.count("Racing note number") == bo.count("Racing note number") == 10
    assert "Racing note number 00 done" in ana and "Racing note number 01 done" in bo
    records = read_records(Git(team["origin"]))
    assert len(records) == 20
    assert {r["by"] for r in records} == {ANA[0], BO[0]}
    # The remote's records history only moved forward: every laptop's commit is in it.
    log = git(team["origin"], "log", "--format=%H %P", REF).splitlines()
    merges = [line for line in log if len(line.split()) == 3]
    assert len(log) >= 20 and merges, "racing pushes were merged by union"
    assert rejected >= len(merges)  # each union merge on the remote followed a rejected push
    figures = {"notes": 20, "processes": 20, "rejected pushes (retried)": rejected,
               "merge commits": len(merges), "seconds writing": round(writing, 1)}  # fmt: skip
    with capsys.disabled():
        print("\nconcurrent notes:", figures)


MOVE_FIRST = """#!/bin/sh
# Another writer always gets in first: move the records ref before this push's update lands.
[ "$1" = refs/statusbot/records ] || exit 0
export GIT_AUTHOR_NAME=Other GIT_AUTHOR_EMAIL=other@example.com
export GIT_COMMITTER_NAME=Other GIT_COMMITTER_EMAIL=other@example.com
n=$(cat "$GIT_DIR/moves" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$GIT_DIR/moves"
base=$(git rev-parse -q --verify refs/statusbot/records)
blob=$(printf '{"n": %s}' "$n" | git hash-object -w --stdin)
tree=$( (if [ -n "$base" ]; then git ls-tree "$base"; fi
        printf '100644 blob %s\\tother-%s.json\\n' "$blob" "$n") | git mktree)
commit=$(git commit-tree "$tree" ${base:+-p "$base"} -m "other writer $n")
git update-ref refs/statusbot/records "$commit"
"""


def test_a_push_that_keeps_losing_the_race_gives_up_bounded_and_never_forces(team):
    origin, laptop = team["origin"], team["laptop1"]
    hook = origin / "hooks" / "update"
    hook.write_text(MOVE_FIRST)
    hook.chmod(0o755)
    noted = statusbot_cli(laptop, "note", "Written while others kept pushing")
    assert noted.returncode == 0, noted.stderr
    assert noted.stdout.splitlines()[1] == (
        "not pushed: pushing records to 'origin': the remote kept moving after 12 tries; "
        "it stays here and goes out with the next push"
    )
    assert (origin / "moves").read_text().strip() == "12"  # twelve pushes, then it stopped
    theirs = git(origin, "rev-list", REF).splitlines()
    assert len(theirs) == 12  # the other writer's commits, one line: nothing was forced away
    mine = git(laptop, "rev-list", REF).splitlines()
    assert set(theirs) <= set(mine)  # each rejection fetched theirs and merged it in
    hook.unlink()
    pushed = statusbot_cli(laptop, "record", "push")
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.startswith("pushed records to 'origin'")
    assert set(theirs) <= set(git(origin, "rev-list", REF).splitlines())
    found = sorted(str(r.get("text") or r.get("n")) for r in read_records(Git(origin)))
    assert found == sorted([*map(str, range(1, 13)), "Written while others kept pushing"])


def test_a_resolution_on_one_laptop_closes_a_risk_noted_on_the_other(team):
    yesterday = str(datetime.now(UTC).date() - timedelta(days=1))
    noted = statusbot_cli(
        team["laptop1"], "note", "Database on fire", "--risk", "critical", "--date", yesterday
    )
    assert noted.returncode == 0, noted.stderr
    rid = re.search(r"risk id ([0-9a-f]{6})", noted.stdout).group(1)
    assert statusbot_cli(team["publisher"], "--date", yesterday, "publish").returncode == 0
    assert statusbot_cli(team["publisher"], "publish").returncode == 0
    assert f"risk id {rid}" in risks(page(team["publisher"]))  # carried over to today
    resolved = statusbot_cli(team["laptop2"], "note", "Fire put out", "--resolve", rid)
    assert resolved.returncode == 0, resolved.stderr
    assert f"resolves risk {rid}" in resolved.stdout
    again = statusbot_cli(team["publisher"], "publish")
    assert again.returncode == 0, again.stderr
    text = page(team["publisher"])
    assert "Database on fire" not in risks(text)
    assert "Fire put out" in text


def risks(text: str) -> str:
    """Return the Risks & Challenges section of a page."""
    return text.split("## Risks & Challenges")[1].split("\n## ")[0]


def test_a_note_written_offline_is_published_after_the_next_push(team, tmp_path):
    laptop, origin = team["laptop1"], team["origin"]
    git(laptop, "remote", "set-url", "origin", str(tmp_path / "unreachable.git"))
    offline = statusbot_cli(laptop, "note", "Written on the train")
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.startswith("recorded note for ")
    assert "not pushed:" in offline.stdout and "goes out with the next push" in offline.stdout
    assert statusbot_cli(team["publisher"], "publish").returncode == 0
    assert "Written on the train" not in page(team["publisher"])
    git(laptop, "remote", "set-url", "origin", str(origin))
    back = statusbot_cli(laptop, "note", "Back at the desk")
    assert back.returncode == 0, back.stderr
    assert statusbot_cli(team["publisher"], "publish").returncode == 0
    text = page(team["publisher"])
    assert "Written on the train" in text and "Back at the desk" in text


def test_no_push_keeps_the_record_in_the_clone_until_record_push(team):
    kept = statusbot_cli(team["laptop2"], "record", "deploy", "--env", "prod", "--version",
                         "v1.4.2", "--no-push")  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.splitlines() == [
        f"recorded deploy of v1.4.2 to prod for {datetime.now(UTC).date()}"
    ]
    assert git(team["origin"], "for-each-ref", REF) == ""
    metric = statusbot_cli(team["laptop2"], "record", "metric", "Build time", "42", "--unit", "s",
                           "--no-push")  # fmt: skip
    assert metric.returncode == 0, metric.stderr
    pushed = statusbot_cli(team["laptop2"], "record", "push")
    assert (pushed.returncode, pushed.stdout) == (0, "pushed records to 'origin'\n")
    found = sorted(read_records(Git(team["origin"])), key=lambda r: r["kind"])
    assert [(r["kind"], r.get("version"), r.get("value")) for r in found] == [
        ("deploy", "v1.4.2", None), ("metric", None, 42.0)
    ]  # fmt: skip
    assert [r.get("by") for r in found] == [BO[0], BO[0]]  # who wrote them, wherever it was


def test_a_store_written_by_the_last_release_is_imported_once(tmp_path, run_cli):
    """records.jsonl and the snapshot files as the release before the records ref wrote them."""
    repo = make_repo(tmp_path / "project")
    commit(repo, "Work", datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    (repo / "statusbot.yml").write_text("timezone: UTC\npublish: {remote: null}\n")
    store = repo / ".git" / "statusbot"
    store.mkdir()
    old = [
        {"at": "2026-02-09T10:00:00+00:00", "day": "2026-02-09", "key_effort": False,
         "kind": "note", "risk": "critical", "text": "Old risk"},
        {"at": "2026-02-10T08:00:00+00:00", "day": "2026-02-10", "key_effort": False,
         "kind": "note", "risk": None, "text": "Same second, first"},
        {"at": "2026-02-10T08:00:00+00:00", "day": "2026-02-10", "key_effort": False,
         "kind": "note", "risk": None, "text": "Same second, second"},
        {"at": "2026-02-10T08:30:00+00:00", "day": "2026-02-10", "environment": "prod",
         "kind": "deploy", "note": None, "status": "success", "url": None, "version": "v9"},
        {"at": "2026-02-10T08:40:00+00:00", "better": "lower", "day": "2026-02-10",
         "kind": "metric", "label": "", "name": "Build time", "unit": "s", "value": 30.0},
    ]  # fmt: skip
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in old]
    (store / "records.jsonl").write_text("".join(lines) + '{"torn": ')
    (store / "coverage-snapshots.json").write_text(
        json.dumps({"coverage.xml": {"2026-02-09": {"overall": 71.5, "packages": {"a": 70.0}}}})
    )
    (store / "metric-snapshots.json").write_text(json.dumps({"Size\x1fimg": {"2026-02-09": 512}}))
    facts = json.loads(run_cli(repo, "--date", "2026-02-10", "collect").output)
    assert [n["text"] for n in facts["notes"]] == ["Same second, first", "Same second, second"]
    assert [d["version"] for d in facts["deployments"]] == ["v9"]
    assert [m["value"] for m in facts["metrics"]] == [30.0]
    records = read_records(Git(repo))
    assert len(records) == 7  # 5 records and 2 baselines; the torn line is the only loss
    kinds = sorted(r["kind"] for r in records)
    assert kinds == ["coverage-baseline", "deploy", "metric", "metric-baseline"] + ["note"] * 3
    assert not (store / "records.jsonl").exists()
    assert (store / "records.jsonl.imported").read_text().startswith(lines[0])
    tip = git(repo, "rev-parse", REF)
    run_cli(repo, "--date", "2026-02-10", "collect")
    assert git(repo, "rev-parse", REF) == tip  # imported once
    from statusbot.run.baselines import coverage_snapshots
    from statusbot.store import Store

    assert coverage_snapshots(Store(store, repo)) == {
        "coverage.xml": {"2026-02-09": {"overall": 71.5, "packages": {"a": 70.0}}}
    }


def test_publish_of_several_days_fetches_the_records_first_and_pushes_them_after(team):
    yesterday = str(datetime.now(UTC).date() - timedelta(days=1))
    for text, args in (("Laptop note yesterday", ("--date", yesterday)), ("Laptop note today", ())):
        noted = statusbot_cli(team["laptop1"], "note", text, *args)
        assert noted.returncode == 0, noted.stderr
    kept = statusbot_cli(team["publisher"], "record", "deploy", "--env", "prod", "--version",
                         "v2.0.0", "--no-push")  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    filled = statusbot_cli(team["publisher"], "publish", "--days", "2")
    assert filled.returncode == 0, filled.stderr
    assert "pushed records to 'origin'" in filled.stdout
    day_before = git(team["publisher"], "show", f"gh-pages:_posts/{yesterday}-daily-status.md")
    assert "Laptop note yesterday" in day_before
    assert "Laptop note today" in page(team["publisher"])
    assert "v2.0.0" in [r.get("version") for r in read_records(Git(team["origin"]))]


LEGACY = Path(__file__).parents[1] / "legacy_store"  # written by the last release: see its ABOUT.md


def test_a_store_written_by_the_last_release_gives_the_same_page_after_its_import(tmp_path):
    repo = make_repo(tmp_path / "project", ANA)
    (repo / "statusbot.yml").write_text(
        CONFIG.replace("  junit: []\n  coverage: []\n",
                       "  junit: []\n  coverage: [coverage.xml]\n  metrics: [metrics.json]\n")
        .replace("  remote: origin\n", "  remote: null\n")
    )  # fmt: skip
    (repo / ".gitignore").write_text("coverage.xml\nmetrics.json\n")
    commit(repo, "Set up the project", datetime(2026, 2, 9, 9, tzinfo=UTC))
    commit(repo, "Add the login API", datetime(2026, 2, 9, 10, tzinfo=UTC))
    commit(repo, "Speed up the build", datetime(2026, 2, 10, 10, tzinfo=UTC))
    lines = "".join(f'<line number="{i}" hits="{int(i <= 9)}"/>' for i in range(1, 11))
    web = "".join(f'<line number="{i}" hits="{int(i <= 6)}"/>' for i in range(1, 11))
    (repo / "coverage.xml").write_text(
        '<?xml version="1.0" ?>\n<coverage><packages>'
        f'<package name="api"><classes><class name="api" filename="api/m.py"><lines>{lines}'
        "</lines></class></classes></package>"
        f'<package name="web"><classes><class name="web" filename="web/m.py"><lines>{web}'
        "</lines></class></classes></package></packages></coverage>\n"
    )
    (repo / "metrics.json").write_text(
        '{"metrics": [{"name": "Bundle size", "value": 498, "unit": "kB", "label": "web"}]}\n'
    )
    for name in ("coverage.xml", "metrics.json"):
        set_mtime(repo / name, datetime(2026, 2, 10, 12, tzinfo=UTC))
    store = repo / ".git" / "statusbot"
    store.mkdir()
    for name in ("records.jsonl", "coverage-snapshots.json", "metric-snapshots.json"):
        shutil.copy(LEGACY / name, store / name)

    done = statusbot_cli(repo, "--date", "2026-02-10", "publish")
    assert done.returncode == 0, done.stderr

    def from_records(page: str) -> list[str]:
        """Return the page's lines made from records and baselines (not from commits)."""
        body = page.split("## Accomplishments\n", 1)[1].split("\n## Key Effort", 1)[0]
        return [line for line in body.splitlines() if not line.startswith(("- Worked", "- Add"))]

    old = (LEGACY / "page-2026-02-10.md").read_text(encoding="utf-8")
    new = git(repo, "show", "gh-pages:_posts/2026-02-10-daily-status.md")
    assert from_records(new) == from_records(old)  # notes, coverage and metric changes, deploy
    assert "Build time 30s → 24s" in new and "overall 65.0% → 75.0%" in new
    written = [json.loads(line) for line in (LEGACY / "records.jsonl").read_text().splitlines()]
    imported = read_records(Git(repo))
    assert len(imported) == len(written) + 4  # and two coverage and two metric baselines
    for record in written:  # every field of every record, as the release wrote it
        assert any(record.items() <= r.items() for r in imported), record
    tip = git(repo, "rev-parse", REF)
    again = statusbot_cli(repo, "--date", "2026-02-11", "publish")
    assert again.returncode == 0, again.stderr
    assert git(repo, "rev-parse", REF) == tip  # imported once: nothing written again
    assert sorted(p.name for p in store.glob("*.imported")) == [
        "coverage-snapshots.json.imported", "metric-snapshots.json.imported",
        "records.jsonl.imported",
    ]  # fmt: skip
