"""The ledger: the records every feature writes to and reads from, below all of them.

The append-only audit log (`audit`: `AuditEntry`, `AuditAction`, `record_audit`) and the
office's exchange rates with the conversion of rupiah prices (`rates`). The ledger imports no
feature package (only `db`, `money`, flask-babel and, for types, `accounts`), so businesses,
products, channels, interests and the office can all import it without a cycle.
"""
