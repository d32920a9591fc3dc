"""Is the student release complete, free of solutions, installable and self-contained?"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from course_tools.execution import execute_notebook
from course_tools.release import (
    EXCLUDED,
    INCLUDED,
    Release,
    build_release,
    main,
    student_readme,
    verify_bundle,
)
from course_tools.release import shipped as shipped_paths
from course_utils.course import ROOT
from course_utils.course import lesson as find_lesson
from course_utils.grading import exercises_for_lesson

START = "python -m jupyter lab --notebook-dir . notebooks/00-start-here.ipynb"
README_COMMANDS = (f"python -m pip install -r requirements.txt && {START}", START)
"""The README's set-up-and-start command and its start-only command (repository and release)."""
TEST_COMMAND = "python -m pip install -r requirements-dev.txt && python -m pytest"
"""The README's test command: in the repository only (the release has no tests)."""


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    return build_release(tmp_path_factory.mktemp("release") / "activation-course", zip_archive=True)


def _files(folder: Path) -> set[str]:
    """The course's files under ``folder``: not hidden (checkpoints, editor state) nor caches."""
    found = set()
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
        if path.is_file() and not hidden and path.suffix != ".pyc":
            found.add(relative.as_posix())
    return found


def test_bundle_holds_exactly_the_student_files(release: Release) -> None:
    """Does the bundle hold the lessons, exercises, package and set-up files, and nothing else?"""
    top = {name.split("/", 1)[0] for name in release.files}
    assert top == {name.split("/", 1)[0] for name in shipped_paths("both") if (ROOT / name).exists()}
    for folder in ("notebooks", "exercises", "course_utils"):
        expected = {f"{folder}/{name}" for name in _files(ROOT / folder)}
        shipped = {name for name in release.files if name.startswith(f"{folder}/")}
        assert shipped == expected, folder
    assert "course_utils/grading/__init__.py" in release.files  # check() needs its checkers
    for name in EXCLUDED:
        assert not (release.path / name).exists(), name
    assert not [name for name in release.files if "__pycache__" in name or name.endswith(".pyc")]


def test_no_solution_marker_anywhere(release: Release) -> None:
    """Does no file of the bundle hold a solution region (a marker line, in any file)?"""
    leaks = []
    for name in release.files:
        path = release.path / name
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            sources = ["".join(cell["source"]) for cell in cells]
            leaks += [
                name for source in sources if "### BEGIN SOLUTION" in source or "BEGIN SOLUTION -->" in source
            ]
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        leaks += [
            f"{name}:{i}" for i, line in enumerate(lines, 1) if line.strip().startswith("### BEGIN SOLUTION")
        ]
    assert not leaks, leaks


def test_exercise_notebooks_are_the_generated_blanks(release: Release) -> None:
    """Are the bundle's exercise notebooks the repository's (blank) ones, cell for cell?"""
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        ours = json.loads(path.read_text(encoding="utf-8"))
        theirs = json.loads((release.path / "exercises" / path.name).read_text(encoding="utf-8"))
        assert [c["source"] for c in theirs["cells"]] == [c["source"] for c in ours["cells"]], path.name
        assert theirs["metadata"]["course_utils"]["kind"] == "exercise"


def test_notebooks_are_stored_without_outputs(release: Release) -> None:
    """Is every notebook of the bundle stored without outputs, counts or widget state?"""
    for name in release.files:
        if name.endswith(".ipynb"):
            nb = json.loads((release.path / name).read_text(encoding="utf-8"))
            assert "widgets" not in nb["metadata"], name
            for cell in nb["cells"]:
                if cell["cell_type"] == "code":
                    assert cell["outputs"] == [] and cell["execution_count"] is None, name


def test_verification_finds_nothing(release: Release) -> None:
    """Does the release's own verification pass?"""
    assert not release.problems, release.problems


