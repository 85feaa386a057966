"""Theme-finding benchmark (`python -m bench.themes --json`) and its evaluation set (answers, codings)."""
