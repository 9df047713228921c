"""The studio benchmark: `python -m bench` (see the Benchmark section of README.md)."""
