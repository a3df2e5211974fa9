"""Settings read from the environment: a value they cannot use stops the start, naming it.

An operator who mistypes a limit must find out when the process starts, not from a 503 on
every login hours later. Each start-up test runs `django.setup()` in a fresh interpreter
with the environment an operator would set, exactly as gunicorn or manage.py would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cloudbooks.settings import env_choice, env_int, env_rate

ROOT = Path(__file__).resolve().parent.parent

# What the process prints once settings are loaded, so a test can read what they became.
SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.LOGIN_RATE_PER_IP, s.LOGIN_FAILURES_PER_EMAIL, s.SIGNUP_RATE_PER_IP, "
    "s.SIGNUP_RATE_PER_EMAIL, s.API_MAX_BODY_BYTES, s.LOGGING['root']['level'])"
)

# Every variable settings.py reads through a validating helper, with a value it refuses.
MALFORMED = [
    ("LOGIN_RATE_PER_IP", "sixty a minute"),
    ("LOGIN_RATE_PER_IP", "60/M"),
    ("LOGIN_FAILURES_PER_EMAIL", "10/15min"),
    ("LOGIN_FAILURES_PER_EMAIL", "10"),
    ("SIGNUP_RATE_PER_IP", "0/h"),
    ("SIGNUP_RATE_PER_EMAIL", "5/0h"),
    ("API_MAX_BODY_BYTES", "1MB"),
    ("API_MAX_BODY_BYTES", "0"),
    ("TRUSTED_PROXY_COUNT", "-1"),
    ("DATABASE_CONN_MAX_AGE", "ten"),
    ("DJANGO_SECURE_HSTS_SECONDS", "-5"),
    ("JWT_ACCESS_MINUTES", "0"),
    ("JWT_REFRESH_DAYS", "1.5"),
    ("LOG_LEVEL", "info"),
]
CHECKED = sorted({name for name, _ in MALFORMED})


def start(**environment: str) -> subprocess.CompletedProcess:
    """Load the settings in a new interpreter, as the web process does, with `environment`."""
    env = {name: value for name, value in os.environ.items() if name not in CHECKED}
    env.update(
        DJANGO_SETTINGS_MODULE="cloudbooks.settings",
        DJANGO_DEBUG="1",
        PYTHONPATH=str(ROOT),
        **environment,
    )
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("name", "value"), MALFORMED)
def test_an_operator_with_a_malformed_value_cannot_start_the_server(name, value):
    started = start(**{name: value})

    assert started.returncode != 0
    last = started.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: "), started.stderr
    assert name in last
    assert repr(value) in last


def test_an_operator_with_well_formed_values_starts_with_exactly_those_values():
    started = start(
        LOGIN_RATE_PER_IP="30/m",
        LOGIN_FAILURES_PER_EMAIL=" 10/15m ",
        SIGNUP_RATE_PER_IP="100/d",
        SIGNUP_RATE_PER_EMAIL="3/30",
        API_MAX_BODY_BYTES="2048",
        TRUSTED_PROXY_COUNT="0",
        DATABASE_CONN_MAX_AGE="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        JWT_ACCESS_MINUTES="5",
        JWT_REFRESH_DAYS="1",
        LOG_LEVEL="WARNING",
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["30/m", "10/15m", "100/d", "3/30", "2048", "WARNING"]


def test_an_operator_who_sets_nothing_gets_the_documented_defaults():
    started = start()

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["60/m", "50/h", "10/h", "5/h", "1048576", "INFO"]


@pytest.mark.parametrize(
    "rate", ["60/m", "10/15m", "5/h", "1/d", "100/s", "10/30s", "3/30", "10/", "2/1h"]
)
def test_every_rate_django_ratelimit_reads_as_written_is_accepted(monkeypatch, rate):
    monkeypatch.setenv("A_RATE", rate)

    assert env_rate("A_RATE", "1/s") == rate


@pytest.mark.parametrize("rate", ["", "   "])
def test_an_empty_rate_means_the_default(monkeypatch, rate):
    monkeypatch.setenv("A_RATE", rate)

    assert env_rate("A_RATE", "7/m") == "7/m"


@pytest.mark.parametrize(
    "rate",
    [
        "60",  # no "/": django-ratelimit cannot read it at all (a 503 on every attempt)
        "/m",
        "60/M",  # django-ratelimit would read "60/" and count per second
        "10/15min",  # …and this as 10/15m, silently
        "10/15m,20/h",
        "ten/m",
        "-1/m",
        "0/m",  # would refuse every attempt
        "10/0m",  # a window of no time: django-ratelimit refuses it at the first attempt
        "1.5/m",
    ],
)
def test_a_rate_django_ratelimit_would_misread_or_refuse_is_refused_at_start(monkeypatch, rate):
    monkeypatch.setenv("A_RATE", rate)

    with pytest.raises(ImproperlyConfigured, match=r"^A_RATE must be a rate: .* e\.g\. 60/m"):
        env_rate("A_RATE", "1/s")


def test_a_whole_number_below_its_minimum_is_refused_and_the_minimum_is_named(monkeypatch):
    monkeypatch.setenv("A_SIZE", "0")

    with pytest.raises(ImproperlyConfigured, match=r"A_SIZE must be a whole number of at least 1"):
        env_int("A_SIZE", 10, minimum=1)


def test_a_whole_number_at_its_minimum_is_accepted(monkeypatch):
    monkeypatch.setenv("A_SIZE", "1")

    assert env_int("A_SIZE", 10, minimum=1) == 1


def test_a_log_level_is_one_of_the_names_logging_knows(monkeypatch):
    monkeypatch.setenv("A_LEVEL", "Debug")

    with pytest.raises(ImproperlyConfigured, match=r"A_LEVEL must be one of DEBUG, INFO"):
        env_choice("A_LEVEL", "INFO", ["DEBUG", "INFO"])
