"""Front ends and the composition root."""
