"""The production settings plus the benchmark's floor view: `DJANGO_SETTINGS_MODULE=bench.settings`.

Everything the application reads from the environment is read exactly as in production
(bench/run.py sets DEBUG off, a random secret key, PostgreSQL and Redis); only the root
URLs differ, so that the floor view exists here and nowhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

from cloudbooks.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# collectstatic writes into the run's own folder, not the checkout's staticfiles/.
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", BASE_DIR / "staticfiles"))  # noqa: F405
