"""A failed network call in a few words, for a warning: what happened, never the client library's text.

requests wraps urllib3, which wraps the socket error; httpx wraps httpcore, which wraps it too. Their
messages ("HTTPSConnectionPool(host=..., port=443): Max retries exceeded with url: ... (Caused by
NewConnectionError(...))") repeat the URL and the library's internals. ``describe`` looks through the
causes for the first one it can name, the most specific (the socket's) first.
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator

# A library's exception by (part of) its class name, not by isinstance: urllib3's NewConnectionError is,
# for backward compatibility, a subclass of its ConnectTimeoutError, yet means "could not connect".
_BY_NAME = (
    ("NameResolution", "host name not found"),
    ("Timeout", "timed out"),
    ("SSL", "TLS error"),
    ("Proxy", "proxy error"),
    ("RemoteDisconnected", "connection closed by the server"),
    ("RemoteProtocolError", "connection closed by the server"),
    ("IncompleteRead", "connection closed by the server"),
)
_EXACT = {"ResponseError": "it kept answering with server errors", "RetryError": "it kept answering with server errors"}


def describe(exc: BaseException) -> str:
    """``exc`` (a requests, urllib3, httpx or socket error) as a few words: "connection refused"."""
    for cause in reversed(list(_causes(exc))):  # the innermost first: the socket's own error says most
        what = _os_error(cause) or _EXACT.get(type(cause).__name__)
        if what:
            return what
        for part, what in _BY_NAME:
            if part in type(cause).__name__:
                return what
    return f"network error ({type(exc).__name__})"


def _os_error(exc: BaseException) -> str | None:
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, ConnectionAbortedError | BrokenPipeError):
        return "connection closed"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLError):
        return "TLS error"
    if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "network unreachable"
    return None


def _causes(exc: BaseException, limit: int = 12) -> Iterator[BaseException]:
    """``exc``, then what it was raised from: ``__cause__``/``__context__``, urllib3's ``reason``, and
    exceptions passed as arguments (requests wraps urllib3's that way)."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < limit:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        reason = getattr(current, "reason", None)
        linked = [current.__cause__, current.__context__, reason, *current.args]
        todo.extend(e for e in linked if isinstance(e, BaseException))
