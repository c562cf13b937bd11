"""Helpers shared by the benchmarks, the screenshot script and the browser tests (not the app)."""
