"""Does the site build execute a translated page only when it must?

A tiny course root (real lesson file names, a cell or two each) is staged as the site build
stages it. A translation whose code is the English code and speaks no language takes the
outputs of the English page executed in the same build; one that calls a grader, one whose
English page raised, and one built without its English edition are executed themselves.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import nbformat.v4 as v4
import pytest

from course_tools.site import SiteReport, page_sources
from course_tools.site.pages import Page
from course_tools.site.staging import english_source, stage_notebooks
from course_utils.course import LESSONS

CODE = {
    # the kernel's clock: two executions never print the same number
    LESSONS[1]: "import time\nprint(time.perf_counter_ns())",
    # a grader's name: its feedback follows the notebook's language
    LESSONS[2]: "def check(answer):\n    print(answer)\n\ncheck(1)",
    # the English page raises
    LESSONS[3]: "print('before')\nraise ValueError('broken')",
}
"""The code cell of each lesson of the tiny course (the same in both editions)."""
Course = tuple[Path, Path, dict[str, Page]]
"""A staged tiny course: its root, its staging folder and its pages by source."""


def write_course(root: Path, lessons: dict[object, str] = CODE) -> None:
    """Lessons with a title cell in each edition's language and the same code cell."""
    for lesson, code in lessons.items():
        for prefix, title in (("", "# One"), ("zh/", "# 一")):
            nb = v4.new_notebook()
            nb.cells = [v4.new_markdown_cell(title), v4.new_code_cell(code)]
            nb.cells[0].id, nb.cells[1].id = "title", "code"
            path = root / prefix / "notebooks" / lesson.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)


def staged(staging: Path, page: Page) -> nbformat.NotebookNode:
    return nbformat.read(staging / page.language / f"{page.docname}.ipynb", as_version=4)


def text_of(nb: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("text", "") for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The tiny course of both editions staged once: (root, staging, pages by source)."""
    root = tmp_path_factory.mktemp("course")
    write_course(root)
    pages, _ = page_sources(root)
    staging = root.parent / f"{root.name}-staging"
    stage_notebooks(pages, staging, root=root, jobs=2, timeout=60)
    return root, staging, {page.source: page for page in pages}


def test_a_translation_that_runs_as_english_takes_the_english_outputs(course: Course) -> None:
    """Is the Chinese lesson the English outputs under the Chinese markdown, not executed again?"""
    _, staging, pages = course
    english, chinese = (pages[f"{prefix}notebooks/{LESSONS[1].filename}"] for prefix in ("", "zh/"))
    assert english.executed and not english.errors
    assert not chinese.executed and chinese.outputs_from == english.source == english_source(chinese)
    en_nb, zh_nb = staged(staging, english), staged(staging, chinese)
    assert text_of(zh_nb) == text_of(en_nb) and text_of(en_nb).strip().isdigit()
    assert zh_nb.cells[0].source == "# 一"
    assert zh_nb.metadata.language_info == en_nb.metadata.language_info  # the kernel's, as executed
    assert zh_nb.metadata.language_info.get("pygments_lexer") == "ipython3"
    report = SiteReport(staging, list(pages.values()), [], [], [], [], 1.0)
    assert "6 notebook pages (5 executed here, 1 from the English run)" in report.summary()


def test_a_translation_calling_a_grader_is_executed_itself(course: Course) -> None:
    """Does a Chinese lesson whose code calls check( run in its own kernel?"""
    _, staging, pages = course
    chinese = pages[f"zh/notebooks/{LESSONS[2].filename}"]
    assert chinese.executed and not chinese.outputs_from and not chinese.errors
    assert text_of(staged(staging, chinese)) == "1\n"


def test_a_translation_of_a_failing_english_page_is_executed_itself(course: Course) -> None:
    """When the English lesson raised, is its translation executed, reporting its own error?"""
    _, staging, pages = course
    english, chinese = (pages[f"{prefix}notebooks/{LESSONS[3].filename}"] for prefix in ("", "zh/"))
    assert english.errors and chinese.errors
    assert chinese.executed and not chinese.outputs_from
    assert "before" in text_of(staged(staging, chinese))


def test_one_translated_edition_alone_is_executed(tmp_path: Path) -> None:
    """Without its English page in the build (``--lang zh``), is the Chinese lesson executed?"""
    write_course(tmp_path, {LESSONS[1]: CODE[LESSONS[1]]})
    pages, _ = page_sources(tmp_path, ["zh"])
    stage_notebooks(pages, tmp_path / "staging", root=tmp_path, jobs=1, timeout=60)
    assert [(page.language, page.executed, page.outputs_from) for page in pages] == [("zh", True, "")]
    assert text_of(staged(tmp_path / "staging", pages[0])).strip().isdigit()


def test_a_given_english_copy_lends_its_outputs_and_a_given_translation_is_kept(tmp_path: Path) -> None:
    """With executed copies given, is nothing executed: the given English copy lends its outputs to
    a translation that has none given, and a given translation is taken as it is?"""
    root, given = tmp_path / "course", tmp_path / "executed"
    write_course(root, {LESSONS[1]: CODE[LESSONS[1]], LESSONS[2]: CODE[LESSONS[2]]})
    for lesson, text in ((LESSONS[1], "from the English copy\n"), (LESSONS[2], "given\n")):
        for prefix in ("", "zh/") if lesson is LESSONS[2] else ("",):
            nb = nbformat.read(root / prefix / "notebooks" / lesson.filename, as_version=4)
            nb.cells[1].outputs = [v4.new_output("stream", name="stdout", text=text)]
            (given / prefix / "notebooks").mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, given / prefix / "notebooks" / lesson.filename)
    pages, _ = page_sources(root)
    stage_notebooks(pages, tmp_path / "staging", root=root, executed_dir=given, jobs=1)
    made = {page.source: (page.executed, page.outputs_from) for page in pages}
    first, second = LESSONS[1].filename, LESSONS[2].filename
    assert made == {
        f"notebooks/{first}": (False, ""),
        f"notebooks/{second}": (False, ""),
        f"zh/notebooks/{first}": (False, f"notebooks/{first}"),
        f"zh/notebooks/{second}": (False, ""),
    }
    chinese = next(page for page in pages if page.source == f"zh/notebooks/{first}")
    assert text_of(staged(tmp_path / "staging", chinese)) == "from the English copy\n"
