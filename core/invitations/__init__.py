"""Invitations: who the secretariat asked to answer, under which unguessable code, and who answered."""