def test_readme_keeps_the_start_commands_and_drops_what_is_not_shipped(release: Release) -> None:
    """Does the student README keep the start commands and say nothing false of the bundle?

    The repository's README runs the tests and builds site, slides and releases; the bundle
    has no tests, no maintainers' requirements and no solutions, so those parts must go.
    """
    repository = (ROOT / "README.md").read_text(encoding="utf-8")
    text = (release.path / "README.md").read_text(encoding="utf-8")
    for command in README_COMMANDS:
        assert command in repository and command in text
    assert TEST_COMMAND in repository and TEST_COMMAND not in text
    for absent in ("pytest", "requirements-dev.txt", "solutions/", "tests/", "TEACHING.md", "every test"):
        assert absent not in text, absent
    assert "## For teachers" not in text and "## For maintainers" not in text
    assert "## Licence" in text
    assert student_readme("a\n## For teachers\nx\n## Next\ny\n") == "a\n## Next\ny\n"


_NOT_SHIPPED = re.compile(r"solutions/|requirements-dev|pytest")


def test_lessons_say_nothing_false_of_the_bundle(release: Release) -> None:
    """Do the bundled notebooks never send students to what the bundle lacks (solutions, tests)?"""
    mentions = []
    for name in release.files:
        if name.endswith(".ipynb"):
            cells = json.loads((release.path / name).read_text(encoding="utf-8"))["cells"]
            for index, cell in enumerate(cells):
                source = "".join(cell["source"])
                if cell["cell_type"] == "markdown" and _NOT_SHIPPED.search(source):
                    mentions.append(f"{name} cell {index}")
    assert not mentions, mentions


def test_requirements_install_the_bundled_package(release: Release) -> None:
    """Would `pip install -r requirements.txt` in the bundle install course_utils from the bundle?"""
    lines = [
        line.split("#")[0].strip() for line in (release.path / "requirements.txt").read_text().splitlines()
    ]
    assert "-e ." in lines
    # students get what they need to run the course, not the maintainers' test tools
    assert not (release.path / "requirements-dev.txt").exists()
    names = {re.split(r"[<>=!~\[ ;]", line, maxsplit=1)[0].lower() for line in lines if line}
    assert {"jupyterlab", "numpy", "ipywidgets"} <= names
    assert not names & {"pytest", "nbval", "hypothesis", "ruff", "playwright"}, names
    pyproject = (release.path / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "course_utils"' in pyproject
    assert 'include = ["course_utils*"]' in pyproject
    assert (release.path / "course_utils" / "__init__.py").is_file()
    # the bundle's pytest settings name only folders it has
    assert '"tests"' not in pyproject and '"solutions"' not in pyproject

    report = release.path.parent / "pip-report.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--quiet",
            "--report",
            str(report),
            "-r",
            "requirements.txt",
        ],
        cwd=release.path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0:
        offline = (
            "network",
            "connection",
            "could not find a version",
            "no matching distribution",
            "temporary failure",
        )
        if any(word in run.stderr.lower() for word in offline):
            pytest.skip(f"pip needs the package index for the build backend: {run.stderr.strip()[-200:]}")
        pytest.fail(run.stderr)
    installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    ours = [item for item in installs if item["metadata"]["name"].replace("-", "_") == "course_utils"]
    assert len(ours) == 1
    assert ours[0]["download_info"]["url"] == release.path.resolve().as_uri()


