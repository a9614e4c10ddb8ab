"""The outbox of e-mails: queued in the transaction of the change they report, delivered later
by `flask send-outbox`. It knows addresses, not accounts, so any package may queue mail."""
