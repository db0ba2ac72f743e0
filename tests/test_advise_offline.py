"""The offline advisor: specific, deterministic recommendations from realistic copied patterns.

The sample patterns here (a Cloud Run deploy script, a Dockerfile, a workflow job, a Python API client,
a Terraform module) are also used by the other advise tests.
"""
from __future__ import annotations

from typing import Any

import pytest

from pattern_miner.advise import Recommendation, offline_recommendation, sanitize_recommendation
from pattern_miner.advise.offline import family
from pattern_miner.model import Occurrence, Pattern

DEPLOY_A = """#!/bin/bash
set -euo pipefail
PROJECT_ID=${PROJECT_ID:?set PROJECT_ID}
REGION=${REGION:-us-central1}
SERVICE_NAME=vllm-server

gcloud config set project "$PROJECT_ID"
gcloud services enable run.googleapis.com secretmanager.googleapis.com

if ! gcloud secrets describe hf-token >/dev/null 2>&1; then
  echo -n "$HF_TOKEN" | gcloud secrets create hf-token --data-file=-
fi

gcloud builds submit --tag "gcr.io/$PROJECT_ID/$SERVICE_NAME"
gcloud run deploy "$SERVICE_NAME" \\
  --image "gcr.io/$PROJECT_ID/$SERVICE_NAME" \\
  --region "$REGION" \\
  --set-secrets HF_TOKEN=hf-token:latest \\
  --memory 16Gi

URL=$(gcloud run services describe "$SERVICE_NAME" --region "$REGION" --format='value(status.url)')
echo "Deployed to $URL"
"""
DEPLOY_B = DEPLOY_A.replace("vllm-server", "log-attacker").replace("hf-token", "anthropic-key").replace("HF_TOKEN", "ANTHROPIC_API_KEY").replace("--memory 16Gi", "--memory 1Gi")
DEPLOY_C = DEPLOY_A.replace("vllm-server", "log-generator").replace("us-central1", "europe-west1")


def occ(repo, path, text, unit="file", name="", language="bash", private=False):
    return Occurrence(repo=repo, path=path, start_line=1, end_line=text.count("\n") + 1, unit=unit, name=name,
                      language=language, text=text, private=private)


def deploy_pattern(**kw):
    return Pattern(
        id="p-deploy", pattern_type="deployment", kind="file", language="bash", title="Cloud Run deploy script",
        similarity=0.87, confidence="High", score=9.0, lines=24,
        occurrences=(
            occ("patelmm79/vllm-container-ngc", "deploy-gcp-cloudbuild.sh", DEPLOY_A),
            occ("patelmm79/agentic-log-attacker", "deploy-gcp.sh", DEPLOY_B),
            occ("patelmm79/synthetic-log-generator", "deploy.sh", DEPLOY_C),
        ),
        features=("gcloud run deploy", "gcloud builds submit", "gcloud secrets create"),
        content_hash="h-deploy-1", **kw)


DOCKER_A = """FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 1000
EXPOSE 8080
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8080"]
"""
DOCKER_B = DOCKER_A.replace('CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8080"]', 'CMD ["python", "-m", "worker"]')


def docker_pattern():
    return Pattern(
        id="p-docker", pattern_type="docker", kind="file", language="dockerfile", title="Python service Dockerfile",
        similarity=0.92, confidence="High", score=8.0, lines=10,
        occurrences=(occ("acme/api", "Dockerfile", DOCKER_A, language="dockerfile"),
                     occ("acme/worker", "Dockerfile", DOCKER_B, language="dockerfile")),
        content_hash="h-docker")


WORKFLOW_A = """name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    env:
      SERVICE: api
      REGION: us-central1
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: ${{ vars.WIF_PROVIDER }}
          service_account: ${{ secrets.DEPLOY_SA }}
      - uses: google-github-actions/setup-gcloud@v2
      - name: Build
        run: gcloud builds submit --tag gcr.io/${{ vars.GCP_PROJECT }}/$SERVICE
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: ${{ env.SERVICE }}
          region: ${{ env.REGION }}
          image: gcr.io/${{ vars.GCP_PROJECT }}/${{ env.SERVICE }}
"""
WORKFLOW_B = WORKFLOW_A.replace("SERVICE: api", "SERVICE: billing").replace("us-central1", "europe-west4")


