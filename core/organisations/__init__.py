"""Organisations: several submissions from one organisation, flagged, and the secretariat's decision on them."""
