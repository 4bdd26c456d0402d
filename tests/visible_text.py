"""A page's text as a reader sees it, line by line, for checks of its wording and typography.

Inline elements run together ("需求：" then a link reads as one line); blocks (paragraphs, cells, list items,
headings, buttons, ...) start new lines. Code (<code>, <pre>, <kbd>, <samp>), scripts, styles and form values
are left out: code keeps ASCII punctuation in every language. Titles, placeholders, aria-labels and alt texts
count as lines of their own. A line inside an element marked lang="en..." is flagged as English on purpose.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"address", "article", "aside", "br", "button", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
          "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "label", "legend", "li",
          "main", "nav", "ol", "option", "p", "section", "select", "summary", "table", "td", "th", "title", "tr", "ul"}
# A <datalist> is not shown as text: its options are autocomplete hints that list a thing's names in every
# language on purpose, so that typing either finds it.
LEFT_OUT = {"code", "datalist", "kbd", "pre", "samp", "script", "style", "svg", "template", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Lines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, bool]] = []
        self._text: list[str] = []
        self._open: list[tuple[str, bool, bool]] = []  # (tag, left out, marked English)

    def _english(self) -> bool:
        return any(english for _, _, english in self._open)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        if text:
            self.lines.append((text, self._english()))
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCKS:
            self._flush()
        english = (attrs.get("lang") or "").startswith("en")
        if not any(left_out for _, left_out, _ in self._open):
            shown = [attrs.get(name) for name in ATTRIBUTES]
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                shown.append(attrs.get("value"))
            self.lines.extend((text.strip(), self._english() or english) for text in shown if text and text.strip())
        if tag not in VOID:
            self._open.append((tag, tag in LEFT_OUT, english))

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._flush()
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        if not any(left_out for _, left_out, _ in self._open):
            self._text.append(data)


def visible_lines(html: str) -> list[tuple[str, bool]]:
    """(line, marked English) for every line of text a reader sees on the page."""
    parser = _Lines()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.lines