def test_bundle_imports_its_own_course_utils(release: Release) -> None:
    """Run from the bundle, does `import course_utils` load the bundle's copy?"""
    env = dict(os.environ, PYTHONPATH=str(release.path))
    run = subprocess.run(
        [sys.executable, "-c", "import course_utils, pathlib; print(pathlib.Path(course_utils.__file__))"],
        cwd=release.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert Path(run.stdout.strip()).resolve() == (release.path / "course_utils" / "__init__.py").resolve()


def test_an_exercise_notebook_runs_from_the_bundle(release: Release, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does lesson 01's exercise notebook run blank on the bundle alone, every check not attempted?

    The kernel's path holds the bundle and nothing of this checkout, so the notebook can
    import neither this checkout's ``course_utils`` nor the maintainers' ``course_tools``.
    """
    import nbformat

    monkeypatch.delenv("PYTHONPATH", raising=False)  # kernel_env puts only the bundle on it
    path = release.path / "exercises" / find_lesson("01").filename
    assert path.is_file(), "the bundle holds no exercise notebook of lesson 01"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import course_utils, importlib.util, pathlib\n"
            "print('COURSE_UTILS', pathlib.Path(course_utils.__file__).resolve())\n"
            "print('COURSE_TOOLS', importlib.util.find_spec('course_tools'))"
        )
    )
    problems = execute_notebook(nb, path.parent, timeout=60, root=release.path)
    assert not problems, problems
    printed = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    assert f"COURSE_UTILS {(release.path / 'course_utils' / '__init__.py').resolve()}" in printed
    assert "COURSE_TOOLS None" in printed, printed
    results = [
        out["data"]["text/plain"]
        for cell in nb.cells
        if cell.cell_type == "code" and cell.source.startswith("check(")
        for out in cell.outputs
        if "text/plain" in out.get("data", {})
    ]
    lesson = nb.metadata["course_utils"]["lesson"]
    assert len(results) == len(exercises_for_lesson(lesson))
    assert all("NOT ATTEMPTED" in text for text in results), results


def test_zip_holds_the_bundle_under_one_folder(release: Release) -> None:
    """Does --zip write an archive of the same files under one top-level folder?"""
    assert release.archive is not None and release.archive.suffix == ".zip"
    with zipfile.ZipFile(release.archive) as archive:
        names = {name for name in archive.namelist() if not name.endswith("/")}
    assert names == {f"{release.path.name}/{name}" for name in release.files}


def test_refuses_to_overwrite_or_to_write_into_the_course(tmp_path: Path) -> None:
    """Does the release refuse a non-empty folder, and the CLI a folder inside the course?"""
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "keep.txt").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        build_release(tmp_path / "old")
    with pytest.raises(SystemExit) as stop:
        main(["--out", str(ROOT / "notebooks" / "release")])
    assert stop.value.code == 2


# ------------------------------------------------------------------------ a used checkout

_COURSE_PARTS = (*INCLUDED, "solutions", "TEACHING.md", "zh")


def _copy_course(target: Path) -> Path:
    """A fresh-clone-like copy of the course (no hidden files, no caches) in ``target``."""
    ignore = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "*.egg-info")
    for name in _COURSE_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.is_file():
            shutil.copyfile(source, target / name)
    return target


def _use(root: Path) -> list[str]:
    """Leave in ``root`` what opening, grading and building leave in a used checkout."""
    solution = next(iter(sorted((root / "solutions").glob("*.ipynb"))))
    worked = solution.read_text(encoding="utf-8")
    planted = {
        # JupyterLab's checkpoints, one of them a student's worked copy of an exercise
        f"exercises/.ipynb_checkpoints/{solution.stem}-checkpoint.ipynb": worked,
        "notebooks/.ipynb_checkpoints/00-start-here-checkpoint.ipynb": "{}",
        ".ipynb_checkpoints/README-checkpoint.md": "# old",
        ".virtual_documents/notebooks/00-start-here.ipynb": "import course_utils\n",
        "notebooks/.virtual_documents/01.ipynb": "x = 1\n",
        # the class grader's output, also run inside the exercises folder
        "grades.csv": "submission,exercise,status,points,max_points,message\n",
        "exercises/grades.csv": "submission,exercise,status,points,max_points,message\n",
        "feedback/ada.md": "# feedback\n",
        "exercises/feedback/ada.md": "# feedback\n",
        # built site, slides, an earlier release, caches
        "_site/index.html": "<html></html>",
        "_slides/01-why-nonlinearity.slides.html": "<html></html>",
        "release/activation-course/solutions/leak.ipynb": worked,
        "course_utils/__pycache__/course.cpython-311.pyc": "",
        "course_utils/.ipynb_checkpoints/course-checkpoint.py": "",
    }
    for name, text in planted.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(planted)


@pytest.fixture(scope="module")
def used_and_fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("checkouts")
    fresh = _copy_course(base / "fresh")
    used = _copy_course(base / "used")
    _use(used)
    return used, fresh


def test_release_of_a_used_checkout_is_that_of_a_fresh_one(
    used_and_fresh: tuple[Path, Path], tmp_path: Path
) -> None:
    """Is the bundle of a checkout full of checkpoints, gradebooks and builds the fresh one's?"""
    used, fresh = used_and_fresh
    from_used = build_release(tmp_path / "used" / "activation-course", root=used)
    from_fresh = build_release(tmp_path / "fresh" / "activation-course", root=fresh)
    assert from_used.files == from_fresh.files
    for name in from_used.files:
        assert (from_used.path / name).read_bytes() == (from_fresh.path / name).read_bytes(), name
    assert not [name for name in from_used.files if "checkpoint" in name or "grades" in name]
    assert from_used.problems == from_fresh.problems


def test_notebook_tools_see_only_the_course_in_a_used_checkout(used_and_fresh: tuple[Path, Path]) -> None:
    """Do the notebook list, the staleness check and the site's page list ignore what use left?"""
    from course_tools.notebooks import course_notebooks, find_problems
    from course_tools.site import page_sources

    used, fresh = used_and_fresh

    def listed(root: Path) -> list[tuple[str, str]]:
        return [(path.relative_to(root).as_posix(), kind) for path, _, kind in course_notebooks(root)]

    assert listed(used) == listed(fresh)
    assert find_problems(used) == [problem.replace(str(fresh), str(used)) for problem in find_problems(fresh)]
    assert [page.source for page in page_sources(used)[0]] == [page.source for page in page_sources(fresh)[0]]


def test_pytest_collects_no_checkpoint_or_build_output(used_and_fresh: tuple[Path, Path]) -> None:
    """Does pytest's collection (the repository's settings) leave checkpoints and builds alone?"""
    used, _ = used_and_fresh
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=used,
        env=dict(os.environ, PYTHONPATH=str(used)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    collected = [line for line in run.stdout.splitlines() if "::" in line]
    assert collected, run.stdout[-2000:] + run.stderr[-2000:]
    unwanted = {".ipynb_checkpoints", ".virtual_documents", "_site", "_slides", "release", "feedback"}
    files = {line.split("::", 1)[0] for line in collected}
    assert not [name for name in files if unwanted & set(name.split("/")) or "checkpoint" in name], files
    assert "exercises/01-why-nonlinearity.ipynb" in files  # the course's own notebooks are collected


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_language_edition(lang: str, tmp_path: Path) -> None:
    """Does --lang ship one edition only, with a README that speaks only of what is shipped?"""
    bundle = build_release(tmp_path / f"course-{lang}", lang=lang)
    assert bundle.problems == []
    tops = {name.split("/", 1)[0] for name in bundle.files}
    english = {"notebooks", "exercises"} & tops
    chinese = {name for name in bundle.files if name.startswith("zh/")}
    readme = (bundle.path / "README.md").read_text(encoding="utf-8")
    if lang == "en":
        assert english == {"notebooks", "exercises"} and not chinese
        assert "## 中文版" not in readme and "## Set up and start" in readme
    else:
        assert not english
        assert {name.split("/")[1] for name in chinese} == {"notebooks", "exercises", "README.md"}
        assert "## 中文版" in readme and "## Set up and start" not in readme
        assert "zh/notebooks/00-start-here.ipynb" in readme
    assert "pytest" not in readme
    assert not [name for name in bundle.files if "solutions/" in name or name.endswith("TEACHING.md")]


def test_both_editions_by_default_and_no_chinese_solutions(release: Release) -> None:
    """Does the default bundle hold both editions, and would a leaked zh/solutions be caught?"""
    for folder in ("notebooks", "exercises"):
        expected = {f"zh/{folder}/{path.name}" for path in (ROOT / "zh" / folder).glob("*.ipynb")}
        assert expected and expected <= set(release.files)
    assert "zh/README.md" in release.files
    assert "zh/solutions" in EXCLUDED
    (release.path / "zh" / "solutions").mkdir()
    try:
        assert "zh/solutions: must not be in a student release" in verify_bundle(release.path)
    finally:
        (release.path / "zh" / "solutions").rmdir()


def test_an_unknown_language_is_a_usage_error(tmp_path: Path) -> None:
    """Does --lang refuse a language the course has no edition in?"""
    with pytest.raises(SystemExit) as stop:
        main(["--out", str(tmp_path / "x"), "--lang", "fr"])
    assert stop.value.code == 2
