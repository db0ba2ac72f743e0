#!/usr/bin/env bash
# Regenerates the hash-locked requirements the image installs, from PyPI itself (so the hashes are those of
# the files PyPI serves, whatever mirror or wheel cache this machine's pip is set up with):
#   requirements.lock        every runtime dependency of pyproject.toml, transitively, with hashes
#   requirements-build.lock  the build backend pyproject.toml's [build-system] names, with hashes
# Run it after changing a dependency in pyproject.toml; tests/test_image.py fails until the lock agrees.
# Needs uv (pip install uv); UV=/path/to/uv picks another.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-uv}
# The image: CPython 3.11 on glibc x86_64 (python:3.11.*-slim-bookworm).
target=(--python-version 3.11 --python-platform x86_64-manylinux_2_28 --index-url https://pypi.org/simple
        --generate-hashes --custom-compile-command scripts/lock.sh --quiet)
"$uv" pip compile "${target[@]}" pyproject.toml -o requirements.lock
python3 -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' |
  "$uv" pip compile "${target[@]}" - -o requirements-build.lock
