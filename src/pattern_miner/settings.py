"""The job's settings: one record, one table of options, three ways to fill it.

``Settings`` holds everything a run needs to know; its field defaults are THE defaults. ``OPTIONS`` says,
for each setting a user can give, its command-line flag (the same name in every command), its Action
input (``action.yml``) and its environment variable, how its text is read and what values it admits.
The builders read one surface each and finish with the same ``check``:

    from_cli(args, env)      the ``scan`` and ``mine`` commands
    from_action(env)         the Docker Action (INPUT_* and the runner's GITHUB_* variables)
    from_service(env, ...)   the HTTP service (its environment, and one request's fields)
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from pattern_miner.actions import input_key
from pattern_miner.errors import UsageError

DEFAULT_API_URL = "https://api.github.com"  # GITHUB_API_URL on github.com (a GitHub Enterprise Server sets its own)

DEFAULT_CONFIG = "config/repositories.json"
DEFAULT_CACHE = ".pattern-miner-cache"
DEFAULT_REPORT = "pattern-miner-report.json"
DEFAULT_LABELS = ("pattern-miner",)
ISSUE_TARGETS = ("central", "per-repo")
PRIVATE_MODES = ("redact", "skip")

Surface = Literal["cli", "action", "service"]


@dataclass(frozen=True)
class Settings:
    """Everything one run needs to know. The defaults here are the only defaults."""

    config_path: str | None = None  # None: the built-in pattern types (a local scan needs no config)
    source: Literal["github", "local"] = "local"
    local_paths: tuple[str, ...] = ()  # each a repository
    local_root: str | None = None  # ROOT/<owner>/<name>/ are the repositories
    token: str | None = None
    api_url: str = DEFAULT_API_URL
    anthropic_api_key: str | None = None
    model: str | None = None  # None: the newest Sonnet the pinned SDK knows
    dry_run: bool = True  # compute everything, write nothing outside the local cache and report
    issue_repo: str | None = None  # the central target; per-repo targets each pattern's repositories
    issue_target: Literal["central", "per-repo"] = "central"
    labels: tuple[str, ...] = DEFAULT_LABELS  # the first one marks the bot's own issues
    max_issues: int | None = 10  # new issues per run, highest ranked first (None: no cap)
    dashboard: bool = True  # keep one dashboard issue in the issue repository, edited in place each run
    pattern_type: str | None = None
    repos: tuple[str, ...] = ()  # a subset of the configured repositories (owner/name, fnmatch globs)
    min_similarity: float | None = None  # overrides every pattern type's threshold
    dev_nexus_url: str | None = None
    dev_nexus_token: str | None = None
    cache_dir: str = DEFAULT_CACHE
    report_path: str | None = None  # None: <cache_dir>/pattern-miner-report.json
    max_model_calls: int = 50
    private_patterns: Literal["redact", "skip"] = "redact"
    template_dir: str | None = None
    jobs: int | None = None  # worker processes (None: every core)
    run_id: str | None = None  # None: a timestamp
    summary_repo: str | None = None  # the workflow's repository: its summary and artifacts are public when it is
    shards: tuple[str, ...] = ()  # shard files (or directories, globs) of a sharded run: merged, not scanned

    @property
    def report_file(self) -> Path:
        return Path(self.report_path) if self.report_path else Path(self.cache_dir) / DEFAULT_REPORT

    @property
    def partial(self) -> bool:
        """Whether the run covers only some repositories (it may then close nothing)."""
        return bool(self.repos)


# ---- the table ------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return value


def _words(value: str) -> tuple[str, ...]:
    """Comma- or newline-separated values."""
    return tuple(part.strip() for part in value.replace("\n", ",").split(",") if part.strip())


@dataclass(frozen=True)
class Option:
    """One setting as users give it. ``flag``/``input``/``env`` are None where a surface does not offer it."""

    field: str  # the Settings field it sets
    help: str
    flag: str | None = None  # the command-line option, the same in every command that has it
    short: str | None = None  # its one-letter form, if any
    input: str | None = None  # the Action's input, as action.yml declares it
    input_default: str = ""  # action.yml's default for it
    env: str | None = None  # an environment variable (CLI and service)
    parse: Callable[[str], Any] = _text  # text (an input, a variable) to the value
    kind: type = str  # for argparse: str, int, float
    choices: tuple[str, ...] = ()
    low: float | None = None  # numbers: the least admitted
    high: float | None = None
    secret: bool = False  # never printed, masked in the runner's log
    many: bool = False  # the flag takes one or more values (FILE...), the input comma- or newline-separated


OPTIONS: tuple[Option, ...] = (
    Option("token", "token that reads the scanned repositories and writes issues", input="github-token",
           input_default="${{ github.token }}", env="GITHUB_TOKEN", secret=True),
    Option("config_path", "config/repositories.json: repositories, pattern types, thresholds, excludes",
           flag="--config", input="config", input_default=DEFAULT_CONFIG, env="CONFIG"),
    Option("anthropic_api_key", "Anthropic API key for Claude's recommendations (offline advisor without it)",
           input="anthropic-api-key", env="ANTHROPIC_API_KEY", secret=True),
    Option("model", "Claude model to ask (default: the newest Sonnet the SDK knows)", flag="--model",
           input="model", env="ANTHROPIC_MODEL"),
    Option("dry_run", "true: compute everything, show the would-be issues, write nothing to GitHub",
           input="dry-run", input_default="false", env="DRY_RUN", parse=lambda v: _boolean(v)),
    Option("issue_repo", "owner/name to open issues in", flag="--issue-repo", input="issue-repo",
           env="ISSUE_REPO"),
    Option("issue_target", "central: every issue in the issue repository; per-repo: one in each repository "
           "a pattern involves", flag="--issue-target", input="issue-target", input_default="central",
           env="ISSUE_TARGET", choices=ISSUE_TARGETS),
    Option("labels", "comma-separated issue labels, created if missing; the first marks Pattern Miner's issues",
           flag="--labels", input="labels", input_default=",".join(DEFAULT_LABELS), parse=_words),
    Option("max_issues", "new issues per run at most, highest ranked first", flag="--max-issues",
           input="max-issues", input_default="10", parse=int, kind=int, low=0),
    Option("dashboard", "true: keep one dashboard issue in the issue repository listing every opportunity, "
           "with boxes to open an issue for one or ignore it", flag="--dashboard", input="dashboard",
           input_default="true", env="DASHBOARD", parse=lambda v: _boolean(v), kind=bool),
    Option("pattern_type", "only this pattern type (e.g. deployment)", flag="--pattern-type",
           input="pattern-type"),
    Option("repos", "comma-separated owner/name subset of the configured repositories (globs allowed)",
           flag="--repos", input="repos", parse=_words),
    Option("min_similarity", "similarity threshold 0..1 for every pattern type", flag="--min-similarity",
           input="min-similarity", parse=float, kind=float, low=0.0, high=1.0),
    Option("dev_nexus_url", "dev-nexus URL to post findings to", input="dev-nexus-url", env="DEV_NEXUS_URL"),
    Option("dev_nexus_token", "bearer token for dev-nexus (on Cloud Run an identity token is fetched)",
           input="dev-nexus-token", env="DEV_NEXUS_TOKEN", secret=True),
    Option("cache_dir", "cache directory: blobs, advice, history; keep it between runs", flag="--cache-dir",
           input="cache-dir", input_default=DEFAULT_CACHE, env="CACHE_DIR"),
    Option("private_patterns", "a pattern with copies in private repositories, published into a public "
           "repository: redact or skip", flag="--private-patterns", input="private-patterns",
           input_default="redact", choices=PRIVATE_MODES),
    Option("template_dir", "directory with your own issue_title.j2 / issue_body.md.j2", flag="--template-dir",
           input="template-dir"),
    Option("max_model_calls", "Claude requests per run at most; the rest use the offline advisor",
           flag="--max-model-calls", input="max-model-calls", input_default="50", parse=int, kind=int, low=0),
    Option("report_path", "JSON report path (default: <cache-dir>/pattern-miner-report.json)", flag="--report"),
    Option("jobs", "worker processes (default: every core)", flag="--jobs", short="-j", parse=int, kind=int, low=1),
    Option("api_url", "GitHub API URL (GitHub Enterprise, a proxy)", env="GITHUB_API_URL"),
    Option("shards", "shard files of a sharded run (`pattern-miner shard`), directories or globs of them: "
           "publish from their merge instead of scanning", flag="--shards", input="shards", parse=_words, many=True),
)
BY_FIELD = {o.field: o for o in OPTIONS}
INPUTS = tuple(o.input for o in OPTIONS if o.input)  # what action.yml declares, in its order


def _boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no", ""):
        return False
    raise ValueError(f"not true or false: {value!r}")


def _name(option: Option, surface: Surface) -> str:
    """How the user spelled the setting on this surface (for error messages)."""
    if surface == "action" and option.input:
        return f"input {option.input}"
    if surface == "cli" and option.flag:
        return option.flag
    if option.env:
        return option.env
    return option.field.replace("_", "-")


def check(settings: Settings, surface: Surface = "cli") -> Settings:
    """The one place values are checked, whatever surface they came from; one line per problem."""
    for option in OPTIONS:
        value = getattr(settings, option.field)
        if value is None:
            continue
        name = _name(option, surface)
        if option.choices and value not in option.choices:
            raise UsageError(f"{name} must be one of {', '.join(option.choices)}, got {value!r}")
        if option.low is not None and option.high is not None and not option.low <= value <= option.high:
            raise UsageError(f"{name} must be between {option.low:g} and {option.high:g}, got {value:g}")
        if option.low is not None and option.high is None and value < option.low:
            raise UsageError(f"{name} must be at least {option.low:g}, got {value:g}")
    if not settings.labels:
        raise UsageError(f"{_name(BY_FIELD['labels'], surface)}: at least one label is needed (the first one "
                         "marks Pattern Miner's issues)")
    if settings.source == "github" and not settings.token:
        raise UsageError("scanning GitHub needs a token (github-token / GITHUB_TOKEN)")
    if not settings.dry_run and not settings.token:
        raise UsageError("publishing issues needs a token (GITHUB_TOKEN)")
    if settings.issue_target == "central" and not settings.issue_repo and not settings.dry_run:
        raise UsageError("no repository to open issues in: set issue-repo (or run inside a workflow)")
    if settings.report_path and Path(settings.report_path).is_dir():
        raise UsageError(f"the report path {settings.report_path} is a directory: give a file name")
    return settings


def _parsed(option: Option, raw: str, surface: Surface) -> Any:
    try:
        return option.parse(raw)
    except ValueError:
        kind = {int: "a whole number", float: "a number"}.get(option.kind, "a valid value")
        if option.parse is BY_FIELD["dry_run"].parse or option.kind is bool:
            kind = "true or false"
        raise UsageError(f"{_name(option, surface)} must be {kind}, got {raw!r}") from None


def _from_env(env: Mapping[str, str], surface: Surface) -> dict[str, Any]:
    """The settings the environment gives (CLI and service)."""
    out: dict[str, Any] = {}
    for option in OPTIONS:
        raw = (env.get(option.env) or "").strip() if option.env else ""
        if raw:
            out[option.field] = _parsed(option, raw, surface)
    return out


# ---- the command line -----------------------------------------------------------------------------


def add_cli_options(parser: argparse.ArgumentParser, names: Sequence[str]) -> None:
    """The flags of the settings ``names`` (Settings fields), spelled and explained as everywhere else."""
    for name in names:
        option = BY_FIELD[name]
        assert option.flag is not None, name
        kwargs: dict[str, Any] = {"dest": option.field, "help": option.help, "default": None}
        if option.choices:
            kwargs["choices"] = option.choices
        elif option.many:
            kwargs["nargs"] = "+"
            kwargs["metavar"] = "FILE"
        elif option.parse is _words:
            kwargs["type"] = _words
        elif option.kind is bool:
            kwargs["type"] = _boolean
        elif option.kind is not str:
            kwargs["type"] = option.kind
        parser.add_argument(*filter(None, (option.flag, option.short)), **kwargs)


def from_cli(args: argparse.Namespace, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from a command's arguments (flags win over the environment's variables)."""
    env = os.environ if env is None else env
    values = _from_env(env, "cli")
    values.pop("dry_run", None)  # the CLI publishes only when asked to, with --publish
    for option in OPTIONS:
        given = getattr(args, option.field, None)
        if given is not None:
            values[option.field] = tuple(given) if option.many else given
    if getattr(args, "local_paths", None):  # which local repositories (commands.scan's two ways)
        values["local_paths"] = tuple(args.local_paths)
    if getattr(args, "local_root", None):
        values["local_root"] = args.local_root
    values.update(overrides)
    return check(replace(Settings(), **values), "cli")


