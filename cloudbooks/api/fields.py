"""Serializer fields for request bodies that take a string to mean a string.

DRF's CharField turns a JSON number into text (`{"name": 0}` saves the name "0"), and trims
whitespace before it checks that a required string is not blank, so a name of one space is
refused although it is one character long. The schema says `"type": "string"` and
`minLength: 1`; these fields make the API say the same:

- a value that is not a string is a 400 (form bodies are strings anyway);
- a trimmed, non-blank field carries a pattern (drf-spectacular documents a RegexValidator
  as the schema's `pattern`): at least one character that is not whitespace, and no NUL;
- every other text field carries the pattern "no NUL": DRF refuses NUL characters in every
  CharField (PostgreSQL cannot store them), and the schema says so, so that a client that
  follows the schema is never refused for it;
- an email is ASCII and matches Django's EmailValidator (a subset of what the `email`
  format allows: no one-letter top-level domain, no quoted local part, no IP literal).
"""

from __future__ import annotations

from django.core.validators import EmailValidator, MinLengthValidator, RegexValidator
from django.db import models
from rest_framework import serializers


class DocumentedPattern(RegexValidator):
    """A pattern for the schema only: the rule it states is enforced elsewhere.

    Trimming refuses a blank value and DRF's ProhibitNullCharactersValidator refuses NUL,
    each with its own message; checking again here would report the same fault twice.
    """

    def __call__(self, value) -> None:
        return None


NOT_ONLY_WHITESPACE = DocumentedPattern(r"\A[^\x00]*[^\s\x00][^\x00]*\Z")
# One character or more: drf-spectacular offers a blank-allowed field as "this or the empty
# string", and only a non-empty pattern keeps those two alternatives apart.
NO_NUL = DocumentedPattern(r"\A[^\x00]+\Z")


class DocumentedMinLength(MinLengthValidator):
    """A minimum length for the schema only (see DocumentedPattern)."""

    def __call__(self, value) -> None:
        return None


# A new password's shape, as Django's password validators (settings.AUTH_PASSWORD_VALIDATORS)
# require it: 8 characters or more, not all digits. They enforce it, with their own messages;
# the rest of their rules (not a common password, not like the user's name) are not a shape.
NEW_PASSWORD = [DocumentedPattern(r"\A[^\x00]*[^\x00\d][^\x00]*\Z"), DocumentedMinLength(8)]

# Django's EmailValidator, restricted to ASCII, with the surrounding whitespace the field trims:
# every address this pattern admits, Django's validator accepts too.
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# The top-level domain is letters (Django refuses digits there), possibly with inner dashes.
_TLD = r"[A-Za-z](?:[A-Za-z-]{0,61}[A-Za-z])"
ASCII_EMAIL = rf"\A\s*{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_TLD}\s*\Z"


class AsciiEmailValidator(RegexValidator):
    """The pattern above, then Django's EmailValidator: one check, one error."""

    regex = ASCII_EMAIL
    code = "invalid"

    def __call__(self, value) -> None:
        super().__call__(value)
        EmailValidator(message=self.message, code=self.code)(value)


class StringOnly:
    """Refuses a value that is not a string, instead of turning it into one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # drf-spectacular documents the first RegexValidator of a field as its pattern.
        if self.trim_whitespace and not self.allow_blank:
            self.validators.append(NOT_ONLY_WHITESPACE)
        else:
            self.validators.append(NO_NUL)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(StringOnly, serializers.CharField):
    default_error_messages = {"invalid": "Must be a string."}


class EmailField(StringOnly, serializers.EmailField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In place of DRF's EmailValidator, and first: the pattern the schema shows.
        others = [v for v in self.validators if not isinstance(v, EmailValidator)]
        self.validators = [AsciiEmailValidator(message=self.error_messages["invalid"]), *others]


class SlugField(StringOnly, serializers.SlugField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    # DRF's ModelSerializer, building the fields above for the model's text fields. (A comment,
    # not a docstring: a serializer's docstring would become its schema's description.)

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.EmailField: EmailField,
        models.SlugField: SlugField,
    }
