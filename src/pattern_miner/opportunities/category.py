"""What copied code does (``model.CATEGORIES``), from its content and where it lives: rules as data.

The pattern types are the config's scanning scopes (which files, which thresholds); the category is what
the copy is: a ``scripts/health-check.sh`` that curls an endpoint is not a deployment script, and a workflow
that runs ``gcloud run deploy`` is a CI workflow. The first rule that matches decides; ``code`` is the rest.
A rule matches a copy's path (``paths``, gitignore-style globs), its language, or its content: the pattern's
salient phrases and the text of one copy, searched with ``content`` regular expressions (``hits`` of them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from pattern_miner.globs import GlobSet
from pattern_miner.model import CATEGORIES, Pattern

TEXT_CHARS = 20_000  # of one copy's text searched: enough for any script, bounded for huge files


@dataclass(frozen=True)
class Rule:
    category: str
    paths: tuple[str, ...] = ()  # any copy's path matches one of these
    languages: tuple[str, ...] = ()  # or the pattern's language is one of these
    content: tuple[str, ...] = ()  # or at least ``hits`` of these regular expressions occur in its content
    hits: int = 1
    needs: str = ""  # and this one too (when given)

    @cached_property
    def globs(self) -> GlobSet:
        return GlobSet(self.paths)

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(c) for c in self.content)


RULES: tuple[Rule, ...] = (
    Rule("ci_workflow", paths=(".github/workflows/*.{yml,yaml}", ".github/actions/**", ".gitlab-ci.yml",
                               ".circleci/**", "Jenkinsfile", "azure-pipelines*.yml", ".buildkite/**")),
    Rule("container", paths=("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile",
                             "docker-compose*.{yml,yaml}", "compose*.{yml,yaml}", ".devcontainer/**",
                             ".dockerignore"),
         languages=("dockerfile",)),
    # a deployment does something to an environment: pushes an image, rolls out a service, applies a plan
    Rule("deployment", paths=("cloudbuild*.{yml,yaml}", "skaffold*.{yml,yaml}", "clouddeploy*.{yml,yaml}",
                              "app.yaml", "app.*.yaml", "k8s/**/*.{yml,yaml}", "kubernetes/**/*.{yml,yaml}",
                              "helm/**", "charts/**"),
         content=(r"\bgcloud\s+(?:beta\s+)?(?:run|app|functions|builds|deploy)\s+(?:deploy|submit|services\s+update)\b",
                  r"\bkubectl\s+(?:apply|rollout|set\s+image|create|replace)\b", r"\bdocker\s+push\b",
                  r"\bterraform\s+apply\b", r"\bhelm\s+(?:upgrade|install)\b", r"\baws\s+(?:ecs|lambda|deploy|cloudformation)\b",
                  r"\b(?:firebase|serverless|sls|fly|vercel|netlify)\s+deploy\b", r"\bgcloud\s+compute\s+(?:scp|ssh)\b",
                  r"\bskaffold\s+(?:run|deploy)\b", r"\bargocd\s+app\s+sync\b")),
    Rule("infrastructure", paths=("*.tf", "*.tfvars", "*.tf.json", "*.hcl", "cdk.json", "Pulumi*.yaml"),
         languages=("hcl",)),
    # an API client talks HTTP to a service (``needs``), with auth headers, retries, pages or status checks
    Rule("api_client", needs=r"\brequests\.(?:get|post|put|patch|delete|request|Session)\b|\bhttpx\.|\baiohttp\.|"
                             r"\baxios\b|\bfetch(?:\.json)?\(|\burllib\.request\b|\bhttp\.(?:Get|Post|NewRequest|Client)\b|"
                             r"\bsession\.(?:get|post|request)\b",
         content=(r"\bAuthorization\b|\bBearer\b|\b[Aa]pi[_-]?[Kk]ey\b|\btoken\b", r"\bretr(?:y|ies)\b|\bbackoff\b",
                  r"\b(?:next_page|page_token|nextPageToken|per_page|cursor)\b",
                  r"\bstatus_code\b|\braise_for_status\b|\.status\b|\bresponse\.ok\b",
                  r"\bbase_url\b|\bbaseURL\b|\bendpoint\b|\btimeout\b"), hits=1),
    # configuration: settings read from the environment or files, secrets, feature flags; reading one variable
    # (``which`` reads PATH) is not enough: two kinds of sign, or a settings module by its name
    Rule("configuration", paths=("settings.py", "*_settings.py", "config.py", "*_config.py", "config.{js,ts,mjs}",
                                 "*.config.{js,ts,mjs}", "settings.{js,ts}", "config.go", ".env.example",
                                 "*.env.example", ".env.sample"),
         content=(r"\bos\.environ\b|\bos\.getenv\b|\bprocess\.env\b|\bos\.Getenv\b|\bSystem\.getenv\b",
                  r"\bdotenv\b", r"\bBaseSettings\b|\bpydantic_settings\b", r"\bconfigparser\b|\bConfigParser\b",
                  r"[Ff]eature[_ ]?[Ff]lag", r"\bsecretmanager\b|\bget_secret\b|\bSecrets?Manager\b", r"\bviper\.",
                  r"\byaml\.safe_load\b|\btomllib\b|\btoml\.load",
                  r"\b[A-Z][A-Z0-9]*_(?:URL|HOST|PORT|TOKEN|KEY|SECRET|ENV|REGION|PROJECT|LEVEL|TIMEOUT)\b"), hits=2),
)


def content_of(pattern: Pattern) -> str:
    """What a pattern's content rules read: its salient phrases and one copy's text (bounded)."""
    text = pattern.occurrences[0].text[:TEXT_CHARS] if pattern.occurrences else ""
    return "\n".join(pattern.features) + "\n" + text


def categorize(pattern: Pattern, rules: Iterable[Rule] = RULES) -> str:
    """The category of one clone group: the first rule that matches it, else ``code``."""
    paths = [o.path for o in pattern.occurrences]
    content: str | None = None
    for rule in rules:
        if rule.paths and any(rule.globs.match(p) for p in paths):
            return rule.category
        if pattern.language in rule.languages:
            return rule.category
        if rule.content:
            content = content_of(pattern) if content is None else content
            if rule.needs and not re.search(rule.needs, content):
                continue
            if sum(1 for r in rule.patterns if r.search(content)) >= rule.hits:
                return rule.category
    return "code"


def dominant(categories: Iterable[tuple[str, float]]) -> str:
    """The category of a group of patterns: the one with most duplicated lines (ties: the earlier in
    ``CATEGORIES``, the more specific)."""
    weight: dict[str, float] = {}
    for category, lines in categories:
        weight[category] = weight.get(category, 0.0) + lines
    if not weight:
        return "code"
    return max(weight, key=lambda c: (weight[c], -CATEGORIES.index(c)))
