"""Text helpers whose speed-ups must not change an answer."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.text import join_url, parse_date

_BASES = st.builds(
    "{}://{}{}{}".format,
    st.sampled_from(["http", "https", "HTTP", "file", "ftp", "mailto"]),
    st.sampled_from(["ccre.org", "www.ccre.org:8080", "user@ccre.org", "", "[::1]", "CCRE.ORG"]),
    st.sampled_from(["", "/", "/en/a", "/en/a/", "/en/../a;p?q=1#f", "//x"]),
    st.sampled_from(["", "?x=1", "#top", ";params"]),
)
_HREFS = st.builds(
    "{}{}".format,
    st.sampled_from(["/", "//", "/en/", "/./", "/../", "/a/../../b", "\\", "/%2e%2e/", "?", "#"]),
    st.text(st.sampled_from("ab/.?#;=%:@[] é"), max_size=12),
)


def _outcome(join: object, base: str, href: str) -> str:
    try:
        return str(join(base, href))  # type: ignore[operator]
    except ValueError as error:
        return f"ValueError: {error}"


@given(_BASES, _HREFS)
def test_join_url_is_urljoin(base: str, href: str) -> None:
    assert _outcome(join_url, base, href) == _outcome(urljoin, base, href)


_DATE_TEXT = st.text(st.sampled_from("0123456789 ./-x٣"), max_size=12)


@settings(max_examples=1000)
@given(_DATE_TEXT, st.sampled_from(["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y",
                                    "%Y%m%d", "%d.%m.%Y.", "%d %m %Y", "%d.%m.%y"]))
def test_parse_date_is_strptime(text: str, form: str) -> None:
    try:
        expected: dt.date | None = dt.datetime.strptime(text, form).date()
    except ValueError:
        expected = None
    assert parse_date(text, form) == expected
