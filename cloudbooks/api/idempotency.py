"""`Idempotency-Key` on every POST under /v1: a retried write is answered, not done again.

Follows the IETF draft "The Idempotency-Key HTTP Header Field" and Stripe's behaviour:

- The key is 1-255 printable ASCII characters (0x20-0x7E); anything else, including an
  empty header, is 400 `invalid_request` with `details.field` = "Idempotency-Key".
- Keys belong to the authenticated user (shared by all of their access tokens and API keys;
  another user's identical key is a different key) and live 24 hours.
- The first request with a key records a *fingerprint* of itself: sha256 over the method,
  the path with its query string, the Content-Type header and the raw body bytes. Bodies are
  not canonicalised: the same JSON with its keys in another order, other whitespace or
  another Content-Type is another request (an SDK retrying sends the same bytes).
- A repeat with the same fingerprint gets the saved status and body again, with
  `Idempotent-Replayed: true`, and the view does not run. 2xx and 4xx answers are saved;
  5xx answers (and exceptions) are not — the key is released so a retry may succeed.
- The same key with another fingerprint: 422 `invalid_request` (checked first, whatever the
  state of the first request: it is a client bug, not a timing matter).
- The same key while the first request is still running: 409 `conflict`.
- Without the header nothing changes. Methods other than POST ignore it.
- Unauthenticated POSTs (login, refresh) validate the header but never record or replay:
  a replayed login would hand tokens to whoever sends the key, without the password.

Where it runs: once, in the shared base views (`ApiViewMixin` in cloudbooks/api/viewsets.py),
never in a view. `initial()` fingerprints the body before anything reads it, lets DRF
authenticate, throttle and check permissions (a request refused there holds no key and is
not saved), then calls `claim`; a replay leaves through `handle_exception` as the `Replay`
"exception" without running the view; `finalize_response` calls `finish` on the answer,
and `dispatch` releases a key still held if anything escaped before that.

The store is `cloudbooks.models.IdempotencyRecord` in PostgreSQL, so every web process sees
the same keys. The first request INSERTs its row (state `in_progress`) in its own committed
transaction before the view runs; the unique index on (user, key) decides a race — of 20
simultaneous requests exactly one inserts, the others block on the index until it commits
and then read the row (409 while in progress, a replay once done). This relies on requests
running in autocommit (no ATOMIC_REQUESTS): the row must be visible before the view writes.
When the view has answered, the row is updated with the answer (`done`), or deleted for a
5xx. Only then does the response leave; a repeat that arrives between the view's commit and
that update still sees `in_progress` and gets 409, and its retry gets the replay.

Time is Python's clock (`timezone.now()`), for writing `created_at` and for judging it:
- a row older than `KEY_LIFETIME` (24 h) is ignored — the key is free again and the row is
  taken over — and `python manage.py purge_idempotency_keys` deletes such rows (daily);
- an `in_progress` row older than `ABANDONED_AFTER` was left by a process that died (gunicorn
  kills a request after 30 s, gunicorn.conf.py); the next request with that key takes it over
  rather than getting 409 for 24 hours. What the dead request wrote before dying is not
  known: the retry runs the view again (as Stripe does without recovery points).
Take-overs are compare-and-swap updates on `created_at`, so two retries cannot both win.

Replays come from the current request in every other respect: its `X-Request-Id`, its
rate-limit headers (a replay spends budget like any request), and — in a saved error
envelope — `error.request_id` rewritten to the current request's id, so the id in the body
is always the one in the header and in the logs. Only the status and body are saved, not
other response headers (our POSTs set none that matter).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response

from cloudbooks.api.exceptions import Conflict, Unprocessable
from cloudbooks.api.middleware import current_request_id
from cloudbooks.models import IdempotencyRecord, IdempotencyState

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_META_KEY = "HTTP_IDEMPOTENCY_KEY"

KEY_LIFETIME = timedelta(hours=24)
# Twice gunicorn's 30 s request timeout: a margin for clock differences between web hosts.
ABANDONED_AFTER = timedelta(seconds=60)

_VALID_KEY = re.compile(r"[\x20-\x7e]{1,255}")


# Not an error: control flow out of DRF's `initial` to the saved answer.
class Replay(Exception):
    """Raised by the base view when the answer is a saved one; carries that answer."""

    def __init__(self, response: Response):
        super().__init__("idempotent replay")
        self.response = response


@dataclass
class Claim:
    """The current request holds the key: its answer is saved (or the key released) at the end."""

    record_id: int
    created_at: datetime


def fingerprint(*, method: str, full_path: str, content_type: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper(), full_path, content_type):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    digest.update(body)
    return digest.hexdigest()


def request_fingerprint(request) -> str:
    """The fingerprint of a Django request; reads (and caches) its body.

    Call it before anything reads the body as a stream (DRF's parsers do): afterwards Django
    no longer has the bytes. `request.body` keeps them, and DRF parses from that copy.
    """
    return fingerprint(
        method=request.method,
        full_path=request.get_full_path(),
        content_type=request.META.get("CONTENT_TYPE", ""),
        body=request.body,
    )


def key_of(request) -> str | None:
    """The request's Idempotency-Key: None if absent; 400 if malformed (even if empty)."""
    raw = request.META.get(_META_KEY)
    if raw is None:
        return None
    if not _VALID_KEY.fullmatch(raw):
        raise exceptions.ValidationError({HEADER: ["Must be 1 to 255 printable ASCII characters."]})
    return raw


def applies_to(request) -> bool:
    """POSTs carrying the header; the body must then be read before DRF parses it."""
    return request.method == "POST" and _META_KEY in request.META


def claim(*, user_id, key: str, fingerprint: str, now: datetime | None = None) -> Claim | Response:
    """Take the key for this request, or answer from what the key already holds.

    Returns a `Claim` (run the view, then `finish`), or the saved answer as a `Response`
    (replay). Raises 422 for another request's key, 409 while the first is still running.
    """
    now = now or timezone.now()
    # A few rounds at most: each one lost means another request just freed or took the key.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user_id=user_id, key=key, fingerprint=fingerprint, created_at=now
                )
            return Claim(record_id=record.pk, created_at=now)
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
        if existing is None:
            continue  # released (a 5xx) or purged since the INSERT failed: try again
        if existing.created_at <= now - KEY_LIFETIME:
            taken = _take_over(existing, fingerprint=fingerprint, now=now)
            if taken:
                return taken
            continue
        if existing.fingerprint != fingerprint:
            raise Unprocessable(
                _("This Idempotency-Key was already used with a different request."),
                details={
                    "field": HEADER,
                    "issue": "Already used with another method, path or body in the last "
                    "24 hours; send a new key for a new request.",
                },
            )
        if existing.state == IdempotencyState.DONE:
            return replay_response(existing)
        if existing.created_at <= now - ABANDONED_AFTER:
            taken = _take_over(existing, fingerprint=fingerprint, now=now)
            if taken:
                return taken
            continue
        raise _in_progress()
    raise _in_progress()


