"""Copied Dockerfiles → a shared base image that holds the common instructions."""

from __future__ import annotations

from pattern_miner.advise import signals
from pattern_miner.advise.knowledge import BASE_IMAGES
from pattern_miner.advise.naming import package_name
from pattern_miner.advise.recipes.base import Copies, Plan, listing
from pattern_miner.representative import representative_pair

MAX_SPECIFIC_LINES = 8

# instruction (and a RUN's tool) -> component
_GROUPS = (
    ("FROM", "", "Base image", "Starts from `{rest}`."),
    ("RUN", "apt-get apk yum dnf", "OS packages", "Installs the system packages every copy needs (`{line}`)."),
    ("RUN", "pip poetry uv npm yarn pnpm go cargo bundle", "Dependency installation",
     "Installs the language dependencies the same way (`{line}`)."),
    ("ENV ARG WORKDIR USER EXPOSE LABEL", "", "Runtime defaults",
     "Sets the shared environment, working directory, user and ports (`{line}`)."),
    ("HEALTHCHECK", "", "Health check", "Declares the same health check (`{line}`)."),
    ("CMD ENTRYPOINT", "", "Entrypoint", "Starts the service the same way (`{line}`)."),
    ("RUN COPY ADD", "", "Build steps", "Shared build steps (`{line}`)."),
)


def image_short_name(image: str) -> str:
    """python:3.11-slim -> python; nvcr.io/nvidia/pytorch:24.01-py3 -> pytorch; golang -> go."""
    repo = image.split("@", 1)[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image.split("@", 1)[0]
    last = repo.rsplit("/", 1)[-1].lower()
    return BASE_IMAGES.get(last, last)


def _group(line: str) -> tuple[str, str] | None:
    instruction, _, rest = line.partition(" ")
    tool = rest.split()[0] if rest.split() else ""
    for instructions, tools, name, desc in _GROUPS:
        if instruction.upper() in instructions.split() and (not tools or tool in tools.split()):
            return name, desc.format(line=line if len(line) <= 70 else line[:69] + "…", rest=rest)
    return None


def plan(c: Copies) -> Plan:
    per_copy = [signals.dockerfile_lines(t) for t in c.texts]
    firsts = [images[0] for t in c.texts if (images := signals.base_images(t))]
    base = signals.most_common(firsts) or ""
    short = image_short_name(base) if base else "service"
    name = package_name(short, "base-image", fallback="service-base-image")

    shared_lines = signals.shared(per_copy, minimum=1.0)
    shared_set = {line for line, _ in shared_lines}
    components: dict[str, tuple[str, list[int]]] = {}
    for line, where in shared_lines:
        group = _group(line)
        if group and group[0] not in components:
            components[group[0]] = (group[1], where)

    top, _ = representative_pair(c.pattern.occurrences)
    rep_lines = per_copy[top] if per_copy else []
    specific = [line for line in rep_lines if line not in shared_set and not line.upper().startswith("FROM ")]
    image = f"ghcr.io/{c.owner}/{name}:1"
    usage = [f"# {name}: built from github.com/{c.owner}/{name}, published as {image}", f"FROM {image}"]
    if specific:
        usage.append("# only what differs per service stays here")
        usage.extend(specific[:MAX_SPECIFIC_LINES])
    else:
        usage.append("# every other instruction is inherited from the base image")
    steps = [
        f"Create `{c.owner}/{name}` with a Dockerfile holding the {len(shared_set)} instructions all copies share"
        + (f", starting `FROM {base}`" if base else "") + ".",
        f"Build and publish it to `{image}` from a workflow on each tag, and rebuild it weekly so OS and "
        "runtime patches reach every service.",
        f"In each Dockerfile ({listing(c)}), replace the shared instructions with `FROM {image}`.",
        "Let Dependabot or Renovate bump the base image tag in each repository.",
    ]
    risks = [
        "A base-image change rebuilds every dependent service: tag releases, roll them out gradually and "
        "keep the previous tag available.",
        "Keep the base image's package visibility readable by every consuming repository's workflow.",
    ]
    if any(line.upper().startswith("USER ") for line in shared_set):
        risks.append("A shared `USER` affects file permissions in every image: keep service-specific `COPY` "
                     "steps compatible with it.")
    return Plan(
        name=name,
        what=f"a Dockerfile built `FROM {base}`" if base else "a Dockerfile",
        how=f"Moving the shared layers into the `{name}` image leaves each service with its own few lines.",
        usage="\n".join(usage) + "\n", usage_language="dockerfile", unit_of_use=f"one `FROM {image}` line",
        components=[(n, d, w) for n, (d, w) in components.items()], steps=steps, risks=risks,
    )
