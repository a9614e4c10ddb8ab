"""Personal access tokens for the JSON API: created, named, scoped, expiring and revoked by
their owner on /auth/tokens; the API (`marketplace.api.auth`) authenticates with them."""
