"""The one way Pattern Miner talks to GitHub: a PyGithub client with our retry policy, and its errors in
a few words.

Retries are PyGithub's own ``GithubRetry`` (a urllib3 ``Retry``) for reads only (GET, HEAD): 5xx with
exponential backoff, secondary rate limits (403/429 with ``Retry-After``, or the documented message) and
primary limits (403 "API rate limit exceeded": wait until ``x-ratelimit-reset``). A write (POST, PATCH)
is never retried by the HTTP layer: it may have been applied, and ``publish`` decides what to do. ``_Retry``
adds an injectable sleep and a bound: a wait longer than ``max_wait`` raises ``WaitTooLong`` instead of
stalling the run. GitHub asks clients to pace requests and writes; an API on the loopback interface is not
GitHub (a proxy, a test server), so it is not paced.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import (
    RateLimitExceededExceedsMaxWait,
    RateLimitExceededException,
    UnknownObjectException,
)

from pattern_miner.neterrors import describe
from pattern_miner.settings import DEFAULT_API_URL

DEFAULT_MAX_WAIT = 600.0  # seconds: the longest rate-limit wait sat out; beyond it the call fails
RETRIES = 4  # retries per read (5 attempts) for 5xx and rate limits
BACKOFF_FACTOR = 1.0  # urllib3 backoff between 5xx retries: 0, 2, 4, 8 s
SECONDARY_RATE_WAIT = 60.0  # GitHub's advice for a secondary limit without Retry-After: wait a minute
PER_PAGE = 100  # the REST maximum: fewest requests when listing
TIMEOUT = 30  # seconds per request


class WaitTooLong(Exception):
    """GitHub asked us to wait longer than ``max_wait``."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"GitHub asked to wait {wait:.0f}s")
        self.wait = wait


class _Retry(GithubRetry):
    """PyGithub's retry policy for reads, with an injectable sleep and a bound on every wait."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, max_wait: float = DEFAULT_MAX_WAIT,
                 **kwargs: Any) -> None:
        self.sleep_fn = sleep
        self.max_wait = max_wait
        kwargs.setdefault("max_rate_limit_wait", max_wait)
        kwargs.setdefault("secondary_rate_wait", min(SECONDARY_RATE_WAIT, max_wait))
        kwargs.setdefault("status_forcelist", [*range(500, 600), 429])
        kwargs.setdefault("allowed_methods", frozenset({"GET", "HEAD"}))
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> _Retry:
        kw.update(sleep=self.sleep_fn, max_wait=self.max_wait)
        return super().new(**kw)

    def sleep(self, response: Any = None) -> None:
        wait = self.get_retry_after(response) if response is not None and self.respect_retry_after_header else None
        if wait is None:
            wait = self.get_backoff_time()
        if wait > self.max_wait:
            raise WaitTooLong(wait)
        if wait > 0:
            self.sleep_fn(wait)


def is_loopback_url(api_url: str) -> bool:
    host = urlsplit(api_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def github_client(token: str | None, api_url: str | None = None, *, sleep: Callable[[float], None] = time.sleep,
                  max_wait: float = DEFAULT_MAX_WAIT, pool_size: int = 8, paced: bool | None = None) -> Github:
    """A lazy PyGithub client (objects fetch on first use). ``paced``: None decides by the URL."""
    quiet_pygithub()
    url = (api_url or DEFAULT_API_URL).rstrip("/")
    if paced is None:
        paced = not is_loopback_url(url)
    pacing: dict[str, Any] = {} if paced else {"seconds_between_requests": None, "seconds_between_writes": None}
    return Github(
        base_url=url,
        auth=Auth.Token(token) if token else None,
        retry=_Retry(sleep=sleep, max_wait=max_wait, total=RETRIES, backoff_factor=BACKOFF_FACTOR),
        per_page=PER_PAGE,
        pool_size=pool_size,
        timeout=TIMEOUT,
        lazy=True,
        **pacing,
    )


def quiet_pygithub() -> None:
    """PyGithub logs every 403 and retry to stderr through a handler of its own; what went wrong is ours
    to say, once, through the Console."""
    logging.getLogger("github").setLevel(logging.ERROR)


def describe_github_error(exc: Exception) -> str:
    """One short line for a failed GitHub call (never the transport's own multi-part text)."""
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        data = getattr(exc, "data", None)
        message = data.get("message") if isinstance(data, dict) else None
        text = " ".join(str(message).split())[:160] if message else ""
        known = {401: "GitHub rejected the token", 403: "the token may not do this",
                 404: "not found, or the token cannot see it", 410: "issues are disabled in it"}
        what = known.get(status, "GitHub refused")
        return f"{what} ({status}{': ' + text if text and status not in (404, 410) else ''})"
    return f"cannot reach GitHub ({describe(exc)})"


def why_it_failed(exc: Exception, max_wait: float = DEFAULT_MAX_WAIT) -> str:
    """Why reading a repository failed, in one line."""
    if isinstance(exc, WaitTooLong | RateLimitExceededExceedsMaxWait):
        wait = exc.wait if isinstance(exc, WaitTooLong) else (getattr(exc, "wait", None) or 0)
        return f"rate limited: GitHub asked to wait {wait:.0f}s, more than the {max_wait:.0f}s allowed"
    if isinstance(exc, RateLimitExceededException):
        return f"rate limited ({exc.status}): {one_line_message(exc)}"
    if isinstance(exc, UnknownObjectException):
        return "not found, or the token cannot read it (404)"
    if isinstance(exc, GithubException):
        return f"GitHub answered {exc.status}: {one_line_message(exc)}"
    if isinstance(exc, requests.exceptions.RetryError):
        return f"GitHub kept failing with server errors; gave up after {RETRIES + 1} attempts"
    if isinstance(exc, requests.exceptions.RequestException):
        return f"cannot reach GitHub ({describe(exc)})"
    if isinstance(exc, ValueError | TypeError | KeyError | AttributeError):
        return f"malformed response from GitHub ({type(exc).__name__})"
    return f"unexpected error: {type(exc).__name__}: {_one_line(str(exc))}"


def unreachable(exc: Exception) -> bool:
    """A failure to connect at all (refused, DNS, TLS, timeouts), after the retries: not an HTTP answer."""
    if isinstance(exc, requests.exceptions.RetryError):
        return False  # the server answered, with 5xx
    return isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.Timeout)


def one_line_message(exc: GithubException) -> str:
    """GitHub's own message of an error answer, on one bounded line."""
    data = exc.data
    message = data.get("message") if isinstance(data, dict) else data
    return _one_line(str(message or exc.message or ""))


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
