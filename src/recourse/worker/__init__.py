"""The worker: drains the outbox (email, deadlines; later webhooks and gateway calls)."""
