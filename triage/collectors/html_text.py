"""HTML to plain text for collected posts (Mastodon statuses, 4chan comments, feed entries),
with the stdlib ``html.parser``: no markup survives, line breaks do, entities are decoded.

The detector and the console see the text a reader saw, not tags; the raw HTML stays in the
record's raw copy as evidence.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                     "tr", "table", "section", "article", "header", "footer"})
_SKIP = frozenset({"script", "style", "template"})
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
            self.pre += tag == "pre"

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
            self.pre = max(0, self.pre - (tag == "pre"))

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data if self.pre else _SPACES.sub(" ", data))


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment: paragraphs as blank lines, ``<br>`` as newlines."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = [line.strip(" ") for line in "".join(parser.parts).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
