"""Clock positions for tests, derived from the current time and never from a calendar date.

Redis and PostgreSQL keep their own clocks. A test that freezes Python's clock on a fixed day
writes state (counter lifetimes, token expiries) that those servers judge by the real date, so
it passes only on the day it was written. Tests that need a position inside the clock hour
take it from here: the same minute of the *current* hour, whatever today is.

CI runs the clock-sensitive tests a second time with Python's clock moved by a year
(`CLOUDBOOKS_TEST_CLOCK_SHIFT_DAYS`, tests/conftest.py), so a test that pins a date, or code
that lets another process judge a Python timestamp, fails there at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def minutes_into_this_hour(minutes: int) -> datetime:
    """`minutes` past the start of the current clock hour (UTC), as Python's clock tells it."""
    return datetime.now(UTC).replace(minute=minutes, second=0, microsecond=0)


def end_of_hour(moment: datetime) -> int:
    """Unix seconds at which the clock hour holding `moment` ends: a rate-limit window's reset."""
    return int((moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).timestamp())
