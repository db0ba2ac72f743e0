terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source = "hashicorp/google"
    }
  }
}

provider "google" {
  project = var.project_id
}

# The runtime identity of the service.
resource "google_service_account" "runtime" {
  account_id   = "${var.service_name}-sa"
  display_name = "Runtime SA"
}

resource "google_cloud_run_v2_service" "api" {
  name     = var.service_name
  location = var.region
  template {
    service_account = google_service_account.runtime.email
    scaling {
      max_instance_count = 10
    }
  }
}

variable "region" {
  type    = string
  default = "us-central1"
}

output "url" {
  value = google_cloud_run_v2_service.api.uri
}
