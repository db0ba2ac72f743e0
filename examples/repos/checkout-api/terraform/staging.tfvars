project_id    = "shop-staging"
service_name  = "checkout-api-staging"
image         = "gcr.io/shop-staging/checkout-api:latest"
max_instances = 3
secrets       = ["stripe-api-key", "database-url", "session-secret"]
env = {
  ENVIRONMENT = "staging"
  LOG_LEVEL   = "debug"
}
