"""Implementations of the repository port: memory and TinyDB."""
