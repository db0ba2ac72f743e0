"""What the offline advisor reads from copies: commands, functions, actions, blocks, shared units."""

from __future__ import annotations

import pattern_miner.advise as advise_pkg
from pattern_miner.advise import signals
from pattern_miner.advise.naming import package_name, path_stem


def test_cli_invocations_are_found_in_scripts_dockerfiles_and_workflows() -> None:
    text = (
        'URL=$(gcloud run services describe "$S" --format=x)\n'
        "gcloud run deploy \\\n  my-service --region x\n"
        "# gcloud commented out\n"
        "RUN pip install -r requirements.txt && npm ci\n"
        "      - run: docker build -t app .\n"
        "if ! gcloud secrets describe key; then echo; fi\n"
    )
    assert signals.commands(text) == [
        "gcloud run services", "gcloud run deploy", "pip install", "npm ci", "docker build", "gcloud secrets describe",
    ]


def test_functions_and_parameters_per_language() -> None:
    assert signals.functions("def get(session, url, retries=3, *args):\n", "python") == [("get", ["session", "url"], False)]
    assert signals.functions("export async function load(path, opts = {}) {}", "javascript") == [("load", ["path"], True)]
    assert signals.functions("const f = async (a: string, b?: number) => a", "typescript")[0][:2] == ("f", ["a"])
    assert signals.functions("func (c *Client) Get(ctx context.Context, id string) error {", "go") == [
        ("Get", ["ctx", "id"], False)]
    assert [f for f, _, _ in signals.functions("deploy() {\n}\nfunction build {\n}\n", "bash")] == ["deploy", "build"]


def test_workflow_signals() -> None:
    text = ("jobs:\n  build:\n    steps:\n      - uses: actions/checkout@v4\n      - name: Deploy\n"
            "        uses: google-github-actions/deploy-cloudrun@v2\n        with:\n"
            "          project: ${{ vars.GCP_PROJECT }}\n          key: ${{ secrets.SA_KEY }}\n  test:\n    steps: []\n")
    assert signals.actions(text) == ["actions/checkout", "google-github-actions/deploy-cloudrun"]
    assert signals.workflow_jobs(text) == ["build", "test"]
    assert signals.step_names(text) == ["Deploy"]
    assert signals.expressions(text, "secrets") == ["SA_KEY"]
    assert signals.expressions(text, "vars") == ["GCP_PROJECT"]


def test_dockerfile_and_terraform_signals() -> None:
    assert signals.base_images("FROM --platform=linux/amd64 python:3.11 AS build\nFROM $BASE\n") == ["python:3.11"]
    assert signals.dockerfile_lines("RUN apt-get update \\\n    && apt-get install -y curl\n# c\n") == [
        "RUN apt-get update && apt-get install -y curl"]
    tf = 'resource "google_storage_bucket" "b" {\n  name = "x"\n  location = "EU"\n}\nvariable "name" {}\n'
    assert signals.terraform_blocks(tf) == [("resource", "google_storage_bucket", "b"), ("variable", "name", "")]
    assert signals.terraform_attributes(tf) == {"name": '"x"', "location": '"EU"'}


def test_shared_units_with_their_copies() -> None:
    per_copy = [["a", "b", "a"], ["b", "c"], ["b", "a"]]
    assert signals.shared(per_copy) == [("b", [0, 1, 2])]
    assert signals.shared(per_copy, minimum=0.5) == [("b", [0, 1, 2]), ("a", [0, 2])]
    assert signals.shared([["x"]]) == [("x", [0])]


def test_service_names_and_variables() -> None:
    assert signals.service_names('URL = "https://api.stripe.com/v1/charges"; x = "https://hooks.slack.com/x"') == [
        "stripe", "slack"]
    assert signals.shell_variables('echo "$HOME ${PROJECT_ID} $REGION $x"') == ["PROJECT_ID", "REGION"]


def test_package_names_are_always_valid() -> None:
    assert package_name("fetchWithRetry") == "fetch-with-retry"
    assert package_name("GitHubAPIClient") == "git-hub-api-client"
    assert package_name("terraform", "google", "cloud_run_v2_service") == "terraform-google-cloud-run-v2-service"
    assert package_name("2fa", "helper") == "helper"
    assert package_name("!!!") == "shared-library"
    assert len(package_name("word" * 40)) <= 64
    assert path_stem(["svc/utils.py", "api/utils.py", "api/utils.py"]) == "api-utils"


def test_the_public_api() -> None:
    assert set(advise_pkg.__all__) == {
        "DEFAULT_MODEL", "PROMPT_VERSION", "AdviceResult", "AdviceSettings", "Component", "ModelUsage",
        "Recommendation", "TimeSavings", "advise", "offline_recommendation", "sanitize_recommendation",
    }
    assert all(hasattr(advise_pkg, name) for name in advise_pkg.__all__)
