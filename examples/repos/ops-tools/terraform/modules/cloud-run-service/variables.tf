variable "project" {
  type = string
}

variable "location" {
  type    = string
  default = "us-central1"
}

variable "name" {
  type        = string
  description = "Service name; also prefixes the runtime service account"
}

variable "image" {
  type = string
}

variable "port" {
  type    = number
  default = 8080
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

variable "env_vars" {
  type    = map(string)
  default = {}
}

variable "secret_ids" {
  type    = list(string)
  default = []
}

variable "invokers" {
  type        = list(string)
  description = "Members allowed to call the service, e.g. [\"allUsers\"] for a public one"
  default     = []
}

variable "internal_only" {
  type    = bool
  default = false
}

variable "vpc_connector" {
  type    = string
  default = null
}
