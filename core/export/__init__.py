"""The compilation export: one module for `consult export`, the bots' /export and the summary."""
