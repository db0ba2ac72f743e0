variable "project_id" {
  type        = string
  description = "GCP project that hosts the service"
}

variable "region" {
  type    = string
  default = "us-central1"
}

variable "service_name" {
  type = string
}

variable "image" {
  type        = string
  description = "Container image, e.g. gcr.io/PROJECT/checkout-api:SHA"
}

variable "cpu" {
  type    = string
  default = "1"
}

variable "memory" {
  type    = string
  default = "512Mi"
}

variable "min_instances" {
  type    = number
  default = 0
}

variable "max_instances" {
  type    = number
  default = 10
}

variable "env" {
  type    = map(string)
  default = {}
}

variable "secrets" {
  type        = list(string)
  description = "Secret Manager secret ids exposed as env vars (stripe-api-key -> STRIPE_API_KEY)"
  default     = []
}

variable "public" {
  type    = bool
  default = true
}
