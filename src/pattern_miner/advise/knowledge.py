"""What the offline advisor knows about common tools, as data.

``COMMANDS``: a CLI invocation prefix -> (library name it suggests or "", component name, description).
The first entry whose prefix starts an invocation wins, so longer prefixes come first.
``ACTIONS``: a ``uses:`` action prefix -> (name it suggests, component name, description).
``BASE_IMAGES``: an image repository's last path element -> the short name used in a library name.
"""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("gcloud run deploy", "cloud-run-deploy", "Cloud Run deployment",
     "Deploys the service with `gcloud run deploy` and the flags every copy passes (image, region, "
     "service account, environment and secrets)."),
    ("gcloud run services", "", "Service status and URL",
     "Reads the deployed service back (`gcloud run services ...`) and prints its URL."),
    ("gcloud functions deploy", "cloud-functions-deploy", "Cloud Functions deployment",
     "Deploys the function with `gcloud functions deploy` and the shared runtime flags."),
    ("gcloud app deploy", "app-engine-deploy", "App Engine deployment",
     "Deploys with `gcloud app deploy` using the shared app.yaml conventions."),
    ("gcloud builds submit", "cloud-build-image", "Image build with Cloud Build",
     "Builds and pushes the container image with `gcloud builds submit`."),
    ("gcloud secrets", "", "Secret Manager setup",
     "Checks that each required secret exists, creates it if missing and adds versions (`gcloud secrets ...`)."),
    ("gcloud services enable", "", "API enablement",
     "Enables the Google Cloud APIs the service needs (`gcloud services enable`)."),
    ("gcloud artifacts", "", "Artifact Registry setup",
     "Creates or configures the Artifact Registry repository (`gcloud artifacts ...`)."),
    ("gcloud projects", "", "IAM bindings",
     "Grants the service account its roles (`gcloud projects add-iam-policy-binding`)."),
    ("gcloud iam", "", "Service account setup",
     "Creates and configures the service account (`gcloud iam ...`)."),
    ("gcloud config", "", "Project and region selection",
     "Selects the project and region (`gcloud config set`) from the script's variables."),
    ("gcloud auth", "", "Authentication",
     "Authenticates the CLI or Docker against Google Cloud (`gcloud auth ...`)."),
    ("gsutil", "", "Cloud Storage transfer", "Copies or syncs artifacts with Cloud Storage (`gsutil`)."),
    ("kubectl apply", "kubernetes-deploy", "Kubernetes apply", "Applies the manifests with `kubectl apply`."),
    ("kubectl rollout", "", "Rollout check", "Waits for the rollout to finish (`kubectl rollout status`)."),
    ("helm upgrade", "helm-deploy", "Helm release", "Installs or upgrades the release with `helm upgrade --install`."),
    ("aws ecs", "ecs-deploy", "ECS deployment", "Updates the ECS service (`aws ecs ...`)."),
    ("aws lambda", "lambda-deploy", "Lambda deployment", "Publishes the function code (`aws lambda ...`)."),
    ("aws s3", "s3-deploy", "S3 upload", "Uploads or syncs the build output to S3 (`aws s3 ...`)."),
    ("aws ecr", "", "ECR login", "Logs in to ECR and prepares the image repository (`aws ecr ...`)."),
    ("az webapp", "azure-webapp-deploy", "Azure Web App deployment", "Deploys the web app (`az webapp ...`)."),
    ("firebase deploy", "firebase-deploy", "Firebase deployment", "Deploys with `firebase deploy`."),
    ("docker build", "docker-build-push", "Image build", "Builds the container image with the shared tags and build args."),
    ("docker push", "docker-build-push", "Image push", "Pushes the tagged image to the registry."),
    ("docker tag", "", "Image tagging", "Tags the image with the commit and release tags."),
    ("docker login", "", "Registry login", "Logs in to the container registry."),
    ("terraform apply", "terraform-apply", "Terraform apply", "Plans and applies the infrastructure."),
    ("skaffold", "skaffold-deploy", "Skaffold deployment", "Builds and deploys with Skaffold."),
)

ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("google-github-actions/deploy-cloudrun", "cloud-run-deploy", "Cloud Run deployment",
     "Deploys to Cloud Run with `google-github-actions/deploy-cloudrun`."),
    ("google-github-actions/auth", "", "Google Cloud authentication",
     "Authenticates to Google Cloud (`google-github-actions/auth`, ideally with workload identity federation)."),
    ("google-github-actions/setup-gcloud", "", "gcloud setup", "Installs and configures the gcloud CLI."),
    ("aws-actions/configure-aws-credentials", "", "AWS authentication", "Configures AWS credentials for the job."),
    ("aws-actions/amazon-ecs-deploy-task-definition", "ecs-deploy", "ECS deployment",
     "Deploys the ECS task definition."),
    ("docker/build-push-action", "docker-publish", "Image build and push",
     "Builds and pushes the image with `docker/build-push-action`."),
    ("docker/login-action", "", "Registry login", "Logs in to the container registry."),
    ("docker/setup-buildx-action", "", "Buildx setup", "Sets up Docker Buildx."),
    ("hashicorp/setup-terraform", "terraform-ci", "Terraform setup", "Installs Terraform for plan/apply."),
    ("actions/setup-python", "python-ci", "Python setup", "Installs Python (and caches pip)."),
    ("actions/setup-node", "node-ci", "Node.js setup", "Installs Node.js (and caches npm)."),
    ("actions/setup-go", "go-ci", "Go setup", "Installs Go (and caches modules)."),
    ("actions/setup-java", "java-ci", "Java setup", "Installs the JDK."),
    ("actions/checkout", "", "Checkout", "Checks out the repository."),
    ("actions/cache", "", "Dependency cache", "Caches dependencies between runs."),
    ("actions/upload-artifact", "", "Artifact upload", "Uploads build artifacts."),
    ("actions/download-artifact", "", "Artifact download", "Downloads build artifacts."),
)

BASE_IMAGES = {
    "python": "python", "node": "node", "golang": "go", "openjdk": "java", "eclipse-temurin": "java",
    "ruby": "ruby", "nginx": "nginx", "alpine": "alpine", "ubuntu": "ubuntu", "debian": "debian",
    "pytorch": "pytorch", "tensorflow": "tensorflow", "cuda": "cuda", "distroless": "distroless",
}

# Unit names too generic to name a library after.
GENERIC_NAMES = {
    "main", "run", "handler", "handle", "index", "init", "__init__", "setup", "utils", "util", "helpers",
    "helper", "common", "lib", "app", "script", "deploy", "build", "test", "tests", "config", "default",
}


def lookup(table: tuple[tuple[str, str, str, str], ...], value: str) -> tuple[str, str, str, str] | None:
    for entry in table:
        if value == entry[0] or value.startswith(entry[0] + " ") or value.startswith(entry[0] + "/"):
            return entry
    return None
