"""Build the course's static web site: every lesson and exercise notebook as an HTML page.

Command line::

    python -m course_tools.site --out _site                  # execute every notebook, then convert
    python -m course_tools.site --out _site --no-execute     # convert the stored (output-free) notebooks
    python -m course_tools.site --out _site --execute-only "exercises/*" "notebooks/01-*"
    python -m course_tools.site --out _site --lang zh        # the Chinese edition only (default: both)

The site mirrors the repository: ``notebooks/NN-slug.html`` and ``exercises/NN-slug.html``,
and a contents page ``index.html`` generated from :data:`course_utils.course.LESSONS`. The
teacher's guide (``TEACHING.md``) becomes ``teaching.html`` only with ``--teaching``: the
public site shows what the student release holds, and the guide stays with the repository.

How a page is made
------------------
1. The notebook is executed with :mod:`nbclient` in a kernel running *this* Python
   (``sys.executable -m ipykernel_launcher``; no kernelspec is looked up, so a stale user
   kernelspec cannot break the build), with the notebook's folder as working directory and
   the course root first on ``PYTHONPATH``. Exercise notebooks run blank, so every check
   cell shows "not attempted". Up to ``jobs`` notebooks execute at once.
2. Widgets become static: a slider cell's one output carries its figure as ``image/png``
   beside the live widget view, so the widget views (which would need the widget
   JavaScript and a kernel) and the saved widget state are dropped and the figure stays.
3. nbconvert's ``HTMLExporter`` (``lab`` template) converts the notebook; figures are
   written as PNG files next to the page (``NN-slug_files/``), not inlined.
4. Links are rewritten for the web: ``NN-slug.ipynb`` and ``../exercises/NN-slug.ipynb``
   become ``.html``, ``../README.md`` (the notebooks' "Contents" link) becomes
   ``index.html``; any other file of the repository a page links to (``LICENSE``, a module
   of ``course_utils``) is copied into the site. A header bar links each page to the
   contents page and to its neighbours.
5. Every internal ``href``/``src`` of every page is checked to resolve to a file of the site.

Languages
---------
A translated edition (``zh/``: see :mod:`course_tools.translation`) is published beside the
English one with the same layout under its language code: ``zh/notebooks/NN-slug.html``,
``zh/exercises/NN-slug.html`` and ``zh/index.html`` (made from ``zh/README.md``). The header bar
of every page carries a language switch to the same page in the other language, and the
contents pages link to each other. ``--lang en`` or ``--lang zh`` builds one edition only.

Everything a page needs is in the site, so it reads offline (a classroom with bad Wi-Fi, a
laptop on a train): maths is typeset by MathJax 2.7, copied from the ``jupyter-server-mathjax``
package (the Jupyter project's offline MathJax, the version nbconvert's templates are written
for) into ``_static/mathjax/``; nbconvert's require.js and mermaid scripts, which the pages do
not use, are left out (:data:`OFFLINE_ASSETS`, :func:`copy_assets`).
"""

from __future__ import annotations

import argparse
import asyncio
import fnmatch
import html
import importlib.util
import posixpath
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from course_tools.execution import execute_notebook_async, run_coroutine
from course_tools.notebooks import NAV_WORDS
from course_utils.course import LESSONS, ROOT, Lesson

if TYPE_CHECKING:  # nbformat and nbconvert cost seconds to import: load them only when building
    from nbformat import NotebookNode

__all__ = [
    "ASSETS_DIR",
    "MATHJAX_HTML",
    "OFFLINE_ASSETS",
    "SITE_FOLDERS",
    "Page",
    "SiteReport",
    "asset_source",
    "broken_links",
    "build_site",
    "copy_assets",
    "find_links",
    "main",
    "mathjax_url",
    "page_sources",
    "rewrite_links",
    "static_widgets",
]

SITE_FOLDERS: tuple[str, ...] = ("notebooks", "exercises")
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}
"""The editions the site can publish, each named in its own language (for the switch)."""
"""The repository folders whose notebooks become pages (``solutions/`` is never published)."""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NEVER_PUBLISHED: tuple[str, ...] = ("solutions", "tests", ".git", ".ci")
"""Repository folders whose files are never copied into the site, even when linked."""

