"""Tests of the notebook tooling (course_tools.notebooks) and of the stored notebooks.

Nothing here executes a notebook (nbval does that over notebooks/, exercises/ and
solutions/); these tests read the stored files and answer: are exercise notebooks what the
generator makes from the solutions, are navigation cells current, are notebooks stored
without outputs and with their metadata, and does every lesson link to its neighbours?
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_tools import notebooks as nbtools
from course_utils.course import LESSONS, ROOT

# --------------------------------------------------------------------------- the generator


def test_indented_region_becomes_raise_at_its_indent():
    """Is a region inside a function replaced by `raise NotImplementedError` at the marker's indent?"""
    source = (
        "def collapse(W1, b1, W2, b2):\n"
        '    """Docstring stays."""\n'
        "    ### BEGIN SOLUTION\n"
        "    W = W2 @ W1\n"
        "    b = W2 @ b1 + b2\n"
        "    return W, b\n"
        "    ### END SOLUTION"
    )
    assert nbtools.blank_code(source) == (
        "def collapse(W1, b1, W2, b2):\n"
        '    """Docstring stays."""\n'
        '    raise NotImplementedError("your code here")'
    )


def test_region_in_nested_def_keeps_the_inner_indent():
    """Is a region inside a nested function blanked at the nested function's indent, the rest kept?"""
    source = (
        "def outer(n):\n"
        "    def inner(x):\n"
        "        ### BEGIN SOLUTION\n"
        "        return x * n\n"
        "        ### END SOLUTION\n"
        "    return inner\n"
    )
    blank = nbtools.blank_code(source)
    assert blank == (
        "def outer(n):\n"
        "    def inner(x):\n"
        '        raise NotImplementedError("your code here")\n'
        "    return inner\n"
    )
    namespace: dict = {}
    exec(compile(blank, "<blank>", "exec"), namespace)
    with pytest.raises(NotImplementedError):
        namespace["outer"](2)(3)


def test_top_level_region_assigns_each_name_once_in_order():
    """Does a top-level region become `name = None  # your answer here` for every name it binds?"""
    source = (
        "import numpy as np\n"
        "### BEGIN SOLUTION\n"
        "import math\n"
        "a, (b, *c) = 1, (2, 3, 4)\n"
        "d: float = math.pi\n"
        "a += 1\n"
        "def helper(x):\n"
        "    inner = x\n"
        "    return inner\n"
        "for i in range(3):\n"
        "    total = i\n"
        "if (w := 3) > 2:\n"
        "    e = w\n"
        "### END SOLUTION\n"
        "print(a)"
    )
    blank = nbtools.blank_code(source)
    names = ["a", "b", "c", "d", "helper", "i", "total", "w", "e"]
    assert blank.split("\n") == [
        "import numpy as np",
        *(f"{name} = None  # your answer here" for name in names),
        "print(a)",
    ]
    ast.parse(blank)  # still valid Python


def test_several_regions_in_one_cell():
    """Are two regions in one cell each replaced, and the code between them kept?"""
    source = (
        "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n"
        "y = 2\n"
        "def f():\n    ### BEGIN SOLUTION\n    return 3\n    ### END SOLUTION\n"
    )
    assert nbtools.blank_code(source) == (
        'x = None  # your answer here\ny = 2\ndef f():\n    raise NotImplementedError("your code here")\n'
    )


def test_code_without_regions_is_unchanged():
    """Is a cell without markers left byte for byte?"""
    source = 'check("relu_hat", hat)\n# ### not a marker\n'
    assert nbtools.blank_code(source) == source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "x = 1\n### BEGIN SOLUTION\ny = 2\n",
            r"line 2: '### BEGIN SOLUTION' without a matching '### END SOLUTION'",
        ),
        ("y = 2\n### END SOLUTION\n", r"line 2: '### END SOLUTION' without a preceding"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx=1\n### END SOLUTION\n", r"line 2: nested"),
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n### END SOLUTION\n", r"indented differently"),
        ("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION\n", r"must assign the answer to a name"),
        ("### BEGIN SOLUTION\nx = (\n### END SOLUTION\n", r"not valid Python"),
    ],
    ids=["missing-end", "end-without-begin", "nested", "end-indent", "no-name", "syntax-error"],
)
def test_malformed_regions_raise_a_clear_error(source, message):
    """Does a malformed region raise a ValueError naming the cell and the line?"""
    with pytest.raises(ValueError, match=message) as info:
        nbtools.blank_code(source, where="solutions/01-x.ipynb, cell 4")
    assert "solutions/01-x.ipynb, cell 4" in str(info.value)


