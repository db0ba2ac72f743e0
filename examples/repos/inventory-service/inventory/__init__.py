"""inventory-service: stock levels and short-lived reservations per warehouse."""
