"""Questionnaire definitions (TOML data files) and their loader."""