def test_markdown_regions_are_removed():
    """Is `<!-- BEGIN SOLUTION -->...<!-- END SOLUTION -->` removed, inline and across lines?"""
    text = (
        "Which is true? (a) ... (d)\n\n"
        "<!-- BEGIN SOLUTION -->\n**Answer:** (b), because\nno line works.\n<!-- END SOLUTION -->\n\n"
        "Write it below. <!-- BEGIN SOLUTION -->(b)<!-- END SOLUTION -->"
    )
    assert nbtools.strip_markdown_solutions(text) == "Which is true? (a) ... (d)\n\nWrite it below."
    with pytest.raises(ValueError, match="without a matching"):
        nbtools.strip_markdown_solutions("a <!-- BEGIN SOLUTION --> b")
    with pytest.raises(ValueError, match="without a preceding"):
        nbtools.strip_markdown_solutions("a <!-- END SOLUTION --> b")


def _solution_notebook() -> nbformat.NotebookNode:
    code = new_code_cell(
        "def hat(x):\n"
        "    ### BEGIN SOLUTION\n"
        "    return relu(x + 1) - 2 * relu(x) + relu(x - 1)\n"
        "    ### END SOLUTION",
        id="hat-def",
        execution_count=3,
        outputs=[new_output("stream", name="stdout", text="hi\n")],
        metadata={"execution": {"iopub.status.busy": "2026"}, "tags": ["keep"]},
    )
    return new_notebook(
        cells=[
            new_markdown_cell("old nav", id="old-nav", metadata={"tags": ["nav"]}),
            new_markdown_cell(
                "# Exercises<!-- BEGIN SOLUTION --> (solutions)<!-- END SOLUTION -->", id="title"
            ),
            code,
            new_code_cell("print(hat(0.0))", id="peek", metadata={"tags": ["solution-only"]}),
            new_markdown_cell("<!-- BEGIN SOLUTION -->only for teachers<!-- END SOLUTION -->", id="teacher"),
            new_code_cell('check("relu_hat", hat)', id="check-hat"),
        ],
        metadata={
            "course_utils": {"lesson": "01", "kind": "solution"},
            "widgets": {"application/vnd.jupyter.widget-state+json": {}},
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        },
    )


def test_generate_exercise_blanks_strips_and_labels():
    """Does the exercise keep the structure and ids, lose answers and outputs, and carry its metadata?"""
    solution = _solution_notebook()
    before = nbtools.writes_notebook(solution)
    exercise = nbtools.generate_exercise(solution)
    assert nbtools.writes_notebook(solution) == before, "the solution notebook must not be modified"
    assert exercise.metadata["course_utils"] == {"lesson": "01", "kind": "exercise"}
    assert "widgets" not in exercise.metadata
    assert [cell.get("id") for cell in exercise.cells] == [
        "nav-top",
        "title",
        "hat-def",
        "check-hat",
        "nav-bottom",
    ]
    assert exercise.cells[1].source == "# Exercises"
    assert exercise.cells[2].source == 'def hat(x):\n    raise NotImplementedError("your code here")'
    assert exercise.cells[2].outputs == [] and exercise.cells[2].execution_count is None
    assert exercise.cells[2].metadata == {"tags": ["keep"]}
    assert exercise.cells[0].source == nbtools.nav_markdown("01", "exercise")
    nbformat.validate(exercise)


def test_generate_exercise_is_deterministic():
    """Do two runs give the same bytes (no random cell ids, sorted keys)?"""
    first = nbtools.writes_notebook(nbtools.generate_exercise(_solution_notebook()))
    second = nbtools.writes_notebook(nbtools.generate_exercise(_solution_notebook()))
    assert first == second
    assert first.endswith("}\n")


def test_generate_exercise_needs_a_lesson():
    """Is a solution notebook without lesson metadata refused with a message saying what to add?"""
    with pytest.raises(ValueError, match="course_utils"):
        nbtools.generate_exercise(new_notebook(cells=[new_code_cell("x = 1")]))


# --------------------------------------------------------------------------- navigation


