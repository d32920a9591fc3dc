"""The Chinese edition (``zh/``) kept in step with the English notebooks.

A translated notebook has the English cells (same ids, order and types), identical code
cells, and markdown cells that record the hash of the English source they translate
(:mod:`course_tools.translation`). These tests answer: is every translation in step, is
anything still untranslated, are the generated parts (navigation, ``zh/exercises/``) fresh,
and does the suite execute and grade the Chinese notebooks like the English ones?
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
from nbformat.v4 import new_markdown_cell

from course_tools import notebooks as nbtools
from course_tools import translation
from course_tools.translated_guide import guide_report, lesson_plans, stale_plans
from course_utils.course import LESSONS, ROOT

LANGUAGE = "zh"
EDITION = ROOT / LANGUAGE

PAIRS = translation.editions(LANGUAGE)
PAIR_IDS = [target.relative_to(ROOT).as_posix() for _, target, _, _ in PAIRS]
SYNC = "python -m course_tools.translation sync"
LESSON02 = next(lesson for lesson in LESSONS if lesson.number == "02")


def _first_markdown(nb) -> int:
    """Index of the first markdown cell that is not a navigation cell."""
    return next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and nbtools.NAV_TAG not in c.metadata.get("tags", [])
    )


def _translate(cell, english_source: str, text: str) -> None:
    cell.source = text
    cell.metadata["course_utils"] = {"translates": translation.source_hash(english_source)}


@pytest.mark.parametrize(("english", "target", "lesson", "kind"), PAIRS, ids=PAIR_IDS)
def test_translation_is_in_step(english: Path, target: Path, lesson, kind: str) -> None:
    """Has the translation the English cells and code, and is every translated cell current?"""
    assert target.is_file(), f"{target.relative_to(ROOT)} is missing; run `{SYNC}`"
    en, tr = nbtools.read_notebook(english), nbtools.read_notebook(target)
    assert [(c.get("id"), c.cell_type) for c in tr.cells] == [(c.get("id"), c.cell_type) for c in en.cells], (
        f"{target.relative_to(ROOT)}: cells differ from the English; run `{SYNC}`"
    )
    problems = translation.stale_cells(en, tr, untranslated=False)
    assert not problems, f"{target.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(("english", "target", "lesson", "kind"), PAIRS, ids=PAIR_IDS)
def test_every_markdown_cell_is_translated(english: Path, target: Path, lesson, kind: str) -> None:
    """Is every markdown cell translated (the navigation is generated, so it does not count)?"""
    assert target.is_file(), f"{target.relative_to(ROOT)} is missing: run {SYNC} {LANGUAGE}"
    en, tr = nbtools.read_notebook(english), nbtools.read_notebook(target)
    missing = [p for p in translation.stale_cells(en, tr) if p.endswith("not translated yet")]
    assert not missing, f"{target.relative_to(ROOT)}:\n  " + "\n  ".join(missing)


def test_an_english_edit_names_the_stale_cell() -> None:
    """Does editing one English markdown cell make its translation stale, named by number, id and line?"""
    english = nbtools.read_notebook(ROOT / "notebooks" / LESSON02.filename)
    translated = translation.sync_notebook(
        english, translation.skeleton(english, LANGUAGE), "02", "lesson", LANGUAGE
    )
    index = _first_markdown(english)
    _translate(
        translated.cells[index], english.cells[index].source, "# 02 · Sigmoid 与 tanh 的饱和\n\n译文。"
    )
    assert translation.stale_cells(english, translated, untranslated=False) == []

    edited = copy.deepcopy(english)
    edited.cells[index].source += "\n\nOne more English sentence."
    first_line = english.cells[index].source.strip().splitlines()[0]
    assert translation.stale_cells(edited, translated, untranslated=False) == [
        f"cell {index + 1} (id {english.cells[index].id}, `{first_line[:60]}`): "
        "the English cell changed since it was translated"
    ]


def test_sync_follows_the_english(tmp_path: Path) -> None:
    """Does sync copy code, keep translations, add new English cells untranslated and drop removed ones?"""
    for folder in ("notebooks", f"{LANGUAGE}/notebooks"):
        (tmp_path / folder).mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / LESSON02.filename, tmp_path / "notebooks")
    assert translation.sync(LANGUAGE, tmp_path) == [tmp_path / LANGUAGE / "notebooks" / LESSON02.filename]
    assert translation.sync(LANGUAGE, tmp_path) == []  # a second run changes nothing

    english_path = tmp_path / "notebooks" / LESSON02.filename
    target = tmp_path / LANGUAGE / "notebooks" / LESSON02.filename
    english, translated = nbtools.read_notebook(english_path), nbtools.read_notebook(target)
    index = _first_markdown(english)
    _translate(translated.cells[index], english.cells[index].source, "# 02 · 译文")
    nbtools.write_notebook(translated, target)

    code = next(i for i, c in enumerate(english.cells) if c.cell_type == "code")
    removed = english.cells[-2].id
    english.cells[code].source += "\nprint('changed')"
    english.cells.insert(index + 1, new_markdown_cell("A new paragraph.", id="new-cell"))
    del english.cells[-2]
    nbtools.write_notebook(english, english_path)
    translation.sync(LANGUAGE, tmp_path)

    synced = nbtools.read_notebook(target)
    assert [c.id for c in synced.cells] == [c.id for c in english.cells]
    assert removed not in [c.id for c in synced.cells]
    by_id = {cell.id: cell for cell in synced.cells}
    assert all(by_id[c.id].source == c.source for c in english.cells if c.cell_type == "code")
    assert "print('changed')" in synced.cells[code + 1].source  # after the inserted cell
    assert synced.cells[index].source == "# 02 · 译文"
    assert synced.cells[index + 1].source == "A new paragraph."
    assert "translates" not in synced.cells[index + 1].metadata["course_utils"]
    assert synced.cells[0].source == nbtools.nav_markdown("02", "lesson", LANGUAGE)
    assert synced.metadata["course_utils"]["language"] == LANGUAGE


def test_report_names_a_stale_cell_on_disk(tmp_path: Path) -> None:
    """After an English file is edited on disk, does the report (status/check) name the cell?"""
    for folder in ("notebooks", "solutions"):
        (tmp_path / folder).mkdir()
        shutil.copy(ROOT / folder / LESSON02.filename, tmp_path / folder)
    translation.sync(LANGUAGE, tmp_path)
    english_path = tmp_path / "notebooks" / LESSON02.filename
    target = tmp_path / LANGUAGE / "notebooks" / LESSON02.filename
    english, translated = nbtools.read_notebook(english_path), nbtools.read_notebook(target)
    index = _first_markdown(english)
    _translate(translated.cells[index], english.cells[index].source, "# 02 · 译文")
    nbtools.write_notebook(translated, target)
    before = translation.report(LANGUAGE, tmp_path, untranslated=False)
    assert before == {f"{LANGUAGE}/{folder}/{LESSON02.filename}": [] for folder in ("notebooks", "solutions")}
    english.cells[index].source = english.cells[index].source.replace("Sigmoid", "The sigmoid", 1)
    nbtools.write_notebook(english, english_path)
    found = translation.report(LANGUAGE, tmp_path, untranslated=False)
    assert found[f"{LANGUAGE}/notebooks/{LESSON02.filename}"] == [
        f"cell {index + 1} (id {english.cells[index].id}, "
        f"`{english.cells[index].source.splitlines()[0][:60]}`): "
        "the English cell changed since it was translated"
    ]


EXPECTED = [
    (folder, lesson)
    for lesson in LESSONS
    for folder in ("notebooks", "solutions", "exercises")
    if folder == "notebooks" or lesson.has_exercises
]


@pytest.mark.parametrize(("folder", "lesson"), EXPECTED, ids=[f"{f}/{lesson.slug}" for f, lesson in EXPECTED])
def test_generated_parts_are_fresh(folder: str, lesson) -> None:
    """Are the metadata, navigation (in Chinese) and zh/exercises (generated from zh/solutions) current?"""
    path = EDITION / folder / lesson.filename
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing; run `{SYNC}`"
    problems = nbtools.is_stale(path, EDITION, LANGUAGE)
    assert not problems, f"{path.relative_to(ROOT)}: " + "; ".join(problems) + f" (run `{SYNC}`)"


_LINK = re.compile(r"\]\(([^)]+)\)")


@pytest.mark.parametrize(("folder", "lesson"), EXPECTED, ids=[f"{f}/{lesson.slug}" for f, lesson in EXPECTED])
def test_chinese_navigation_links_stay_inside_zh(folder: str, lesson) -> None:
    """Does every link of the Chinese navigation resolve to a file of zh/ (目录 -> zh/README.md)?"""
    kind = nbtools.KINDS[folder]
    text = nbtools.nav_markdown(lesson.number, kind, LANGUAGE)
    assert "目录" in text
    for target in _LINK.findall(text):
        resolved = (EDITION / folder / target).resolve()
        assert resolved.is_file(), f"{folder}/{lesson.filename}: {target} does not resolve"
        assert resolved.is_relative_to(EDITION.resolve()), f"{target} leaves zh/"


def test_the_suite_runs_the_chinese_notebooks(pytestconfig: pytest.Config) -> None:
    """Does the suite's collection (testpaths) execute zh/notebooks and zh/exercises?

    zh/solutions are run by the class grader instead, once: tests/test_course_notebooks.py
    grades them and checks the Chinese solutions and blank exercises as the English ones. A
    Chinese lesson that executes exactly as its English lesson is checked from the English run
    (conftest.py's ``RunsAsEnglish``; the tests below).
    """
    paths = set(pytestconfig.getini("testpaths"))
    assert {f"{LANGUAGE}/notebooks", f"{LANGUAGE}/exercises"} <= paths


LESSON_PAIRS = [(en, tr) for en, tr, _, kind in PAIRS if kind == "lesson"]


def test_which_chinese_lessons_execute_as_the_english_ones() -> None:
    """Does every topic lesson's translation execute as its English lesson, and 00 (calling check()) not?"""
    reasons = {
        tr.name: translation.executes_as_english(nbtools.read_notebook(en), nbtools.read_notebook(tr))
        for en, tr in LESSON_PAIRS
    }
    assert {name for name, why in reasons.items() if why is None} == {
        lesson.filename for lesson in LESSONS if lesson.has_exercises
    }
    assert "check" in (ROOT / "notebooks" / "00-start-here.ipynb").read_text(encoding="utf-8")
    assert reasons["00-start-here.ipynb"] is not None


def _lesson_pair(number: str) -> tuple:
    en, tr = next((en, tr) for en, tr in LESSON_PAIRS if en.name.startswith(number))
    return nbtools.read_notebook(en), nbtools.read_notebook(tr)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ('print(check("relu_grad", f))', "calls the graders"),
        ("from course_utils.grading import hint", "calls the graders"),
        ("cu.grading.progress()", "calls the graders"),
        ('data = open("../data.csv").read()', "relative to the notebook's folder"),
        ('os.chdir("..")', "relative to the notebook's folder"),
    ],
)
def test_code_that_follows_the_language_or_folder_is_executed_again(code: str, reason: str) -> None:
    """Does a lesson cell that calls the graders or names a relative path keep the translation executed?"""
    english, translated = _lesson_pair("03")
    for nb in (english, translated):
        cell = next(c for c in nb.cells if c.cell_type == "code" and "import" not in c.source)
        cell.source = code
    why = translation.executes_as_english(english, translated)
    assert why is not None and reason in why, why


