"""Does the course site build (Sphinx + MyST-NB), with a page per notebook in both languages,
no broken link and nothing fetched from the web? Do slides export?

The site (both editions) is built once per module (``site`` fixture) from executed notebooks:

* when the test session offers executed copies of the notebooks (the ``executed_notebooks``
  fixture, a folder mirroring the repository), the build takes them and executes nothing;
* otherwise it executes a subset and publishes the rest as stored: every exercise notebook
  (each runs in seconds, and its page must show every check as "not attempted") and lesson
  00, which is short and has a slider, so the pages show figures and a widget cell turned
  into its static figure. The other lessons' execution is covered by the notebook tests.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from posixpath import dirname, join, normpath
from urllib.parse import unquote, urlsplit

import pytest

from course_tools.site import SiteReport, build_site, main, page_sources
from course_tools.site.pages import web_links
from course_tools.slides import derive_slide_type, export_slides, with_slide_types
from course_utils.course import LESSONS, ROOT
from course_utils.grading import exercises_for_lesson

EXECUTED_HERE = ("exercises/*.ipynb", "zh/exercises/*.ipynb", "notebooks/00-*.ipynb")
"""Without executed copies from the session, the notebooks this module executes."""
WIDGET_LESSON = "notebooks/00-start-here.html"
PREFIXES = {"en": "", "zh": "zh/"}


class _Links(HTMLParser):
    """Every href/src of an HTML page with its tag and class (an independent parser)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src"):
            if found.get(name) is not None:
                self.links.append((tag, found[name] or "", found.get("class") or ""))


