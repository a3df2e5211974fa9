"""Markers shared by the accounts tests."""

from __future__ import annotations

import pytest

# Tests that need committed rows (threads, a live server, a second process). The seeded
# plans are restored for each of them, since a transactional test ends by emptying the tables.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