def workflow_pattern():
    return Pattern(
        id="p-wf", pattern_type="github_actions", kind="job", language="yaml", title="Cloud Run deploy job",
        similarity=0.95, confidence="High", score=7.0, lines=26,
        occurrences=(occ("acme/api", ".github/workflows/deploy.yml", WORKFLOW_A, unit="job", name="deploy", language="yaml"),
                     occ("acme/billing", ".github/workflows/deploy.yml", WORKFLOW_B, unit="job", name="deploy", language="yaml")),
        features=("uses: actions/checkout@v4", "uses: google-github-actions/deploy-cloudrun@v2"),
        content_hash="h-wf")


CLIENT_A = '''import time
import requests

API = "https://api.stripe.com/v1"


def fetch_with_retry(session, url, params=None, retries=3, backoff=0.5):
    for attempt in range(retries):
        response = session.get(url, params=params, timeout=10)
        if response.status_code < 500:
            response.raise_for_status()
            return response.json()
        time.sleep(backoff * 2 ** attempt)
    response.raise_for_status()
'''
CLIENT_B = CLIENT_A.replace("backoff=0.5", "backoff=1.0").replace("timeout=10", "timeout=30")


def python_pattern(private=False):
    return Pattern(
        id="p-py", pattern_type="api_client", kind="function", language="python", title="fetch_with_retry",
        similarity=0.9, confidence="Medium", score=6.0, lines=10,
        occurrences=(occ("acme/payments", "payments/http.py", CLIENT_A, unit="function", name="fetch_with_retry", language="python"),
                     occ("acme/invoices", "invoices/client.py", CLIENT_B, unit="function", name="fetch_with_retry", language="python", private=private)),
        features=("fetch_with_retry", "session.get"),
        content_hash="h-py")


TF_A = '''resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "us-central1"
  project  = var.project_id
  ingress  = "INGRESS_TRAFFIC_ALL"

  template {
    containers {
      image = var.image
    }
  }
}

variable "project_id" {
  type = string
}

variable "image" {
  type = string
}

output "url" {
  value = google_cloud_run_v2_service.api.uri
}
'''
TF_B = TF_A.replace('name     = "api"', 'name     = "billing"').replace("us-central1", "europe-west4")


def terraform_pattern():
    return Pattern(
        id="p-tf", pattern_type="terraform", kind="file", language="hcl", title="Cloud Run service module",
        similarity=0.88, confidence="High", score=5.0, lines=24,
        occurrences=(occ("acme/api-infra", "infra/main.tf", TF_A, language="hcl"),
                     occ("acme/billing-infra", "terraform/main.tf", TF_B, language="hcl")),
        features=("google_cloud_run_v2_service",),
        content_hash="h-tf")


def all_samples() -> list[Pattern]:
    return [deploy_pattern(), docker_pattern(), workflow_pattern(), python_pattern(), terraform_pattern()]


# --- tests ------------------------------------------------------------------------------------


def test_cloud_run_deploy_scripts_get_a_sourced_bash_library() -> None:
    rec = offline_recommendation(deploy_pattern())
    assert rec.source == "offline" and rec.model is None
    assert rec.library_name == "cloud-run-deploy"
    assert rec.usage_language == "bash"
    assert 'source "$(dirname "$0")/vendor/cloud-run-deploy/cloud-run-deploy.sh"' in rec.usage
    assert "cloud_run_deploy" in rec.usage and '--region "$REGION"' in rec.usage
    assert "HF_TOKEN" not in rec.usage  # secrets are passed by name, never as values
    assert '--url "$URL"' not in rec.usage  # computed by the script, not an input
    names = [c.name for c in rec.components]
    assert "Cloud Run deployment" in names and "Secret Manager setup" in names
    assert all(c.occurrences == [0, 1, 2] for c in rec.components)
    assert "patelmm79/shared-workflows/.github/workflows/cloud-run-deploy.yml@v1" in " ".join(rec.migration_steps)
    assert "3 copies" in rec.summary and "gcloud run deploy" in rec.summary


