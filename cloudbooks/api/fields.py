"""Serializer fields for request bodies that take a string to mean a string.

DRF's CharField turns a JSON number into text (`{"name": 0}` saves the name "0"), and trims
whitespace before it checks that a required string is not blank, so a name of one space is
refused although it is one character long. The schema says `"type": "string"` and
`minLength: 1`; these fields make the API say the same:

- a value that is not a string is a 400 (form bodies are strings anyway);
- a trimmed, non-blank field carries the pattern `\\S` (drf-spectacular documents a
  RegexValidator as the schema's `pattern`): at least one character that is not whitespace.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from rest_framework import serializers

# Documents what trimming implies; it cannot fail on a trimmed value that is not blank.
NOT_ONLY_WHITESPACE = RegexValidator(r"\S", "Must contain a character that is not a space.")


class StringOnly:
    """Refuses a value that is not a string, instead of turning it into one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.trim_whitespace and not self.allow_blank:
            self.validators.append(NOT_ONLY_WHITESPACE)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(StringOnly, serializers.CharField):
    default_error_messages = {"invalid": "Must be a string."}


class EmailField(StringOnly, serializers.EmailField):
    pass


class SlugField(StringOnly, serializers.SlugField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, building the fields above for the model's text fields."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.EmailField: EmailField,
        models.SlugField: SlugField,
    }
