"""Payment gateway adapters (F6): the built-in sandbox and Stripe."""