def test_dockerfiles_get_a_shared_base_image_keeping_service_specific_lines() -> None:
    rec = offline_recommendation(docker_pattern())
    assert rec.library_name == "python-base-image"
    assert rec.usage_language == "dockerfile"
    lines = rec.usage.splitlines()
    assert "FROM ghcr.io/acme/python-base-image:1" in lines
    assert any(line.startswith("CMD") for line in lines)  # differs per service: stays
    assert not any(line.startswith("RUN pip install") for line in lines)  # shared: moves to the base image
    assert {"Base image", "OS packages", "Dependency installation"} <= {c.name for c in rec.components}


def test_workflow_jobs_get_a_reusable_workflow_call() -> None:
    rec = offline_recommendation(workflow_pattern())
    assert rec.library_name == "cloud-run-deploy-workflow"
    assert rec.usage_language == "yaml"
    assert "uses: acme/shared-workflows/.github/workflows/cloud-run-deploy.yml@v1" in rec.usage
    assert "secrets: inherit" in rec.usage
    assert "Cloud Run deployment" in {c.name for c in rec.components}
    assert "google-github-actions/deploy-cloudrun" in rec.summary


def test_workflow_steps_get_a_composite_action() -> None:
    base = workflow_pattern()
    steps = Pattern(**{**base.__dict__, "kind": "step", "occurrences": tuple(
        Occurrence(**{**o.__dict__, "unit": "step"}) for o in base.occurrences)})
    rec = offline_recommendation(steps)
    assert rec.library_name.endswith("-action")
    assert "uses: acme/shared-actions/cloud-run-deploy@v1" in rec.usage


def test_python_code_gets_a_package_and_a_call_with_required_parameters() -> None:
    rec = offline_recommendation(python_pattern())
    assert rec.library_name == "stripe-client"  # an API client named after the service it calls
    assert rec.usage_language == "python"
    assert "from stripe_client import fetch_with_retry" in rec.usage
    assert "fetch_with_retry(session, url)" in rec.usage  # optional parameters left out
    assert [c.name for c in rec.components] == ["`fetch_with_retry()`"]


def test_plain_functions_are_named_after_the_function() -> None:
    base = python_pattern()
    plain = Pattern(**{**base.__dict__, "pattern_type": "code", "occurrences": tuple(
        Occurrence(**{**o.__dict__, "text": o.text.replace("https://api.stripe.com/v1", "")})
        for o in base.occurrences)})
    rec = offline_recommendation(plain)
    assert rec.library_name == "fetch-with-retry"
    assert "from fetch_with_retry import fetch_with_retry" in rec.usage


def test_javascript_and_go_usage_follow_their_ecosystems() -> None:
    js = "export async function loadConfig(path, env = 'prod') {\n  return JSON.parse(await read(path));\n}\n"
    go = "func LoadConfig(path string) (*Config, error) {\n\treturn parse(path)\n}\n"
    for language, text, expect in (
        ("javascript", js, ['import { loadConfig } from "load-config";', "await loadConfig(path)"]),
        ("go", go, ['import loadconfig "github.com/acme/load-config"', "result, err := loadconfig.LoadConfig(path)"]),
    ):
        pattern = Pattern(
            id=f"p-{language}", pattern_type="configuration", kind="function", language=language,
            title="loadConfig", similarity=0.97, confidence="High", score=1.0, lines=3,
            occurrences=(occ("acme/a", "src/config.x", text, "function", "loadConfig", language),
                         occ("acme/b", "lib/config.x", text, "function", "loadConfig", language)))
        rec = offline_recommendation(pattern)
        assert rec.library_name == "load-config"
        assert rec.usage_language == language
        for fragment in expect:
            assert fragment in rec.usage