def links_of(path: Path) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def internal(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return unquote(parts.path)


def resolve(page: str, url: str) -> str:
    """The file of the site a link of ``page`` (relative to the site) names."""
    return normpath(join(dirname(page), internal(url) or ""))


def expected_pages(prefix: str) -> list[str]:
    pages = [f"{prefix}notebooks/{lesson.slug}.html" for lesson in LESSONS]
    return pages + [f"{prefix}exercises/{lesson.slug}.html" for lesson in LESSONS if lesson.has_exercises]


@pytest.fixture(scope="module")
def executed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of executed notebooks mirroring the repository: the session's, else one holding
    the stored lessons other than :data:`EXECUTED_HERE` (which the build then executes)."""
    try:
        return Path(request.getfixturevalue("executed_notebooks"))
    except pytest.FixtureLookupError:
        pass
    folder = tmp_path_factory.mktemp("as-stored")
    for page in page_sources(ROOT)[0]:
        if not any(Path(page.source).match(pattern) for pattern in EXECUTED_HERE):
            (folder / page.source).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / page.source, folder / page.source)
    return folder


@pytest.fixture(scope="module")
def site(executed: Path, tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    return build_site(tmp_path_factory.mktemp("site") / "_site", executed_dir=executed, jobs=2, timeout=120)


def test_a_page_for_every_lesson_and_exercise_in_both_languages(site: SiteReport) -> None:
    """Is there a page for every lesson of LESSONS and each of its exercise notebooks, in English
    and in Chinese, and does each edition's table of contents list them in course order?"""
    for language, prefix in PREFIXES.items():
        expected = expected_pages(prefix)
        absent = [name for name in expected if not (site.out / name).is_file()]
        assert not absent, f"no page for {absent} (missing notebooks: {site.missing})"
        sidebar = [
            resolve(f"{prefix}index.html", url)
            for tag, url, cls in links_of(site.out / prefix / "index.html")
            if tag == "a" and "reference internal" in cls and resolve(f"{prefix}index.html", url) in expected
        ]
        order = [
            f"{prefix}{folder}/{lesson.slug}.html"
            for lesson in LESSONS
            for folder in ("notebooks", "exercises")[: 1 + lesson.has_exercises]
        ]
        assert list(dict.fromkeys(sidebar)) == order, language


def test_one_page_per_notebook_and_no_solution(site: SiteReport) -> None:
    """Does every notebook of notebooks/ and exercises/ (both editions) give one page, and no
    file of the site come from solutions/?"""
    for prefix in PREFIXES.values():
        notebooks = sorted(
            f"{prefix}{folder}/{path.stem}.html"
            for folder in ("notebooks", "exercises")
            for path in (ROOT / prefix / folder).glob("*.ipynb")
        )
        pages = sorted(
            path.relative_to(site.out).as_posix()
            for folder in ("notebooks", "exercises")
            for path in (site.out / prefix / folder).glob("*.html")
        )
        assert pages == notebooks
        assert (site.out / prefix / "index.html").is_file()
    assert sorted(page.target for page in site.pages) == sorted(expected_pages("") + expected_pages("zh/"))
    assert not [path for path in site.out.rglob("*") if "solution" in path.name.lower()]


def test_the_build_writes_the_site_folder_only(site: SiteReport) -> None:
    """Is the site folder the only thing the build leaves beside it (no tool's output folder)?"""
    assert [path.name for path in site.out.parent.iterdir()] == ["_site"]
    assert not list(site.out.glob("jupyter_execute")) and not list(site.out.glob("*/jupyter_execute"))


def test_every_internal_link_resolves_and_sphinx_did_not_warn(site: SiteReport) -> None:
    """Does every href/src of every page name a file of the site, with no Sphinx warning?"""
    broken = []
    for page in sorted(site.out.rglob("*.html")):
        here = page.relative_to(site.out).as_posix()
        if "_static" in here.split("/"):
            continue  # the theme's and MathJax's own files are not pages
        for tag, url, _ in links_of(page):
            if internal(url) is None:
                continue
            target = resolve(here, url)
            if target.startswith("..") or not (site.out / target).is_file():
                broken.append((here, tag, url))
    assert not broken, broken[:20]
    assert not site.broken and not site.warnings, (site.broken, site.warnings)
    assert site.ok, site.problems


def test_links_between_notebooks_become_page_links(site: SiteReport) -> None:
    """Are the notebooks' ../exercises/NN.ipynb and ../README.md links links to the site's pages?"""
    for prefix in PREFIXES.values():
        lesson = LESSONS[1]
        here = f"{prefix}notebooks/{lesson.slug}.html"
        targets = {
            resolve(here, url) for tag, url, _ in links_of(site.out / here) if tag == "a" and internal(url)
        }
        assert f"{prefix}exercises/{lesson.slug}.html" in targets
        assert f"{prefix}index.html" in targets
    leftovers = [
        (page.name, url)
        for page in site.out.rglob("*.html")
        for tag, url, _ in links_of(page)
        if internal(url) and internal(url).endswith((".ipynb", ".md")) and "_sources/" not in url
    ]
    assert not leftovers, leftovers


def test_no_page_loads_anything_from_the_web(site: SiteReport) -> None:
    """Does every script, style sheet and image of every page come from a file of the site?"""
    tag = re.compile(r"<(script|link|img)\b[^>]*>", re.IGNORECASE)
    remote = []
    for page in site.out.rglob("*.html"):
        if "/_static/" in page.as_posix():
            continue
        for element in tag.finditer(page.read_text(encoding="utf-8")):
            for url in re.findall(r"""\b(?:src|href)=["']([^"']+)""", element.group(0)):
                if re.match(r"(?i)(https?:)?//", url) or "cdn" in url.lower():
                    remote.append((page.name, url))
    assert not remote, remote[:10]
    assert not site.remote


def test_mathjax_is_served_from_the_site(site: SiteReport) -> None:
    """Does each page load MathJax from the site's own copy, configured for MathJax 2?"""
    for page in [site.out / "index.html", *(site.out / p.target for p in site.pages)]:
        here = page.relative_to(site.out).as_posix()
        scripts = [url for tag, url, _ in links_of(page) if tag == "script" and "MathJax.js" in url]
        assert len(scripts) == 1, here
        assert resolve(here, scripts[0]) == "_static/mathjax/MathJax.js", (here, scripts)
        assert "MathJax.Hub.Config(" in page.read_text(encoding="utf-8"), here
    assert (site.out / "_static" / "mathjax" / "fonts" / "HTML-CSS" / "STIX-Web").is_dir()


def test_each_edition_has_a_working_search(site: SiteReport) -> None:
    """Does each edition have its search page, a search index holding its lesson titles (and, in
    Chinese, its Chinese words), and a stemmer its search script defines?"""
    for language, prefix in PREFIXES.items():
        assert (site.out / prefix / "search.html").is_file()
        script = (site.out / prefix / "searchindex.js").read_text(encoding="utf-8")
        index = json.loads(script[script.index("(") + 1 : script.rindex(")")])  # Search.setIndex({...})
        assert any(LESSONS[2].title_in(language) in title for title in index["titles"]), language
        assert "saturation" in index["terms"] or "satur" in index["terms"], language
        if language == "zh":
            assert "温度" in index["terms"], "no Chinese word in the Chinese search index"
        script = (site.out / prefix / "_static" / "language_data.js").read_text(encoding="utf-8")
        stemmer = re.search(r"window\.Stemmer = (\w+);", script) or re.search(r"var Stemmer = ", script)
        assert stemmer, language
        if stemmer.groups():
            assert re.search(rf"\b(var|class|function) {stemmer.group(1)}\b", script), stemmer.group(0)
        search_links = [url for tag, url, _ in links_of(site.out / prefix / "index.html") if "search" in url]
        assert search_links, f"{prefix}index.html does not reach the search page"


def test_each_notebook_page_offers_its_notebook_for_download(site: SiteReport) -> None:
    """Does every notebook page link to its .ipynb, the course's notebook as stored?"""
    for page in site.pages:
        downloads = [url for tag, url, _ in links_of(site.out / page.target) if url.endswith(".ipynb")]
        assert downloads, page.target
        files = {site.out / resolve(page.target, url) for url in downloads}
        assert all(path.is_file() for path in files), (page.target, downloads)
        assert {path.read_bytes() for path in files} == {(ROOT / page.source).read_bytes()}, page.target


def test_previous_and_next_follow_the_course(site: SiteReport) -> None:
    """Does each notebook page link to the previous and next page of the course order?"""
    for prefix in PREFIXES.values():
        order = [f"{prefix}index.html"] + [
            f"{prefix}{folder}/{lesson.slug}.html"
            for lesson in LESSONS
            for folder in ("notebooks", "exercises")[: 1 + lesson.has_exercises]
        ]
        for position, here in enumerate(order[1:], start=1):
            links = links_of(site.out / here)
            previous = [resolve(here, url) for tag, url, cls in links if "left-prev" in cls]
            following = [resolve(here, url) for tag, url, cls in links if "right-next" in cls]
            assert previous == [order[position - 1]], here
            assert following == ([order[position + 1]] if position + 1 < len(order) else []), here


def test_a_slider_cell_shows_its_static_figure(site: SiteReport) -> None:
    """Is a slider cell shown as its default figure (a PNG file), without widget views or state?"""
    text = (site.out / WIDGET_LESSON).read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-view+json" not in text
    assert "application/vnd.jupyter.widget-state+json" not in text
    assert "@jupyter-widgets/html-manager" not in text and "require.js" not in text
    start = text.index('<span class="n">BUILDERS</span>')
    cell_end = text.find('<div class="cell docutils', start)
    images = re.findall(r'<img[^>]+src="([^"]+)"', text[start : cell_end if cell_end > 0 else None])
    assert images, "the slider cell shows no figure"
    data = (site.out / resolve(WIDGET_LESSON, images[0])).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_exercise_pages_run_blank_and_show_not_attempted(site: SiteReport) -> None:
    """Does each exercise page show every check as not attempted, with no cell raising?"""
    exercise_pages = [page for page in site.pages if page.kind == "exercise"]
    assert len(exercise_pages) == 2 * sum(lesson.has_exercises for lesson in LESSONS)
    for page in exercise_pages:
        assert not page.errors, (page.source, page.errors)
        text = (site.out / page.target).read_text(encoding="utf-8")
        word, passed = ("未作答", ">通过<") if page.language == "zh" else ("NOT ATTEMPTED", ">PASSED<")
        badges = len(re.findall(rf">\s*{word}\s*<", text))
        assert badges >= len(exercises_for_lesson(page.lesson.number)), page.target
        assert passed not in text


def test_contents_pages_list_every_lesson_with_minutes(site: SiteReport) -> None:
    """Does each contents page list every lesson's title and minutes, linking its pages?"""
    for language, prefix in PREFIXES.items():
        text = (site.out / prefix / "index.html").read_text(encoding="utf-8")
        targets = {
            resolve(f"{prefix}index.html", url) for _, url, _ in links_of(site.out / prefix / "index.html")
        }
        minutes = "min" if language == "en" else "分钟"
        for lesson in LESSONS:
            assert lesson.title_in(language) in text
            assert f"{lesson.minutes} {minutes}" in text
            assert f"{prefix}notebooks/{lesson.slug}.html" in targets


def test_every_page_switches_to_the_same_page_in_the_other_language(site: SiteReport) -> None:
    """Does each page link to its counterpart (English <-> 中文), and each contents page to the other?"""
    pairs = [
        (page.target, page.target[3:] if page.language == "zh" else f"zh/{page.target}")
        for page in site.pages
    ]
    for here, other in [("index.html", "zh/index.html"), ("zh/index.html", "index.html"), *pairs]:
        targets = {
            resolve(here, url) for tag, url, _ in links_of(site.out / here) if tag == "a" and internal(url)
        }
        assert other in targets, f"{here} has no link to {other}"


def test_markdown_links_are_rebased_for_the_site() -> None:
    """Are README links turned into the contents page, and links into another edition into HTML?"""
    assert (
        web_links("[c](../README.md)", "zh/notebooks/01-x.ipynb", "zh/notebooks/01-x.ipynb")
        == "[c](../index.md)"
    )
    assert (
        web_links("[e](../exercises/01-x.ipynb#q)", "notebooks/00-x.ipynb", "index.md")
        == "[e](exercises/01-x.ipynb#q)"
    )
    assert web_links(
        "[en](../../notebooks/01-x.ipynb)", "zh/notebooks/01-x.ipynb", "zh/notebooks/01-x.ipynb"
    ) == ('<a href="../../notebooks/01-x.html">en</a>')
    assert web_links("[w](https://example.org/a.md) ![f](a.png)", "README.md", "index.md") == (
        "[w](https://example.org/a.md) ![f](a.png)"
    )


def test_one_language_only(tmp_path: Path) -> None:
    """Does lang="zh" publish the Chinese edition only, with sound links?"""
    report = build_site(tmp_path, lang="zh", executed_dir=ROOT)
    assert report.pages and {page.language for page in report.pages} == {"zh"}
    assert not list((tmp_path / "notebooks").glob("*.html"))
    assert (tmp_path / "zh" / "index.html").is_file()
    assert report.ok, report.problems


def test_cli_rejects_bad_jobs_a_bad_language_and_a_site_inside_the_notebooks() -> None:
    """Does the command line refuse -j 0, --lang fr and a site among the notebooks, with a usage error?"""
    for argv in (
        ["--out", "unused", "-j", "0"],
        ["--out", "unused", "--lang", "fr"],
        ["--out", str(ROOT / "notebooks" / "site")],
        ["--out", str(ROOT / "zh" / "exercises" / "site")],
    ):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2, argv
    assert not (ROOT / "notebooks" / "site").exists() and not (ROOT / "zh" / "exercises" / "site").exists()


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
