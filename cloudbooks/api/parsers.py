"""Request body parsers: JSON that cannot hurt us."""

from __future__ import annotations

import io
import json
import math
from typing import Any

from django.utils.http import parse_header_parameters
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, hardened.

    - Nesting deep enough to exhaust the interpreter's stack is a 400, not a 500.
    - Lone UTF-16 surrogates (`"\\ud800"`) are valid JSON but cannot be stored as UTF-8 text;
      they are refused here rather than failing later in the database driver.
    - NaN and Infinity are not JSON; Python's parser accepts them by default, and turns a
      number too large for a float (`1e999`) into infinity, which would be stored as "inf".
    """

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            raw = stream.read() if stream is not None else b""
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        except UnicodeError:
            raise ParseError("JSON parse error - the body is not valid UTF-8 text.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:20]} is too large a number")
    return value


# Form bodies are read as plain dicts, like JSON. Given a QueryDict, DRF applies its HTML-form
# rule and drops an empty optional field (`refresh=` would be ignored, not refused); as a
# dict, an empty field is the empty string and is validated like one. The API has no
# repeated fields; a repeated key keeps its last value, as QueryDict's [] does.


class FormParser(parsers.FormParser):
    """DRF's form parser, answering a plain dict (see above)."""

    def parse(self, stream, media_type=None, parser_context=None) -> dict:
        return super().parse(stream, media_type, parser_context).dict()


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser: a plain dict (see above), and only a body that is multipart.

    Django's parser reads a body without its closing boundary (`--<boundary>--`), or whose
    parts have no name, as an empty form, so a truncated or garbled PATCH would succeed with
    no fields in it, and a logout would log out. Those, and text before the first boundary
    (which no client writes), are a 400 here. The body is already within API_MAX_BODY_BYTES
    (BodyLimitMiddleware).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        _, params = parse_header_parameters(media_type or "")
        boundary = params.get("boundary", "").encode("ascii", "replace")
        raw = stream.read() if stream is not None else b""
        delimiter = b"--" + boundary
        if raw and (
            not boundary
            or not raw.lstrip(b"\r\n").startswith(delimiter)
            or delimiter + b"--" not in raw
        ):
            raise ParseError("Multipart form parse error - the body is not a complete form.")
        parsed = super().parse(io.BytesIO(raw), media_type, parser_context)
        if not parsed.data and not parsed.files and raw.strip(b"\r\n") != delimiter + b"--":
            # Django skips a part without a name; a body of nothing else is not an empty form.
            raise ParseError("Multipart form parse error - the body has parts without a name.")
        return parsers.DataAndFiles(parsed.data.dict(), parsed.files)
