"""The six UN languages consult speaks (helper A's module; these constants are shared, identical text)."""

from __future__ import annotations

LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")
NATIVE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "zh": "中文", "ru": "Русский"}
RTL = frozenset({"ar"})
