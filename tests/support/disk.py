"""A slow or full disk under the embedded store, for tests of what is acknowledged and when."""

from __future__ import annotations

import os
import time

import pytest

from storage import atomic_json, group_commit


def busy_disk(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.5) -> None:
    """Every durable write of the embedded store takes `seconds` longer (each fsync waits): a busy disk."""
    real = os.fsync

    def slow(fd: int) -> None:
        time.sleep(seconds)
        real(fd)

    monkeypatch.setattr(os, "fsync", slow)


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write of the embedded store fails as on a full disk."""

    def refuse(*_: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(group_commit, "_write_temp", refuse)
    monkeypatch.setattr(atomic_json, "_write_durably", refuse)
