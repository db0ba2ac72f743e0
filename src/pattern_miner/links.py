"""Which links may appear in what Pattern Miner publishes: github.com and the package registries.

One list for every writer (the advice sanitizer, the Markdown renderer), so what one accepts the
other does too. HTTPS only, no credentials in the URL; a subdomain of a listed host counts
(docs.github.com), a look-alike (github.com.evil.example) does not.
"""

from __future__ import annotations

from urllib.parse import urlsplit

ALLOWED_HOSTS = (
    "github.com",
    "ghcr.io",
    "pypi.org",
    "npmjs.com",
    "npmjs.org",
    "pkg.go.dev",
    "crates.io",
    "rubygems.org",
    "registry.terraform.io",
    "hub.docker.com",
    "packagist.org",
    "nuget.org",
    "search.maven.org",
    "central.sonatype.com",
    "artifacthub.io",
)


def allowed_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    if parts.scheme != "https" or parts.username or parts.password:
        return False
    return any(host == allowed or host.endswith("." + allowed) for allowed in ALLOWED_HOSTS)