def test_a_translation_with_other_code_is_executed_again() -> None:
    """Does a code cell that differs from the English one (or a moved cell) keep it executed?"""
    english, translated = _lesson_pair("02")
    edited = copy.deepcopy(translated)
    next(c for c in edited.cells if c.cell_type == "code").source += "\nx = 1"
    assert "not the English ones" in translation.executes_as_english(english, edited)
    swapped = copy.deepcopy(translated)
    code = [i for i, c in enumerate(swapped.cells) if c.cell_type == "code"]
    swapped.cells[code[1]], swapped.cells[code[2]] = swapped.cells[code[2]], swapped.cells[code[1]]
    assert "not the English ones" in translation.executes_as_english(english, swapped)
    with pytest.raises(ValueError, match="english_executed"):
        translation.with_english_outputs(edited, english)


def test_the_english_outputs_go_under_the_translated_markdown() -> None:
    """Does the stored copy hold each English cell's outputs, the translated markdown and the zh metadata?"""
    english, translated = _lesson_pair("05")
    english.metadata["language_info"] = {"name": "python", "version": "3.11.7"}  # as its kernel wrote
    translated.metadata.pop("language_info", None)
    for number, cell in enumerate(c for c in english.cells if c.cell_type == "code"):
        cell.outputs = [{"output_type": "stream", "name": "stdout", "text": f"cell {number}\n"}]
        cell.execution_count = number + 1
    copied = translation.with_english_outputs(translated, english)
    for en, tr, out in zip(english.cells, translated.cells, copied.cells, strict=True):
        if en.cell_type == "code":
            assert (out.outputs, out.execution_count) == (en.outputs, en.execution_count)
            assert out.source == tr.source
        else:
            assert out.source == tr.source
    assert copied.metadata["course_utils"]["language"] == LANGUAGE
    assert copied.metadata["language_info"] == english.metadata["language_info"]
    assert all(not c.get("outputs") for c in translated.cells if c.cell_type == "code")  # not changed


