"""The attribution of the SDG texts (sdg_map/data/SOURCES.md) as HTML, for pages and print."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from sdg_map import sources_text


@lru_cache(maxsize=1)
def sources_html() -> Markup:
    """SOURCES.md as HTML: escaped first, then bold, links, code and list items."""
    out, items = [], []
    for line in sources_text().splitlines():
        html = _inline(str(escape(line)))
        if html.startswith("- "):
            items.append(f"<li>{html[2:]}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if html.startswith("# "):
            continue  # the page gives its own heading
        if html.strip():
            out.append(f"<p>{html}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return Markup("\n".join(out))


def _inline(html: str) -> str:
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    html = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r'<a href="\2" rel="noopener">\1</a>', html)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