# ---- the Action -----------------------------------------------------------------------------------


def from_action(env: Mapping[str, str]) -> Settings:
    """Settings from the runner's environment: the inputs (INPUT_*, defaults as action.yml declares them)
    and the GITHUB_* variables. Paths are relative to the workspace."""
    values: dict[str, Any] = {}
    for option in OPTIONS:
        if not option.input:
            continue
        raw = env.get(input_key(option.input), "").strip()
        if not raw and not option.input_default.startswith("${{"):
            raw = option.input_default
        if raw:
            values[option.field] = _parsed(option, raw, "action")
    workspace = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())

    def inside(path: str | None) -> str | None:
        return str(path if Path(path).is_absolute() else workspace / path) if path else None

    values["token"] = values.get("token") or env.get("GITHUB_TOKEN") or None
    values["config_path"] = inside(values.get("config_path", DEFAULT_CONFIG))
    values["cache_dir"] = inside(values.get("cache_dir", DEFAULT_CACHE))
    values["template_dir"] = inside(values.get("template_dir"))
    values["shards"] = tuple(str(p if Path(p).is_absolute() else workspace / p) for p in values.get("shards", ()))
    values["report_path"] = str(Path(values["cache_dir"]) / DEFAULT_REPORT)
    values["issue_repo"] = values.get("issue_repo") or env.get("GITHUB_REPOSITORY") or None
    values["api_url"] = env.get("GITHUB_API_URL") or DEFAULT_API_URL
    values["summary_repo"] = env.get("GITHUB_REPOSITORY") or None
    if env.get("GITHUB_RUN_ID"):  # a workflow run, its attempt, and the step (two steps may both run it)
        values["run_id"] = ".".join(filter(None, (env["GITHUB_RUN_ID"], env.get("GITHUB_RUN_ATTEMPT", "1"),
                                                  env.get("GITHUB_ACTION"))))
    return check(replace(Settings(), source="github", **values), "action")


