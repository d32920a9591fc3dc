"""Each page's executed notebook, staged for Sphinx in ``staging/<language>/<folder>/``.

A page's notebook is made in one of three ways:

* **given** — its executed copy is in ``executed_dir`` (a folder mirroring the repository):
  taken as it is;
* **from the English run** — a translated page whose English page (same folder and file name
  under the course root) is part of the same build, and which executes exactly as that page
  (:func:`course_tools.translation.executes_as_english`: the same code cells, no call to the
  graders, no path relative to the notebook's folder): it is the translation holding the
  outputs (and the kernel's ``language_info``) of the English notebook as executed, before the
  site's transforms (:func:`course_tools.translation.with_english_outputs`);
  :attr:`Page.outputs_from` names that English page;
* **executed here** — every other page, in a fresh kernel
  (:func:`course_tools.execution.execute_notebook`).

The notebooks to execute go to a pool of ``jobs`` threads, lessons before exercises, English
before the translations; a translated page that takes the English outputs is staged as soon as
its English page is done. If the English page raised (or could not be read), its translation
is executed itself: each page reports the problems of its own execution, and a problem that
may not recur (a cell past its time limit on a busy machine) is not copied into the other
edition. A build of one translated edition alone (``--lang zh``) has no English page and
executes every page it does not find in ``executed_dir``.

Every staged notebook then has its widget views made static (:func:`static_widgets`) and its
links re-based for the site (:func:`web_links`).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING

from course_tools.execution import execute_notebook
from course_tools.site.pages import Page, static_widgets, web_links
from course_utils.course import ROOT

if TYPE_CHECKING:  # nbformat costs a second to import: only when building
    from nbformat import NotebookNode

__all__ = ["english_source", "stage_notebooks"]


def english_source(page: Page) -> str | None:
    """The English notebook a translated page translates (``zh/notebooks/01-x.ipynb`` ->
    ``notebooks/01-x.ipynb``); None for an English page."""
    return None if page.language == "en" else page.source[len(page.prefix) :]


def _given(page: Page, executed_dir: Path | None) -> Path | None:
    """The page's executed copy in ``executed_dir``, if there is one."""
    path = executed_dir / page.source if executed_dir is not None else None
    return path if path is not None and path.is_file() else None


def _lenders(pages: Sequence[Page], root: Path, executed_dir: Path | None) -> dict[str, list[Page]]:
    """English page source -> the translated pages that may take its executed outputs.

    A translated page qualifies when no executed copy of it is given, its English page is in
    ``pages`` and :func:`~course_tools.translation.executes_as_english` finds no reason against
    (checked on the notebooks as read now, and again on the English notebook once executed).
    """
    import nbformat

    from course_tools.translation import executes_as_english

    by_source = {page.source: page for page in pages}
    lenders: dict[str, list[Page]] = {}
    for page in pages:
        english = by_source.get(english_source(page) or "")
        if english is None or _given(page, executed_dir) is not None:
            continue
        try:
            english_nb = nbformat.read(_given(english, executed_dir) or root / english.source, as_version=4)
            translated_nb = nbformat.read(root / page.source, as_version=4)
        except Exception:
            continue  # executing the page reports why it cannot be read
        if executes_as_english(english_nb, translated_nb) is None:
            lenders.setdefault(english.source, []).append(page)
    return lenders


def _notebook(
    page: Page, root: Path, executed_dir: Path | None, timeout: float, english: NotebookNode | None
) -> NotebookNode | None:
    """The page's executed notebook (from the English outputs, given, or executed here); None
    when it cannot be read (the reason is in ``page.errors``)."""
    import nbformat

    from course_tools.translation import executes_as_english, with_english_outputs

    given = _given(page, executed_dir)
    try:
        nb = nbformat.read(given or root / page.source, as_version=4)
    except Exception as error:
        page.errors.append(f"unreadable notebook: {type(error).__name__}: {error}")
        return None
    if given is not None:
        return nb
    if english is not None and executes_as_english(english, nb) is None:
        page.outputs_from = english_source(page) or ""
        return with_english_outputs(nb, english)
    page.executed = True
    page.errors += execute_notebook(nb, (root / page.source).parent, timeout=timeout, root=root)
    return nb


def _stage_one(
    page: Page,
    root: Path,
    staging: Path,
    executed_dir: Path | None,
    timeout: float,
    *,
    english: NotebookNode | None = None,
    keep: bool = False,
) -> NotebookNode | None:
    """Stage one page; return its executed notebook before the site's transforms if ``keep``.

    ``english`` is the English page's executed notebook, for a translation that may take its
    outputs.
    """
    import nbformat

    start = time.perf_counter()
    nb = _notebook(page, root, executed_dir, timeout, english)
    if nb is None:
        return None
    kept = copy.deepcopy(nb) if keep else None
    static_widgets(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = web_links(cell.source, page.source, page.source)
        for output in cell.get("outputs", []):
            if "text/markdown" in output.get("data", {}):
                markdown = output.data["text/markdown"]
                output.data["text/markdown"] = web_links(markdown, page.source, page.source, as_html=True)
    destination = staging / page.language / page.docname
    destination.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, destination.with_suffix(".ipynb"))
    page.seconds = time.perf_counter() - start
    return kept


def stage_notebooks(
    pages: Sequence[Page],
    staging: Path,
    *,
    root: Path = ROOT,
    executed_dir: Path | None = None,
    jobs: int = 2,
    timeout: float = 120,
    progress: Callable[[Page], None] | None = None,
) -> None:
    """Write each page's executed notebook into ``staging/<language>/<folder>/``.

    Parameters
    ----------
    pages : sequence of Page
        Updated in place (``executed``, ``outputs_from``, ``seconds``, ``errors``).
    staging : Path
        The staging folder.
    root : Path
        The course root.
    executed_dir : Path, optional
        A folder mirroring the repository layout with already-executed notebooks: a notebook
        found there is taken as it is.
    jobs : int
        Notebooks executed at once.
    timeout : float
        Per-cell time limit in seconds.
    progress : callable, optional
        Called with each staged :class:`Page`, in the order they are done.

    Notes
    -----
    A translated page that executes exactly as its English page takes that page's outputs
    instead of being executed a second time, unless the English page raised; see the module's
    documentation.
    """
    lenders = _lenders(pages, root, executed_dir)
    waiting = {page.source for translations in lenders.values() for page in translations}
    # the slowest notebooks (lessons to execute) first, so the pool is not left waiting on one
    order = sorted(
        (page for page in pages if page.source not in waiting),
        key=lambda page: (_given(page, executed_dir) is not None, page.kind != "lesson"),
    )
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running: dict[Future[NotebookNode | None], Page] = {
            pool.submit(
                _stage_one, page, root, staging, executed_dir, timeout, keep=page.source in lenders
            ): page
            for page in order
        }
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                page = running.pop(future)
                executed = future.result()
                english = executed if not page.errors else None  # a page that raised lends nothing
                for translation in lenders.pop(page.source, []):
                    job = pool.submit(
                        _stage_one, translation, root, staging, executed_dir, timeout, english=english
                    )
                    running[job] = translation
                if progress is not None:
                    progress(page)
