"""Test controls of the SDK test server (`python3 dev.py sdk-server`): never on in production.

Every official SDK's tests run against that server and need to provoke what a healthy server
rarely does: a 503 or a 429 on the request they choose, or an access token that expires now.
They ask for it with one request header, honoured only while the setting `SDK_TEST_SERVER`
is on (environment `CLOUDBOOKS_SDK_TEST_SERVER=1`, which only `dev.py sdk-server` sets):

    CloudBooks-Test-Fault: <status>;times=<n>;id=<unique id>
        The first n requests carrying that id answer <status> (500, 502, 503, 504 or 429) in
        the error envelope without running the view (429 and 503 with `Retry-After: 1`);
        later ones run normally. Counted per id in the cache, so every process shares it.
    CloudBooks-Test-Fault: <status>;times=<n>;id=<unique id>;after-view
        The same, but the view runs first and its answer is then replaced by the fault: a
        response lost on the way back. (Not in the shared contract; an addition for SDKs to
        prove a retried POST reuses its Idempotency-Key: the first attempt's write is done,
        so only a retry with the same key gets it back instead of writing it again.)
    CloudBooks-Test-Fault: expire-token
        An access token sent with this header is refused as expired (401). Checked where
        access tokens are checked: `accounts.api.authentication.BearerAuthentication`.
    CloudBooks-Test-Fault: expire-token;times=<n>;id=<unique id>
        Only the first n requests with an access token and that id are refused so (also an
        addition to the contract): an SDK that sends the header with every attempt can show
        that it renews the token and that its retry then succeeds.

With the setting off, `FaultMiddleware` is not in MIDDLEWARE and `expires_token` is always
False: the header means nothing. settings.py refuses to start with the setting on unless
every allowed host is a loopback name, and a system check warns whenever it is on.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import ValidationError

from cloudbooks.api.exceptions import CODES_BY_STATUS, error_body, error_response
from cloudbooks.api.middleware import is_api_path
from cloudbooks.api.throttling import increment

logger = logging.getLogger(__name__)

HEADER = "CloudBooks-Test-Fault"
EXPIRE_TOKEN = "expire-token"
FAULT_STATUSES = (500, 502, 503, 504, 429)
# Statuses a client is told to retry after a second (what a real 429 or 503 would say).
RETRY_AFTER = {429: "1", 503: "1"}
# Codes for the gateway statuses, which the application itself never answers.
_GATEWAY_CODES = {502: "bad_gateway", 504: "gateway_timeout"}
_ID = r"(?P<id>[A-Za-z0-9._:\-]{1,128})"
_FAULT_PATTERN = re.compile(
    rf"^(?P<status>\d{{3}});times=(?P<times>\d{{1,4}});id={_ID}(?P<after_view>;after-view)?$"
)
_EXPIRE_PATTERN = re.compile(rf"^{EXPIRE_TOKEN}(?:;times=(?P<times>\d{{1,4}});id={_ID})?$")
# Long enough for any test run; counters of finished runs expire by themselves.
_KEEP_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Control:
    """One parsed header: a fault (`status` set) or an expire-token request (`status` None)."""

    status: int | None
    times: int | None  # None: every request
    id: str | None
    after_view: bool = False


def parse(value: str) -> Control:
    """The header's value (spaces around `;` allowed); ValidationError naming it otherwise."""
    value = re.sub(r"\s*;\s*", ";", value.strip())
    if match := _EXPIRE_PATTERN.match(value):
        times = match["times"]
        return Control(status=None, times=int(times) if times else None, id=match["id"])
    match = _FAULT_PATTERN.match(value)
    if match is None or int(match["status"]) not in FAULT_STATUSES:
        raise ValidationError(
            {
                HEADER: [
                    f"Expected '<status>;times=<n>;id=<id>[;after-view]' with a status among "
                    f"{', '.join(map(str, FAULT_STATUSES))}, or "
                    f"'{EXPIRE_TOKEN}[;times=<n>;id=<id>]'"
                ]
            }
        )
    return Control(
        status=int(match["status"]),
        times=int(match["times"]),
        id=match["id"],
        after_view=bool(match["after_view"]),
    )


def _seen(kind: str, control_id: str) -> int:
    """How many requests of this id have asked so far, this one included (every process)."""
    now = time.time()
    key = f"sdk-test-{kind}:{control_id}"
    return increment(key, expire_at=int(now) + _KEEP_SECONDS, now=now)


def enabled() -> bool:
    return bool(getattr(settings, "SDK_TEST_SERVER", False))


def expires_token(request: HttpRequest) -> bool:
    """True if this request asks for its access token to be treated as expired (and may)."""
    if not enabled():
        return False
    value = request.headers.get(HEADER)
    if value is None:
        return False
    try:
        control = parse(value)
    except ValidationError:
        return False  # FaultMiddleware has answered 400 already
    if control.status is not None:
        return False
    return control.times is None or _seen("expire", control.id) <= control.times


class FaultMiddleware:
    """Answers the first n requests of a `CloudBooks-Test-Fault` id with the status asked for.

    Only in MIDDLEWARE while SDK_TEST_SERVER is on (settings.py). It sits right after the
    request id and the access log, before everything else: the fault is answered before
    authentication, rate limits, idempotency keys or the view, so nothing is counted, saved
    or changed by a request that was answered with a fault — unless `after-view` asks for
    the whole request to run first (its answer is then dropped).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        logger.warning(
            "SDK TEST CONTROLS ARE ON (SDK_TEST_SERVER): requests may inject errors with the "
            "%s header. This must never happen outside `dev.py sdk-server`.",
            HEADER,
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = request.headers.get(HEADER)
        if value is None or not is_api_path(request.path_info):
            return self.get_response(request)
        try:
            fault = parse(value)
        except ValidationError as exc:
            return error_response(request, exc)
        if fault.status is None:
            return self.get_response(request)  # expire-token: BearerAuthentication's
        seen = _seen("fault", fault.id)
        if seen > fault.times:
            return self.get_response(request)
        if fault.after_view:
            # Done, and its answer dropped (not closed: closing signals request_finished,
            # which belongs to the response the server sends).
            self.get_response(request)
        code = CODES_BY_STATUS.get(fault.status) or _GATEWAY_CODES[fault.status]
        message = f"Fault injected by the SDK test server ({seen} of {fault.times})"
        response = JsonResponse(
            error_body(code, message, {"fault_id": fault.id, "attempt": seen}),
            status=fault.status,
        )
        if fault.status in RETRY_AFTER:
            response["Retry-After"] = RETRY_AFTER[fault.status]
        return response
