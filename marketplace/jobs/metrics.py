"""The queue's figures for `/metrics`: jobs by status, and how long the oldest due job has
waited; read at each scrape (registered by `create_app` through `metrics.init_metrics`)."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from marketplace.db import db, utcnow
from marketplace.jobs.models import Job, JobStatus


class JobsCollector:
    """Nothing when the database does not answer: a scrape still gives the other figures."""

    def collect(self) -> Iterator[Metric]:
        counts = GaugeMetricFamily("marketplace_jobs", "Jobs by status.", labels=["status"])
        oldest = GaugeMetricFamily(
            "marketplace_jobs_oldest_queued_age_seconds",
            "How long the oldest queued job that is due has waited (0: none).",
        )
        now = utcnow()
        try:
            with db.session.begin_nested():
                rows = db.session.execute(
                    sa.select(Job.status, sa.func.count()).group_by(Job.status)
                ).all()
                first = db.session.scalar(
                    sa.select(sa.func.min(Job.run_at)).where(
                        Job.status == JobStatus.QUEUED, Job.run_at <= now
                    )
                )
        except sa.exc.SQLAlchemyError:
            return
        found = {str(status): int(count) for status, count in rows}
        for status in JobStatus:
            counts.add_metric([status.value], found.get(status.value, 0))
        oldest.add_metric([], max(0.0, (now - first).total_seconds()) if first else 0.0)
        yield counts
        yield oldest