def test_nav_links_neighbours_and_other_notebooks():
    """Do navigation cells link previous/next in the same folder and the lesson's other notebooks?"""
    first = nbtools.nav_markdown("00", "lesson")
    assert not first.startswith("[<") and "[01 · Why nonlinearity >](01-why-nonlinearity.ipynb)" in first
    last = nbtools.nav_markdown("07", "lesson")
    assert "[< 06 · Softmax and temperature](06-softmax-temperature.ipynb)" in last and " >]" not in last
    assert "(../exercises/07-choosing-an-activation.ipynb)" in last
    exercise = nbtools.nav_markdown("01", "exercise")
    assert not exercise.startswith("[<"), "lesson 00 has no exercises, so exercise 01 has no previous"
    assert "(02-sigmoid-tanh-saturation.ipynb)" in exercise
    assert "(../notebooks/01-why-nonlinearity.ipynb)" in exercise
    solution = nbtools.nav_markdown("03", "solution")
    assert "(../notebooks/03-relu-dead-neurons.ipynb)" in solution
    assert "(../exercises/03-relu-dead-neurons.ipynb)" in solution
    with pytest.raises(ValueError, match="no exercise notebook"):
        nbtools.nav_markdown("00", "exercise")
    with pytest.raises(ValueError, match="kind"):
        nbtools.nav_markdown("01", "slides")


def test_apply_nav_is_idempotent_and_replaces_old_nav():
    """Does applying navigation twice give the same bytes, with exactly one nav cell at each end?"""
    nb = _solution_notebook()
    once = nbtools.apply_nav(nb, "01", "solution")
    twice = nbtools.apply_nav(once, "01", "solution")
    assert nbtools.writes_notebook(once) == nbtools.writes_notebook(twice)
    tagged = [i for i, cell in enumerate(twice.cells) if "nav" in cell.metadata.get("tags", [])]
    assert tagged == [0, len(twice.cells) - 1]
    assert "old nav" not in nbtools.writes_notebook(twice)


def test_strip_notebook_removes_outputs_and_widget_state():
    """Does strip drop outputs, counts, timings and widget state but keep tags and course metadata?"""
    stripped = nbtools.strip_notebook(_solution_notebook())
    code = stripped.cells[2]
    assert code.outputs == [] and code.execution_count is None and code.metadata == {"tags": ["keep"]}
    assert set(stripped.metadata) == {"course_utils", "kernelspec"}


# --------------------------------------------------------------------------- the command line


def _tiny_course(root: Path) -> None:
    for folder in ("notebooks", "solutions"):
        (root / folder).mkdir()
    lesson = new_notebook(
        cells=[new_markdown_cell("# 01")], metadata={"course_utils": {"lesson": "01", "kind": "lesson"}}
    )
    nbformat.write(lesson, root / "notebooks" / "01-why-nonlinearity.ipynb")
    nbformat.write(_solution_notebook(), root / "solutions" / "01-why-nonlinearity.ipynb")


def test_cli_generates_then_checks_clean(tmp_path, capsys):
    """Do `nav`, `strip` and `exercises` leave lesson 01 of a course folder passing `check`?"""
    _tiny_course(tmp_path)
    args = ["--root", str(tmp_path), "--lesson", "01"]
    assert nbtools.main(["check", *args]) == 1
    out = capsys.readouterr().out
    assert "exercises/01-why-nonlinearity.ipynb: missing" in out
    assert "solutions/01-why-nonlinearity.ipynb: navigation cells are missing or stale" in out
    assert "solutions/01-why-nonlinearity.ipynb: outputs or execution counts stored (cells 3)" in out
    for command in ("strip", "nav", "exercises"):
        assert nbtools.main([command, *args]) == 0
    capsys.readouterr()
    assert nbtools.main(["check", *args]) == 0, capsys.readouterr().out
    exercise = tmp_path / "exercises" / "01-why-nonlinearity.ipynb"
    stored = exercise.read_bytes()
    assert nbtools.main(["exercises", *args]) == 0
    assert exercise.read_bytes() == stored, "regenerating must not change a byte"
    assert "nothing to change" in capsys.readouterr().out


def test_cli_check_reports_a_hand_edited_exercise(tmp_path, capsys):
    """Does `check` exit 1 and name the exercise notebook when it drifts from its solution?"""
    _tiny_course(tmp_path)
    args = ["--root", str(tmp_path), "--lesson", "01"]
    for command in ("strip", "nav", "exercises"):
        nbtools.main([command, *args])
    exercise = tmp_path / "exercises" / "01-why-nonlinearity.ipynb"
    nb = nbformat.read(exercise, as_version=4)
    nb.cells[2].source = "def hat(x):\n    return 0"
    nbformat.write(nb, exercise)
    capsys.readouterr()
    assert nbtools.main(["check", *args]) == 1
    assert (
        "exercises/01-why-nonlinearity.ipynb: differs from the notebook generated" in capsys.readouterr().out
    )


