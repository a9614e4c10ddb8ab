"""Background jobs: work done after a request, and the schedule, by `flask --app wsgi worker`.

The database is the queue, on every deployment (SQLite on a laptop, PostgreSQL in production),
and not Redis. A job is a row written in the same transaction as the change that needs it, so
no write is accepted without its job and no job is left for a write that was rolled back; and
nothing is lost when Redis restarts (Redis here keeps nothing on disk). Workers claim rows
(`claiming`: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, the single writer on SQLite)
under a lease that a dead worker lets expire, so another runs the job again: every task must do
its effect once however often it runs.

- `models.Job`: the row; `queue.enqueue()` adds one in the caller's transaction.
- `registry`: `@task("name")` functions, found by the name stored on the job.
- `claiming`: claim, heartbeat, done, retry with backoff, dead; purge of old done jobs.
- `worker`: the loop `flask worker` runs; `schedule`: the periodic jobs (ticks queued once).
- `queries`: what the office's page (/office/jobs) counts and lists.
"""
