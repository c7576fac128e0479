"""Benchmarks. Run all with `python -m benchmarks`; see benchmarks/README.md."""