def secrets(settings: Settings) -> tuple[str, ...]:
    """The values no output may show."""
    return tuple(v for o in OPTIONS if o.secret and (v := getattr(settings, o.field)))


# ---- the service ----------------------------------------------------------------------------------


def from_service(env: Mapping[str, str], *, run_id: str | None = None, pattern_type: str | None = None,
                 repos: Sequence[str] | None = None, dry_run: bool | None = None,
                 min_similarity: float | None = None) -> Settings:
    """Settings from the service's environment and one request's fields. With GITHUB_TOKEN it scans
    GitHub and publishes (unless DRY_RUN or the request says dry run); without it, it scans the config's
    ``repositories[].path`` checkouts as a dry run (there is nowhere to publish). A config that cannot be
    loaded is the request's answer, not a run that fails later."""
    from pattern_miner.config import load_config

    values = _from_env(env, "service")
    config_path = values.setdefault("config_path", DEFAULT_CONFIG)
    config = load_config(config_path)
    values.setdefault("dry_run", False)
    request = {"pattern_type": pattern_type, "repos": tuple(repos or ()), "dry_run": dry_run,
               "min_similarity": min_similarity}
    values.update({k: v for k, v in request.items() if v is not None and v != ()})
    if values.get("token"):
        values["source"] = "github"
    else:
        if dry_run is False:
            raise UsageError("publishing needs GITHUB_TOKEN")
        wanted = {r.lower() for r in repos or ()}
        paths = tuple(r.path for r in config.repositories if r.path and (not wanted or r.repo.lower() in wanted))
        if not paths:
            raise UsageError(f"{config_path}: no repositories[].path to scan here"
                             + (" among the requested repos" if wanted else "") + ", and no GITHUB_TOKEN to scan GitHub")
        # local checkouts are named from their own remotes: the paths are the filter already
        values.update(source="local", dry_run=True, local_paths=paths, repos=())
    return check(replace(Settings(), run_id=run_id, **values), "service")


def field_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Settings))
