"""Sharing and finding pages: the preview a pasted link shows (Open Graph), `/robots.txt` and
`/sitemap.xml`. Only what a visitor may already see is ever described here."""
