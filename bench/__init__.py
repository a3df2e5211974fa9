"""The benchmark: `make bench` (bench/run.py). Not part of the application or its test suite."""
