"""The one clock: lifecycle rules, schedules, expiries and signature skew all read it.

Tests and demos move it forward (``advance``) instead of sleeping; the offset is kept in
the data directory so a restart does not travel back in time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path


class Clock:
    def __init__(
        self, state_file: Path | None = None, on_change: Callable[[], None] | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._state_file = state_file
        self._on_change = on_change
        self.reload()

    def reload(self) -> None:
        """Read the offset again (another worker process may have moved the clock)."""
        if self._state_file is not None and self._state_file.exists():
            self._offset = float(json.loads(self._state_file.read_text()).get("offset", 0.0))

    def time(self) -> float:
        """Seconds since the epoch, as the simulated world sees it."""
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self.reload()
            self._offset += seconds
            self._persist()
        if self._on_change is not None:
            self._on_change()

    def _persist(self) -> None:
        if self._state_file is None:
            return
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"offset": self._offset}))
        tmp.replace(self._state_file)
