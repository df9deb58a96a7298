"""The answer a careful model gives to statusbot's shipped prompt: the digest's page, reworded."""

from __future__ import annotations


def page(prompt: str) -> str:
    """Return the page a careful model would write from statusbot's prompt."""
    facts = prompt.split("\n# Facts for ", 1)[1]
    items = facts.split("\n## Work items")[1].split("\n## ")[0].splitlines()[1:]
    lines = [i.split(" [")[0] for i in items if i.startswith("- ") and "more work items" not in i]
    risks = [r for r in facts.split("\n## Risks (")[1].split("\n## ")[0].splitlines()[1:] if r]
    effort = facts.split("## Key effort (built-in)")[1].strip()
    out = ["## Accomplishments", *lines, "", "## Risks & Challenges", *risks, ""]
    return "\n".join([*out, "## Key Effort", f"Main work: {effort}"]) + "\n"
