"""The worker: drains the outbox (email, deadlines, refunds on the gateway, webhooks).

`runner` claims messages and dispatches each to its handler (`refunds`, `webhooks`, or its own
for email, deadlines and event fan-out); every handler is given a `deps.WorkerDeps`.
"""
