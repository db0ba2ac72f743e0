"""Network failures in a few words, whatever client library raised them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ReadTimeoutError

from pattern_miner.neterrors import describe


def _raised(exc: BaseException, cause: BaseException | None) -> BaseException:
    try:
        raise exc from cause
    except BaseException as caught:
        return caught


def _requests_error(reason: BaseException) -> requests.ConnectionError:
    """What requests raises: its ConnectionError around urllib3's MaxRetryError around the reason."""
    retry = _raised(MaxRetryError(None, "/repos/acme/api", reason), reason)  # type: ignore[arg-type]
    return requests.ConnectionError(retry)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_requests_error(_raised(NewConnectionError(None, "Failed to establish a new connection: [Errno 111]"),  # type: ignore[arg-type]
                                 ConnectionRefusedError(111, "Connection refused"))), "connection refused"),
        (_requests_error(_raised(NameResolutionError("api.github.com", None, socket.gaierror(-2, "Name or service not known")),  # type: ignore[arg-type]
                                 socket.gaierror(-2, "Name or service not known"))), "host name not found"),
        (_requests_error(ReadTimeoutError(None, "/x", "Read timed out.")), "timed out"),  # type: ignore[arg-type]
        (requests.ConnectionError(ConnectionResetError(104, "Connection reset by peer")), "connection reset"),
        (_raised(httpx.ConnectError("All connection attempts failed"), ConnectionRefusedError(111, "refused")),
         "connection refused"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."),
         "connection closed by the server"),
        (requests.exceptions.RetryError("too many 502 error responses"), "it kept answering with server errors"),
        (requests.ConnectionError("something odd"), "network error (ConnectionError)"),
    ],
)
def test_describe(exc: BaseException, expected: str) -> None:
    assert describe(exc) == expected


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_real_failures_of_both_clients(silent_server: str) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    for url, expected in ((refused, "connection refused"), (silent_server, "timed out")):
        with pytest.raises(requests.RequestException) as r:
            requests.get(url, timeout=0.2)
        with pytest.raises(httpx.HTTPError) as h:
            httpx.get(url, timeout=0.2)
        assert (describe(r.value), describe(h.value)) == (expected, expected)
