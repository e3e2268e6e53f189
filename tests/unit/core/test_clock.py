"""The cloud's clock: real time plus an offset that only grows and survives restarts."""

from __future__ import annotations

import json
import time
from datetime import UTC
from pathlib import Path

import pytest

from cloudlet.core.clock import Clock


def test_clock_follows_real_time() -> None:
    clock = Clock()
    before = time.time()
    now = clock.time()
    assert before <= now <= time.time()
    assert clock.offset == 0.0
    assert clock.now().tzinfo is UTC
    assert abs(clock.now().timestamp() - time.time()) < 1


def test_advance_moves_forward_only() -> None:
    clock = Clock()
    clock.advance(3600)
    clock.advance(0.5)
    assert clock.offset == 3600.5
    assert 3600 < clock.time() - time.time() < 3601
    assert abs(clock.now().timestamp() - (time.time() + 3600.5)) < 1
    with pytest.raises(ValueError):
        clock.advance(-1)
    assert clock.offset == 3600.5


def test_offset_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "clock.json"
    clock = Clock(state)
    assert not state.exists()  # nothing to remember yet
    clock.advance(86400)
    assert json.loads(state.read_text()) == {"offset": 86400.0}
    assert not (tmp_path / "clock.tmp").exists()  # written by rename, atomically
    again = Clock(state)
    assert again.offset == 86400.0
    again.advance(60)
    assert Clock(state).offset == 86460.0


def test_clock_without_state_file_keeps_nothing(tmp_path: Path) -> None:
    Clock().advance(10)
    assert list(tmp_path.iterdir()) == []
