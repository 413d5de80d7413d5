"""Dataset stage: records of a crawl turned into what researchers open.

``tidy`` (one record per page, the newest fetch kept, language editions linked, a date
window, ordered; the same story on two sites linked) and ``stats`` over it; ``export``
writes CSV, Parquet, SQLite (full-text search) or JSONL.
"""
