"""Untrusted text on one line: cut on a whole word, never hiding that it was cut."""

from __future__ import annotations

from statusbot import markup as md


def test_a_long_text_is_cut_on_a_word_and_says_so():
    subject = "Split parse_junit_xml_files and test case state aggregation into two modules"
    cut = md.clean(subject, 40)
    assert cut == "Split parse_junit_xml_files and test…"
    assert len(cut) <= 40


def test_a_long_word_is_cut_inside_it_when_no_space_is_near():
    assert md.clean("a" * 50, 10) == "a" * 9 + "…"
    assert md.clean("short text", 40) == "short text"


def test_a_cut_does_not_end_on_punctuation():
    assert md.clean("Fix the parser, then the writer: both", 26) == "Fix the parser, then the…"


def test_plural_counts():
    assert md.plural(1, "commit") == "1 commit"
    assert md.plural(2, "commit") == "2 commits"
    assert md.plural(0, "body", "bodies") == "0 bodies"


def test_one_plural_for_every_page_with_thousands_grouped():
    assert md.plural(1, "commit") == "1 commit"
    assert md.plural(0, "risk") == "0 risks"
    assert md.plural(1204, "commit") == "1,204 commits"
    assert md.plural(2, "binary", "binaries") == "2 binaries"
