"""The app a test's worker process serves (`flask --app tests.jobs.worker_app worker`): the
marketplace, with the tests' own tasks registered too. Settings come from the environment."""

from __future__ import annotations

from marketplace import create_app
from tests.jobs import tasks  # noqa: F401  (registers the tests' tasks)

app = create_app()
