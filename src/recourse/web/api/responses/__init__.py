"""Response bodies of API v1 (§12), one module per resource.

Every success answer of the API is one of these models, so the OpenAPI document describes what
comes back and a typed client can be generated from it. Handlers build the models directly from
the read side's plain values (`X.of(view)`); FastAPI serialises them without validating twice.
Class names are part of the contract: they become class names in generated clients.
"""
