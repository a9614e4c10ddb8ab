"""The tasks a job may name: `@task("name")` registers a function taking the job's payload.

Features register their tasks in their own `tasks.py` (imported by `register_tasks()` in
`marketplace/__init__.py`), so this package, below every feature, knows them only by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marketplace.jobs.models import DEFAULT_MAX_ATTEMPTS

Payload = dict[str, Any]
TaskFunction = Callable[[Payload], object]


@dataclass(frozen=True)
class Task:
    name: str
    function: TaskFunction
    max_attempts: int = DEFAULT_MAX_ATTEMPTS


TASKS: dict[str, Task] = {}


def task(
    name: str, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS
) -> Callable[[TaskFunction], TaskFunction]:
    """Register the decorated function as the task `name`. It runs in an application context
    with `g.request_id` set, may commit, and must do its effect once however often it runs
    (a worker may die after the effect and before the job is marked done)."""

    def register(function: TaskFunction) -> TaskFunction:
        TASKS[name] = Task(name, function, max_attempts)
        return function

    return register


def find(name: str) -> Task | None:
    return TASKS.get(name)
