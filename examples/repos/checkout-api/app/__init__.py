"""checkout-api: carts, pricing and order placement for the web shop."""
