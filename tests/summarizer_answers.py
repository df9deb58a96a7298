"""The answer a careful model gives to statusbot's shipped prompt: the digest's page, reworded."""

from __future__ import annotations

import re


def page(prompt: str) -> str:
    """Return the page a careful model would write from statusbot's prompt."""
    facts = prompt.split("\n# Facts for ", 1)[1]
    items = facts.split("\n## Work items")[1].split("\n## ")[0].splitlines()[1:]
    lines = [re.sub(r" \[[^\[\]]*\]$", "", i) for i in items if i.startswith("- ")]
    lines = [line for line in lines if "more work items, not shown" not in line]
    risks = [r for r in facts.split("\n## Risks (")[1].split("\n## ")[0].splitlines()[1:] if r]
    effort = facts.split("## Key effort (built-in)")[1].strip()
    out = ["## Accomplishments", *lines, "", "## Risks & Challenges", *risks, ""]
    return "\n".join([*out, "## Key Effort", f"Main work: {effort}"]) + "\n"
