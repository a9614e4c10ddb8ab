"""Counting views and scans: once per visitor, thing and day; never for bots; never failing a page.

Who is "a visitor" is decided without storing anything about the person (see `visitors`); that
a visitor already counted today is decided by the database (see `models`), so the rule holds
across workers and hosts. What is counted is recorded by the features themselves
(`channels.visits`, `products.services.record_view`), only for the first opening.
"""
