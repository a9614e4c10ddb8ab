"""The public catalog and search pages: filters, sort orders, keyset pages, result cards."""
