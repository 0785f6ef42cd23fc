"""Links that come from upstream (the source a Hub row cites, a board's address made of a dataset id), made safe to
show.

Anyone can publish a result file whose source ends up on a Hub leaderboard, so none of it is trusted. A link is shown
only when it is a web address (`web_link`): a `javascript:` or `data:` link is never one.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# What a link may hold: RFC 3986's characters (`%` of an escape included), without the brackets, which only an IPv6
# host uses. Parentheses are kept but percent-encoded, so a link in markdown (`[source](...)`) cannot end early.
_LINK_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")
MAX_LINK_LENGTH = 300


def web_link(url: object) -> str | None:
    """`url` as a link may point to it, or None when it is not an http(s) address with a host: other schemes
    (`javascript:`, `data:`, `file:`) never become links, nor does an address with a space, a double quote, an angle
    or square bracket in it (which would end a link in markdown or in a message) or one past MAX_LINK_LENGTH."""
    if not isinstance(url, str) or len(url) > MAX_LINK_LENGTH or not _LINK_CHARACTERS.fullmatch(url):
        return None
    parts = urlsplit(url)  # no square brackets, so no IPv6 host it could find invalid
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(url, safe="-._~:/?#@!$&'*+,;=%")  # the parentheses, percent-encoded
