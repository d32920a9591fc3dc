"""Build the course site: execute the notebooks, then run Sphinx (MyST-NB) on each edition.

1. :func:`~course_tools.site.staging.stage_notebooks` executes every lesson and exercise
   notebook (``-j`` at once, with :func:`course_tools.execution.execute_notebook`) into a
   staging folder, or takes the executed copy found in ``executed_dir``, or gives a
   translation that executes exactly as its English notebook that notebook's outputs (the
   English page executed in the same build), and turns widget outputs into their static
   figures.
2. Each edition's contents page is generated from :data:`course_utils.course.LESSONS`,
   with the table of contents that orders the pages (previous/next follow it).
3. Sphinx builds each edition with the configuration in ``course_tools/site/conf.py``
   (``nb_execution_mode = "off"``): English into the site folder, Chinese into ``zh/``.
   Every Sphinx warning (an unresolved link between notebooks, a bad cross-reference:
   ``nitpicky``) is a problem of the build.
4. MathJax 2.7 is copied into ``_static/mathjax/``; each page's download link serves the
   course's notebook (``_sources/<folder>/NN-slug.ipynb``, as the repository holds it).
5. Every internal ``href``/``src`` of every page must name a file of the site, and no page
   may load a script, style sheet or image from the web.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course_tools.site.assets import MATHJAX_CONFIG, copy_assets
from course_tools.site.links import broken_links, remote_resources
from course_tools.site.pages import (
    LANGUAGE_NAMES,
    SITE_FOLDERS,
    Page,
    page_sources,
    stage_index,
)
from course_tools.site.staging import stage_notebooks
from course_utils.course import ROOT

__all__ = ["CONF_DIR", "SiteReport", "build_site"]

CONF_DIR = Path(__file__).parent
"""The Sphinx configuration folder (``conf.py``, ``templates/``, ``static/``)."""


@dataclass
class SiteReport:
    """What :func:`build_site` did.

    Attributes
    ----------
    out : Path
        The site folder.
    pages : list of Page
        The notebook pages, in course order, English first.
    missing : list of str
        Notebooks named by :data:`LESSONS` that do not exist (no page is made for them).
    warnings : list of str
        Sphinx's warnings (unresolved links and references among them).
    broken : list of tuple of str
        ``(page, link)`` for every internal link that names no file of the site.
    remote : list of tuple of str
        ``(page, url)`` for every script, style sheet or image a page would fetch from the web.
    seconds : float
        Wall time of the whole build.
    phases : dict of str to float
        Wall time of each step: ``"notebooks"`` (execution), ``"sphinx"``, ``"checks"``
        (assets copied, links checked).
    """

    out: Path
    pages: list[Page]
    missing: list[str]
    warnings: list[str]
    broken: list[tuple[str, str]]
    remote: list[tuple[str, str]]
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        """Every problem of the build, one line each (empty when the site is sound)."""
        lines = [f"missing notebook: {name}" for name in self.missing]
        lines += [f"{page.source}: {error}" for page in self.pages for error in page.errors]
        lines += [f"sphinx: {warning}" for warning in self.warnings]
        lines += [f"broken link in {page}: {link}" for page, link in self.broken]
        lines += [f"{page} loads {url} from the web" for page, url in self.remote]
        return lines

    @property
    def ok(self) -> bool:
        """True when no notebook is missing, no cell raised, Sphinx did not warn and every
        link resolves."""
        return not self.problems

    def summary(self) -> str:
        """A few lines for the terminal."""
        executed = sum(page.executed for page in self.pages)
        english = sum(bool(page.outputs_from) for page in self.pages)
        editions = len({page.language for page in self.pages})
        head = (
            f"{len(self.pages)} notebook pages ({executed} executed here, {english} from the English run) "
            f"and {editions} contents pages in {self.out} — {self.seconds:.1f} s"
        )
        if self.phases:
            head += " (" + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.phases.items()) + ")"
        return "\n".join([head, *(f"  {problem}" for problem in self.problems)])


def _editions_context(language: str, pages: Sequence[Page]) -> list[dict[str, object]]:
    """``html_context["course_editions"]`` for ``language``: the other editions, where their
    output folder is from this one's, and the documents they hold (for the language switch)."""
    languages = sorted({page.language for page in pages} - {language}, key=list(LANGUAGE_NAMES).index)
    editions = []
    for other in languages:
        up = "" if language == "en" else "../"
        root = up + ("" if other == "en" else f"{other}/")
        docs = ["index", *(page.docname for page in pages if page.language == other)]
        editions.append({"code": other, "name": LANGUAGE_NAMES[other], "root": root, "docs": docs})
    return editions


