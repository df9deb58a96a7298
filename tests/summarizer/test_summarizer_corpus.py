"""Hand-written answers for the reference day: faithful ones pass, each invention is caught."""

from __future__ import annotations

import json
from pathlib import Path

from summarizer_reference import reference_facts

from statusbot.compose import compose
from statusbot.store import Store
from statusbot.summarizer import attempt

CORPUS = Path(__file__).resolve().parents[1] / "summarizer_corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SUMMARIZER = " ".join(README.split("## Summarizer (optional)")[1].split("\n## ")[0].split())


def test_the_corpus_is_large_enough_and_every_invention_has_an_expectation():
    answers = sorted(p.name for p in CORPUS.glob("*.md"))
    faithful = [a for a in answers if a.startswith("faithful-")]
    invented = [a for a in answers if a.startswith(("invented-", "uncaught-"))]
    assert len(answers) >= 20 and len(faithful) >= 10 and len(invented) >= 10
    assert sorted(faithful + invented) == answers
    assert sorted(invented) == sorted(EXPECTED)


def test_faithful_answers_are_accepted_and_inventions_rejected_in_their_section(tmp_path, capsys):
    """Faithful: every section kept. invented-: rejected in its section, with the reason.

    uncaught-: inventions of the kinds README says the checks cannot see (claims in words); they
    are accepted, and README names each kind. One that starts failing belongs in invented-.
    """
    facts = reference_facts()
    built_in = compose(facts)
    wrong: list[str] = []
    accepted = rejected = uncaught = 0
    for answer in sorted(CORPUS.glob("*.md")):
        store = Store(tmp_path / answer.stem)
        sections, entry = attempt(facts, built_in, ("cat", str(answer)), 10, store)
        verdicts = entry["verdicts"]
        failed = {name: v["reason"] for name, v in verdicts.items() if not v["used"]}
        if answer.name.startswith("faithful-"):
            if failed:
                wrong.append(f"{answer.name}: rejected: {failed}")
            else:
                accepted += 1
                assert sections != built_in
            continue
        kind, section, reason = EXPECTED[answer.name]
        if section is None:
            if failed:
                wrong.append(f"{answer.name} ({kind}): now rejected: {failed}; move to invented-")
            elif kind not in SUMMARIZER:
                wrong.append(f"{answer.name}: README does not say that {kind!r} passes")
            else:
                uncaught += 1
        elif failed != {section: reason}:
            wrong.append(f"{answer.name} ({kind}): expected {section}: {reason}; got {failed}")
        else:
            rejected += 1
    faithful = len(list(CORPUS.glob("faithful-*.md")))
    checked = sum(1 for v in EXPECTED.values() if v[1] is not None)
    with capsys.disabled():
        print(
            f"\nsummarizer corpus: {accepted}/{faithful} faithful answers accepted, "
            f"{rejected}/{checked} inventions rejected in their own section, "
            f"{uncaught}/{len(EXPECTED) - checked} inventions in words accepted as README says"
        )
    assert wrong == []


def test_a_sign_off_after_the_key_effort_is_not_published(tmp_path):
    facts = reference_facts()
    answer = CORPUS / "faithful-13-sign-off.md"
    assert "Let me know" in answer.read_text(encoding="utf-8")
    sections, _ = attempt(facts, compose(facts), ("cat", str(answer)), 10, Store(tmp_path))
    assert sections.key_effort.startswith("Implementing AAP Direct provider with nested job")
    assert sections.key_effort.endswith("4.4x provisioning performance improvement over EDA")


def test_a_kept_answer_keeps_its_links_escaped_and_the_other_sections(tmp_path):
    facts = reference_facts()
    built_in = compose(facts)
    answer = CORPUS / "invented-06-ratio-in-key-effort.md"
    sections, _ = attempt(facts, built_in, ("cat", str(answer)), 10, Store(tmp_path))
    assert sections.key_effort == built_in.key_effort  # the failing section: built-in text
    pr = sections.accomplishments[2]
    assert pr.startswith(
        "Created pull request [&#35;102](https://github.com/osac-project/osac-operator/pull/102)"
    )
    finding = sections.accomplishments[-1]
    assert finding.startswith("**Key finding:** AAP Direct provides 4.4x faster")
    assert "with <code>any</code> type" in sections.accomplishments[6]
    assert [r.level for r in sections.risks] == ["critical"]