def test_terraform_gets_a_module_with_the_differing_arguments_as_inputs() -> None:
    rec = offline_recommendation(terraform_pattern())
    assert rec.library_name == "terraform-google-cloud-run-service"  # the API version (v2) left out
    assert rec.usage_language == "hcl"
    assert 'source = "github.com/acme/terraform-google-cloud-run-service?ref=v1.0.0"' in rec.usage
    assert "name     = " in rec.usage and "location = " in rec.usage
    assert "ingress" not in rec.usage  # the same in every copy: a default inside the module
    assert any("moved" in step for step in rec.migration_steps)
    assert any("destroy and recreate" in risk for risk in rec.risks)


def test_yaml_configuration_gets_a_template() -> None:
    a = "steps:\n  - name: gcr.io/cloud-builders/docker\ntimeout: 1200s\nservice: api\n"
    b = a.replace("service: api", "service: billing")
    pattern = Pattern(
        id="p-cfg", pattern_type="configuration", kind="file", language="yaml", title="cloudbuild",
        similarity=0.9, confidence="Medium", score=1.0, lines=4,
        occurrences=(occ("acme/a", "cloudbuild.yaml", a, language="yaml"), occ("acme/b", "cloudbuild.yaml", b, language="yaml")))
    rec = offline_recommendation(pattern)
    assert rec.library_name == "cloudbuild-config"
    assert "service: api" in rec.usage and "timeout" not in rec.usage


@pytest.mark.parametrize("factory", [deploy_pattern, docker_pattern, workflow_pattern, python_pattern, terraform_pattern])
def test_offline_recommendations_are_deterministic_valid_and_safe(factory: Any) -> None:
    first, second = offline_recommendation(factory()), offline_recommendation(factory())
    assert first == second
    again = Recommendation.model_validate(first.to_dict(), context={"occurrences": len(factory().occurrences)})
    assert again == first
    assert sanitize_recommendation(first).to_dict()["library_name"] == first.library_name
    assert 1 <= len(first.components) <= 8 and first.migration_steps and first.risks


def test_time_savings_grow_with_the_size_of_the_copies() -> None:
    small = offline_recommendation(Pattern(**{**deploy_pattern().__dict__, "lines": 10}))
    large = offline_recommendation(Pattern(**{**deploy_pattern().__dict__, "lines": 200}))
    assert small.time_savings.minutes_per_use < large.time_savings.minutes_per_use <= 240
    assert "200 lines" in large.time_savings.reasoning


def test_private_copies_and_diverged_copies_are_named_as_risks() -> None:
    rec = offline_recommendation(Pattern(**{**python_pattern(private=True).__dict__, "similarity": 0.8}))
    assert "private repositories" in " ".join(rec.risks)
    assert rec.risks[0].startswith("The copies have diverged (80% similar)")


def test_copies_without_text_still_get_a_valid_recommendation() -> None:
    pattern = Pattern(
        id="p-empty", pattern_type="code", kind="file", language="python", title="x", similarity=1.0,
        confidence="High", score=1.0, lines=0,
        occurrences=(occ("acme/a", "src/helpers.py", "", language="python"), occ("acme/b", "src/helpers.py", "", language="python")))
    rec = offline_recommendation(pattern)
    assert rec.library_name == "src-helpers"
    assert rec.components and rec.components[0].occurrences == [0, 1]


def test_family_follows_language_type_and_path() -> None:
    assert family(deploy_pattern()) == "shell"
    assert family(docker_pattern()) == "docker"
    assert family(workflow_pattern()) == "workflow"
    assert family(terraform_pattern()) == "terraform"
    assert family(python_pattern()) == "code"