def _in_progress() -> Conflict:
    return Conflict(
        _("A request with this Idempotency-Key is still being processed; retry later."),
        details={"field": HEADER, "issue": "A request with this key is in progress."},
    )


def _take_over(existing: IdempotencyRecord, *, fingerprint: str, now: datetime) -> Claim | None:
    """Restart an expired or abandoned key for this request, unless another got there first."""
    updated = IdempotencyRecord.objects.filter(
        pk=existing.pk, created_at=existing.created_at, state=existing.state
    ).update(
        fingerprint=fingerprint,
        state=IdempotencyState.IN_PROGRESS,
        status_code=None,
        response_body="",
        created_at=now,
    )
    return Claim(record_id=existing.pk, created_at=now) if updated else None


def replay_response(record: IdempotencyRecord) -> Response:
    data = json.loads(record.response_body) if record.response_body else None
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        # The body's request id names this request, like its X-Request-Id header.
        data["error"]["request_id"] = current_request_id.get()
    return Response(data, status=record.status_code, headers={REPLAYED_HEADER: "true"})


def should_save(status_code: int) -> bool:
    """2xx and 4xx answers are the outcome of the request; a 5xx is not (a retry may succeed)."""
    return status_code < 500


def finish(held: Claim, response) -> None:
    """Save the view's answer under the key, or release the key for a 5xx.

    The response is rendered here (DRF would render it a moment later anyway) so the exact
    bytes are saved. A database failure here is logged, not raised: the write is done and its
    answer must still reach the client; the row stays `in_progress` until it is abandoned.
    """
    mine = IdempotencyRecord.objects.filter(
        pk=held.record_id, created_at=held.created_at, state=IdempotencyState.IN_PROGRESS
    )
    try:
        if not should_save(response.status_code):
            mine.delete()
            return
        if hasattr(response, "render"):
            response.render()
        mine.update(
            state=IdempotencyState.DONE,
            status_code=response.status_code,
            response_body=response.content.decode("utf-8"),
        )
    except DatabaseError:
        logger.exception("Could not save the answer of an idempotent request")


def release(held: Claim) -> None:
    """Free the key after an exception that produced no response."""
    try:
        IdempotencyRecord.objects.filter(
            pk=held.record_id, created_at=held.created_at, state=IdempotencyState.IN_PROGRESS
        ).delete()
    except DatabaseError:
        logger.exception("Could not release an idempotency key")


def purge_expired(now: datetime | None = None) -> int:
    """Delete the records older than the key lifetime (run daily from a scheduled job)."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lte=cutoff).delete()
    return deleted
