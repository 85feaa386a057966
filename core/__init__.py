"""The consultation itself: pure engine, service, progress. No platform imports."""