def test_whole_workflow_files_call_the_reusable_workflow_from_their_first_job() -> None:
    base = workflow_pattern()
    files = Pattern(**{**base.__dict__, "kind": "file", "occurrences": tuple(
        Occurrence(**{**o.__dict__, "unit": "file", "name": ""}) for o in base.occurrences)})
    rec = offline_recommendation(files)
    assert rec.usage.startswith("jobs:\n  deploy:\n    uses: acme/shared-workflows/.github/workflows/cloud-run-deploy.yml@v1")


RENAMED_CLIENT = '''import requests


class {name}Error(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class {name}Client:
    def __init__(self, base_url, token, timeout=10):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {{token}}"
        self.timeout = timeout

    def get(self, path, **params):
        response = self.session.get(f"{{self.base_url}}/{{path}}", params=params, timeout=self.timeout)
        if response.status_code >= 400:
            raise {name}Error(response.status_code, response.text)
        return response.json()
'''


def renamed_client_pattern(kind: str = "file", extra: str = "") -> Pattern:
    texts = [extra + RENAMED_CLIENT.format(name=name) for name in ("Ledger", "Payments", "Warehouse")]
    paths = ["worker/ledger_client.py", "app/payments_client.py", "inventory/warehouse_client.py"]
    return Pattern(
        id="p-renamed", pattern_type="api_client", kind=kind, language="python", title="ledger_client.py",
        similarity=0.9, confidence="High", score=8.0, lines=22,
        occurrences=tuple(occ(f"acme/r{i}", path, text, unit=kind, name="" if kind == "file" else "get",
                              language="python") for i, (path, text) in enumerate(zip(paths, texts, strict=True))),
        features=("get",), content_hash="h-renamed")


def test_a_file_that_is_one_class_renamed_in_each_copy_is_named_after_that_class() -> None:
    rec = offline_recommendation(renamed_client_pattern())
    # not after its most shared method (`get`, which made "get-client"): after the class, renamed in each copy
    assert rec.library_name == "api-client"
    assert "from api_client import ApiClient" in rec.usage
    assert "api_client = ApiClient(base_url, token)" in rec.usage  # the client class's __init__, not the error's
    assert "`LedgerClient` (`PaymentsClient`, `WarehouseClient` in the other copies)" in rec.summary


def test_a_renamed_client_class_of_a_known_service_is_named_after_the_service() -> None:
    rec = offline_recommendation(renamed_client_pattern(extra='BASE = "https://api.stripe.com/v1"\n'))
    assert rec.library_name == "stripe-client"
    assert "from stripe_client import StripeClient" in rec.usage
    assert "stripe_client = StripeClient(base_url, token)" in rec.usage  # not the shared method `get`


def test_which_classes_line_up_as_one_renamed_class() -> None:
    from pattern_miner.advise.recipes.code import renamed_class

    assert renamed_class([["LedgerError", "LedgerClient"], ["PaymentsError", "PaymentsClient"]]) == (
        ["LedgerClient", "PaymentsClient"], ["client"])
    assert renamed_class([["LedgerClient"], ["PaymentsClient", "Extra"]]) is None  # not one class a copy
    assert renamed_class([["Ledger"], ["Payments"]]) is None  # nothing in common: no name to give
    assert renamed_class([["FooError"], ["BarError"]]) is None  # an exception class names no library


TF_SERVICE = '''resource "google_service_account" "runtime" {
  account_id = "svc-runtime"
}

resource "google_cloud_run_v2_service" "service" {
  name     = var.name
  location = var.region
  template {
    service_account = google_service_account.runtime.email
    containers {
      image = var.image
      resources {
        limits = { cpu = var.cpu, memory = var.memory }
      }
    }
  }
}

resource "google_cloud_run_v2_service_iam_member" "public" {
  name   = google_cloud_run_v2_service.service.name
  role   = "roles/run.invoker"
  member = "allUsers"
}
'''
TF_VARS = 'variable "name" {\n  type = string\n}\n\nvariable "image" {\n  type = string\n}\n'


