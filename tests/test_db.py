"""How the application talks to its database."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from marketplace.db import db, engine_options

# Three copies of the catalog's tables joined: an estimate far above jit_above_cost.
COSTLY = "EXPLAIN (FORMAT JSON) SELECT count(*) FROM pg_class a, pg_class b, pg_class c"


def test_options_turn_jit_off_on_postgresql_only() -> None:
    given = {"pool_pre_ping": True, "connect_args": {"options": "-c statement_timeout=5000"}}
    on_postgresql = engine_options("postgresql+psycopg://u@h/d", given)
    assert on_postgresql["connect_args"]["options"] == "-c statement_timeout=5000 -c jit=off"
    assert on_postgresql["pool_pre_ping"] is True
    assert given["connect_args"]["options"] == "-c statement_timeout=5000"  # not changed
    assert engine_options("sqlite:///x.db", {"pool_pre_ping": True}) == {"pool_pre_ping": True}


def test_no_statement_of_the_application_is_jit_compiled(app: Flask) -> None:
    """On PostgreSQL a statement estimated to cost more than jit_above_cost is compiled to
    machine code first, which costs a request more than it saves (`db.engine_options`)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        connection = db.session.connection()
        assert connection.scalar(sa.text("SHOW jit")) == "off"
        assert "JIT" not in connection.exec_driver_sql(COSTLY).scalar()[0]
        connection.exec_driver_sql("SET LOCAL jit = on")  # the server's default, for contrast
        available = connection.scalar(sa.text("SELECT pg_jit_available()"))  # LLVM installed
        assert ("JIT" in connection.exec_driver_sql(COSTLY).scalar()[0]) == available
