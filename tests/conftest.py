"""Test-wide settings."""

from __future__ import annotations

import os

from hypothesis import settings

# In CI the property tests draw the same examples every run: a red build is then always a real,
# reproducible failure, never bad luck. Locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
