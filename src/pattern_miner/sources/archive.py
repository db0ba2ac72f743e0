"""A commit's files from its archive: the tarball GitHub serves for ``GET /repos/{o}/{r}/tarball/{ref}``.

One download instead of one API request per blob (the download is not counted against the rate limit).
The archive is read as it streams: nothing is written to disk, files nobody asked for are skipped, and a
file is kept only when its bytes hash to the blob SHA the tree gave (an archive may differ from git: LFS
pointers, ``export-subst``, ``export-ignore``); whatever is not kept is read blob by blob by the caller.
"""

from __future__ import annotations

import tarfile

import requests

from pattern_miner.sources.blobcache import blob_matches


def read_archive(url: str, wanted: dict[str, str], *, max_bytes: int, timeout: float) -> dict[str, bytes]:
    """Blob bytes by SHA for the ``wanted`` files (path -> blob SHA) found in the tar.gz at ``url``.

    Raises ``requests.RequestException``, ``tarfile.TarError``, ``OSError`` or ``EOFError`` when the
    archive cannot be downloaded or read; ``timeout`` is seconds without a byte."""
    found: dict[str, bytes] = {}
    with requests.get(url, stream=True, timeout=timeout) as response:
        response.raise_for_status()
        with tarfile.open(fileobj=response.raw, mode="r|gz") as archive:
            for member in archive:
                path = member.name.partition("/")[2]  # below the "<owner>-<repo>-<sha7>/" prefix
                sha = wanted.get(path)
                if sha is None or not member.isfile() or member.size > max_bytes:
                    continue
                handle = archive.extractfile(member)
                data = handle.read() if handle is not None else b""
                if blob_matches(sha, data):
                    found[sha] = data
    return found
