"""Benchmarks of the catalog and the full-text search on generated data (not part of the tests)."""
