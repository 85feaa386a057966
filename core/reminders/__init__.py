"""Reminders before the deadline: who is due which reminder now (pure), what was sent (a port), the sending loop."""
