"""Package-level contracts: light imports, the lesson list, the README's commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.course import LESSONS, ROOT, lesson, lesson_number

HEAVY = ("sympy", "matplotlib", "ipywidgets")


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize(
    "statement",
    ["import course_utils", "import course_utils.activations", "from course_utils.grading import check"],
)
def test_import_stays_light(statement: str) -> None:
    """Does importing the package (as every graded submission does) avoid SymPy, matplotlib and ipywidgets?"""
    loaded = _modules_after(statement)
    heavy = sorted(m for m in HEAVY if m in loaded)
    assert not heavy, f"{statement!r} imported {heavy}"


def test_lazy_submodule_access() -> None:
    """Does `cu.activations` work after a bare `import course_utils as cu`?"""
    import course_utils as cu

    assert float(cu.activations.sigmoid(0.0)) == 0.5
    with pytest.raises(AttributeError):
        cu.no_such_module  # noqa: B018


def test_lesson_files_follow_the_fixed_names() -> None:
    """Do the lesson numbers and file names match the fixed list (navigation and tools rely on it)?"""
    assert [x.number for x in LESSONS] == [f"{i:02d}" for i in range(8)]
    assert all(x.slug.startswith(x.number + "-") for x in LESSONS)
    assert lesson("3").slug == "03-relu-dead-neurons"
    with pytest.raises(ValueError, match="number"):
        lesson(9)
    with pytest.raises(ValueError, match="number"):
        lesson("three")


def test_every_way_of_writing_a_lesson_number_reads_back_the_same() -> None:
    """Do 3, "3", "03", "lesson03", the file name and its path all name lesson "03", and junk none?"""
    for item in LESSONS:
        n = int(item.number)
        written = (n, float(n), str(n), item.number, f" {n} ", f"lesson{item.number}", item.slug,
                   item.filename, ROOT / "notebooks" / item.filename)
        assert {lesson_number(value) for value in written} == {item.number}, item.number
        assert lesson(item.filename) is item
    for junk in ("", "lesson", "3a", "1-x.ipynb", "+1", "٣", 2.5, -1, 100, True, None, b"01", ["01"]):
        assert lesson_number(junk) is None, junk
        with pytest.raises(ValueError, match="expected a lesson number"):
            lesson(junk)  # type: ignore[arg-type]


def test_every_lesson_notebook_exists() -> None:
    """Is every lesson on disk, with exercise and solution notebooks for lessons 1-7?"""
    for item in LESSONS:
        assert (ROOT / "notebooks" / item.filename).is_file(), item.filename
        for folder in ("exercises", "solutions"):
            assert (ROOT / folder / item.filename).is_file() == item.has_exercises, (folder, item.filename)


def test_readme_gives_the_two_commands() -> None:
    """Does the README carry the two self-contained commands: set up and start, set up and test?"""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = "python -m jupyter lab --notebook-dir . notebooks/00-start-here.ipynb"
    assert f"python -m pip install -r requirements.txt && {start}" in text
    assert "python -m pip install -r requirements-dev.txt && python -m pytest" in text


def test_ci_runs_the_readme_test_command() -> None:
    """Does .ci/run run exactly the README's test command in a fresh environment?"""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install -r requirements-dev.txt && python -m pytest" in script
    assert "venv" in script


def test_requirements_install_the_package_itself() -> None:
    """Does requirements.txt install course_utils (so notebooks import it from anywhere)?"""
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "-e ." in [line.strip() for line in lines]


def test_repository_is_ruff_clean() -> None:
    """Is every Python file and notebook of the course ruff clean?"""
    ruff = Path(sys.executable).with_name("ruff")
    command = [str(ruff)] if ruff.exists() else [sys.executable, "-m", "ruff"]
    result = subprocess.run([*command, "check", "--no-cache", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_class_grading_command_keeps_its_name(tmp_path: Path) -> None:
    """Does ``python -m course_utils.grade`` reach the class grader from any folder, and say
    where the grader is when only the student package is there (a release)?"""
    import os
    import shutil

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)  # the checkout's course_utils, whatever is installed
    here = subprocess.run([sys.executable, "-m", "course_utils.grade", "--help"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert here.returncode == 0 and "--out" in here.stdout and "--timeout" in here.stdout, here.stderr
    release = tmp_path / "release"
    shutil.copytree(ROOT / "course_utils", release / "course_utils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env["PYTHONPATH"] = str(release)
    alone = subprocess.run([sys.executable, "-m", "course_utils.grade", "--help"], cwd=release, env=env,
                           capture_output=True, text=True, timeout=120)
    assert alone.returncode == 2, (alone.stdout, alone.stderr)
    assert "not part of the student release" in alone.stderr, alone.stderr
