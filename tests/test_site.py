"""Does the course site build, with a page per notebook and no broken link? Do slides export?

The site (both languages) is built once per module (``site`` fixture). Executing every lesson would take
minutes on 2 cores, so the fixture executes a subset and converts the rest as stored:

* every exercise notebook (each runs in a few seconds, and its page must show every check
  as "not attempted");
* lesson 00, which is short and has a slider (the explorer), so the test sees figures
  written as files and a widget cell turned into its static figure.

The other lessons are converted without execution (``execute_only``); their execution is
covered by the notebook tests (nbval), and the conversion and link rewriting are the same.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from posixpath import dirname, join, normpath
from urllib.parse import unquote, urlsplit

import pytest

from course_tools.site import SiteReport, build_site, main, rewrite_links
from course_tools.slides import derive_slide_type, export_slides, with_slide_types
from course_utils.course import LESSONS, ROOT
from course_utils.grading import exercises_for_lesson

EXECUTED = ["exercises/*", "notebooks/00-*", "zh/exercises/*"]
EXECUTED_LESSON = "notebooks/00-start-here.html"


class _Links(HTMLParser):
    """Every href/src of an HTML page (an independent parser, not the builder's regex)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))


def links_of(path: Path) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def internal(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return unquote(parts.path)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    out = tmp_path_factory.mktemp("site")
    return build_site(out, execute_only=EXECUTED, jobs=2, timeout=120)


def test_every_lesson_of_the_course_has_its_pages(site: SiteReport) -> None:
    """Is there a page for every lesson of LESSONS and for each of its exercise notebooks?"""
    expected = [f"notebooks/{lesson.slug}.html" for lesson in LESSONS]
    expected += [f"exercises/{lesson.slug}.html" for lesson in LESSONS if lesson.has_exercises]
    absent = [name for name in expected if not (site.out / name).is_file()]
    assert not absent, f"no page for {absent} (notebooks missing from the repository: {site.missing})"


def test_one_page_per_notebook_and_a_contents_page(site: SiteReport) -> None:
    """Does every notebook of notebooks/ and exercises/ give exactly one page, plus index.html?"""
    notebooks = sorted(
        f"{folder}/{path.stem}.html"
        for folder in ("notebooks", "exercises")
        for path in (ROOT / folder).glob("*.ipynb")
    )
    pages = sorted(
        path.relative_to(site.out).as_posix()
        for folder in ("notebooks", "exercises")
        for path in (site.out / folder).glob("*.html")
    )
    assert pages == notebooks
    assert sorted(page.target for page in site.pages if page.language == "en") == pages
    assert (site.out / "index.html").is_file()
    assert not list(site.out.rglob("solutions/*")), "solutions must never be published"


def test_every_internal_link_resolves(site: SiteReport) -> None:
    """Does every href/src of every page name a file of the site?"""
    broken = []
    for page in sorted(site.out.rglob("*.html")):
        here = page.relative_to(site.out).as_posix()
        for tag, url in links_of(page):
            path = internal(url)
            if path is None:
                continue
            target = normpath(join(dirname(here), path))
            if target.startswith("..") or not (site.out / target).is_file():
                broken.append((here, tag, url))
    assert not broken, broken
    # the builder's own check agrees
    assert not site.broken, site.broken


def test_links_between_notebooks_point_to_pages(site: SiteReport) -> None:
    """Are the notebooks' .ipynb and README links rewritten to the site's .html pages?"""
    leftovers = []
    for page in site.out.rglob("*.html"):
        for _, url in links_of(page):
            path = internal(url)
            if path is not None and (path.endswith((".ipynb", "README.md"))):
                leftovers.append((page.name, url))
    assert not leftovers, leftovers
    lesson_page = (site.out / EXECUTED_LESSON).read_text(encoding="utf-8")
    assert 'href="../index.html"' in lesson_page


def test_figures_are_image_files(site: SiteReport) -> None:
    """Does an executed lesson show its figures as PNG files next to the page?"""
    page = site.out / EXECUTED_LESSON
    images = [url for tag, url in links_of(page) if tag == "img" and internal(url)]
    assert images, "the executed lesson shows no figure"
    for url in images:
        data = (page.parent / unquote(url)).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", url
    recorded = [image for p in site.pages for image in p.images]
    assert recorded and all((site.out / image).is_file() for image in recorded)


def test_slider_cells_become_their_static_figure(site: SiteReport) -> None:
    """Is a slider cell shown as its default figure, without widget views or widget state?"""
    text = (site.out / EXECUTED_LESSON).read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-view+json" not in text
    assert "application/vnd.jupyter.widget-state+json" not in text
    assert "@jupyter-widgets/html-manager" not in text
    start = text.index('<span class="n">BUILDERS</span>')
    following_cell = text.find("jp-CodeCell", start)
    assert "<img" in text[start : following_cell if following_cell > 0 else None]


def test_exercise_pages_run_blank_and_show_not_attempted(site: SiteReport) -> None:
    """Does each exercise page show every check as not attempted, with no cell raising?"""
    exercise_pages = [page for page in site.pages if page.kind == "exercise"]
    assert exercise_pages
    for page in exercise_pages:
        assert page.executed and not page.errors, (page.source, page.errors)
        text = (site.out / page.target).read_text(encoding="utf-8")
        # the badge is in the page's language (the Chinese edition's check() speaks Chinese)
        word, passed = ("未作答", ">通过<") if page.language == "zh" else ("NOT ATTEMPTED", ">PASSED<")
        badges = len(re.findall(rf">\s*{word}\s*<", text))
        assert badges >= len(exercises_for_lesson(page.lesson.number)), page.target
        assert passed not in text


def test_contents_page_lists_every_lesson_with_minutes(site: SiteReport) -> None:
    """Does index.html list every lesson's title and minutes, linking the published pages?"""
    text = (site.out / "index.html").read_text(encoding="utf-8")
    hrefs = {url for _, url in links_of(site.out / "index.html")}
    for lesson in LESSONS:
        assert lesson.title in text
        assert f"{lesson.minutes} min" in text
        assert f"notebooks/{lesson.slug}.html" in hrefs


def test_rewrite_links_copies_linked_repository_files() -> None:
    """Is a link to a repository file kept, and the file queued for copying into the site?"""
    copies: set[str] = set()
    page = '<a href="../LICENSE">licence</a> <a href="../solutions/01-why-nonlinearity.ipynb">no</a>'
    out = rewrite_links(page, "notebooks/01-x.ipynb", "notebooks/01-x.html", ROOT, copies)
    assert 'href="../LICENSE"' in out
    assert copies == {"LICENSE"}
    assert "solutions/01-why-nonlinearity.ipynb" in out  # left alone: solutions are never published


def test_cli_rejects_bad_jobs_and_a_site_inside_the_notebooks() -> None:
    """Does the command line refuse -j 0, and a site folder among the notebooks, with a usage error?"""
    for argv in (["--out", "unused", "-j", "0"], ["--out", str(ROOT / "notebooks" / "site")]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
    assert not (ROOT / "notebooks" / "site").exists()


# ------------------------------------------------------------------------------------ slides


def test_slide_types_follow_headings() -> None:
    """Do headings start slides and subslides, code appear as fragments, nav cells vanish?"""
    import nbformat.v4 as v4

    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("[< prev](x.ipynb)", metadata={"tags": ["nav"]}),
        v4.new_markdown_cell("# 01 · Title"),
        v4.new_code_cell("import numpy as np"),
        v4.new_markdown_cell("## 1.1 Section"),
        v4.new_markdown_cell("prose"),
        v4.new_code_cell("x = 1"),
        v4.new_code_cell("y = 2"),
        v4.new_markdown_cell("### Detail"),
        v4.new_markdown_cell("kept", metadata={"slideshow": {"slide_type": "notes"}}),
    ]
    types = [cell.metadata["slideshow"]["slide_type"] for cell in with_slide_types(nb).cells]
    assert types == ["skip", "slide", "fragment", "slide", "-", "fragment", "-", "subslide", "notes"]
    assert derive_slide_type("code", "   ", "markdown") == "skip"


def test_a_lesson_exports_as_slides(tmp_path: Path) -> None:
    """Does a lesson export to a reveal.js file with more than 5 sections, without nav cells?"""
    lesson = LESSONS[0]
    path = export_slides(lesson, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert path.name == f"{lesson.slug}.slides.html"
    assert text.count("<section") > 5
    assert "reveal" in text.lower()
    assert "Contents</a>" not in text  # the navigation cells are skipped
    # reveal.js and MathJax are copied next to the deck, not fetched from the internet
    assert '<script src="_static/revealjs/dist/reveal.js">' in text
    assert (tmp_path / "_static" / "revealjs" / "dist" / "reveal.js").is_file()
    assert (tmp_path / "_static" / "mathjax" / "MathJax.js").is_file()
    assert not re.findall(r"<script[^>]+src=\"(?:https?:)?//", text)


# ----------------------------------------------------------------------------- teacher's guide


def test_teachers_guide_covers_every_lesson_and_exercise(site: SiteReport) -> None:
    """Does TEACHING.md plan every lesson, name every exercise id, and appear on the site?"""
    from course_utils.grading import EXERCISES

    text = (ROOT / "TEACHING.md").read_text(encoding="utf-8")
    for lesson in LESSONS:
        assert f"## Lesson {int(lesson.number)} · {lesson.title}" in text, lesson.title
    unnamed = [exercise_id for exercise_id in EXERCISES if f"`{exercise_id}`" not in text]
    assert not unnamed, f"exercises the guide does not assign: {unnamed}"
    for flag in ("--out", "-j", "--timeout", "--lesson", "--feedback"):
        assert f"`{flag}" in text, flag
    assert "submission`, `exercise`, `status`, `points`, `max_points`, `message`" in text
    assert "not tested here" in text
    assert not (site.out / "teaching.html").exists(), "the public site holds what students get"


def test_teaching_flag_publishes_the_guide(tmp_path: Path) -> None:
    """With --teaching, is the guide a page linked from the contents page, its links resolving?"""
    root = tmp_path / "course"
    root.mkdir()
    for name in ("README.md", "TEACHING.md", "LICENSE"):
        (root / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    report = build_site(tmp_path / "site", root=root, execute=False, teaching=True)
    assert (report.out / "teaching.html").is_file()
    assert 'href="teaching.html"' in (report.out / "index.html").read_text(encoding="utf-8")
    assert not [link for page, link in report.broken if page == "teaching.html" and "notebooks/" not in link]


def test_chinese_edition_has_its_pages_and_contents(site: SiteReport) -> None:
    """Is every zh notebook a page under zh/, with a Chinese contents page linking each one?"""
    notebooks = sorted(
        f"zh/{folder}/{path.stem}.html"
        for folder in ("notebooks", "exercises")
        for path in (ROOT / "zh" / folder).glob("*.ipynb")
    )
    assert notebooks and sorted(page.target for page in site.pages if page.language == "zh") == notebooks
    index = (site.out / "zh" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in index
    linked = {normpath(join("zh", url)) for _, url in links_of(site.out / "zh" / "index.html")}
    assert set(notebooks) <= linked
    assert "index.html" in linked  # back to the English contents


def test_every_page_switches_to_the_same_page_in_the_other_language(site: SiteReport) -> None:
    """Does each page link to its counterpart (English <-> 中文), and the contents pages to each other?"""
    for page in site.pages:
        other = page.target[len("zh/") :] if page.language == "zh" else f"zh/{page.target}"
        switches = [
            normpath(join(dirname(page.target), url))
            for tag, url in links_of(site.out / page.target)
            if tag == "a" and url.endswith(".html") and normpath(join(dirname(page.target), url)) == other
        ]
        assert switches, f"{page.target} has no link to {other}"
    assert "zh/index.html" in {url for _, url in links_of(site.out / "index.html")}


def test_one_language_only(tmp_path: Path) -> None:
    """Does languages=["zh"] publish the Chinese pages (and the English contents page) only?"""
    report = build_site(tmp_path, execute=False, languages=["zh"], execute_only=[])
    assert report.pages and {page.language for page in report.pages} == {"zh"}
    assert not list((tmp_path / "notebooks").glob("*.html"))
    assert report.broken == [] and report.missing == []
