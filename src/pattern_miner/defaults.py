"""What is scanned when the config does not say: the built-in pattern types (which files each covers, how
similar copies must be, how urgent extracting them is) and what is never scanned.

Every text format Pattern Miner reads is covered by some type: the grammars' languages (``languages``) and
the text formats below them (``languages.formats``: dotenv, INI, properties, batch, templates, prose).
``config`` reads these tables; a config file's entries override them field by field.
"""

from __future__ import annotations

from typing import Any

PRIORITIES = ("high", "medium", "low")

# Built-in pattern types, in priority order (``code`` is always last). A config file's entry of the
# same name overrides one field at a time.
BUILTIN_TYPES: dict[str, dict[str, Any]] = {
    "deployment": {
        "description": "Deployment scripts and manifests (Cloud Build, Cloud Run, App Engine, Skaffold, k8s)",
        "file_patterns": (
            "deploy*.sh", "*deploy*.sh", "rollout*.sh", "release*.sh", "promote*.sh", "setup-gcp*.sh",
            "deploy/**/*.sh", "deployment/**/*.sh", "scripts/*.sh", "bin/deploy*",
            "deploy*.{ps1,bat,cmd}", "*deploy*.ps1", "startup*.sh.tpl", "*startup*.tpl",
            "cloudbuild*.yaml", "cloudbuild*.yml", "app.yaml", "app.*.yaml", "skaffold*.yaml", "skaffold*.yml",
            "service.yaml", "service.*.yaml", "*cloudrun*.yaml", "*cloud-run*.yaml", "clouddeploy*.yaml",
            "k8s/**/*.{yaml,yml}", "kubernetes/**/*.{yaml,yml}",
        ),
        "similarity_threshold": 0.75,
        "extraction_priority": "high",
    },
    "docker": {
        "description": "Dockerfiles, compose files and .dockerignore",
        "file_patterns": (
            "Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile",
            "docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml", ".dockerignore",
        ),
        "similarity_threshold": 0.75,
        "extraction_priority": "high",
    },
    "github_actions": {
        "description": "GitHub Actions workflows and composite actions",
        "file_patterns": (
            ".github/workflows/*.{yml,yaml}", ".github/actions/**/action.{yml,yaml}", "/action.{yml,yaml}",
        ),
        "similarity_threshold": 0.70,
        "extraction_priority": "high",
    },
    "terraform": {
        "description": "Terraform modules, variables and HCL configuration",
        "file_patterns": ("*.tf", "*.tfvars", "*.hcl", "*.tf.json"),
        "similarity_threshold": 0.75,
        "extraction_priority": "medium",
    },
    "configuration": {
        "description": "Configuration loading, settings modules and tool configuration files",
        "file_patterns": (
            "config.py", "settings.py", "*config*.py", "*settings*.py", "config*.{js,ts,mjs,cjs}",
            "*.config.{js,ts,mjs,cjs}", "*settings*.{js,ts}", "config.go", "*config*.go",
            ".env", ".env.*", "*.env", "*.env.*", "*.properties", "*.ini", "*.cfg", "*.conf", "*.toml",
            # build configuration: Maven, Gradle, MSBuild, make
            "pom.xml", "*.gradle", "*.gradle.kts", "*.csproj", "Directory.Build.props", "Makefile", "*.mk",
            "logback*.xml", "log4j*.xml", "appsettings*.json", "application*.{yml,yaml}",
            "*config*.{json,yml,yaml}", "settings*.{json,yml,yaml}", "config/**/*.{json,yml,yaml}",
            ".eslintrc*", ".prettierrc*", "renovate.json", ".github/dependabot.{yml,yaml}",
        ),
        # functions compare on shape with names abstracted: a looser bar finds look-alikes, not copies
        "similarity_threshold": 0.85,
        "extraction_priority": "medium",
    },
    "api_client": {
        "description": "HTTP/API client wrappers: sessions, auth headers, retries, error handling",
        "file_patterns": (
            "*client*.py", "*_api.py", "api/*.py", "*client*.{js,mjs,cjs,ts,jsx,tsx}",
            "*Client*.{js,mjs,cjs,ts,jsx,tsx}", "*Api.{js,ts}", "*-api.{js,ts}", "api.{js,ts}",
            "*client*.go", "*_api.go", "*Client.{java,kt,scala,cs,swift}", "*client*.{rb,php,rs}",
        ),
        "similarity_threshold": 0.85,
        "extraction_priority": "medium",
    },
    "code": {
        "description": "Any source file of a supported language",
        "file_patterns": (
            "*.py", "*.js", "*.mjs", "*.cjs", "*.jsx", "*.ts", "*.tsx", "*.go", "*.sh", "*.bash",
            "*.tf", "*.tfvars", "*.hcl", "*.yml", "*.yaml", "*.json", "Dockerfile*", "*.dockerfile",
            "*.java", "*.kt", "*.kts", "*.cs", "*.rb", "*.php", "*.rs", "*.scala", "*.c", "*.h", "*.cpp", "*.cc",
            "*.cxx", "*.hpp", "*.hh", "*.swift", "*.xml", "*.html", "*.htm", "*.css", "*.sql",
            # scripts and templates: PowerShell, batch, make, Groovy/Jenkins, Jinja, Terraform/Go templates
            "*.ps1", "*.psm1", "*.bat", "*.cmd", "Makefile", "*.mk", "*.gradle", "*.groovy", "Jenkinsfile",
            "*.j2", "*.jinja", "*.jinja2", "*.tpl", "*.tmpl", "*.template",
            # plain text: prompts and notes (Markdown only where prompts are kept)
            "*.txt", "*.prompt", "prompts/**/*.md", "Gemfile", "Rakefile", "*.gemspec", "*.rake",
        ),
        "similarity_threshold": 0.85,
        "extraction_priority": "low",
    },
}

# Never scanned, whatever the config says: installed dependencies, lock files, minified and generated
# code, data files. Vendored sources (vendor/, third_party/) and committed build output (dist/) ARE scanned: the same
# library vendored or bundled into several repositories is itself a finding (make it a dependency);
# a .gitignore'd dist/ is skipped anyway. A config file's "exclude" list is added to
# these ("!glob" re-includes).
DEFAULT_EXCLUDE: tuple[str, ...] = (
    "node_modules/", ".venv/", "__pycache__/", ".terraform/",
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "go.sum", "*.lock.hcl",
    "*.min.js", "*.min.css", "*.map", "*.pb.go", "*_pb2.py",
    # more lock files: Ruby, PHP, Rust, Python, .NET, Go workspaces
    "Gemfile.lock", "composer.lock", "Cargo.lock", "poetry.lock", "Pipfile.lock", "uv.lock", "packages.lock.json",
    "go.work.sum",
    # generated code and build output
    "*.min.html", "*.bundle.js", "*.generated.*", "*.g.cs", "*.Designer.cs", "*_pb2_grpc.py", "*.pb.h", "*.pb.cc",
    "target/", ".gradle/", "bin/Debug/", "obj/", ".ipynb_checkpoints/",
    # data, not code: tables, images as text, notebooks (their outputs), licences everyone copies verbatim
    "*.csv", "*.tsv", "*.svg", "*.ipynb", "LICENSE*", "LICENCE*", "COPYING*", "NOTICE*", "CHANGELOG*",
    "robots.txt",
)
