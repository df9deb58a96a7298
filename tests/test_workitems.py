"""Grouping rules and recognised kinds of work items, one by one, on Commit facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from statusbot.model import Commit, FileStat, Person, PullRequest
from statusbot.workitems import MAX_ITEMS, area_of, group_commits, size_text, verb_of

AT = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
ME = (Person("Dev One", emails=("dev1@example.com",)),)


def c(
    n: int,
    subject: str,
    files: tuple[tuple[str, int | None, int | None], ...] = (("app/core/x.py", 10, 2),),
    *,
    branch: str = "main",
    default: bool = True,
    merge: bool = False,
    author: tuple[str, str] = ("Dev One", "dev1@example.com"),
    body: str = "",
    repo: str = "app",
) -> Commit:
    return Commit(
        repo=repo,
        sha=f"{n:040x}",
        summary=subject,
        author_name=author[0],
        author_email=author[1],
        authored_at=AT + timedelta(minutes=n),
        branches=(branch,),
        is_merge=merge,
        files=tuple(FileStat(p, a, d) for p, a, d in files),
        on_default=default,
        body=body,
    )


def kinds(*commits: Commit, pulls: tuple[PullRequest, ...] = ()) -> dict[str, str]:
    return {i.title: i.kind for i in group_commits(commits, pulls, ME)}


def test_a_pull_request_takes_its_head_branch_commits_and_its_merge_commit():
    pr = PullRequest(
        "acme/app", 12, "Retry provisioning", "https://e.x/12", "merged", False, "dev1"
    )
    pr = PullRequest(**{**pr.__dict__, "head_branch": "retries"})
    items = group_commits(
        (
            c(1, "Add retries", branch="retries", default=False),
            c(2, "Merge pull request #12 from dev1/retries", merge=True),
            c(3, "Fix docs link", (("docs/index.md", 1, 1),)),
        ),
        (pr,),
        ME,
    )
    (pull,) = [i for i in items if i.kind == "pull_request"]
    assert pull.evidence[0] == "acme/app#12"
    assert (pull.size.commits, pull.size.merges) == (1, 1)
    assert pull.status == "merged"
    assert "[#12](https://e.x/12)" in pull.line


def test_an_unmerged_feature_branch_is_one_item_named_after_it():
    items = group_commits(
        (
            c(1, "Start parser", branch="feature/parser", default=False),
            c(2, "More parser", branch="feature/parser", default=False),
        ),
        (),
        ME,
    )
    (item,) = items
    assert item.kind == "branch" and item.branch == "feature/parser"
    assert item.line.startswith("Worked on branch feature/parser: ")


def test_conventional_scope_and_subject_prefixes_name_the_area():
    found = kinds(
        c(1, "feat(api): add paging"),
        c(2, "fix(api): off by one"),
        c(3, "gtr: Handle coverage events"),
        c(4, "gtr, parser/gotest: Add support for build errors"),
        c(5, "parser/gotest: Trim tab prefix"),
    )
    assert found == {"api": "area", "gtr": "area", "parser/gotest": "area"}


def test_otherwise_the_area_holding_most_changed_lines():
    found = group_commits(
        (
            c(1, "Tweak", (("pkg/gtr/builder.go", 40, 3), ("pkg/parser/a.go", 2, 0))),
            c(2, "Polish", (("pkg/gtr/gtr.go", 5, 5),)),
            c(3, "Settings", (("setup.py", 3, 1),)),
        ),
        (),
        ME,
    )
    assert [(i.area, i.size.commits) for i in found] == [("pkg/gtr", 2), ("packaging", 1)]
    assert (area_of(".github/workflows/ci.yml"), area_of("docs/a/b.md")) == (".github", "docs")


def test_recognised_kinds():
    found = kinds(
        c(1, "Bump requests from 2.30 to 2.31", (("requirements.txt", 1, 1),)),
        c(2, "Update deps", (("go.mod", 1, 1),), author=("dependabot[bot]", "bot@github.com")),
        c(3, "Describe the config", (("README.md", 5, 1), ("docs/config.md", 9, 0))),
        c(4, "Cache pip", ((".github/workflows/ci.yml", 3, 1),)),
        c(5, "Cover the parser", (("tests/test_parser.py", 30, 0),)),
        c(6, "Release 2.1.0", (("app/__init__.py", 1, 1),)),
        c(7, 'Revert "Add paging"', body="This reverts commit abc."),
        c(8, "Travis: py3.12", (("tox.ini", 1, 0), (".travis.yml", 2, 0))),
    )
    assert found == {
        "dependencies": "dependencies",
        "documentation (README.md, docs/config.md)": "docs",
        "CI": "ci",
        "tests": "tests",
        "a release": "release",
        "earlier changes": "revert",
        "Travis": "area",  # a subject prefix names the area before the files' kind
    }


def test_merges_are_counted_apart_and_vendored_lock_and_binary_files_too():
    (work, merges) = group_commits(
        (
            c(1, "Add widget", (("app/ui/w.js", 100, 0), ("package-lock.json", 5000, 10),
                                ("vendor/lib/x.go", 900, 0), ("app/ui/logo.png", None, None),
                                ("app/ui/w.min.js", 1, 0))),
            c(2, "Merge branch 'topic'", (("app/ui/w.js", 100, 0),), merge=True),
        ),
        (),
        ME,
    )  # fmt: skip
    assert (work.size.added, work.size.files, work.size.apart_files) == (100, 1, 4)
    assert work.size.apart_added == 5901
    assert work.line.endswith(
        "(1 commit, +100/−0 lines in 1 file, 5,911 lines in 4 binary, vendored or generated "
        "files apart)"
    )
    assert merges.size.merges == 1 and merges.size.commits == 0 and merges.size.added == 0
    assert merges.line == "Merged branch topic into main (1 merge)"


def test_a_busy_day_gives_at_most_ten_bullets_and_also_keeps_the_counts():
    commits = [c(n, f"Change {n}", ((f"area{n}/mod/file.py", 50 + n, 1),)) for n in range(40)]
    items = group_commits(commits, (), ME)
    assert len(items) == MAX_ITEMS
    also = items[-1]
    assert also.line.startswith("Also: ") and also.size.commits == 40 - (MAX_ITEMS - 1)
    assert sum(i.size.commits for i in items) == 40
    assert sum(i.size.added for i in items) == sum(50 + n for n in range(40))
    assert [i.size.lines for i in items[:-1]] == sorted(
        (i.size.lines for i in items[:-1]), reverse=True
    )


def test_small_items_sharing_a_top_level_area_merge_first():
    commits = [c(n, f"Tweak {n}", ((f"pkg/m{n}/f.go", 1, 1),)) for n in range(12)]
    (item,) = group_commits(commits, (), ME)
    assert item.area == "pkg" and item.size.commits == 12


def test_size_wording_and_bullets_stay_short_and_escaped():
    subject = "{{ site.secret }} <script>|" + "x" * 500
    (item,) = group_commits([c(n, subject) for n in range(7)], (), ME)
    assert len(item.line) <= 400
    assert "{{" not in item.line and "<script>" not in item.line and "|" not in item.line
    assert item.line.endswith("(7 commits, +70/−14 lines in 1 file)")
    assert size_text(item.size) == "7 commits, +70/−14 lines in 1 file"


def test_github_commits_link_the_compare_view():
    commits = [
        Commit(**{**c(n, "Fix x").__dict__, "url": f"https://github.com/o/app/commit/{n:040x}"})
        for n in (1, 2)
    ]
    (item,) = group_commits(commits, (), ME)
    assert f"[2 commits](https://github.com/o/app/compare/{1:040x}%5E...{2:040x})" in item.line


def test_verbs_come_from_the_commits():
    assert verb_of([c(1, "Fix a"), c(2, "Fix b"), c(3, "fixes c")], "area") == "Fixed"
    assert verb_of([c(1, "feat: a"), c(2, "feat(x): b")], "area") == "Implemented"
    assert verb_of([c(1, "Add a"), c(2, "Fix b")], "area") == "Added and fixed"
    assert verb_of([c(1, "Tweak"), c(2, "Polish"), c(3, "Misc")], "area") == "Worked on"


def test_every_commit_is_counted_once_across_people_and_repositories():
    other = ("Bea", "bea@example.com")
    team = (*ME, Person("Bea", emails=("bea@example.com",)))
    commits = [c(1, "gtr: a"), c(2, "gtr: b", author=other), c(3, "gtr: c", repo="lib")]
    items = group_commits(commits, (), team)
    assert sorted((i.person, i.repo, i.size.commits) for i in items) == [
        ("Bea", "app", 1),
        ("Dev One", "app", 1),
        ("Dev One", "lib", 1),
    ]
    assert all(" in app" in i.line or " in lib" in i.line for i in items)


def test_facts_round_trip_through_json_with_the_new_fields():
    import json
    from datetime import date

    from statusbot.model import Deployment, Facts, TestSuiteResult

    facts = Facts(
        day=date(2026, 2, 8),
        timezone="UTC",
        people=ME,
        commits=(c(1, "Add x", (("a.py", 3, 1), ("logo.png", None, None)), body="Body"),),
        tests=(TestSuiteResult("unit", "u.xml", 2, 1, 1, 0, 0, ("t",), AT),),
        deployments=(Deployment("prod", "v1", "failure", AT, day=date(2026, 2, 7)),),
        since=date(2026, 2, 7),
    )
    data = json.loads(json.dumps(facts.to_dict()))
    assert Facts.from_dict(data) == facts
    assert data["commits"][0]["files"][1] == {"path": "logo.png", "added": None, "deleted": None}


def line_of(*commits: Commit) -> str:
    (item,) = group_commits(commits, (), ME)
    return item.line


def test_docs_ci_and_tests_items_never_repeat_their_noun_as_the_verb():
    docs = line_of(
        c(1, "Clean-up CHANGES file", (("CHANGES.md", 45, 31),)),
        c(2, "Document drop of support for Python 2.x", (("CHANGES.md", 1, 0),)),
    )
    assert docs.startswith(
        "Updated documentation (CHANGES.md) on main: Clean-up CHANGES file; documented drop"
    )
    ci = line_of(c(1, "Test more combinations on Windows", ((".travis.yml", 6, 3),)))
    assert ci.startswith("Tested more combinations on Windows in CI on main (1 commit")
    tests = line_of(
        c(1, "Remove test references to the themes", (("tests/a_test.py", 1, 3),)),
        c(2, "Make the integration test verbose", (("tests/b_test.py", 1, 1),)),
    )
    assert tests.startswith("Updated tests on main: ")  # not "Removed tests": they are there
    fixed = line_of(c(1, "Fix test 08", (("tests/a_test.py", 1, 1),)))
    assert fixed.startswith("Fixed test 08 in tests on main (1 commit")


def test_a_top_level_file_reads_as_what_it_is_not_as_its_name():
    deps = line_of(
        c(1, "Repin coverage>=4.0,<4.4 and pytest-cov<2.6.0", (("test-requirements.txt", 2, 2),))
    )
    assert deps.startswith("Updated dependencies on main: repinned coverage&#62;=4.0")
    logo = line_of(
        c(1, "Display the logo in README", (("README.md", 8, 0), ("aysha-logo.svg", 50, 0)))
    )
    assert logo.startswith("Displayed the logo in README on main (1 commit")
    (assets,) = group_commits([c(1, "New icon", (("icon.png", None, None),))], (), ME)
    assert assets.area == "assets" and assets.line.startswith("Worked on assets on main")
    packaging = line_of(c(1, "Update package data discovery", (("setup.py", 2, 18),)))
    assert packaging.startswith("Updated package data discovery in packaging on main")
    (script,) = group_commits([c(1, "Tweak", (("publish.py", 3, 1),))], (), ME)
    assert script.area == "publish.py"  # a top-level module is the code: its name says it
    assert [area_of(p) for p in ("go.mod", "logo.svg", "README.md")] == [
        "dependencies",
        "assets",
        "docs",
    ]


def test_a_commit_mostly_in_a_tests_folder_joins_the_tests_item():
    items = group_commits(
        (
            c(1, "Fix pytest and test locale",
              (("test/test_publish.py", 447, 0), ("test/test.py", 0, 432),
               (".github/workflows/ci.yml", 2, 3))),
            c(2, "Add test files", (("test/files/a.xml", 1, 0),)),
        ),
        (),
        ME,
    )  # fmt: skip
    assert [(i.kind, i.title, i.size.commits) for i in items] == [("tests", "tests", 2)]
    assert items[0].line.startswith("Added and fixed tests on main")


def test_merge_lines_name_the_pull_requests_and_say_syncs_of_the_default_branch_apart():
    merges = (
        c(1, "Merge pull request #94 from nilleb/feat/versioned-cobertura", merge=True,
          branch="master"),
        c(2, "Merge pull request #97 from aconrad/repin-coverage-and-pytest-cov", merge=True,
          branch="master"),
        c(3, "Merge branch 'master' into chore/blacken", merge=True, branch="master"),
    )  # fmt: skip
    assert line_of(*merges) == (
        "Merged pull requests #94 (feat/versioned-cobertura) and #97 "
        "(repin-coverage-and-pytest-cov) into master; merged master into chore/blacken (3 merges)"
    )
    assert line_of(merges[2]) == "Merged master into chore/blacken (1 merge)"
    assert (
        line_of(c(4, "Merge branch 'topic'", merge=True), c(5, "Merge branch 'fix'", merge=True))
        == "Merged branches topic and fix into main (2 merges)"
    )


def test_a_mechanical_replacement_is_found_in_the_diff_and_said_so(tmp_path):
    from conftest import git, make_repo

    from statusbot.providers.git import collect_commits

    def commit_all(message: str, when: datetime) -> None:
        git(repo, "add", ".")
        stamp = when.isoformat()
        who = {"GIT_AUTHOR_NAME": "Dev One", "GIT_AUTHOR_EMAIL": "dev1@example.com"}
        env = {**who, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        git(repo, "commit", "-q", "-m", message, env=env)

    repo = make_repo(tmp_path / "lib")
    old = "package p\n\nfunc F(x interface{}) {}\n\nvar m map[string]interface{}\n"
    for name in ("a.go", "b.go", "c.go"):
        (repo / name).write_text(old + "// " + name + "\n")
    commit_all("Start", AT - timedelta(days=3))
    for name in ("a.go", "b.go", "c.go"):
        (repo / name).write_text((repo / name).read_text().replace("interface{}", "any"))
    commit_all("Modernize types", AT)
    for name, line in (("a.go", "F(x any) {}"), ("b.go", "F(y any) {}")):  # even, no one token
        text = (repo / name).read_text()
        (repo / name).write_text(text.replace("F(x any) {}", line).replace("// b.go", "// bee"))
    commit_all("Rename a parameter", AT + timedelta(minutes=5))
    commits, failures = collect_commits([repo], ME, AT - timedelta(hours=1), AT + timedelta(1))
    assert failures == []
    by_subject = {c.summary: c for c in commits}
    assert by_subject["Modernize types"].replacement == ("interface{}", "any", 6, 3)
    assert by_subject["Rename a parameter"].replacement is None
    lines = [i.line for i in group_commits(commits, (), ME)]
    assert lines[0] == (
        "Replaced <code>interface&#123;&#125;</code> with <code>any</code> on main "
        "(6 replacements in 3 files, 1 commit)"
    ), lines
    assert lines[1].startswith("Renamed a parameter in b.go on main (1 commit")


def test_the_shortest_token_that_explains_every_line_is_the_replacement():
    from statusbot.providers.git import find_replacement

    diff = (
        "diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -3 +3 @@\n"
        '-\tm := map[string]interface{}{"b": []interface{}{}}\n'
        '+\tm := map[string]any{"b": []any{}}\n'
        "diff --git a/b.go b/b.go\n--- a/b.go\n+++ b/b.go\n@@ -1 +1 @@\n"
        "-var v interface{}\n+var v any\n"
    )
    assert find_replacement(diff) == ("interface{}", "any", 3, 2)
    one_file = diff.split("diff --git a/b.go")[0]
    assert find_replacement(one_file) is None  # one file is an edit, not a sweep
    uneven = diff.replace("+var v any\n", "+var v any\n+var w any\n")
    assert find_replacement(uneven) is None
    two = diff.replace("+var v any", "+var v int")
    assert find_replacement(two) is None  # two different replacements: not mechanical


def test_a_pull_request_merged_today_takes_the_commits_its_merge_brought_in(tmp_path):
    """Merged with a merge commit, a PR's commits are on the default branch: still the PR's."""
    from conftest import commit, git, make_repo

    from statusbot.providers.git import collect_commits

    repo = make_repo(tmp_path / "app")
    commit(repo, "Start", AT - timedelta(days=3), filename="x.py")
    git(repo, "checkout", "-q", "-b", "retries")
    for n in range(3):
        commit(repo, f"Retry step {n}", AT + timedelta(minutes=n), filename=f"r{n}.py")
    git(repo, "checkout", "-q", "main")
    commit(repo, "Tidy the readme", AT + timedelta(minutes=5), filename="README.md")
    stamp = (AT + timedelta(minutes=10)).isoformat()
    env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #12 from dev1/retries",
        "retries", env=env)  # fmt: skip
    git(repo, "branch", "-q", "-D", "retries")  # GitHub deleted the head branch
    commits, failures = collect_commits([repo], ME, AT - timedelta(hours=1), AT + timedelta(1))
    assert failures == [] and len(commits) == 5
    assert all(c.on_default for c in commits)
    pr = PullRequest("acme/app", 12, "Retry provisioning", "https://e.x/12", "merged", False,
                     "dev1", commits=3)  # fmt: skip
    items = group_commits(commits, (pr,), ME)
    (pull,) = [i for i in items if i.kind == "pull_request"]
    assert (pull.size.commits, pull.size.merges) == (3, 1)
    assert [(i.kind, i.size.commits) for i in items if i is not pull] == [("docs", 1)]


def test_a_pull_requests_head_commit_brings_its_first_parent_chain_up_to_its_count():
    def chained(n: int, subject: str, parent: int | None) -> Commit:
        parents = (f"{parent:040x}",) if parent is not None else ()
        return Commit(**{**c(n, subject).__dict__, "parents": parents})

    day = (chained(1, "Tidy", None), chained(2, "Step a", 1), chained(3, "Step b", 2))
    pr = PullRequest("acme/app", 7, "Steps", None, "merged", False, "dev1", commits=2,
                     head_sha=f"{3:040x}")  # fmt: skip
    items = group_commits(day, (pr,), ME)
    assert sorted((i.kind, i.size.commits) for i in items) == [("area", 1), ("pull_request", 2)]


def test_dependency_updates_are_recognised_by_bot_scope_or_wording():
    bumps = (
        c(1, "Update dependency pytest to v8", author=("renovate[bot]", "bot@renovateapp.com")),
        c(2, "chore(deps): bump lodash from 4.17.20 to 4.17.21", (("package.json", 1, 1),)),
        c(3, "build(deps-dev): bump black", (("requirements-dev.txt", 1, 1),)),
        c(4, "Update dependency react to v18"),
        c(5, "Bump requests from 2.30 to 2.31"),
        c(6, "Tweak", (("go.mod", 1, 1), ("go.sum", 4, 4))),
    )
    for bump in bumps:
        (item,) = group_commits([bump], (), ME)
        assert item.kind == "dependencies", bump.summary
        assert item.line.startswith("Updated dependencies on main: "), item.line
    (item,) = group_commits(bumps, (), ME)
    assert item.size.commits == 6 and item.size.apart_files == 1  # go.sum counted apart


def test_subjects_read_as_a_report_not_as_a_commit_log():
    from statusbot.workitems import said

    assert said("Add support for build errors") == "added support for build errors"
    assert said("Fixing pytest, fixing issues") == "fixed pytest, fixing issues"
    assert said("Some more github patches") == "Some more github patches"
    assert said("Friday work") == "Friday work"  # no verb: the first word may be a name
    assert said("Removed short stats") == "removed short stats"
    assert said("Fix pep8 styling.", first=True) == "Fixed pep8 styling"
    assert said("Change 2") == "Change 2"  # a noun: "Change 2" is no "changed 2"
    gtr = line_of(
        c(1, "gtr: Add support for build errors", (("gtr/a.go", 30, 1),)),
        c(2, "gtr: Handle coverage events", (("gtr/b.go", 20, 1),)),
        c(3, "gtr: Fix a typo", (("gtr/c.go", 1, 1),)),
        c(4, "gtr: Trim output", (("gtr/c.go", 1, 1),)),
    )
    assert gtr == (
        "Added and fixed gtr on main: added support for build errors; handled coverage events; "
        "fixed a typo; and 1 more commit (4 commits, +52/−4 lines in 3 files)"
    )
    themes = line_of(
        c(1, "Remove Bootstrap theme", (("mkdocs/themes/bootstrap/a.css", 0, 90),)),
        c(2, "Remove Cerulean theme", (("mkdocs/themes/cerulean/a.css", 0, 80),)),
    )
    assert themes.startswith("Removed mkdocs/themes on main: Bootstrap theme; Cerulean theme (")
    alone = line_of(c(1, "Fix pep8 styling", (("pycobertura/cli.py", 2, 2),)))
    assert alone == "Fixed pep8 styling in pycobertura on main (1 commit, +2/−2 lines in 1 file)"
    readme = line_of(c(1, "Filling README.md", (("README.md", 21, 1),)))
    assert readme == "Filled README.md on main (1 commit, +21/−1 lines in 1 file)"


def test_the_also_bullet_stays_short_with_long_titles_and_keeps_every_count():
    commits = [
        c(n, f"Work {n}", ((f"x{n}.py", 5, 1),), branch=f"feature/{'very-long-name-' * 6}{n}",
          default=False)
        for n in range(20)
    ]  # fmt: skip
    items = group_commits(commits, (), ME)
    also = items[-1]
    assert also.line.startswith("Also: ") and len(also.line) <= 400, len(also.line)
    assert also.line.endswith("(11 commits, +55/−11 lines in 11 files)")
    assert " more (" in also.line  # the titles left out are counted, not hidden
    assert sum(i.size.commits for i in items) == 20
    escaped = [
        c(n, f"Work {n}", ((f"x{n}.py", 5, 1),), branch=f"f{n}_" + "a_" * 60, default=False)
        for n in range(12)
    ]  # each title is 120 characters, 300 and more once its underscores are entities
    also = group_commits(escaped, (), ME)[-1]
    assert len(also.line) <= 400
    assert also.line.endswith(" more (3 commits, +15/−3 lines in 3 files)"), also.line


def test_a_title_of_many_entities_is_cut_until_its_bullet_fits():
    branch = "a_" * 60  # 120 characters, 360 once every underscore is an entity
    (item,) = group_commits([c(1, "Work", branch=branch, default=False)], (), ME)
    assert len(item.line) <= 400 and item.line.startswith("Worked on branch a&#95;")
    assert item.line.endswith("a…: Work (1 commit, +10/−2 lines in 1 file)")
