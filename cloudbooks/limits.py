"""Field limits come from the models: forms and serializers read them here, one number per field."""

from __future__ import annotations

from django.db import models


def max_length(model: type[models.Model], field: str) -> int:
    """The `max_length` a model declares for `field`."""
    return model._meta.get_field(field).max_length
