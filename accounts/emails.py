"""One normal form for email addresses: what is stored, what is looked up, what is limited.

Comparing addresses "case-insensitively" in the database is not one rule but several:
PostgreSQL's UPPER() maps `ı` to `I` and `ſ` to `S`, Python's `lower()` does not, and
Python's `re.IGNORECASE` lets both through an `[a-z]` check. Every mapping that disagrees
is a second spelling of someone's address, with a rate-limit bucket of its own. So an
address is normalised once, here, and compared exactly from then on:

- Unicode compatibility forms are folded (NFKC: `ſ` becomes `s`, fullwidth letters ASCII);
- an international domain is written in its ASCII (`xn--`) form;
- the whole address is lower-cased;
- whatever is still not ASCII (`ı`, `ß`, a dotted capital I) has no single safe lower
  case, and is refused rather than guessed at.
"""

from __future__ import annotations

import unicodedata

INVALID = "Must be a valid email address"
NOT_ASCII = "Must be written in plain ASCII letters (an international domain in its xn-- form)"


class UnsafeEmail(ValueError):
    """The address has no safe normal form; the message is safe to show the client."""


def normalize_email(raw: str) -> str:
    """The one form of `raw` that is stored, looked up and rate-limited; raises UnsafeEmail."""
    email = unicodedata.normalize("NFKC", raw.strip())
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise UnsafeEmail(INVALID)
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise UnsafeEmail(NOT_ASCII) from None
    email = f"{local}@{domain}".lower()
    if not email.isascii():
        raise UnsafeEmail(NOT_ASCII)
    return email
