"""Export a lesson as reveal.js slides, deriving the slide layout from its headings.

Command line::

    python -m course_tools.slides 01                  # -> _slides/01-why-nonlinearity.slides.html
    python -m course_tools.slides 01 06 --out slides  # several lessons
    python -m course_tools.slides all --execute       # every lesson, executed first (figures shown)
    python -m course_tools.slides 01 --exercises      # the exercise notebook instead of the lesson

The stored notebooks carry no slide metadata; the layout is derived when exporting, so
authors never maintain it by hand. For each cell without ``metadata.slideshow.slide_type``:

* a Markdown cell whose first line is a ``#`` or ``##`` heading starts a new **slide**;
* a ``###`` heading starts a **subslide** (reveal.js shows it below the previous slide);
* a code cell right after prose is a **fragment** (it appears on the next click, so the
  teacher can ask "what will this print?" first); further code cells follow it (``-``);
* other Markdown cells continue the current slide (``-``);
* the generated navigation cells (tag ``nav``) and empty cells are skipped.

A cell that already has ``slideshow`` metadata keeps it. Presenting needs no network: the
export copies reveal.js 5 (from the ``sphinx-revealjs`` package) and MathJax 2.7 (from
``jupyter-server-mathjax``) into ``_static/`` next to the slides, and the deck loads them from
there with plain ``<script>`` tags (nbconvert's ``reveal`` template fetches them, jQuery and
require.js from CDNs; :data:`REVEAL_TEMPLATE` overrides those parts). Long slides scroll. Open
the ``.slides.html`` file in a browser; press ``?`` for reveal.js's keys (``s`` opens the
speaker view). Copy the whole output folder (deck and ``_static/``) to present elsewhere.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from course_tools.site.assets import MATHJAX_HTML
from course_utils.course import LESSONS, ROOT, Lesson, lesson

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["NAV_TAG", "REVEAL_TEMPLATE", "derive_slide_type", "export_slides", "main", "with_slide_types"]

NAV_TAG = "nav"
"""Tag of the generated navigation cells, which never become slides."""

_HEADING = re.compile(r"^(#{1,6})\s")

REVEAL_TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}
"""
    + MATHJAX_HTML.replace("{url}", "{{ resources.mathjax_url }}")
    + """
{%- endblock html_head_js_mathjax -%}
{% block footer_js %}
<script src="{{ reveal_url_prefix }}/dist/reveal.js"></script>
<script src="{{ reveal_url_prefix }}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
    controls: true,
    progress: true,
    history: true,
    transition: "{{ reveal_transition }}",
    slideNumber: "{{ reveal_number }}",
    plugins: [RevealNotes],
    width: {{ reveal_width }},
    height: {{ reveal_height }},
});
Reveal.on('slidechanged', function () {
    if (window.MathJax && MathJax.Hub && MathJax.Hub.getAllJax(Reveal.getCurrentSlide())) {
        MathJax.Hub.Rerender(Reveal.getCurrentSlide());
    }
    if ({{ reveal_scroll }}) {
        var tall = document.querySelector('.reveal').offsetHeight * 0.95;
        document.querySelectorAll('section.present section').forEach(function (section) {
            if (section.offsetHeight > tall) {
                section.style.height = 'calc(95vh)';
                section.style.overflowY = 'scroll';
                section.style.marginTop = '20px';
            }
        });
    }
});
</script>
{% endblock footer_js %}
"""
)
"""nbconvert's ``reveal`` template without its CDN scripts (jQuery, require.js, mermaid):
reveal.js and its notes plugin load with plain ``<script>`` tags from the copied assets."""


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ""


def derive_slide_type(cell_type: str, source: str, previous: str | None, tags: Sequence[str] = ()) -> str:
    """The reveal.js slide type of one cell.

    Parameters
    ----------
    cell_type : str
        ``"markdown"``, ``"code"`` or ``"raw"``.
    source : str
        The cell's text.
    previous : str or None
        The cell type of the previous cell shown on the slides (None at the start).
    tags : sequence of str
        The cell's tags.

    Returns
    -------
    str
        ``"slide"``, ``"subslide"``, ``"fragment"``, ``"-"`` or ``"skip"``.

    Examples
    --------
    >>> derive_slide_type("markdown", "## 1.2 Stacked layers", "code")
    'slide'
    >>> derive_slide_type("markdown", "### By hand", "markdown")
    'subslide'
    >>> derive_slide_type("code", "x = 1", "markdown")
    'fragment'
    >>> derive_slide_type("code", "y = 2", "code")
    '-'
    >>> derive_slide_type("markdown", "[< 00](00-start-here.ipynb)", None, tags=["nav"])
    'skip'
    """
    if NAV_TAG in tags or not source.strip() or cell_type == "raw":
        return "skip"
    if cell_type == "markdown":
        heading = _HEADING.match(_first_line(source))
        if heading is None:
            return "-"
        level = len(heading.group(1))
        return "slide" if level <= 2 else "subslide" if level == 3 else "-"
    return "fragment" if previous == "markdown" else "-"


