"""Crawl stage: discover a site's items, fetch them politely, keep the state of the crawl.

``fetch`` (httpx: robots.txt, per-host delay and concurrency, retries, limits), ``state``
(SQLite: every URL's status, resumable), ``warc`` (raw pages), one discovery module per kind
of source (``ids``: ids enumerated and listings read; ``wordpress``: REST API, sitemaps,
category listings; ``wayback``: a web archive's CDX index), and ``runner``, which drives
them and hands each fetched page to the reader it is given. The crawl never imports the
clean or extract stages: :mod:`scraper.api` passes the single-page pipeline in.

``scraper.crawl`` is also the public crawl function (``import scraper; scraper.crawl(...)``),
which the package's ``__init__`` binds over this package's name: import these modules by
their full name (``from scraper.crawl.fetch import Fetcher``).
"""