def _run_sphinx(
    language: str, title: str, pages: Sequence[Page], staging: Path, out: Path, jobs: int
) -> list[str]:
    """Build one edition with Sphinx in the staging folder, copy it into the site; return its warnings.

    (MyST-NB writes its output folder beside Sphinx's output folder: building in the staging
    folder keeps that out of the site and out of the folder holding the site.)
    """
    from sphinx.application import Sphinx
    from sphinx.util.console import strip_escape_sequences
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    outdir = staging / "build" / language / "html"
    overrides = {
        "project": title,
        "html_title": title,
        "language": "zh_CN" if language == "zh" else language,
        # relative to the edition's _static: one copy of MathJax, in the site's _static, serves all
        "mathjax_path": ("" if language == "en" else "../../_static/")
        + f"mathjax/MathJax.js?config={MATHJAX_CONFIG}",
        "html_context": {"course_editions": _editions_context(language, pages)},
    }
    messages = io.StringIO()
    with patch_docutils(CONF_DIR), docutils_namespace(), warnings.catch_warnings():
        # the theme's and MyST's use of APIs a later Sphinx removes: not the course's concern
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        app = Sphinx(
            srcdir=staging / language,
            confdir=CONF_DIR,
            outdir=outdir,
            doctreedir=staging / f".doctrees-{language}",
            buildername="html",
            confoverrides=overrides,
            status=io.StringIO(),
            warning=messages,
            freshenv=True,
            parallel=jobs,
        )
        app.build()
    shutil.copytree(outdir, out if language == "en" else out / language, dirs_exist_ok=True)
    # the warnings name the staged copies: name the course's files instead
    staged = f"{staging / language}{os.sep}"
    prefix = "" if language == "en" else f"{language}/"
    text = strip_escape_sequences(messages.getvalue()).replace(staged, prefix)
    return [line for line in text.splitlines() if line.strip()]


def _download_originals(pages: Sequence[Page], out: Path, root: Path) -> None:
    """Serve the course's notebook (as the repository holds it) behind each download link."""
    for page in pages:
        outdir = out if page.language == "en" else out / page.language
        target = outdir / "_sources" / f"{page.docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / page.source, target)


def build_site(
    out: str | Path = "_site",
    *,
    executed_dir: str | Path | None = None,
    lang: str = "all",
    jobs: int = 2,
    timeout: float = 120,
    root: str | Path = ROOT,
    progress: Callable[[Page], None] | None = None,
) -> SiteReport:
    """Build the static site into ``out``.

    Parameters
    ----------
    out : str or Path
        The site folder (an earlier site there is replaced).
    executed_dir : str or Path, optional
        A folder mirroring the repository layout (``notebooks/02-....ipynb``,
        ``zh/exercises/...``) with already-executed notebooks; those are not executed again.
    lang : {"all", "en", "zh"}
        The editions to publish.
    jobs : int
        Notebooks executed at once (and Sphinx's parallel readers).
    timeout : float
        Per-cell time limit in seconds.
    root : str or Path
        The course root.
    progress : callable, optional
        Called with each staged :class:`Page`.

    Returns
    -------
    SiteReport

    Raises
    ------
    ValueError
        If ``jobs`` is below 1, ``lang`` is unknown, or ``out`` is the course root or inside
        ``notebooks/`` or ``exercises/``.
    RuntimeError
        If the package shipping MathJax is not installed.
    """
    if jobs < 1:
        raise ValueError(f"jobs: expected a positive number of parallel notebooks, got {jobs!r}")
    if lang != "all" and lang not in LANGUAGE_NAMES:
        raise ValueError(f"lang: expected 'all' or one of {sorted(LANGUAGE_NAMES)}, got {lang!r}")
    start = time.perf_counter()
    root = Path(root).resolve()
    out = Path(out).resolve()
    course_folders = [root / prefix / name for prefix in ("", *LANGUAGE_NAMES) for name in SITE_FOLDERS]
    if out == root or any(out.is_relative_to(folder) for folder in course_folders):
        raise ValueError(f"out: {out} would mix the site with the course's notebooks; choose e.g. _site")
    pages, missing = page_sources(root, None if lang == "all" else [lang])
    if (out / ".buildinfo").is_file():
        shutil.rmtree(out)  # an earlier site: pages of notebooks that no longer exist go with it
    out.mkdir(parents=True, exist_ok=True)
    sphinx_warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="course-site-") as temporary:
        staging = Path(temporary)
        stage_notebooks(
            pages,
            staging,
            root=root,
            executed_dir=Path(executed_dir) if executed_dir is not None else None,
            jobs=jobs,
            timeout=timeout,
            progress=progress,
        )
        phases = {"notebooks": time.perf_counter() - start}
        languages = sorted({page.language for page in pages}, key=list(LANGUAGE_NAMES).index)
        for language in languages:
            title = stage_index(language, pages, staging, root)
            sphinx_warnings += _run_sphinx(language, title, pages, staging, out, jobs)
        phases["sphinx"] = time.perf_counter() - start - phases["notebooks"]
    copy_assets(out, ["mathjax"])
    _download_originals(pages, out, root)
    broken, remote = broken_links(out), remote_resources(out)
    seconds = time.perf_counter() - start
    phases["checks"] = seconds - phases["notebooks"] - phases["sphinx"]
    return SiteReport(out, pages, missing, sphinx_warnings, broken, remote, seconds, phases)
