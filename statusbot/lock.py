"""One run at a time: an exclusive flock on a file in the store.

fcntl.flock rather than a lock file that exists or not (or the `filelock` package): the kernel
drops the lock when the holding process dies, SIGKILL included, so a killed run never leaves a
stale lock behind and nothing has to guess whether a recorded pid is still alive. It needs no
dependency, and it is the mechanism the store already uses for its own files.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_NAME = "run.lock"
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Lock:
    """The outcome of asking for the run lock."""

    path: Path
    held: bool
    holder: str  # what the holder wrote: its pid, when known

    def busy_message(self) -> str:
        """Return the one line printed when another run holds the lock."""
        who = f" (pid {self.holder})" if self.holder else ""
        return f"another statusbot run holds the lock {self.path}{who}; this run did nothing"


@contextmanager
def run_lock(folder: Path, wait: float) -> Iterator[Lock]:
    """Hold the run lock of `folder` for the block, waiting up to `wait` seconds for it.

    Yields a Lock whose `held` says whether this process got it; the caller stops when not.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        # Counted sleeps, not a clock deadline: tests freeze the clock (freezegun).
        tries = max(1, round(wait / POLL_SECONDS) + 1)
        for attempt in range(tries):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == tries - 1:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
                    yield Lock(path, False, holder)
                    return
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        log.debug("holding %s", path)
        yield Lock(path, True, str(os.getpid()))
    finally:
        os.close(fd)  # closing the last descriptor releases the flock
