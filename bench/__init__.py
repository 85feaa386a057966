"""Benchmarks: measurements to read, not tests to pass."""
