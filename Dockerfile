# The GitHub Action's image, published to ghcr.io by .github/workflows/release.yml (action.yml runs it
# as docker://, so users pull it instead of building it). Also the Cloud Run service's image
# (deploy-gcp.sh overrides the command with uvicorn).
#
# Base: an exact Python release, not a moving tag, named on one FROM line (not an ARG, which Dependabot
# cannot update) so that Dependabot's docker ecosystem proposes the next release for both stages.
FROM python:3.11.14-slim-bookworm AS base

# ---- build: the project as a wheel, with a hash-locked build backend --------------------------------
FROM base AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements-build.lock ./
RUN pip install --require-hashes --no-deps -r requirements-build.lock
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-build-isolation --no-deps --wheel-dir /dist .

# ---- runtime: locked dependencies (every file checked against its hash), then the wheel -------------
FROM base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes --no-deps -r /tmp/requirements.lock && rm /tmp/requirements.lock
COPY --from=build /dist /tmp/dist
# --no-deps: everything it needs came from the lock; pip check proves the lock satisfies the wheel.
RUN pip install --no-deps /tmp/dist/*.whl && rm -r /tmp/dist && pip check

# No WORKDIR and no source tree: the runner mounts the user's workspace and makes it the working
# directory, and the installed console script (unlike `python -m`) never puts that on sys.path, so a
# `pattern_miner/` folder there cannot shadow the installed package. An absolute path, as GitHub asks.
# Root, deliberately (no USER): GitHub documents that Docker actions must run as the default user,
# root, or they cannot access the mounted GITHUB_WORKSPACE.
ENTRYPOINT ["/usr/local/bin/pattern-miner", "action"]
