"""The store: records shared through the repository, and this machine's caches beside them.

Records (notes, deploys, metrics, risk resolutions, coverage and metric baselines) live in the
Pages repository's `refs/statusbot/records` (statusbot/gitpages/records.py), pushed and fetched
like the Pages branch. The files of `FILES` stay on this machine: they are caches and run history.
"""

from __future__ import annotations

from statusbot.store.local import FILES, Store, write_atomic

__all__ = ["FILES", "Store", "write_atomic"]