def test_a_terraform_region_is_named_after_its_main_resource_and_counted_per_repository() -> None:
    occs = tuple(occ(repo, f"{folder}/{name}", text, language="hcl")
                 for repo, folder in (("acme/api", "terraform/cloud_run"), ("acme/ops", "modules/cloud-run-service"))
                 for name, text in (("main.tf", TF_SERVICE), ("variables.tf", TF_VARS)))
    region = Pattern(id="region-1", pattern_type="terraform", kind="region", language="hcl",
                     title="Large edited copy", similarity=0.85, confidence="Medium", score=5.0, lines=30,
                     occurrences=occs, content_hash="h-region")
    rec = offline_recommendation(region)
    # the largest resource names the module (not the service account declared first), API version left out
    assert rec.library_name == "terraform-google-cloud-run-service"
    # two repositories, each with two files: no "4 copies ... lines each"
    # two repositories, each with two files: no "4 copies ... lines each"; the lines a repository holds
    per_repo = TF_SERVICE.count("\n") + 1 + TF_VARS.count("\n") + 1
    assert rec.summary.startswith("2 repositories share Terraform defining `google_cloud_run_v2_service`: "
                                  f"4 copied files and units, 85% similar, ~{per_repo} lines in each repository."), \
        rec.summary
    assert f"copies ~{per_repo} lines of Terraform from one of the 2 repositories" in rec.time_savings.reasoning


def test_a_function_copied_twice_into_one_repository_counts_that_repository_s_lines() -> None:
    base = python_pattern()
    a, b = base.occurrences
    third = Occurrence(**{**a.__dict__, "path": "payments/legacy_http.py"})
    rec = offline_recommendation(Pattern(**{**base.__dict__, "occurrences": (a, third, b)}))
    per_copy = a.lines
    # acme/payments holds two copies, acme/invoices one: 1.5 copies' lines a repository, not lines / (repos - 1)
    assert f"~{round(per_copy * 1.5)} lines in each repository" in rec.summary, rec.summary


def test_many_small_blocks_of_one_type_do_not_name_the_module() -> None:
    iam = "".join(f'resource "google_project_iam_member" "m{i}" {{\n  project = var.project\n  role = "r{i}"\n'
                  f'  member = "user:{i}"\n}}\n\n' for i in range(6))
    moved = "".join(f"moved {{\n  from = a.b{i}\n  to   = a.c{i}\n}}\n\n" for i in range(6))
    text = TF_SERVICE + "\n" + iam + 'resource "google_storage_bucket" "b" {\n  name = "x"\n}\n\n' + moved
    pattern = Pattern(id="p", pattern_type="terraform", kind="file", language="hcl", title="t", similarity=0.9,
                      confidence="High", score=1.0, lines=text.count("\n"),
                      occurrences=(occ("acme/a", "main.tf", text, language="hcl"),
                                   occ("acme/b", "main.tf", text, language="hcl")), content_hash="h")
    assert offline_recommendation(pattern).library_name == "terraform-google-cloud-run-service"


def test_a_class_without_its_own_init_takes_no_other_class_s_parameters() -> None:
    text = ("import requests\n\n\nclass {name}Client:\n    session = requests.Session()\n\n"
            "    def get(self, path):\n        return self.session.get(path).json()\n\n\n"
            "class {name}Error(Exception):\n    def __init__(self, status, message):\n"
            "        super().__init__(message)\n")
    texts = [text.format(name=n) for n in ("Ledger", "Payments")]
    pattern = Pattern(id="p", pattern_type="api_client", kind="file", language="python", title="t",
                      similarity=0.9, confidence="High", score=1.0, lines=13,
                      occurrences=tuple(occ(f"acme/r{i}", f"c{i}.py", t, language="python")
                                        for i, t in enumerate(texts)), content_hash="h")
    rec = offline_recommendation(pattern)
    assert "api_client = ApiClient()" in rec.usage  # not the error class's (status, message)
