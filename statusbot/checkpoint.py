"""Named points in a run where a fault test can pause the process (to kill it there).

Set STATUSBOT_PAUSE_AT to a point's name: the run writes the name to STATUSBOT_PAUSE_FILE
(when set) and sleeps STATUSBOT_PAUSE_SECONDS (default 60) there. Unset, it costs one lookup.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

POINTS = (
    "locked",
    "collected",
    "before-ref-update",
    "before-push",
    "pushed",
    "before-history",
)


def reach(name: str) -> None:
    """Pause here if a test asked for this point."""
    if os.environ.get("STATUSBOT_PAUSE_AT") != name:
        return
    marker = os.environ.get("STATUSBOT_PAUSE_FILE")
    if marker:
        Path(marker).write_text(name, encoding="utf-8")
    time.sleep(float(os.environ.get("STATUSBOT_PAUSE_SECONDS", "60")))
