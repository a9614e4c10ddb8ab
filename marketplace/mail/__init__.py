"""The outbox of e-mails: queued in the transaction of the change they report, each with a job
that delivers it (`flask worker`), and swept by `flask send-outbox`. It knows addresses, not
accounts, so any package may queue mail."""
