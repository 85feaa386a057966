"""Test-wide settings."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support.private_postgres import PrivateServer, private_server

# In CI the property tests draw the same examples every run: a red build is then always a real,
# reproducible failure, never bad luck. Locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivateServer]:
    """A PostgreSQL server of the tests' own, which fault tests may crash and restart (never the shared one)."""
    with private_server() as server:
        yield server
