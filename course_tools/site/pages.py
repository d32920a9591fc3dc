"""What the site publishes, and the Sphinx sources made for it in a staging folder.

Each edition of the course (English at the top of the site, each translation under its
language code, ``zh/``) becomes one Sphinx project in the staging folder::

    staging/en/index.md                          contents page (from course_utils.course.LESSONS)
    staging/en/notebooks/01-why-nonlinearity.ipynb   executed lesson, widgets made static
    staging/en/exercises/01-why-nonlinearity.ipynb   executed (blank) exercise notebook
    staging/zh/...                               the same for the Chinese edition

``solutions/`` is never staged. The notebooks' Markdown links to other notebooks stay
``.ipynb`` links (MyST-NB resolves them to pages); the "Contents" link ``../README.md``
becomes ``../index.md``, and a link into another edition becomes a plain HTML link.
The executed notebooks are staged by :mod:`course_tools.site.staging`; this module writes
the contents pages.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from course_tools.notebooks import NAV_WORDS
from course_utils.course import LESSONS, ROOT, Lesson

if TYPE_CHECKING:  # nbformat costs a second to import: only when building
    from nbformat import NotebookNode

__all__ = [
    "LANGUAGE_NAMES",
    "SITE_FOLDERS",
    "Page",
    "editions",
    "index_markdown",
    "page_sources",
    "static_widgets",
    "web_links",
]

SITE_FOLDERS: tuple[str, ...] = ("notebooks", "exercises")
"""The repository folders whose notebooks become pages (``solutions/`` is never published)."""
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}
"""The editions the site can publish, each named in its own language (for the switch)."""
SITE_WORDS: dict[str, dict[str, str]] = {
    "en": {"number": "#", "time": "time", "minutes": "min"},
    "zh": {"number": "#", "time": "时间", "minutes": "分钟"},
}
"""Words of the contents page beyond the navigation words of :data:`NAV_WORDS`."""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\s]+)\)")
_TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Page:
    """One page of the site, made from one notebook.

    Attributes
    ----------
    source : str
        The notebook, relative to the course root, e.g. ``"zh/notebooks/01-why-nonlinearity.ipynb"``.
    target : str
        The page, relative to the site folder, e.g. ``"zh/notebooks/01-why-nonlinearity.html"``.
    lesson : Lesson
        The lesson the notebook belongs to.
    kind : str
        ``"lesson"`` or ``"exercise"``.
    language : str
        The edition (``"en"``, ``"zh"``).
    executed : bool
        Whether the build executed the notebook (False when an executed copy was given, or
        when its outputs are those of another page).
    outputs_from : str
        The English page (its ``source``) whose executed outputs a translation holds, because
        executing the translation would give exactly those
        (:func:`course_tools.translation.executes_as_english`); ``""`` otherwise.
    seconds : float
        Wall time spent executing it (or copying the outputs).
    errors : list of str
        Cells that raised while executing, or why the notebook could not be staged.
    """

    source: str
    target: str
    lesson: Lesson
    kind: str
    language: str = "en"
    executed: bool = False
    outputs_from: str = ""
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        """The edition's folder in the repository and in the site: ``""`` or ``"zh/"``."""
        return "" if self.language == "en" else f"{self.language}/"

    @property
    def docname(self) -> str:
        """The Sphinx document name inside its edition, e.g. ``"notebooks/01-why-nonlinearity"``."""
        return self.target[len(self.prefix) : -len(".html")]


def editions(root: str | Path = ROOT) -> list[str]:
    """The languages the course root holds: English, and each translated edition's folder."""
    translated = [
        lang for lang in LANGUAGE_NAMES if lang != "en" and (Path(root) / lang / "notebooks").is_dir()
    ]
    return ["en", *translated]


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
        One page per existing lesson and exercise notebook, in course order (each lesson
        followed by its exercises), English first, then each translated edition.
    missing : list of str
        Notebooks (relative to ``root``) that :data:`LESSONS` promises but do not exist.

    Examples
    --------
    >>> pages, missing = page_sources()
    >>> pages[0].target, pages[1].target
    ('notebooks/00-start-here.html', 'notebooks/01-why-nonlinearity.html')
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
                    pages.append(Page(source, f"{prefix}{folder}/{lesson.slug}.html", lesson, kind, language))
                else:
                    missing.append(source)
    return pages, missing


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


def _edition_of(path: str) -> tuple[str, str]:
    """``(language, path inside the edition)`` of a path relative to the course root."""
    head, _, rest = path.partition("/")
    if head in LANGUAGE_NAMES and head != "en" and rest:
        return head, rest
    return "en", path


