"""The invitations port's implementations that are not PostgreSQL: in memory, and a JSON file beside TinyDB's."""
