"""Soak: hundreds of simulated 15-minute cycles against a real bare remote, faults at random.

Each cycle may add facts (a commit, a note written on one of two laptops' clones and pushed to the
records ref), then injects at most one fault, chosen with a fixed
seed, and runs `statusbot publish` at the cycle's simulated time (freezegun in process; git gets
the same time through GIT_*_DATE). Faults are entries of FAULTS: a name, a weight and a function
that runs the cycle its way. GitHub faults (5xx, timeouts, rate-limit 403s, HTML 200 bodies,
302 redirects to /login, 403 "Resource not accessible" on checks, incomplete searches) set the
loopback GitHub server's next answers; no pull request, deployment line or HIGH risk from GitHub
(CI failing, a failed deployment) shown before such a cycle is lost by it. The GitHub world has
pull requests (every other one with failing CI) and deployments (some failed), drawn from a second
random stream so that the rest of the run's sequence does not depend on them.

At the end: every day that had facts has its page with every fact known at its last good run,
no page is corrupt, there is no merge, empty or duplicate commit, nothing pushed elsewhere was
lost, the token appears nowhere, and the final site tree is whole. Every laptop note is in the
remote's records exactly once and on its day's page once its day had a run after it; the
remote's records ref only ever moved forward (its reflog), and each laptop's is merged into it.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import USER, bare_remote, commit, git, make_repo
from freezegun import freeze_time
from github_server import FakeGitHub, deny, html_page, redirect_to_login

from statusbot.checkpoint import POINTS
from statusbot.cli import cli

pytestmark = [pytest.mark.soak, pytest.mark.jekyll]

SEED = 20260208
CYCLES = int(os.environ.get("STATUSBOT_SOAK_CYCLES", "240"))
START = datetime(2026, 2, 6, 20, 0, tzinfo=UTC)
TOKEN = "ghp_soakTokenNeverToBeSeen0123456789"
# A real process that lives at the simulated time too (freezegun inside it).
MAIN_AT = (
    "import sys; from freezegun import freeze_time; from statusbot.cli import main\n"
    "with freeze_time(sys.argv.pop(1)): main()"
)


@dataclass
class Soak:
    """The world of one soak run: repositories, the clock, and what happened."""

    root: Path
    rng: random.Random
    now: datetime = START
    outputs: list[str] = field(default_factory=list)
    faults: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    facts: dict[str, list[str]] = field(default_factory=dict)  # day -> commit summaries
    good: dict[str, list[str]] = field(default_factory=dict)  # day -> facts at last good run
    elsewhere: list[str] = field(default_factory=list)  # files pushed by another machine
    github: FakeGitHub | None = None  # the loopback GitHub the runs talk to
    prs: dict[str, list[int]] = field(default_factory=dict)  # day -> pull requests opened
    deploys: dict[str, list[str]] = field(default_factory=dict)  # day -> deployed short shas
    extras: random.Random = field(default_factory=lambda: random.Random(SEED + 1))  # GitHub's
    kept_github: Counter = field(default_factory=Counter)  # facts a failing cycle had to keep
    notes: dict[str, list[str]] = field(default_factory=dict)  # day -> laptop notes pushed
    kept: list[str] = field(default_factory=list)  # laptop notes not pushed yet (lost the race)
    settled: dict[str, list[str]] = field(default_factory=dict)  # day -> notes a good run saw

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def origin(self) -> Path:
        return self.root / "origin.git"

    def git_env(self) -> dict[str, str]:
        stamp = self.now.isoformat()
        return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}

    def day(self) -> str:
        return self.now.date().isoformat()

    def run(self) -> int:
        """Run publish in process at the simulated time; return its exit code."""
        env = {**self.git_env(), "GITHUB_TOKEN": TOKEN}
        with freeze_time(self.now):
            result = CliRunner().invoke(
                cli, ["--config", str(self.root / "statusbot.yml"), "publish"], env=env
            )
        self.outputs.append(result.output)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        if result.exit_code == 0 and "holds the lock" not in result.output:
            self.good[self.day()] = list(self.facts.get(self.day(), []))
            self.settle(result.output)
        return result.exit_code

    def settle(self, output: str) -> None:
        """After a good run that fetched the records: the day's pushed notes are on its page."""
        if "records: " not in output:  # the fetch (or push) of the records did not fail
            self.settled[self.day()] = list(self.notes.get(self.day(), []))

    def note(self, laptop: str, text: str) -> None:
        """Write a note on a laptop's clone in process, at the simulated time."""
        with freeze_time(self.now):
            result = CliRunner().invoke(
                cli, ["--config", str(self.root / f"{laptop}.yml"), "note", text],
                env=self.git_env(),
            )  # fmt: skip
        self.noted(text, result.exit_code, result.output)

    def start_note(self, laptop: str, text: str) -> subprocess.Popen:
        """Start a laptop's note as a real process at the simulated time."""
        args = [self.now.isoformat(), "--config", str(self.root / f"{laptop}.yml"), "note", text]
        return subprocess.Popen(
            [sys.executable, "-c", MAIN_AT, *args], env={**os.environ, **self.git_env()},
            cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def noted(self, text: str, code: int, output: str) -> None:
        assert code == 0, output
        self.outputs.append(output)
        if "not pushed" in output:
            self.kept.append(text)  # in the laptop's ref: it goes out with its next push
        else:
            self.notes.setdefault(self.day(), []).append(text)

    def run_second(self) -> int:
        """Run the second publisher (its own config, folder and store) at the simulated time."""
        with freeze_time(self.now):
            result = CliRunner().invoke(
                cli, ["--config", str(self.root / "team-b.yml"), "publish"], env=self.git_env()
            )
        self.outputs.append(result.output)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code

    def start(self, pause_at: str, seconds: float) -> subprocess.Popen:
        """Start publish as a real process for the simulated day, pausing at a checkpoint."""
        marker = self.root / "paused"
        marker.unlink(missing_ok=True)
        env = {
            **os.environ, **self.git_env(), "GITHUB_TOKEN": TOKEN,
            "STATUSBOT_PAUSE_AT": pause_at, "STATUSBOT_PAUSE_SECONDS": str(seconds),
            "STATUSBOT_PAUSE_FILE": str(marker),
        }  # fmt: skip
        args = [
            self.now.isoformat(),
            "--verbose",
            "--config",
            str(self.root / "statusbot.yml"),
            "publish",
        ]
        return subprocess.Popen(
            [sys.executable, "-c", MAIN_AT, *args], env=env, cwd=self.root,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def note_count(self) -> int:
        return sum(len(v) for v in self.notes.values()) + len(self.kept) + 1

    def wait_paused(self, proc: subprocess.Popen) -> bool:
        """Wait until the process pauses; False if it ended first (nothing to pause for)."""
        marker = self.root / "paused"
        while not marker.exists():
            if proc.poll() is not None:
                return False
            time.sleep(0.01)
        return True


def cycle_clean(soak: Soak) -> None:
    """No fault."""
    soak.outcomes[f"exit {soak.run()}"] += 1


def cycle_remote_moved(soak: Soak) -> None:
    """Another machine pushes to the Pages branch just before the run."""
    other = soak.root / "other"
    name = f"elsewhere/{len(soak.elsewhere):03d}.md"
    git(other, "fetch", "-q", "origin")
    if git(other, "ls-remote", "origin", "gh-pages"):
        git(other, "checkout", "-q", "-B", "gh-pages", "origin/gh-pages")
    else:
        git(other, "checkout", "-q", "--orphan", "gh-pages")
    (other / name).parent.mkdir(exist_ok=True)
    (other / name).write_text(f"pushed elsewhere at {soak.now}\n")
    git(other, "add", name)
    git(other, "commit", "-q", "-m", f"elsewhere {name}", env=soak.git_env())
    git(other, "push", "-q", "origin", "gh-pages")
    soak.elsewhere.append(name)
    soak.outcomes[f"exit {soak.run()}"] += 1


def cycle_foreign_commit(soak: Soak) -> None:
    """Another machine overwrites statusbot's index and adds a file of its own, then we run."""
    other = soak.root / "other"
    git(other, "fetch", "-q", "origin")
    if not git(other, "ls-remote", "origin", "gh-pages"):
        soak.outcomes[f"exit {soak.run()}"] += 1
        return
    git(other, "checkout", "-q", "-B", "gh-pages", "origin/gh-pages")
    name = f"elsewhere/{len(soak.elsewhere):03d}.md"
    (other / name).parent.mkdir(exist_ok=True)
    (other / name).write_text(f"pushed elsewhere at {soak.now}\n")
    (other / "index.md").write_text("FOREIGN EDIT of statusbot's index\n")
    git(other, "add", name, "index.md")
    git(other, "commit", "-q", "-m", f"foreign edit {name}", env=soak.git_env())
    git(other, "push", "-q", "origin", "gh-pages")
    soak.elsewhere.append(name)
    code = soak.run()
    assert code == 0, soak.outputs[-1]
    if "rebuilt on the remote's commit" in soak.outputs[-1]:
        # A rebuild lays only this run's changes over the remote's commit (never reverting
        # another machine's newer files); the next run sees its index edited and restores it.
        code = soak.run()
        assert code == 0, soak.outputs[-1]
        soak.outcomes["foreign edit restored a run later"] += 1
    assert "FOREIGN EDIT" not in git(soak.origin, "show", "gh-pages:index.md"), soak.outputs[-2:]
    soak.outcomes[f"exit {code} (foreign commit)"] += 1


def cycle_second_publisher(soak: Soak) -> None:
    """A second config publishes into its own folder of the same branch, then we run."""
    code = soak.run_second()
    assert code == 0, soak.outputs[-1]
    soak.outcomes[f"exit {code} (second publisher)"] += 1
    soak.outcomes[f"exit {soak.run()}"] += 1


def cycle_network_down(soak: Soak) -> None:
    """The remote cannot be reached for this run."""
    git(soak.site, "remote", "set-url", "origin", str(soak.root / "unreachable.git"))
    try:
        code = soak.run()
    finally:
        git(soak.site, "remote", "set-url", "origin", str(soak.origin))
    if code == 0:  # nothing new to push: the run never needed the network
        assert "not pushed: origin/gh-pages is already at" in soak.outputs[-1]
    else:
        assert code == 1 and "does not appear to be a git repository" in soak.outputs[-1]
    soak.outcomes[f"exit {code} (network down)"] += 1


def cycle_killed(soak: Soak) -> None:
    """A real process is killed (SIGKILL) at a checkpoint chosen at random."""
    point = soak.rng.choice(POINTS)
    proc = soak.start(point, 30)
    paused = soak.wait_paused(proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    soak.faults[f"killed at {point}"] += 1
    soak.outcomes["killed" if paused else "ended before the point"] += 1


def cycle_two_at_once(soak: Soak) -> None:
    """A real process holds the lock while the cycle's run starts; it gives way, exit 0."""
    proc = soak.start("locked", 0.6)
    soak.wait_paused(proc)
    code = soak.run()
    assert code == 0 and "another statusbot run holds the lock" in soak.outputs[-1]
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    soak.outputs.append(out + err)
    soak.good[soak.day()] = list(soak.facts.get(soak.day(), []))
    soak.settle(out)
    soak.outcomes["gave way to a concurrent run"] += 1


def cycle_notes_racing_a_run(soak: Soak) -> None:
    """Both laptops write a note in their own processes while the publisher runs."""
    texts = [f"Soak note {soak.note_count()} from {laptop}" for laptop in LAPTOPS]
    texts = [f"{t}, racing" for t in texts]
    started = [soak.start_note(laptop, text) for laptop, text in zip(LAPTOPS, texts, strict=True)]
    code = soak.run()  # the notes written during it count from the next run on
    for proc, text in zip(started, texts, strict=True):
        out, err = proc.communicate(timeout=120)
        soak.noted(text, proc.returncode, out + err)
    soak.outcomes[f"exit {code} (notes racing)"] += 1


def shown_github(soak: Soak) -> dict[str, set[str]]:
    """Return the GitHub facts the day's page shows now (none before its first page).

    Pull requests by number; deployments and GitHub's HIGH risks (CI failing on a pull request, a
    failed deployment) as their whole lines.
    """
    try:
        page = git(soak.site, "show", f"gh-pages:_posts/{soak.day()}-daily-status.md")
    except subprocess.CalledProcessError:
        page = ""
    lines = page.splitlines()
    return {
        "pull requests": set(re.findall(r"/pull/(\d+)\)", page)),
        "deployments": {x for x in lines if re.match(r"- Deploy(ed|ment of) acme/app ", x)},
        "CI failing risks": {x for x in lines if x.startswith("- **HIGH:** CI failing on pull")},
        "failed deployment risks": {
            x for x in lines if x.startswith("- **HIGH:** Deployment of acme/app ")
        },
    }


def github_fault(
    soak: Soak, inject: Callable[[FakeGitHub], None] | None = None, marked: bool = True,
    **failure: object,
) -> None:  # fmt: skip
    """Run a cycle while GitHub fails; the page keeps every GitHub fact it showed, and says so."""
    gh = soak.github
    assert gh is not None
    before = shown_github(soak)
    delay = failure.pop("server_delay", 0.0)
    if failure:
        gh.fail("/", times=100, **failure)  # type: ignore[arg-type]
    if inject is not None:
        inject(gh)
    gh.delay = float(delay)  # type: ignore[arg-type]
    try:
        code = soak.run()
    finally:
        gh.failures.clear()
        gh.delay = 0.0
        gh.incomplete = 0
    assert code == 0, soak.outputs[-1]
    page = git(soak.site, "show", f"gh-pages:_posts/{soak.day()}-daily-status.md")
    after = shown_github(soak)
    for kind, shown in before.items():  # no fact lost because GitHub failed
        assert shown <= after[kind], (kind, shown - after[kind], page)
        soak.kept_github[kind] += len(shown)
    if marked:  # the page says its GitHub facts are stale, partial or unavailable
        assert re.search(r"GitHub facts (as of|are partial|unavailable)", page), page
    soak.outcomes["exit 0 (GitHub failing)"] += 1


def cycle_github_5xx(soak: Soak) -> None:
    """GitHub answers 502 to everything."""
    github_fault(soak, status=502, message="Bad Gateway")


def cycle_github_rate_limited(soak: Soak) -> None:
    """GitHub says the rate limit is used up."""
    reset = str(int(time.time()) + 3600)
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    github_fault(soak, status=403, message="API rate limit exceeded", headers=headers)


def cycle_github_timeout(soak: Soak) -> None:
    """GitHub answers slower than the provider's time budget."""
    github_fault(soak, server_delay=1.5)


def cycle_github_html(soak: Soak) -> None:
    """Every answer is a 200 carrying an HTML sign-in page."""
    github_fault(soak, lambda gh: html_page(gh, "/", times=100))


def cycle_github_redirect(soak: Soak) -> None:
    """Every answer is a 302 to /login with an empty body."""
    github_fault(soak, lambda gh: redirect_to_login(gh, "/", times=100))


def cycle_github_no_checks_permission(soak: Soak) -> None:
    """The token may not read check runs (a day without open pull requests asks none)."""
    github_fault(soak, lambda gh: deny(gh, "/check-runs", times=100), marked=False)


def cycle_github_incomplete(soak: Soak) -> None:
    """Every search times out on GitHub's side: incomplete results, one short."""
    github_fault(soak, lambda gh: setattr(gh, "incomplete", 100))


# name -> (weight, cycle).
FAULTS: dict[str, tuple[float, Callable[[Soak], None]]] = {
    "none": (0.50, cycle_clean),
    "foreign commit": (0.04, cycle_foreign_commit),
    "second publisher": (0.04, cycle_second_publisher),
    "github 5xx": (0.04, cycle_github_5xx),
    "github rate limited": (0.03, cycle_github_rate_limited),
    "github timeout": (0.01, cycle_github_timeout),
    "github html 200": (0.025, cycle_github_html),
    "github 302 to /login": (0.025, cycle_github_redirect),
    "github checks 403": (0.025, cycle_github_no_checks_permission),
    "github incomplete search": (0.025, cycle_github_incomplete),
    "remote moved": (0.10, cycle_remote_moved),
    "network down": (0.08, cycle_network_down),
    "killed mid-run": (0.03, cycle_killed),
    "two runs at once": (0.03, cycle_two_at_once),
    "notes racing a run": (0.04, cycle_notes_racing_a_run),
}
LAPTOPS = ("laptop-a", "laptop-b")


def setup_world(tmp_path: Path, github: FakeGitHub) -> Soak:
    app = make_repo(tmp_path / "app")
    site = make_repo(tmp_path / "site")
    commit(site, "Site repo", START - timedelta(days=30))
    origin = bare_remote(tmp_path / "origin.git")
    git(site, "remote", "add", "origin", str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(tmp_path / "other"))
    git(tmp_path / "other", "config", "user.name", "Other Machine")
    git(tmp_path / "other", "config", "user.email", "other@example.com")
    (tmp_path / "statusbot.yml").write_text(
        f"timezone: UTC\npeople:\n  - name: {USER[0]}\n    github: dev1\n"
        f"    emails: [{USER[1]}]\nsources:\n  git: [app]\n  junit: []\n  coverage: []\n"
        "publish:\n  repo: site\n  lock_wait: 0.2\n  push_retries: 3\n"
        "  squash_after_days: 1\n"
        f"github:\n  api_url: {github.base_url}\n  repos: [acme/app]\n  time_budget: 1\n"
    )
    (tmp_path / "state-b").mkdir()
    (tmp_path / "team-b.yml").write_text(
        f"timezone: UTC\npeople:\n  - name: {USER[0]}\n    emails: [{USER[1]}]\n"
        "sources:\n  git: [app]\n  junit: []\n  coverage: []\n"
        "publish:\n  repo: site\n  path: /team-b\n  lock_wait: 0.2\n  push_retries: 3\n"
        "state_dir: state-b\nsite_title: Team B\n"
    )
    git(origin, "config", "core.logAllRefUpdates", "always")  # the records ref's reflog
    for laptop in LAPTOPS:  # two people who only record, each in a clone of their own
        git(tmp_path, "clone", "-q", str(origin), str(tmp_path / laptop))
        git(tmp_path / laptop, "config", "user.name", f"Owner of {laptop}")
        git(tmp_path / laptop, "config", "user.email", f"{laptop}@example.com")
        (tmp_path / f"{laptop}.yml").write_text(
            f"timezone: UTC\npeople:\n  - name: {USER[0]}\n    emails: [{USER[1]}]\n"
            f"sources:\n  git: []\n  junit: []\n  coverage: []\npublish:\n  repo: {laptop}\n"
            "  remote: origin\n"
        )
    github.add_repo("acme/app")
    assert app.is_dir()
    return Soak(tmp_path, random.Random(SEED), github=github)


def add_facts(soak: Soak) -> None:
    """Maybe commit some work at the simulated time."""
    if soak.rng.random() < 0.3:
        summary = f"Work item {sum(len(v) for v in soak.facts.values()) + 1}"
        commit(soak.root / "app", summary, soak.now, filename=f"w{soak.rng.randrange(10**9)}.txt")
        soak.facts.setdefault(soak.day(), []).append(summary)
    if soak.github is not None and soak.rng.random() < 0.05:
        number = 100 + sum(len(v) for v in soak.prs.values())
        checks = [("lint", "completed", "failure" if number % 2 else "success")]
        soak.github.add_pull("acme/app", number, title=f"Soak change {number}", author="dev1",
                             created=soak.now, updated=soak.now, checks=checks)  # fmt: skip
        soak.prs.setdefault(soak.day(), []).append(number)
    if soak.github is not None and soak.extras.random() < 0.06:
        sha = f"{soak.extras.getrandbits(160):040x}"
        environment = soak.extras.choice(("staging", "production"))
        state = "failure" if soak.extras.random() < 0.3 else "success"
        soak.github.add_deploy("acme/app", environment, sha, creator="dev1", created=soak.now,
                               statuses=[(state, soak.now)])  # fmt: skip
        soak.deploys.setdefault(soak.day(), []).append(sha[:7])
    if soak.rng.random() < 0.15:
        laptop = soak.rng.choice(LAPTOPS)
        soak.note(laptop, f"Soak note {soak.note_count()} from {laptop}")


def check_pages(soak: Soak) -> int:
    pages = [p for p in git(soak.origin, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
             if p.startswith("_posts/")]  # fmt: skip
    for path in pages:
        text = git(soak.origin, "show", f"gh-pages:{path}")
        day = re.match(r"_posts/(\d{4}-\d\d-\d\d)-daily-status\.md$", path).group(1)
        assert text.startswith(f"---\nlayout: default\ntitle: Daily Status - {day}\n"), path
        for heading in ("## Accomplishments", "## Risks & Challenges", "## Key Effort"):
            assert text.count(heading) == 1, (path, heading)
        assert "<<<<<<<" not in text and ">>>>>>>" not in text
    for day, summaries in soak.good.items():
        if not summaries:
            continue
        text = git(soak.origin, "show", f"gh-pages:_posts/{day}-daily-status.md")
        done = text.split("## Accomplishments", 1)[1].split("## Risks", 1)[0]
        stored = json.loads(git(soak.origin, "show", f"gh-pages:_data/days/{day}.json"))
        shown = stored["work"]["commits"]  # the day's work items, counted once
        # Every fact known at the day's last good run; a later killed run may have added more.
        assert len(summaries) <= shown <= len(soak.facts[day]), (day, shown, summaries)
        assert any(summary in done for summary in summaries)  # items name their subjects
    return len(pages)


def check_history(soak: Soak) -> int:
    lines = git(soak.origin, "log", "--format=%H %T %P", "gh-pages").splitlines()
    trees = {}
    for line in lines:
        oid, tree, *parents = line.split()
        assert len(parents) <= 1, f"merge commit {oid}"
        trees[oid] = (tree, parents[0] if parents else None)
    for oid, (tree, parent) in trees.items():
        assert parent is None or trees[parent][0] != tree, f"empty commit {oid}"
    return len(lines)


def check_records(soak: Soak) -> int:
    """Check the laptops' notes on the remote and the pages, and the records ref's history."""
    from statusbot.gitpages.git import Git
    from statusbot.gitpages.records import REF, read_records

    texts = [str(r.get("text")) for r in read_records(Git(soak.origin)) if r.get("kind") == "note"]
    written = [t for day in soak.notes.values() for t in day] + soak.kept
    assert sorted(texts) == sorted(written), "a laptop note was lost or doubled"
    tip = git(soak.origin, "rev-parse", REF)
    for laptop in LAPTOPS:  # each laptop's records are merged into the remote's
        mine = git(soak.root / laptop, "rev-parse", REF)
        git(soak.origin, "merge-base", "--is-ancestor", mine, tip)
    log = (soak.origin / "logs" / REF).read_text().splitlines()
    assert len(log) > 1
    for line in log:  # every update of the remote's records ref moved it forward: never forced
        old, new = line.split()[:2]
        if set(old) != {"0"}:
            git(soak.origin, "merge-base", "--is-ancestor", old, new)
    for day, settled in soak.settled.items():
        page = git(soak.origin, "show", f"gh-pages:_posts/{day}-daily-status.md")
        for text in settled:
            assert page.count(text) == 1, (day, text)
    last = soak.day()
    on_last = git(soak.origin, "show", f"gh-pages:_posts/{last}-daily-status.md")
    assert all(on_last.count(t) == 1 for t in soak.notes.get(last, []))
    return len(written)


def test_soak(tmp_path, capsys):
    github = FakeGitHub(token=TOKEN, core_limit=10**6, search_limit=10**6)
    with github.running():
        soak_run(tmp_path, capsys, github)


def soak_run(tmp_path: Path, capsys, github: FakeGitHub) -> None:
    soak = setup_world(tmp_path, github)
    names = list(FAULTS)
    weights = [FAULTS[n][0] for n in names]
    started = time.monotonic()
    for _ in range(CYCLES):
        add_facts(soak)
        kind = soak.rng.choices(names, weights)[0]
        soak.faults[kind] += 1
        FAULTS[kind][1](soak)
        soak.now += timedelta(minutes=15)
    # Settle: the laptops push what they kept, one clean run for the last day, as the next
    # quarter hour would.
    for laptop in LAPTOPS:
        pushed = CliRunner().invoke(cli, ["--config", str(soak.root / f"{laptop}.yml"), "record",
                                          "push"])  # fmt: skip
        assert pushed.exit_code == 0 and "records" in pushed.output, pushed.output
    assert soak.run_second() == 0, soak.outputs[-1]
    assert soak.run() == 0, soak.outputs[-1]
    seconds = time.monotonic() - started

    git(soak.origin, "fsck", "--no-progress")
    git(soak.site, "fsck", "--no-progress")
    assert git(soak.origin, "rev-parse", "gh-pages") == git(soak.site, "rev-parse", "gh-pages")
    pages = check_pages(soak)
    commits = check_history(soak)
    tree = set(git(soak.origin, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert {"_config.yml", "index.md", "_layouts/default.html", "assets/main.scss"} <= tree
    assert set(soak.elsewhere) <= tree, "a file pushed by another machine was lost"
    assert {"team-b/index.md", "team-b/.statusbot-manifest.json"} <= tree  # both publishers
    assert "FOREIGN EDIT" not in git(soak.origin, "show", "gh-pages:index.md"), soak.outputs[-3:]
    days_with_facts = sorted(soak.facts)
    assert all(f"_posts/{d}-daily-status.md" in tree for d in days_with_facts)
    store = soak.site / ".git" / "statusbot"
    history = json.loads((store / "runs.json").read_text())
    assert history["last_run"]["ok"] is True
    everything = "\n".join(soak.outputs) + (soak.site / ".git" / "config").read_text()
    everything += git(soak.origin, "log", "--format=%B", "gh-pages")
    everything += "".join(git(soak.origin, "show", f"gh-pages:{p}") for p in sorted(tree))
    everything += "".join(p.read_text() for p in store.glob("*.json*") if p.is_file())
    assert TOKEN not in everything and TOKEN[4:] not in everything

    # The final site builds with the real Jekyll, as GitHub Pages would build it.
    from sitebuild import export, jekyll_build

    export(soak.origin, "gh-pages", tmp_path / "final-branch")
    built = jekyll_build(tmp_path / "final-branch", tmp_path / "final-site")
    assert built.returncode == 0, built.stdout + built.stderr
    assert all(
        (tmp_path / "final-site" / "days" / d / "index.html").is_file() for d in days_with_facts
    )
    assert all(
        (tmp_path / "final-site" / "team-b" / "days" / d / "index.html").is_file()
        for d in days_with_facts
        if f"team-b/days/{d}.md" in tree
    )
    assert (tmp_path / "final-site" / "team-b" / "index.html").is_file()

    # Records written on the laptops: each on the remote once, on its day's page once settled.
    notes = check_records(soak)

    # GitHub: the last day's settled page lists its pull requests; failing cycles said so.
    last = max(soak.prs) if soak.prs else None
    if last is not None:
        text = git(soak.origin, "show", f"gh-pages:_posts/{last}-daily-status.md")
        assert all(f"pull/{n})" in text for n in soak.prs[last]), text
    last = max(soak.deploys) if soak.deploys else None
    if last is not None:
        text = git(soak.origin, "show", f"gh-pages:_posts/{last}-daily-status.md")
        shown = html.unescape(text)  # a version starting with a digit is escaped: &#50;7db745
        assert all(f"acme/app [{sha}]" in shown for sha in soak.deploys[last]), text

    figures = {
        "cycles": CYCLES,
        "simulated hours": CYCLES / 4,
        "faults": dict(sorted(soak.faults.items())),
        "outcomes": dict(sorted(soak.outcomes.items())),
        "days with facts": len(days_with_facts),
        "pull requests on GitHub": sum(len(v) for v in soak.prs.values()),
        "deployments on GitHub": sum(len(v) for v in soak.deploys.values()),
        # summed over the failing cycles: the facts each one's page showed before, all kept
        "GitHub facts kept through failing cycles": dict(sorted(soak.kept_github.items())),
        "facts (commits)": sum(len(v) for v in soak.facts.values()),
        "pages": pages,
        "commits on gh-pages": commits,
        "commits pushed elsewhere": len(soak.elsewhere),
        "squashes": sum(bool(re.search(r"; squashed \d+ commits", o)) for o in soak.outputs),
        "squash leases refused": sum("squash not pushed" in o for o in soak.outputs),
        "rebuilt on the remote": sum("rebuilt on the remote" in o for o in soak.outputs),
        "laptop notes": notes,
        "laptop notes racing a run": 2 * soak.faults["notes racing a run"],
        "records pushes rejected, merged and retried": sum(
            int(n) for o in soak.outputs for n in re.findall(r"after (\d+) rejected push", o)
        ),
        "seconds": round(seconds, 1),
    }
    (tmp_path / "soak-figures.json").write_text(json.dumps(figures, indent=1))
    with capsys.disabled():
        print("\nsoak figures:", json.dumps(figures, indent=1))
    for kind in FAULTS:
        assert soak.faults[kind] > 0, f"no {kind} fault was injected: raise CYCLES"
    assert figures["squashes"] > 0 and figures["rebuilt on the remote"] > 0
    for kind, kept in soak.kept_github.items():  # each kind of GitHub fact was at stake
        assert kept > 0, f"no failing GitHub cycle had {kind} on its page: raise CYCLES"
