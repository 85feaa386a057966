"""Themes per open question, found offline and reproducibly, each traceable to the answers behind it."""
