"""The JSON API for programs (/api/v1/...), with its OpenAPI document at /api/v1/openapi.json."""
