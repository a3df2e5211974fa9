"""gunicorn's settings for the `web` process: `gunicorn cloudbooks.wsgi -c gunicorn.conf.py`.

gunicorn reads this file itself, so the few process-level knobs a platform sets by
convention (`PORT`, `WEB_CONCURRENCY`) are read here; everything the application needs is
read in cloudbooks/settings.py. Command-line flags and GUNICORN_CMD_ARGS override these values.
"""

from __future__ import annotations

import multiprocessing
import os

import gunicorn


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


bind = f"0.0.0.0:{_env_int('PORT', 8000)}"

# Sync workers: each handles one request at a time, and the request path is CPU-bound Python
# plus short PostgreSQL/Redis round trips. 2 × cores + 1 keeps every core busy while some
# workers wait on the database. Behind a buffering load balancer, slow clients never hold one.
workers = _env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"

# A request that has not finished in 30 s is killed and the worker replaced (the client
# gets a 502 from the proxy). On SIGTERM, workers get 25 s to finish what they are serving:
# less than the 30 s most platforms wait before SIGKILL.
timeout = 30
graceful_timeout = 25
keepalive = 5

# Recycle each worker after 5,000-5,500 requests, at staggered moments (the jitter), so a
# slow leak in any library never grows without bound and workers never restart together. Not
# much sooner: a new worker opens new database and Redis connections and starts with cold
# caches, and a busy worker serves a few hundred requests a second.
max_requests = 5000
max_requests_jitter = 500

# Load the application once in the master and fork it: workers start (and restart) in
# milliseconds and share the imported code's memory. No connection is opened at import time.
preload_app = True

# The heartbeat file on a RAM disk where there is one: a slow container disk cannot make
# the master think a worker hung. gunicorn makes its files there with mkstemp.
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# gunicorn's own access log is off: the application writes one JSON line per request, with
# the request id, user and credential kind (cloudbooks.api.middleware.AccessLogMiddleware).
accesslog = None
errorlog = "-"
loglevel = "info"

# gunicorn writes `Server: gunicorn` into every response itself, before the application's
# headers; no setting turns it off (its maintainers declined one: benoitc/gunicorn#825,
# #2189) and a header from the application would only be sent as a second one. The value is
# the module attribute `gunicorn.SERVER`, which gunicorn's HTTP module copies when the
# worker class is loaded, after this file is read: so it is set here, before that.
# tests/api/test_gunicorn.py starts gunicorn with this file and checks the header.
gunicorn.SERVER = "CloudBooks"
