"""The fault suite (issue 14): random SIGKILLs of real `sva` processes while chat services send
events and sweeps deliver digests; then counts what was acknowledged, lost, duplicated and
answered out of order. `python -m benchmarks.faults --help`; README "Fault suite"."""
