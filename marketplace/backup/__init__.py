"""Backup and restore of the whole marketplace: the database and every stored file, in one archive.

`flask backup` writes the archive, `flask restore` puts it back (see `cli.py`); the archive's
layout and its checks are in `archive.py`, the database dump and load for each engine in
`database.py`, and `services.py` ties them together.
"""