def with_slide_types(nb: NotebookNode) -> NotebookNode:
    """Set ``metadata.slideshow.slide_type`` on every cell that has none (in place).

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    nbformat.NotebookNode
        The same notebook, for chaining.
    """
    previous: str | None = None
    for cell in nb.cells:
        existing = cell.metadata.get("slideshow", {}).get("slide_type")
        if existing is None:
            kind = derive_slide_type(cell.cell_type, cell.source, previous, cell.metadata.get("tags", []))
            cell.metadata["slideshow"] = {"slide_type": kind}
        else:
            kind = existing
        if kind != "skip":
            previous = cell.cell_type
    return nb


def export_slides(
    which: str | int | Lesson,
    out: str | Path = "_slides",
    *,
    execute: bool = False,
    exercises: bool = False,
    root: str | Path = ROOT,
    timeout: float = 120,
) -> Path:
    """Export one lesson (or its exercise notebook) as a reveal.js slide show.

    Parameters
    ----------
    which : str, int or Lesson
        The lesson, e.g. ``"01"`` or ``1``.
    out : str or Path
        Output folder (created).
    execute : bool
        Execute the notebook first (in a kernel running this Python) so that figures and
        results appear on the slides; slider cells show their figure at the default values.
    exercises : bool
        Export ``exercises/NN-slug.ipynb`` instead of the lesson.
    root : str or Path
        The course root.
    timeout : float
        Per-cell time limit in seconds when executing.

    Returns
    -------
    Path
        The written ``NN-slug.slides.html``.

    Raises
    ------
    ValueError
        If the lesson does not exist, or its notebook is missing.
    RuntimeError
        If a package shipping reveal.js or MathJax is not installed.
    """
    import nbformat
    from nbconvert import SlidesExporter

    from course_tools.site.assets import copy_assets, mathjax_url, offline_template_loader

    record = which if isinstance(which, Lesson) else lesson(which)
    folder = "exercises" if exercises else "notebooks"
    source = Path(root) / folder / record.filename
    if not source.is_file():
        raise ValueError(f"which: no notebook {folder}/{record.filename} in {root}")
    nb = nbformat.read(source, as_version=4)
    if execute:
        from course_tools.execution import execute_notebook
        from course_tools.site.pages import static_widgets

        problems = execute_notebook(nb, source.parent, timeout=timeout, root=root)
        for problem in problems:
            print(f"{source.name}: {problem}", file=sys.stderr)
        static_widgets(nb)
    with_slide_types(nb)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out, ["revealjs", "mathjax"])
    exporter = SlidesExporter(
        reveal_scroll=True,
        reveal_transition="none",
        reveal_number="c/t",
        reveal_theme="white",  # "simple", nbconvert's default, imports web fonts from the internet
        reveal_url_prefix="_static/revealjs",
        mathjax_url=mathjax_url(""),
        extra_loaders=[offline_template_loader({"course-reveal.html.j2": REVEAL_TEMPLATE})],
        template_file="course-reveal.html.j2",
    )
    suffix = " — exercises" if exercises else ""
    resources = {
        "metadata": {"name": f"{record.number} · {record.title}{suffix}", "path": str(source.parent)}
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    stem = f"{record.slug}-exercises" if exercises else record.slug
    target = out / f"{stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m course_tools.slides``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.slides",
        description="Export lessons as reveal.js slides (slide layout derived from the headings).",
    )
    parser.add_argument("lessons", nargs="+", metavar="NN", help='lesson numbers such as 01 06, or "all"')
    parser.add_argument("--out", default="_slides", help="output folder (default: _slides)")
    parser.add_argument("--execute", action="store_true", help="execute the notebook first (shows figures)")
    parser.add_argument("--exercises", action="store_true", help="export the exercise notebook instead")
    parser.add_argument("--timeout", type=float, default=120, help="per-cell time limit when executing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional

    Returns
    -------
    int
        0 on success, 2 for an unknown lesson, a missing notebook or a missing asset package.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if [name.lower() for name in args.lessons] == ["all"]:
        chosen = [record for record in LESSONS if not args.exercises or record.has_exercises]
    else:
        try:
            chosen = [lesson(name) for name in args.lessons]
        except ValueError as error:
            parser.error(str(error))
    status = 0
    for record in chosen:
        try:
            path = export_slides(
                record, args.out, execute=args.execute, exercises=args.exercises, timeout=args.timeout
            )
        except (ValueError, RuntimeError) as error:
            print(f"error: {error}", file=sys.stderr)
            status = 2
            continue
        sections = path.read_text(encoding="utf-8").count("<section")
        print(f"{path}  ({sections} sections)")
    return status


if __name__ == "__main__":
    sys.exit(main())
