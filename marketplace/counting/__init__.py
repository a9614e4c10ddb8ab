"""Counting views and scans: once per visitor, thing and day; never for bots; never written in
the request of the page view.

Who is "a visitor" is decided in the request without storing anything about the person (see
`visitors`). The page only calls `visitors.count_visit(what, recorder, *ids)`, which appends the
count to this process's buffer (`buffer`); a thread of each worker writes the buffer in batches
every COUNTS_FLUSH_SECONDS (sooner when COUNTS_FLUSH_SIZE counts wait, and at the process's
exit), each batch in one short write transaction (`batches`). That a visitor was already counted
today is decided then by the database (see `models`), so the rule holds across buffers, workers
and hosts. What is counted is written by the features' recorders (`recorders`: registered by
`channels.visits` and for `products.services.record_view`), only for the first opening.

The figures are exact, and current within an interval: a page that shows counts writes this
process's waiting counts first (`buffer.reads_counts`: the office's reports and their CSV, the
MSME's dashboard), so in one process it includes every view made before it; the counts waiting
in other workers arrive within their COUNTS_FLUSH_SECONDS.
"""
