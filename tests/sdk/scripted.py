"""A scripted local HTTP server that records what it receives: for what the real API cannot be
made to do on demand in the test suite (a 500, 502 or 504, a `next` link or a redirect to
another host), and to see the exact headers the SDK sends.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    method: str
    path: str  # with the query
    headers: dict[str, str]  # names lower-cased
    body: bytes


def error(status: int, code: str, request_id: str, **headers: str) -> Reply:
    """An answer in the API's error envelope, with its X-Request-Id."""
    envelope = {"error": {"code": code, "message": code, "details": {}, "request_id": request_id}}
    return Reply(status, envelope, {"X-Request-Id": request_id, **headers})


class _LocalServer:
    """An HTTP server on a free local port, in a daemon thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output quiet


class ScriptedServer(_LocalServer):
    """Answers each request with the next scripted `Reply`, then `default` once none are left."""

    def __init__(self, *replies: Reply, default: Reply | None = None) -> None:
        self.replies = list(replies)
        self.default = default or Reply(200, {})
        self.received: list[Received] = []
        server = self

        class Handler(_Quiet):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.received.append(
                    Received(
                        method=self.command,
                        path=self.path,
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=self.rfile.read(length),
                    )
                )
                reply = server.replies.pop(0) if server.replies else server.default
                payload = b"" if reply.body is None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if payload:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        super().__init__(Handler)


class LosingProxy(_LocalServer):
    """Forwards every request to `upstream`, but answers the first `lose` of them with a 502
    instead of upstream's answer: a gateway that lost the response of a write that happened."""

    def __init__(self, upstream: str, *, lose: int) -> None:
        import httpx  # the SDK's own dependency, here only to forward

        self.forwarded: list[Received] = []
        proxy = self

        class Handler(_Quiet):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                answer = httpx.request(
                    self.command, upstream + self.path, headers=headers, content=body
                )
                proxy.forwarded.append(
                    Received(
                        self.command, self.path, {k.lower(): v for k, v in headers.items()}, body
                    )
                )
                if len(proxy.forwarded) <= lose:
                    status, payload, extra = 502, b"", {}
                else:
                    status, payload = answer.status_code, answer.content
                    extra = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        super().__init__(Handler)


_HOP = {"content-length", "transfer-encoding", "connection", "content-encoding", "server", "date"}
