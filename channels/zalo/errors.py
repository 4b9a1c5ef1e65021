"""Failures of Zalo Bot API calls, as typed exceptions.

Their messages name the method, never the URL: the token is in the URL's path.
"""

from __future__ import annotations

from typing import Any


class ZaloApiError(Exception):
    """The platform refused a call (`code` is its error_code, else the HTTP status), or it
    could not be reached (`ZaloNetworkError`, code 0)."""

    def __init__(self, code: int, description: str, method: str = "") -> None:
        super().__init__(f"{method or 'Zalo Bot API'}: {code} {description}".strip())
        self.code = code
        self.description = description
        self.method = method
        self.partial: list[Any] = []  # send_text: the messages sent before the failure


class ZaloBadRequest(ZaloApiError):
    """400: the call itself is wrong (a text too long, an unknown chat, …)."""


class ZaloUnauthorized(ZaloApiError):
    """401: the token is wrong or expired."""


class ZaloForbidden(ZaloApiError):
    """403: the bot may not write there (the person blocked it, or it left the group)."""


class ZaloNotFound(ZaloApiError):
    """404: no such method (a Telegram-only call)."""


class ZaloRateLimited(ZaloApiError):
    """429: quota exceeded; `retry_after` seconds if the platform said, else None."""

    def __init__(self, code: int, description: str, method: str = "",
                 retry_after: float | None = None) -> None:
        super().__init__(code, description, method)
        self.retry_after = retry_after


class ZaloServerError(ZaloApiError):
    """5xx: the platform failed; it did not act on the call."""


class ZaloNetworkError(ZaloApiError):
    """No answer: `sent` is False when the request surely never left (connection refused),
    True when it may have reached the platform (a timeout, a dropped connection)."""

    def __init__(self, description: str, method: str = "", *, sent: bool) -> None:
        super().__init__(0, description, method)
        self.sent = sent


def error_for(code: int, description: str, method: str,
              retry_after: float | None = None) -> ZaloApiError:
    """The exception class of an error answer."""
    if code == 429:
        return ZaloRateLimited(code, description, method, retry_after)
    kinds: dict[int, type[ZaloApiError]] = {400: ZaloBadRequest, 401: ZaloUnauthorized,
                                            403: ZaloForbidden, 404: ZaloNotFound}
    if code in kinds:
        return kinds[code](code, description, method)
    if code >= 500:
        return ZaloServerError(code, description, method)
    return ZaloApiError(code, description, method)
