"""Traffic simulator driving the core in virtual time (demo, tests, benchmarks)."""
