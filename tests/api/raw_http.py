"""Requests the test client cannot make: a chunked body, sent to a real server over a socket."""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    def json(self):
        return json.loads(self.body)


def post_chunked(base_url: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` with `Transfer-Encoding: chunked` (in two chunks) and no Content-Length.

    The request is written in one piece before the answer is read: a server may answer (a
    refusal) without reading the body, and a client still writing would then see a broken
    pipe rather than the answer, as http.client's chunked uploads do.
    """
    parts = urlsplit(base_url)
    half = len(body) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (body[:half], body[half:]) if c)
    head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Transfer-Encoding: chunked"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + chunks + b"0\r\n\r\n"
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Answer(response.status, response.headers, response.read())


def assert_envelope_answer(answer: Answer, status: int, code: str) -> dict:
    """`answer` is the error envelope with `status` and `code`; returns `error`."""
    assert answer.status == status, answer.body
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == answer.headers["X-Request-Id"]
    return error