_ATTRIBUTE = re.compile(r"""\b(href|src)=(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_SITE_TITLE = "Activation functions — an interactive course"
ASSETS_DIR = "_static"
"""Folder of the site (and of the slides) holding the copied web assets."""

OFFLINE_ASSETS: dict[str, tuple[str, str]] = {
    "mathjax": ("jupyter_server_mathjax", "static"),
    "revealjs": ("sphinx_revealjs", "_static/revealjs"),
}
"""Web asset -> (installed Python package shipping it, folder inside that package).

MathJax 2.7 comes from ``jupyter-server-mathjax``, reveal.js 5 from ``sphinx-revealjs``
(only its static files are used). Both are in ``requirements-dev.txt``; a build copies them,
so no page fetches anything from the network."""

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
"""The MathJax 2 combined configuration the pages load (the one ``jupyter-server-mathjax`` ships)."""

MATHJAX_HTML = """<script type="text/x-mathjax-config">
MathJax.Hub.Config({
    tex2jax: {
        inlineMath: [['$', '$'], ['\\\\(', '\\\\)']],
        displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true,
        processEnvironments: true
    },
    TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
    "HTML-CSS": {availableFonts: [], preferredFont: null, imageFont: null, webFont: "STIX-Web"},
    displayAlign: "center",
    messageStyle: "none"
});
</script>
<script src="{url}"></script>"""
"""How every page and slide deck loads MathJax 2 (``{url}``: see :func:`mathjax_url`). It is the
configuration of nbconvert's templates, with the STIX-Web fonts ``jupyter-server-mathjax`` ships."""

_LAB_TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
"""
    + MATHJAX_HTML.replace("{url}", "{{ resources.mathjax_url }}")
    + """
{%- endblock html_head_js_mathjax -%}
"""
)
_NAV_CSS = """
<style>
.course-nav { font: 15px/1.5 system-ui, sans-serif; padding: 8px 16px; margin: 0 0 12px 0;
  border-bottom: 1px solid #d0d7de; background: #f6f8fa; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.course-nav a { color: #0072B2; text-decoration: none; }
.course-nav a:hover { text-decoration: underline; }
.course-nav .here { font-weight: 600; }
</style>
"""
_PAGE_CSS = """
body { font: 16px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 960px;
  margin: 0 auto; padding: 24px; color: #1f2328; }
a { color: #0072B2; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #d0d7de; padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; white-space: nowrap; }
pre, code { background: #f6f8fa; border-radius: 4px; }
pre { padding: 10px; overflow-x: auto; }
footer { margin-top: 2em; color: #57606a; font-size: 14px; }
.anchor-link { visibility: hidden; text-decoration: none; margin-left: 0.2em; }
h1:hover .anchor-link, h2:hover .anchor-link, h3:hover .anchor-link { visibility: visible; }
"""


# --------------------------------------------------------------------------------------------
# What the site holds
# --------------------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of the site, made from one notebook.

    Attributes
    ----------
    source : str
        The notebook, relative to the course root (POSIX), e.g. ``"notebooks/01-why-nonlinearity.ipynb"``.
    target : str
        The page, relative to the site folder, e.g. ``"notebooks/01-why-nonlinearity.html"``.
    lesson : Lesson
        The lesson the notebook belongs to.
    kind : str
        ``"lesson"`` or ``"exercise"``.
    executed : bool
        Whether the notebook was executed before conversion.
    seconds : float
        Wall time spent on the page (execution and conversion).
    images : list of str
        Image files written for the page, relative to the site folder.
    errors : list of str
        Problems met: cells that raised while executing, or an execution that failed.
    """

    source: str
    target: str
    lesson: Lesson
    kind: str
    executed: bool = False
    seconds: float = 0.0
    images: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    language: str = "en"

    @property
    def title(self) -> str:
        """The page title in the page's language, e.g. ``"01 · Why nonlinearity — exercises"``."""
        suffix = NAV_WORDS[self.language]["exercise"] if self.kind == "exercise" else ""
        return f"{self.lesson.number} · {self.lesson.title_in(self.language)}{suffix}"

    @property
    def prefix(self) -> str:
        """The edition's folder in the site: ``""`` for English, ``"zh/"`` for Chinese."""
        return "" if self.language == "en" else f"{self.language}/"


@dataclass
class SiteReport:
    """What :func:`build_site` did.

    Attributes
    ----------
    out : Path
        The site folder.
    pages : list of Page
        The notebook pages, in course order (lessons, then exercises, per lesson).
    extra_pages : list of str
        Pages not made from a notebook (``index.html``, ``teaching.html``).
    copied : list of str
        Repository files copied into the site because a page links to them.
    missing : list of str
        Notebooks named by :data:`LESSONS` that do not exist (no page is made for them).
    broken : list of tuple of str
        ``(page, link)`` for every internal link that does not resolve to a file of the site.
    seconds : float
        Wall time of the whole build.
    """

    out: Path
    pages: list[Page]
    extra_pages: list[str]
    copied: list[str]
    missing: list[str]
    broken: list[tuple[str, str]]
    seconds: float

    @property
    def ok(self) -> bool:
        """True when no notebook is missing, no cell raised and every link resolves."""
        return not (self.missing or self.broken or any(page.errors for page in self.pages))

    def summary(self) -> str:
        """A few lines for the terminal."""
        executed = sum(page.executed for page in self.pages)
        images = sum(len(page.images) for page in self.pages)
        lines = [
            f"{len(self.pages) + len(self.extra_pages)} pages ({len(self.pages)} notebooks, "
            f"{executed} executed, {images} figures) in {self.out} — {self.seconds:.1f} s"
        ]
        lines += [f"  missing notebook: {name}" for name in self.missing]
        for page in self.pages:
            lines += [f"  {page.source}: {problem}" for problem in page.errors]
        lines += [f"  broken link in {page}: {link}" for page, link in self.broken]
        return "\n".join(lines)


def editions(root: str | Path = ROOT) -> list[str]:
    """The languages the course root holds: English, and each translated edition's folder."""
    return [
        "en",
        *(lang for lang in LANGUAGE_NAMES if lang != "en" and (Path(root) / lang / "notebooks").is_dir()),
    ]


def page_sources(
    root: str | Path = ROOT, languages: Sequence[str] | None = None
) -> tuple[list[Page], list[str]]:
    """The pages the site will hold, and the notebooks :data:`LESSONS` names that are missing.

    Parameters
    ----------
    root : str or Path
        The course root (holding ``notebooks/`` and ``exercises/``).
    languages : sequence of str, optional
        The editions to publish (default: :func:`editions`, every one the root holds).

    Returns
    -------
    pages : list of Page
        One page per existing lesson notebook and exercise notebook, in course order,
        English first, then each translated edition.
    missing : list of str
        Notebooks (relative to ``root``) that :data:`LESSONS` promises but do not exist.

    Examples
    --------
    >>> pages, missing = page_sources()
    >>> all(page.target.endswith(".html") for page in pages)
    True
    """
    root = Path(root)
    pages: list[Page] = []
    missing: list[str] = []
    for language in editions(root) if languages is None else languages:
        prefix = "" if language == "en" else f"{language}/"
        for lesson in LESSONS:
            wanted = [("notebooks", "lesson")] + ([("exercises", "exercise")] if lesson.has_exercises else [])
            for folder, kind in wanted:
                source = f"{prefix}{folder}/{lesson.filename}"
                if (root / source).is_file():
                    target = f"{prefix}{folder}/{lesson.slug}.html"
                    pages.append(Page(source, target, lesson, kind, language=language))
                else:
                    missing.append(source)
    return pages, missing


# --------------------------------------------------------------------------------------------
# Offline assets
# --------------------------------------------------------------------------------------------


def asset_source(name: str) -> Path:
    """The installed folder holding the web asset ``name`` (a key of :data:`OFFLINE_ASSETS`).

    The package is located without being imported.

    Parameters
    ----------
    name : str
        ``"mathjax"`` or ``"revealjs"``.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        If ``name`` is unknown.
    RuntimeError
        If the package that ships the asset is not installed.

    Examples
    --------
    >>> (asset_source("mathjax") / "MathJax.js").is_file()
    True
    """
    if name not in OFFLINE_ASSETS:
        raise ValueError(f"name: expected one of {sorted(OFFLINE_ASSETS)}, got {name!r}")
    package, folder = OFFLINE_ASSETS[name]
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        source = Path(location) / folder
        if source.is_dir():
            return source
    raise RuntimeError(
        f"{name} is copied from the Python package {package!r}, which is not installed: run "
        "`python -m pip install -r requirements-dev.txt` (no network is needed once it is installed)"
    )


def copy_assets(out: str | Path, names: Sequence[str] = ("mathjax",)) -> list[str]:
    """Copy the web assets ``names`` into ``out/_static/<name>/``.

    Parameters
    ----------
    out : str or Path
        The site (or slides) folder.
    names : sequence of str
        Keys of :data:`OFFLINE_ASSETS`.

    Returns
    -------
    list of str
        The asset folders written, relative to ``out`` (e.g. ``"_static/mathjax"``).
    """
    written = []
    for name in names:
        target = Path(out) / ASSETS_DIR / name
        shutil.copytree(
            asset_source(name), target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.map")
        )
        written.append(f"{ASSETS_DIR}/{name}")
    return written


def mathjax_url(page_dir: str) -> str:
    """The URL of the copied MathJax, relative to a page in ``page_dir`` of the site.

    Parameters
    ----------
    page_dir : str
        The page's folder relative to the site (``""`` for the top level).

    Returns
    -------
    str

    Examples
    --------
    >>> mathjax_url("notebooks")
    '../_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe'
    """
    script = posixpath.relpath(f"{ASSETS_DIR}/mathjax/MathJax.js", page_dir or ".")
    return f"{script}?config={MATHJAX_CONFIG}"


def offline_template_loader(templates: dict[str, str]) -> Any:
    """A Jinja loader for nbconvert holding the course's small template overrides.

    Parameters
    ----------
    templates : dict
        Template name -> template text.

    Returns
    -------
    jinja2.DictLoader
    """
    import jinja2

    return jinja2.DictLoader(templates)


# --------------------------------------------------------------------------------------------
# Execution
# --------------------------------------------------------------------------------------------




def static_widgets(nb: NotebookNode) -> int:
    """Drop live widget views and saved widget state from ``nb`` (in place).

    A slider of the course displays as one output holding the widget view, its figure as
    ``image/png`` and ``text/plain``: the view is removed and the figure stays. An output left
    with nothing but ``text/plain`` (a widget without a static form) is removed.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    int
        The number of widget views removed.
    """
    removed = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                removed += 1
                del data[WIDGET_VIEW]
                if set(data) <= {"text/plain"}:
                    continue
            kept.append(output)
        cell.outputs = kept
    nb.metadata.pop("widgets", None)
    return removed


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------


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
    return [html.unescape(match.group(3)) for match in _ATTRIBUTE.finditer(text)]


def _internal(url: str) -> tuple[str, str] | None:
    """``(path, suffix)`` of a relative link (suffix = ``?query#fragment``), else None."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or url.startswith("/"):
        return None
    suffix = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return unquote(parts.path), suffix


def rewrite_links(
    text: str,
    source: str,
    target: str,
    root: str | Path = ROOT,
    copies: set[str] | None = None,
) -> str:
    """Rewrite the relative links of a page made from ``source`` for the site.

    Parameters
    ----------
    text : str
        The page's HTML.
    source : str
        The file the page is made from, relative to the course root (``"notebooks/01-x.ipynb"``).
    target : str
        The page, relative to the site folder (``"notebooks/01-x.html"``).
    root : str or Path
        The course root.
    copies : set of str, optional
        Receives the repository files (relative to ``root``) that must be copied into the
        site because the page links to them.

    Returns
    -------
    str
        The HTML with ``*.ipynb`` links of the site folders turned into ``*.html``,
        ``README.md`` into ``index.html``, ``TEACHING.md`` into ``teaching.html``; other
        links are kept (and their targets noted in ``copies`` when they are repository files).

    Examples
    --------
    >>> rewrite_links('<a href="../exercises/01-x.ipynb#Ex-1">go</a>', "notebooks/01-x.ipynb",
    ...               "notebooks/01-x.html")
    '<a href="../exercises/01-x.html#Ex-1">go</a>'
    >>> rewrite_links('<a href="../README.md">Contents</a>', "notebooks/01-x.ipynb", "notebooks/01-x.html")
    '<a href="../index.html">Contents</a>'
    >>> rewrite_links('<a href="../README.md">目录</a>', "zh/notebooks/01-x.ipynb", "zh/notebooks/01-x.html")
    '<a href="../index.html">目录</a>'
    """
    root = Path(root)
    source_dir = posixpath.dirname(source)
    target_dir = posixpath.dirname(target)

    def replace(match: re.Match[str]) -> str:
        attribute, quote, raw = match.groups()
        url = html.unescape(raw)
        internal = _internal(url)
        if internal is None:
            return match.group(0)
        path, suffix = internal
        resolved = posixpath.normpath(posixpath.join(source_dir, path))
        if resolved.startswith("../") or resolved == "..":
            return match.group(0)
        edition, _, rest = resolved.partition("/")
        prefix, inner = (f"{edition}/", rest) if edition in LANGUAGE_NAMES and rest else ("", resolved)
        top = inner.split("/", 1)[0]
        if resolved.endswith(".ipynb") and top in SITE_FOLDERS:
            new = resolved[: -len(".ipynb")] + ".html"
        elif inner == "README.md":
            new = f"{prefix}index.html"
        elif resolved == "TEACHING.md":
            new = "teaching.html"
        elif (
            (root / resolved).is_file()
            and top not in NEVER_PUBLISHED
            and not resolved.endswith(".ipynb")
            and resolved != source
        ):
            if copies is not None:
                copies.add(resolved)
            new = resolved
        else:
            return match.group(0)
        link = posixpath.relpath(new, target_dir or ".") + suffix
        return f"{attribute}={quote}{html.escape(link, quote=True)}{quote}"

    return _ATTRIBUTE.sub(replace, text)


def broken_links(out: str | Path) -> list[tuple[str, str]]:
    """Every internal ``href``/``src`` of the site's HTML pages that names no file of the site.

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
    for page in sorted(out.rglob("*.html")):
        relative = page.relative_to(out).as_posix()
        if relative.startswith(f"{ASSETS_DIR}/"):
            continue  # the copied MathJax and reveal.js files are not pages of the site
        for url in find_links(page.read_text(encoding="utf-8")):
            internal = _internal(url)
            if internal is None:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), internal[0]))
            if target.startswith("..") or not (out / target).is_file():
                broken.append((relative, url))
    return broken


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def _nav_bar(page: Page, pages: Sequence[Page]) -> str:
    """The header bar of a notebook page: contents, the lesson/exercise pair, neighbours."""
    here = posixpath.dirname(page.target)
    by_target = {p.target: p for p in pages}
    same_kind = [p for p in pages if p.kind == page.kind and p.language == page.language]
    position = same_kind.index(page)
    words = NAV_WORDS[page.language]

    def link(target: str, text: str) -> str:
        href = posixpath.relpath(target, here)
        return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'

    items = [link(f"{page.prefix}index.html", words["contents"])]
    if position > 0:
        previous = same_kind[position - 1]
        items.append(link(previous.target, f"< {previous.title}"))
    items.append(f'<span class="here">{html.escape(page.title)}</span>')
    if position + 1 < len(same_kind):
        following = same_kind[position + 1]
        items.append(link(following.target, f"{following.title} >"))
    partner = (
        f"{page.prefix}exercises/{page.lesson.slug}.html"
        if page.kind == "lesson"
        else f"{page.prefix}notebooks/{page.lesson.slug}.html"
    )
    if partner in by_target:
        items.append(link(partner, words["exercises"] if page.kind == "lesson" else words["lesson"]))
    items += _language_switch(page.target[len(page.prefix) :], page.language, here, set(by_target))
    return '<nav class="course-nav">' + " ".join(items) + "</nav>"


def _language_switch(inner: str, language: str, here: str, targets: set[str]) -> list[str]:
    """Links to the page ``inner`` (a target without its edition folder) in the other editions."""
    links = []
    for other, name in LANGUAGE_NAMES.items():
        target = inner if other == "en" else f"{other}/{inner}"
        if other != language and target in targets:
            href = html.escape(posixpath.relpath(target, here or "."))
            links.append(f'<a class="lang" hreflang="{other}" lang="{other}" href="{href}">{name}</a>')
    return links


def _export_page(
    nb: NotebookNode, page: Page, pages: Sequence[Page], out: Path, root: Path, copies: set[str]
) -> None:
    """Convert an (executed) notebook to its HTML page and figure files."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.ExtractOutputPreprocessor.enabled = True
    exporter = HTMLExporter(
        config=config,
        template_name="lab",
        extra_loaders=[offline_template_loader({"course-lab.html.j2": _LAB_TEMPLATE})],
        template_file="course-lab.html.j2",
        mathjax_url=mathjax_url(posixpath.dirname(page.target)),
        language_code=page.language,
    )
    stem = posixpath.basename(page.target)[: -len(".html")]
    resources = {
        "metadata": {"name": page.title, "path": str(root / posixpath.dirname(page.source))},
        "output_files_dir": f"{stem}_files",
        "unique_key": stem,
    }
    body, resources = exporter.from_notebook_node(nb, resources=resources)
    page_dir = out / posixpath.dirname(page.target)
    files_dir = page_dir / f"{stem}_files"
    if files_dir.exists():
        shutil.rmtree(files_dir)
    for name, data in sorted(resources.get("outputs", {}).items()):
        path = page_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        page.images.append(path.relative_to(out).as_posix())
    body = rewrite_links(body, page.source, page.target, root, copies)
    body = body.replace("</head>", _NAV_CSS + "</head>", 1)
    nav = _nav_bar(page, pages)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + nav, body, count=1)
    body = re.sub(r"(</body>)", lambda m: nav + "\n" + m.group(1), body, count=1)
    page_dir.mkdir(parents=True, exist_ok=True)
    (out / page.target).write_text(body, encoding="utf-8")


async def _make_page(
    page: Page,
    pages: Sequence[Page],
    out: Path,
    root: Path,
    execute: bool,
    timeout: float,
    gate: asyncio.Semaphore,
    copies: set[str],
    progress: Callable[[Page], None] | None,
) -> None:
    import nbformat

    async with gate:
        start = time.perf_counter()
        source = root / page.source
        try:
            nb = nbformat.read(source, as_version=4)
        except Exception as error:
            page.errors.append(f"unreadable notebook: {type(error).__name__}: {error}")
            nb = nbformat.v4.new_notebook()
        if execute and not page.errors:
            page.executed = True
            page.errors += await execute_notebook_async(nb, source.parent, timeout=timeout, root=root)
        static_widgets(nb)
        await asyncio.to_thread(_export_page, nb, page, pages, out, root, copies)
        page.seconds = time.perf_counter() - start
    if progress is not None:
        progress(page)


def _markdown_html(text: str) -> str:
    from nbconvert.filters.markdown import markdown2html

    return markdown2html(text)


def _first_paragraph(nb_path: Path) -> str:
    """The first prose paragraph after the notebook's ``#`` title (Markdown)."""
    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception:
        return ""
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "nav" in cell.metadata.get("tags", []):
            continue
        blocks = [block.strip() for block in re.split(r"\n\s*\n", cell.source)]
        if not blocks or not blocks[0].startswith("# "):
            continue
        for block in blocks[1:]:
            if block and not block.startswith(("#", "|", "-", "*", ">", "<", "!")):
                return block
        return ""
    return ""


def _readme_sections(root: Path) -> tuple[str, str]:
    """The README's opening (before the first ``##``) and its "Set up and start" section."""
    readme = root / "README.md"
    if not readme.is_file():
        return "", ""
    text = readme.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(?=## )", text)
    intro = re.sub(r"(?m)^# .*\n", "", parts[0]).strip()
    setup = next((part for part in parts[1:] if part.lower().startswith("## set up")), "")
    return intro, setup.strip()


def _shell(title: str, body: str, stylesheet: str, language: str = "en") -> str:
    page_dir = "" if language == "en" else language
    mathjax = MATHJAX_HTML.replace("{url}", html.escape(mathjax_url(page_dir), quote=True))
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{stylesheet}">\n{mathjax}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _index_page(pages: Sequence[Page], root: Path, copies: set[str], has_teaching: bool) -> str:
    by_target = {page.target: page for page in pages}
    intro, setup = _readme_sections(root)
    rows = []
    for lesson in LESSONS:
        lesson_page = by_target.get(f"notebooks/{lesson.slug}.html")
        exercise_page = by_target.get(f"exercises/{lesson.slug}.html")
        title = html.escape(lesson.title)
        if lesson_page is not None:
            title = f'<a href="{lesson_page.target}">{title}</a>'
        else:
            title += " <em>(not published yet)</em>"
        about = _first_paragraph(root / "notebooks" / lesson.filename)
        about_html = rewrite_links(
            _markdown_html(about), f"notebooks/{lesson.filename}", "index.html", root, copies
        )
        if exercise_page is not None:
            exercises = f'<a href="{exercise_page.target}">exercises</a>'
        else:
            exercises = "—" if not lesson.has_exercises else "<em>not published yet</em>"
        rows.append(
            f'<tr><td class="num">{int(lesson.number)}</td><td><strong>{title}</strong>{about_html}</td>'
            f'<td>{exercises}</td><td class="num">{lesson.minutes} min</td></tr>'
        )
    total = sum(lesson.minutes for lesson in LESSONS)
    parts = [f"<h1>{html.escape(_SITE_TITLE)}</h1>"]
    switch = _language_switch("index.html", "en", "", {f"{p.prefix}index.html" for p in pages})
    if switch:
        parts.append('<nav class="languages">' + " · ".join(switch) + "</nav>")
    if intro:
        parts.append(rewrite_links(_markdown_html(intro), "README.md", "index.html", root, copies))
    parts.append(
        "<h2>Contents</h2>\n<table>\n<thead><tr><th>#</th><th>lesson</th><th>exercises</th>"
        "<th>time</th></tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
        f"<p>About {total // 60} h {total % 60} min in all. Each page shows the notebook executed; "
        "sliders appear as their figure at the default values — download the course to move them.</p>"
    )
    if setup:
        parts.append(rewrite_links(_markdown_html(setup), "README.md", "index.html", root, copies))
    footer = []
    if has_teaching:
        footer.append('<a href="teaching.html">Teaching with this course</a>')
    if (root / "LICENSE").is_file():
        copies.add("LICENSE")
        footer.append(
            'Code under the MIT licence, lesson text under CC BY 4.0 — <a href="LICENSE">LICENSE</a>'
        )
    parts.append("<footer>" + " · ".join(footer) + "</footer>")
    return _shell(_SITE_TITLE, "\n".join(parts), "site.css")


def _edition_index_page(language: str, root: Path, copies: set[str]) -> str:
    """The contents page of a translated edition, made from its ``README.md`` (``zh/README.md``)."""
    source = f"{language}/README.md"
    text = (root / source).read_text(encoding="utf-8")
    body = rewrite_links(_markdown_html(text), source, f"{language}/index.html", root, copies)
    switch = " · ".join(_language_switch("index.html", language, language, {"index.html"}))
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), _SITE_TITLE)
    return _shell(title, f'<nav class="languages">{switch}</nav>\n{body}', "../site.css", language)


def _teaching_page(root: Path, copies: set[str]) -> str:
    text = (root / "TEACHING.md").read_text(encoding="utf-8")
    body = rewrite_links(_markdown_html(text), "TEACHING.md", "teaching.html", root, copies)
    nav = '<nav><a href="index.html">Contents</a></nav>'
    return _shell(f"Teaching — {_SITE_TITLE}", nav + "\n" + body, "site.css")


def _remove_stale_pages(out: Path, targets: set[str]) -> None:
    """Delete pages (and their figure folders) of notebooks that no longer exist."""
    prefixes = [""] + [f"{lang}/" for lang in LANGUAGE_NAMES if lang != "en"]
    for folder in (prefix + name for prefix in prefixes for name in SITE_FOLDERS):
        for page in sorted((out / folder).glob("*.html")):
            if f"{folder}/{page.name}" not in targets:
                page.unlink()
                shutil.rmtree(page.with_name(f"{page.stem}_files"), ignore_errors=True)


def _wants_execution(page: Page, execute: bool, execute_only: Iterable[str] | None) -> bool:
    if not execute:
        return False
    if execute_only is None:
        return True
    return any(fnmatch.fnmatch(page.source, pattern) for pattern in execute_only)


def build_site(
    out: str | Path = "_site",
    *,
    root: str | Path = ROOT,
    execute: bool = True,
    execute_only: Iterable[str] | None = None,
    jobs: int = 2,
    timeout: float = 120,
    progress: Callable[[Page], None] | None = None,
    teaching: bool = False,
    languages: Sequence[str] | None = None,
) -> SiteReport:
    """Build the static site into ``out``.

    Parameters
    ----------
    out : str or Path
        The site folder (created; pages already there are overwritten).
    root : str or Path
        The course root.
    execute : bool
        Execute notebooks before converting them (False: convert the stored notebooks,
        which are kept without outputs, so pages show code and prose only).
    execute_only : iterable of str, optional
        Glob patterns on the source path (``"exercises/*"``, ``"notebooks/01-*"``): only
        matching notebooks are executed, the others are converted as stored.
    jobs : int
        Notebooks executed at once.
    timeout : float
        Per-cell time limit in seconds.
    progress : callable, optional
        Called with each finished :class:`Page`.
    teaching : bool
        Also publish the teacher's guide (``TEACHING.md``) as ``teaching.html``, linked from
        the contents page. Off by default: the public site holds what students get.
    languages : sequence of str, optional
        The editions to publish (``["en"]``, ``["zh"]``; default: every edition the root holds).
        The English contents page ``index.html`` is always written.

    Returns
    -------
    SiteReport

    Raises
    ------
    ValueError
        If ``jobs`` is below 1, or ``out`` is the course root or inside ``notebooks/`` or
        ``exercises/``. Pages of notebooks that no longer exist are removed from ``out``.
    RuntimeError
        If the package shipping MathJax is not installed (see :func:`asset_source`).
    """
    if jobs < 1:
        raise ValueError(f"jobs: expected a positive number of parallel notebooks, got {jobs!r}")
    patterns = None if execute_only is None else list(execute_only)
    start = time.perf_counter()
    root = Path(root).resolve()
    out = Path(out).resolve()
    if out == root or any(out.is_relative_to(root / folder) for folder in SITE_FOLDERS):
        raise ValueError(f"out: {out} would mix the site with the course's notebooks; choose e.g. _site")
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out, ["mathjax"])
    pages, missing = page_sources(root, languages)
    _remove_stale_pages(out, {page.target for page in pages})
    copies: set[str] = set()

    async def make_all() -> None:
        gate = asyncio.Semaphore(jobs)
        # the slowest notebooks (executed lessons) first, so the pool is not left waiting on one
        order = sorted(pages, key=lambda p: (not _wants_execution(p, execute, patterns), p.kind != "lesson"))
        await asyncio.gather(
            *(
                _make_page(
                    page,
                    pages,
                    out,
                    root,
                    _wants_execution(page, execute, patterns),
                    timeout,
                    gate,
                    copies,
                    progress,
                )
                for page in order
            )
        )

    run_coroutine(make_all)
    extra = ["index.html"]
    has_teaching = teaching and (root / "TEACHING.md").is_file()
    if not has_teaching:
        (out / "teaching.html").unlink(missing_ok=True)  # left by an earlier --teaching build
    else:
        (out / "teaching.html").write_text(_teaching_page(root, copies), encoding="utf-8")
        extra.append("teaching.html")
    (out / "index.html").write_text(_index_page(pages, root, copies, has_teaching), encoding="utf-8")
    for language in sorted({page.language for page in pages} - {"en"}):
        (out / language / "index.html").write_text(
            _edition_index_page(language, root, copies), encoding="utf-8"
        )
        extra.append(f"{language}/index.html")
    (out / "site.css").write_text(_PAGE_CSS.lstrip(), encoding="utf-8")
    for name in sorted(copies):
        destination = out / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, destination)
    return SiteReport(
        out=out,
        pages=pages,
        extra_pages=extra,
        copied=sorted(copies),
        missing=missing,
        broken=broken_links(out),
        seconds=time.perf_counter() - start,
    )


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m course_tools.site``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.site",
        description=(
            "Build the course's static HTML site: every lesson and exercise notebook executed and "
            "converted (nbconvert, lab template), a contents page, working links between pages."
        ),
    )
    parser.add_argument("--out", default="_site", help="site folder (default: _site)")
    parser.add_argument(
        "--no-execute", action="store_true", help="convert the stored notebooks without executing them"
    )
    parser.add_argument(
        "--execute-only",
        nargs="+",
        metavar="GLOB",
        help='execute only notebooks whose path matches, e.g. "exercises/*" "notebooks/01-*"',
    )
    parser.add_argument("-j", "--jobs", type=int, default=2, help="notebooks executed at once (default: 2)")
    parser.add_argument(
        "--timeout", type=float, default=120, help="per-cell time limit in seconds (default: 120)"
    )
    parser.add_argument(
        "--teaching",
        action="store_true",
        help="also publish the teacher's guide (TEACHING.md) as teaching.html",
    )
    parser.add_argument(
        "--lang",
        choices=(*LANGUAGE_NAMES, "both"),
        default="both",
        help="the language editions to publish (default: both)",
    )
    parser.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (1 when a page has a problem).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when every notebook exists, runs without errors and every link resolves.
    """
    args = build_parser().parse_args(argv)
    if args.jobs < 1:
        build_parser().error("-j/--jobs must be at least 1")

    def progress(page: Page) -> None:
        state = "executed" if page.executed else "converted"
        flag = f"  ({len(page.errors)} problem(s))" if page.errors else ""
        print(f"{page.target:<48} {state:>9} {page.seconds:5.1f} s{flag}", flush=True)

    try:
        report = build_site(
            args.out,
            root=args.root,
            execute=not args.no_execute,
            execute_only=args.execute_only,
            jobs=args.jobs,
            timeout=args.timeout,
            progress=progress,
            teaching=args.teaching,
            languages=None if args.lang == "both" else [args.lang],
        )
    except (ValueError, RuntimeError) as error:
        build_parser().error(str(error))
    print(report.summary())
    print(f"open {report.out / 'index.html'}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
