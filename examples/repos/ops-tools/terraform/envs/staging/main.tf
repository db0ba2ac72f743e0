terraform {
  backend "gcs" {
    bucket = "acme-terraform-state"
    prefix = "envs/staging"
  }
}

provider "google" {
  project = "acme-staging"
  region  = "us-central1"
}

resource "google_vpc_access_connector" "run" {
  name          = "run-staging"
  region        = "us-central1"
  ip_cidr_range = "10.8.0.0/28"
  network       = "default"
}

module "status_page" {
  source        = "../../modules/cloud-run-service"
  project       = "acme-staging"
  name          = "status-page"
  image         = "us-central1-docker.pkg.dev/acme-staging/services/status-page:latest"
  invokers      = ["allUsers"]
  max_instances = 2
}

module "admin_api" {
  source        = "../../modules/cloud-run-service"
  project       = "acme-staging"
  name          = "admin-api"
  image         = "us-central1-docker.pkg.dev/acme-staging/services/admin-api:latest"
  internal_only = true
  vpc_connector = google_vpc_access_connector.run.id
  secret_ids    = ["admin-db-url", "oauth-client-secret"]
  env_vars = {
    ENVIRONMENT = "staging"
  }
}

resource "google_sql_database_instance" "main" {
  name             = "acme-staging-pg"
  database_version = "POSTGRES_16"
  region           = "us-central1"

  settings {
    tier = "db-custom-1-3840"
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "03:00"
    }
  }
  deletion_protection = true
}
