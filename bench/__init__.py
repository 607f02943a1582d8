"""Benchmarks: scripts whose results are tables in bench/README.md."""
