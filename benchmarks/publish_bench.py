"""Time publish_site against ghp-import on a Pages branch of 1,100 day pages (~2 KB each).

Run from a checkout with the project's venv: ``python benchmarks/publish_bench.py``.
ghp-import is optional (``pip install ghp-import``); without it only statusbot is timed.
Each figure is the median of --repeat runs, in a fresh temporary repository per run where the
case needs an empty branch.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from statusbot.gitpages.publish import publish_site
from statusbot.gitpages.tree import list_files

try:
    import ghp_import
except ImportError:  # optional: only the comparison needs it
    ghp_import = None

DAYS = 1100
BRANCH = "gh-pages"
IDENTITY = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@localhost",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@localhost",
}


def page(day: date, revision: int = 0) -> bytes:
    """Return a ~2 KB daily status page for `day`."""
    head = f"---\nlayout: post\ntitle: Daily status {day.isoformat()}\nrevision: {revision}\n---\n"
    body = "".join(
        f"- Item {i} of {day:%A %d %B %Y}: merged the change, tests green, deployed to staging.\n"
        for i in range(22)
    )
    return (head + "\n## Accomplishments\n\n" + body).encode()


def site() -> dict[str, bytes]:
    """Return the full site: DAYS day pages and a _config.yml."""
    first = date(2023, 1, 1)
    files = {"_config.yml": b"title: Daily Status\ntheme: minima\n"}
    for n in range(DAYS):
        day = first + timedelta(days=n)
        files[f"_posts/{day.isoformat()}-daily-status.md"] = page(day)
    return files


def new_repo(parent: Path) -> Path:
    """Create a work repository with one commit on main."""
    repo = Path(tempfile.mkdtemp(dir=parent, prefix="repo-"))
    run(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("bench\n")
    run(repo, "add", "README.md")
    run(repo, "commit", "-q", "-m", "init")
    return repo


def run(repo: Path, *args: str) -> str:
    """Run git in `repo` and return its output."""
    proc = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=os.environ
    )
    return proc.stdout.strip()


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    """Write `files` as a directory tree under `root`."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@contextlib.contextmanager
def cwd(path: Path) -> Iterator[None]:
    """Run the block inside `path` (ghp-import works on the current directory)."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def median_ms(repeat: int, setup: Callable[[int], Callable[[], object]]) -> float:
    """Return the median time in ms of `repeat` runs; setup(i) prepares run i, untimed."""
    times = []
    for i in range(repeat):
        action = setup(i)
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_statusbot(tmp: Path, files: dict[str, bytes], repeat: int) -> dict[str, float]:
    """Return statusbot's timings by case."""
    one_name = next(n for n in files if n.startswith("_posts/"))
    results: dict[str, float] = {}

    def first(_: int) -> Callable[[], object]:
        repo = new_repo(tmp)
        return lambda: publish_site(repo, files, message="full site")

    results["first publish, full tree"] = median_ms(repeat, first)

    repo = new_repo(tmp)
    publish_site(repo, files, message="full site")
    assert len(list_files(repo, BRANCH)) == DAYS + 1

    def changed_one(i: int) -> Callable[[], object]:
        mapping = {one_name: files[one_name] + f"\nedit {i}\n".encode()}
        return lambda: _expect_commit(publish_site(repo, mapping, message="one page"))

    results["one changed page (mapping of 1 file)"] = median_ms(repeat, changed_one)

    def changed_full(i: int) -> Callable[[], object]:
        mapping = {**files, one_name: files[one_name] + f"\nfull edit {i}\n".encode()}
        return lambda: _expect_commit(publish_site(repo, mapping, message="one page"))

    results["one changed page (full mapping)"] = median_ms(repeat, changed_full)
    publish_site(repo, files, message="back to the full site")

    def same_one(_: int) -> Callable[[], object]:
        mapping = {one_name: files[one_name]}
        return lambda: _expect_none(publish_site(repo, mapping, message="no change"))

    results["no change (mapping of 1 file)"] = median_ms(repeat, same_one)

    def same_full(_: int) -> Callable[[], object]:
        return lambda: _expect_none(publish_site(repo, files, message="no change"))

    results["no change (full mapping)"] = median_ms(repeat, same_full)
    return results


def _expect_commit(result: object) -> None:
    """Fail the benchmark if a publish that should commit did not."""
    assert getattr(result, "commit", None) is not None


def _expect_none(result: object) -> None:
    """Fail the benchmark if a no-change publish committed."""
    assert getattr(result, "commit", "x") is None


def bench_ghp_import(tmp: Path, files: dict[str, bytes], repeat: int) -> dict[str, float]:
    """Return ghp-import's timings by case (it always rewrites the whole tree)."""
    assert ghp_import is not None
    src = tmp / "site-src"
    write_tree(src, files)
    one = src / next(n for n in files if n.startswith("_posts/"))
    original = one.read_bytes()
    results: dict[str, float] = {}

    def importer(repo: Path, mesg: str) -> Callable[[], object]:
        def go() -> None:
            with cwd(repo):
                ghp_import.ghp_import(str(src), mesg=mesg, branch=BRANCH)

        return go

    def first(_: int) -> Callable[[], object]:
        return importer(new_repo(tmp), "full site")

    results["first publish, full tree"] = median_ms(repeat, first)

    repo = new_repo(tmp)
    importer(repo, "full site")()

    def changed(i: int) -> Callable[[], object]:
        one.write_bytes(original + f"\nedit {i}\n".encode())
        return importer(repo, "one page")

    ms = median_ms(repeat, changed)
    results["one changed page (mapping of 1 file)"] = ms
    results["one changed page (full mapping)"] = ms
    one.write_bytes(original)
    importer(repo, "back")()
    before = run(repo, "rev-list", "--count", BRANCH)

    def same(_: int) -> Callable[[], object]:
        return importer(repo, "no change")

    ms = median_ms(repeat, same)
    results["no change (mapping of 1 file)"] = ms
    results["no change (full mapping)"] = ms
    made = int(run(repo, "rev-list", "--count", BRANCH)) - int(before)
    print(f"ghp-import made {made} commits in {repeat} no-change runs (statusbot makes none)")
    return results


def main() -> None:
    """Run every case and print a table of medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median shown)")
    args = parser.parse_args()
    os.environ.update(IDENTITY)
    files = site()
    size = sum(len(v) for v in files.values())
    print(f"site: {len(files)} files, {size / 1024:.0f} KiB; median of {args.repeat} runs")
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as tmp_name:
        tmp = Path(tmp_name)
        ours = bench_statusbot(tmp, files, args.repeat)
        theirs = bench_ghp_import(tmp, files, args.repeat) if ghp_import else {}
    if not theirs:
        print("ghp-import is not installed (pip install ghp-import): statusbot only")
    print(f"{'case':40} {'statusbot':>11} {'ghp-import':>11} {'ratio':>7}")
    for case, ms in ours.items():
        other = theirs.get(case)
        if other is None:
            print(f"{case:40} {ms:9.1f}ms")
        else:
            print(f"{case:40} {ms:9.1f}ms {other:9.1f}ms {other / ms:6.1f}x")
    print("ratio = ghp-import time / statusbot time (above 1: statusbot is faster)")


if __name__ == "__main__":
    main()
