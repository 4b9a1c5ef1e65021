"""Zalo Bot API error answers: `{"ok": false, "error_code": N, "description": "..."}`.

The codes are the documented ones (400, 401, 403, 404, 408, 429, 5xx); the wordings are the
emulator's own where the platform's are not published (403, 429).
"""

from __future__ import annotations

from typing import Any


class ZaloError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self, *, with_retry_after: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if with_retry_after and self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ZaloError:
    return ZaloError(400, reason)


def unauthorized() -> ZaloError:
    return ZaloError(401, "Unauthorized")


def forbidden(reason: str) -> ZaloError:
    return ZaloError(403, f"Forbidden: {reason}")


def not_found() -> ZaloError:
    return ZaloError(404, "Not Found")


def request_timeout() -> ZaloError:
    # Measured on the real platform: what an empty long poll answers, after `timeout` seconds.
    return ZaloError(408, "Request timeout")


def quota_exceeded(retry_after: int = 1) -> ZaloError:
    return ZaloError(429, "Quota exceeded", retry_after)


def server_error(code: int) -> ZaloError:
    text = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    return ZaloError(code, text.get(code, "Internal Server Error"))
