from __future__ import annotations

import pytest

from tests.orgs.factories import make_team


@pytest.fixture
def team(db):
    return make_team()
