"""Text and links that come from upstream (model ids, organizations, licenses, categories, a benchmark's title, the
source a Hub row cites), made safe to show.

Anyone can publish a model repo whose id, or a result file whose source, ends up on a Hub leaderboard, so none of it
is trusted. Plain text is not markdown, so nothing is escaped for the console; what matters there is that an
upstream string stays one line of printable characters (`printable`): a newline in it would forge lines of an
answer, an escape sequence would drive the terminal, a bidirectional override would reverse what is read. Discord
escapes markdown and mentions on top of this (`chat.embeds.escape`). A link is shown only when it is a web
address (`web_link`): a `javascript:` or `data:` link is never one.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# Control characters (C0, DEL, C1) and the invisible marks that reorder or split text (bidirectional controls, the
# Unicode line and paragraph separators).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
REPLACEMENT = "\ufffd"  # what a character that is not shown becomes, so that something visibly was there

# What a link may hold: RFC 3986's characters (`%` of an escape included), without the brackets, which only an IPv6
# host uses. Parentheses are kept but percent-encoded, so a link in markdown (`[source](...)`) cannot end early.
_LINK_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")
MAX_LINK_LENGTH = 300


def printable(text: str) -> str:
    """`text` as one line of printable characters: each control or reordering character becomes a space (a line
    break, a tab) or U+FFFD (anything else)."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: " " if m.group() in _WHITESPACE else REPLACEMENT, text)


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