def test_check_reports_metadata_widget_state_and_strays(tmp_path):
    """Are wrong metadata, stored widget state and notebooks that are no lesson's reported by name?"""
    (tmp_path / "notebooks").mkdir()
    lesson = nbtools.apply_nav(
        new_notebook(metadata={"course_utils": {"lesson": "02", "kind": "lesson"}}), "01", "lesson"
    )
    lesson.metadata["widgets"] = {"state": {}}
    nbformat.write(lesson, tmp_path / "notebooks" / "01-why-nonlinearity.ipynb")
    nbformat.write(new_notebook(), tmp_path / "notebooks" / "scratch.ipynb")
    problems = nbtools.is_stale(tmp_path / "notebooks" / "01-why-nonlinearity.ipynb", tmp_path)
    assert any("expected {'lesson': '01', 'kind': 'lesson'}" in problem for problem in problems)
    assert any("widget state" in problem for problem in problems)
    assert nbtools.is_stale(tmp_path / "notebooks" / "scratch.ipynb", tmp_path) == [
        "file name is not a lesson of course_utils.course.LESSONS"
    ]
    assert "notebooks/scratch.ipynb: file name is not a lesson" in "\n".join(nbtools.find_problems(tmp_path))


def test_cli_rejects_an_unknown_lesson(capsys):
    """Is `--lesson 42` a usage error (exit 2) naming the lesson?"""
    with pytest.raises(SystemExit) as info:
        nbtools.main(["check", "--lesson", "42"])
    assert info.value.code == 2
    assert "no lesson '42'" in capsys.readouterr().err


# --------------------------------------------------------------------------- the stored notebooks

NOTEBOOKS = nbtools.course_notebooks(ROOT)
IDS = [f"{path.parent.name}/{path.name}" for path, _, _ in NOTEBOOKS]


@cache
def _read(path: Path) -> nbformat.NotebookNode:
    return nbtools.read_notebook(path)


@pytest.mark.parametrize(("path", "lesson", "kind"), NOTEBOOKS, ids=IDS)
def test_notebook_is_clean_and_current(path, lesson, kind):
    """Is the notebook a lesson's, stored without outputs, with metadata and fresh nav/exercise content?"""
    assert lesson is not None, f"{path.name} is not a lesson of course_utils.course.LESSONS"
    assert nbtools.is_stale(path, ROOT) == []


@pytest.mark.parametrize("lesson", LESSONS, ids=[item.slug for item in LESSONS])
def test_every_lesson_has_its_notebooks(lesson):
    """Does each lesson have its lesson notebook and, with exercises, its solution and exercise notebooks?"""
    folders = ["notebooks", "solutions", "exercises"] if lesson.has_exercises else ["notebooks"]
    missing = [
        f"{folder}/{lesson.filename}" for folder in folders if not (ROOT / folder / lesson.filename).exists()
    ]
    assert not missing, f"missing: {missing}"


_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize(("path", "lesson", "kind"), NOTEBOOKS, ids=IDS)
def test_links_in_navigation_resolve(path, lesson, kind):
    """Does every link in the navigation cells point at a file that exists?"""
    nav = [cell for cell in _read(path).cells if "nav" in cell.metadata.get("tags", [])]
    assert nav, "no navigation cells"
    for cell in nav:
        for target in _LINK.findall(cell.source):
            assert (path.parent / target).resolve().exists(), f"{target} does not exist"


@pytest.mark.parametrize(
    ("path", "lesson", "kind"),
    [item for item in NOTEBOOKS if item[2] == "lesson" and item[1] is not None],
    ids=[i for i, item in zip(IDS, NOTEBOOKS, strict=True) if item[2] == "lesson" and item[1] is not None],
)
def test_lesson_links_previous_next_and_exercises(path, lesson, kind):
    """Does each lesson link to the previous and next lesson and to its exercise notebook, top and bottom?"""
    cells = _read(path).cells
    position = LESSONS.index(lesson)
    for cell in (cells[0], cells[-1]):
        assert "nav" in cell.metadata.get("tags", [])
        if position > 0:
            assert f"({LESSONS[position - 1].filename})" in cell.source
        if position + 1 < len(LESSONS):
            assert f"({LESSONS[position + 1].filename})" in cell.source
        if lesson.has_exercises:
            assert f"(../exercises/{lesson.filename})" in cell.source
        assert "(../README.md)" in cell.source
