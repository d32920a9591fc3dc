"""Checks of the built site: every internal link resolves, nothing is fetched from the web."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from course_tools.site.assets import ASSETS_DIR

__all__ = ["broken_links", "find_links", "remote_resources"]

_REMOTE = re.compile(r"(?i)^(https?:)?//")
_LOADS = {"script": "src", "img": "src", "link": "href", "iframe": "src", "source": "src", "video": "src"}
"""Elements whose attribute names a file the browser loads with the page (not a link to follow)."""


class _Attributes(HTMLParser):
    """Every ``href``/``src`` of an HTML page, with its element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append((tag, name, value))


def _attributes(text: str) -> list[tuple[str, str, str]]:
    parser = _Attributes()
    parser.feed(text)
    parser.close()
    return parser.found


def find_links(text: str) -> list[str]:
    """Every ``href``/``src`` attribute value in an HTML text (entities decoded).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str

    Examples
    --------
    >>> find_links('<a href="a.html#x">a</a> <img src=\\'b.png\\'>')
    ['a.html#x', 'b.png']
    """
    return [value for _, _, value in _attributes(text)]


def _internal(url: str) -> str | None:
    """The path of a relative link, else None (web links, ``mailto:``, anchors, ``data:``)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or url.startswith("/"):
        return None
    return unquote(parts.path)


def _pages(out: Path) -> list[Path]:
    """The HTML pages of the site, not the files inside the copied web assets."""
    return [
        page
        for page in sorted(out.rglob("*.html"))
        if f"/{ASSETS_DIR}/" not in f"/{page.relative_to(out).as_posix()}"
    ]


def broken_links(out: str | Path) -> list[tuple[str, str]]:
    """Every internal ``href``/``src`` of the site's pages that names no file of the site.

    Parameters
    ----------
    out : str or Path
        The site folder.

    Returns
    -------
    list of tuple of str
        ``(page, link)``, the page relative to ``out``. Empty when every link resolves.
    """
    out = Path(out)
    broken = []
    for page in _pages(out):
        relative = page.relative_to(out).as_posix()
        for url in find_links(page.read_text(encoding="utf-8")):
            path = _internal(url)
            if path is None:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), path))
            if target.startswith("..") or not (out / target).is_file():
                broken.append((relative, url))
    return broken


def remote_resources(out: str | Path) -> list[tuple[str, str]]:
    """Every script, style sheet, image or frame a page of the site would fetch from the web.

    Parameters
    ----------
    out : str or Path
        The site folder.

    Returns
    -------
    list of tuple of str
        ``(page, url)``. Empty when every page reads offline. Links a reader may follow
        (``<a href="https://...">``) are not counted.
    """
    out = Path(out)
    remote = []
    for page in _pages(out):
        for tag, name, value in _attributes(page.read_text(encoding="utf-8")):
            if _LOADS.get(tag) == name and _REMOTE.match(value):
                remote.append((page.relative_to(out).as_posix(), value))
    return remote
