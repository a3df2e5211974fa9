# Entry points that are not the two everyday commands of dev.py (README).

.PHONY: bench bench-smoke bench-profile

# The benchmark: gunicorn + PostgreSQL + Redis under wrk; writes bench/RESULTS.md (~12 min).
bench:
	python3 bench/run.py

# The same code path on tiny data in a few seconds (tests/bench runs it too).
bench-smoke:
	python3 bench/run.py --smoke --no-results-md

# The full run, with py-spy sampling the workers under load first.
bench-profile:
	python3 bench/run.py --profile
