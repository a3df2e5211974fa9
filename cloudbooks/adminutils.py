"""What every app's admin shares."""

from __future__ import annotations

from django.db import models


def adopt_saved(target: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved instance the row a service saved.

    The admin writes through the services (so their rules hold here too), then carries on with
    its own instance — for the history entry and the page after saving — which must therefore
    become the row that was created, or it would point at an id that does not exist.
    """
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db