def test_only_the_graders_read_the_language() -> None:
    """Does no module of course_utils outside grading/ import the graders or read the language?

    This is what lets a translated lesson that calls no grader be checked from the English run.
    """
    import ast

    package = ROOT / "course_utils"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.is_relative_to(package / "grading"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(alias.name for alias in node.names)]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value] if "COURSE_UTILS_LANGUAGE" in node.value else []
            if any("grading" in name or "i18n" in name or "LANGUAGE" in name for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_translated_lesson_plans_are_current() -> None:
    """Does every translated lesson plan of zh/TEACHING.md translate the current English section?"""
    problems = guide_report(LANGUAGE, untranslated=False)
    assert not problems, f"{LANGUAGE}/TEACHING.md:\n  " + "\n  ".join(problems)


def test_every_lesson_plan_is_translated() -> None:
    """Does zh/TEACHING.md translate every lesson plan of TEACHING.md (a new English plan fails here)?"""
    missing = [p for p in guide_report(LANGUAGE) if p.endswith("not translated yet")]
    assert not missing, "\n".join(missing)


def test_an_english_plan_edit_names_the_stale_section() -> None:
    """Does editing one English lesson plan (in memory) make its translation stale, by heading?"""
    english = (ROOT / "TEACHING.md").read_text(encoding="utf-8")
    translated = (EDITION / "TEACHING.md").read_text(encoding="utf-8")
    lesson = next(iter(re.findall(r'"Lesson (\d+)"', translated)))
    heading = lesson_plans(english)[lesson].splitlines()[0]
    edited = english.replace(heading, heading + "\n\nOne more English sentence.", 1)
    assert stale_plans(edited, translated, untranslated=False) == [
        f"Lesson {lesson} (`{heading}`): the English section changed since it was translated"
    ]


def _links(path: Path) -> list[str]:
    return [link for link in _LINK.findall(path.read_text(encoding="utf-8")) if "://" not in link]


def test_chinese_course_map_links_every_chinese_notebook() -> None:
    """Does zh/README.md (the 目录 of the zh notebooks) link every zh lesson and exercise, all resolving?"""
    readme = EDITION / "README.md"
    links = {(EDITION / link).resolve() for link in _links(readme)}
    assert all(path.exists() for path in links), sorted(p for p in links if not p.exists())
    expected = {
        (EDITION / folder / lesson.filename).resolve() for folder, lesson in EXPECTED if folder != "solutions"
    }
    assert expected <= links, sorted(expected - links)


def test_readme_gives_the_chinese_commands_and_course_map() -> None:
    """Does the README's 中文版 section give both commands (zh path) and link the zh lessons?"""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"(?ms)^## 中文版\n(.*?)^## Set up and start", text)
    assert section, "the 中文版 section must come before 'Set up and start'"
    zh_text = section.group(0)
    start = "python -m jupyter lab --notebook-dir . zh/notebooks/00-start-here.ipynb"
    assert f"python -m pip install -r requirements.txt && {start}" in zh_text
    assert "python -m pip install -r requirements-dev.txt && python -m pytest" in zh_text
    for lesson in LESSONS:
        assert f"(zh/notebooks/{lesson.filename})" in zh_text
        assert (ROOT / "zh" / "notebooks" / lesson.filename).is_file()


def _collected(*paths: str) -> list[str]:
    """The node ids ``pytest --collect-only`` gives for ``paths`` (one process, no xdist)."""
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=--nbval-lax --nbval-current-env",
            *paths,
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return [line for line in proc.stdout.splitlines() if "::" in line]


def test_a_chinese_lesson_is_executed_unless_its_english_lesson_runs_in_full() -> None:
    """Is zh/notebooks/03 checked from the English run only when notebooks/03 runs in the same session?

    zh/notebooks/00 calls check(), whose feedback is in Chinese: it runs even beside its English lesson.
    """
    lesson, start = "03-relu-dead-neurons.ipynb", "00-start-here.ipynb"
    first = _collected(f"zh/notebooks/{lesson}", f"notebooks/{start}", f"zh/notebooks/{start}")
    assert f"zh/notebooks/{lesson}::Cell 0" in first and f"zh/notebooks/{start}::Cell 0" in first
    assert not any("runs as the English lesson" in node for node in first)
    both = _collected(f"notebooks/{lesson}", f"zh/notebooks/{lesson}")
    assert f"zh/notebooks/{lesson}::runs as the English lesson" in both
    assert not any(node.startswith(f"zh/notebooks/{lesson}::Cell") for node in both)
