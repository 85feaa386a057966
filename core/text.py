"""Small text helpers for what people read."""

from __future__ import annotations


def shorten(text: str, limit: int) -> str:
    """The text on one line, cut at `limit` characters with '...' when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "..."
