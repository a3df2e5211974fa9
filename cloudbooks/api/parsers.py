"""Request body parsers: JSON that cannot hurt us."""

from __future__ import annotations

import json
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, hardened.

    - Nesting deep enough to exhaust the interpreter's stack is a 400, not a 500.
    - Lone UTF-16 surrogates (`"\\ud800"`) are valid JSON but cannot be stored as UTF-8 text;
      they are refused here rather than failing later in the database driver.
    - NaN and Infinity are not JSON; Python's parser accepts them by default.
    """

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            raw = stream.read() if stream is not None else b""
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=_reject_constant)
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