def web_links(
    markdown: str,
    source: str,
    document: str,
    *,
    as_html: bool = False,
    editions: Collection[str] | None = None,
) -> str:
    """Rewrite the relative Markdown links of ``source`` for the page ``document`` of the site.

    Parameters
    ----------
    markdown : str
        Markdown text taken from ``source``.
    source : str
        The file the text comes from, relative to the course root (``"zh/notebooks/01-x.ipynb"``).
    document : str
        The Sphinx source the text goes into, relative to the course root (``"zh/index.md"``).
    as_html : bool
        Write every rewritten link as an HTML link to its page (for Markdown a cell *displays*:
        MyST-NB does not resolve links to documents inside outputs).
    editions : collection of str, optional
        The editions the site publishes (default: all): a link into another one keeps its text only.

    Returns
    -------
    str
        The text with each link re-based on ``document``'s folder; a ``README.md`` becomes its
        edition's ``index.md``; a link into another edition becomes an HTML link to its page.
        Links to the web, images and anchors are kept.

    Examples
    --------
    >>> web_links("[Contents](../README.md)", "notebooks/01-x.ipynb", "notebooks/01-x.ipynb")
    '[Contents](../index.md)'
    >>> web_links("[x](../exercises/01-x.ipynb)", "notebooks/01-x.ipynb", "index.md")
    '[x](exercises/01-x.ipynb)'
    >>> web_links("[English](../README.md)", "zh/README.md", "zh/index.md")
    '<a href="../index.html">English</a>'
    >>> web_links("[English](../README.md)", "zh/README.md", "zh/index.md", editions=["zh"])
    'English'
    >>> web_links("[02](02-x.ipynb)", "notebooks/01-x.ipynb", "notebooks/01-x.ipynb", as_html=True)
    '<a href="02-x.html">02</a>'
    """
    here = posixpath.dirname(source)
    there = posixpath.dirname(document)
    language, _ = _edition_of(document)

    def replace(match: re.Match[str]) -> str:
        bang, text, url = match.groups()
        if bang or re.match(r"[a-z][a-z0-9+.-]*:|#|/", url):
            return match.group(0)
        path, hash_, fragment = url.partition("#")
        resolved = posixpath.normpath(posixpath.join(here, path))
        if resolved.endswith("README.md"):
            resolved = resolved[: -len("README.md")] + "index.md"
        relative = posixpath.relpath(resolved, there or ".") + hash_ + fragment
        edition = _edition_of(resolved)[0]
        if edition == language and not as_html:
            return f"[{text}]({relative})"
        if editions is not None and edition not in editions:
            return text
        page = re.sub(r"\.(ipynb|md)$", ".html", posixpath.relpath(resolved, there or "."))
        return f'<a href="{page}{hash_}{fragment}">{text}</a>'

    return _LINK.sub(replace, markdown)


# --------------------------------------------------------------------------------------------
# Contents pages
# --------------------------------------------------------------------------------------------


def _first_paragraph(nb_path: Path) -> str:
    """The first prose paragraph after the notebook's ``#`` title, on one line."""
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
                return " ".join(block.split()).replace("|", "\\|")
        return ""
    return ""


def _readme_parts(readme: Path) -> tuple[str, str, str]:
    """A README's title, its opening (before the first ``##``) and its set-up section."""
    if not readme.is_file():
        return "", "", ""
    parts = re.split(r"(?m)^(?=## )", readme.read_text(encoding="utf-8"))
    title = next((line[2:].strip() for line in parts[0].splitlines() if line.startswith("# ")), "")
    intro = re.sub(r"(?m)^# .*\n", "", parts[0]).strip()
    setup = next((part.strip() for part in parts[1:] if re.match(r"## (Set up|安装)", part)), "")
    return title, intro, setup


def index_markdown(language: str, pages: Sequence[Page], root: Path = ROOT) -> str:
    """The contents page of an edition (MyST Markdown): the README's opening, a table of the
    lessons of :data:`LESSONS` with their minutes, the README's set-up section, and the
    (hidden) table of contents that orders the pages and gives each its previous/next.

    Parameters
    ----------
    language : str
        The edition.
    pages : sequence of Page
        The pages published (of every edition: the language switch links to the others).
    root : Path
        The course root.

    Returns
    -------
    str
    """
    import jinja2

    prefix = "" if language == "en" else f"{language}/"
    readme = f"{prefix}README.md"
    title, intro, setup = _readme_parts(root / readme)
    words = NAV_WORDS[language] | SITE_WORDS[language]
    published = {page.source for page in pages}
    published_editions = {page.language for page in pages}
    rows = []
    for lesson in LESSONS:
        lesson_nb = f"{prefix}notebooks/{lesson.filename}"
        exercise_nb = f"{prefix}exercises/{lesson.filename}"
        about = _first_paragraph(root / lesson_nb)
        rows.append(
            {
                "number": int(lesson.number),
                "title": lesson.title_in(language),
                "lesson": f"notebooks/{lesson.filename}" if lesson_nb in published else "",
                "about": web_links(about, lesson_nb, f"{prefix}index.md"),
                "exercises": f"exercises/{lesson.filename}" if exercise_nb in published else "",
                "minutes": lesson.minutes,
            }
        )
    template = jinja2.Template(
        (_TEMPLATES / "index.md.jinja").read_text(encoding="utf-8"),
        trim_blocks=True,
        keep_trailing_newline=True,
    )
    return template.render(
        title=title,
        intro=web_links(intro, readme, f"{prefix}index.md", editions=published_editions),
        setup=web_links(setup, readme, f"{prefix}index.md", editions=published_editions),
        rows=rows,
        words=words,
        total=sum(lesson.minutes for lesson in LESSONS),
        toctree=[page.docname for page in pages if page.language == language],
    )


def stage_index(language: str, pages: Sequence[Page], staging: Path, root: Path = ROOT) -> str:
    """Write an edition's contents page ``staging/<language>/index.md``; return its title."""
    folder = staging / language
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_text(index_markdown(language, pages, root), encoding="utf-8")
    return _readme_parts(root / ("" if language == "en" else f"{language}/") / "README.md")[0]


def clear_staging(staging: Path) -> None:
    """Remove a staging folder left by an earlier build."""
    shutil.rmtree(staging, ignore_errors=True)
