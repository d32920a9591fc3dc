"""Tests of the class grader, ``python -m course_tools.grader``.

The submissions in ``tests/files/`` are lesson-01 exercise notebooks named after the
situation they cover (honest, blank, cheating, looping, crashing, corrupt...). They are
graded once per module, in a copy, with ``-j 2 --timeout 3``; each test then asks one
question of the gradebook, the feedback files or the printed summary.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from course_tools.grader.cli import main
from course_tools.grader.gradebook import CSV_COLUMNS, GradeRow, class_summary, read_csv
from course_tools.grader.sandbox import sandbox_problem
from course_tools.grader.submissions import find_notebooks, submission_names
from course_utils.grading import exercises_for_lesson

FILES = Path(__file__).parent / "files"
ATTACKS = FILES / "attacks"  # graded by tests/test_grade_attacks.py
LESSON01 = [ex.id for ex in exercises_for_lesson("01")]
LESSON02 = [ex.id for ex in exercises_for_lesson("02")]
POSIX = sys.platform != "win32"
SANDBOXED = sandbox_problem() is None
"""Whether kernels run in the sandbox here (Linux with bubblewrap); else ``--no-sandbox`` is passed."""
SANDBOX_OPTIONS = [] if SANDBOXED else ["--no-sandbox"]


def run_grader(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``python -m course_tools.grader ARGS`` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "course_tools.grader", *args, *SANDBOX_OPTIONS],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def group(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    by: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by.setdefault(row["submission"], []).append(row)
    return by


def cell_number(notebook: Path, needle: str) -> int:
    """1-based position, among the code cells, of the first code cell containing ``needle``."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    return next(i for i, cell in enumerate(code, start=1) if needle in cell.source)


def start_grader(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "course_tools.grader", *args, *SANDBOX_OPTIONS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> subprocess.CompletedProcess[str]:
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Grade a copy of tests/files (plus a checkpoint copy that must be skipped).

    Not its attacks/ folder: tests/test_grade_attacks.py grades those, once, beside honest
    classmates. Two small runs of the option tests go alongside, to keep the module fast.
    """
    base = tmp_path_factory.mktemp("class")
    submissions = base / "submissions"
    shutil.copytree(FILES, submissions, ignore=shutil.ignore_patterns(ATTACKS.name))
    checkpoints = submissions / ".ipynb_checkpoints"
    checkpoints.mkdir()
    shutil.copy(FILES / "wrong.ipynb", checkpoints / "honest-checkpoint.ipynb")
    out = base / "report" / "grades.csv"
    side = base / "side"
    capped = start_grader(
        str(FILES / "ignores-interrupt.ipynb"),
        "--out",
        str(side / "capped.csv"),
        "--timeout",
        "60",
        "--submission-timeout",
        "12",
        "-j",
        "1",
    )
    forced = start_grader(
        str(FILES / "no-metadata.ipynb"),
        str(FILES / "corrupt.ipynb"),
        str(FILES / "kills-grader.ipynb"),
        "--out",
        str(side / "forced.csv"),
        "--lesson",
        "1",
        "-j",
        "1",
        "--feedback",
        str(side / "fb"),
        "--no-sandbox",
    )
    proc = finish(start_grader(str(submissions), "--out", str(out), "-j", "2", "--timeout", "3"))
    rows = read_csv(out) if out.exists() else []
    return SimpleNamespace(
        proc=proc,
        rows=rows,
        by=group(rows),
        feedback=base / "report" / "feedback",
        submissions=submissions,
        side=side,
        capped=finish(capped),
        forced=finish(forced),
    )


def statuses(graded: SimpleNamespace, name: str) -> dict[str, str]:
    return {row["exercise"]: row["status"] for row in graded.by[name]}


def score(graded: SimpleNamespace, name: str) -> float:
    return sum(float(row["points"]) for row in graded.by[name])


def messages(graded: SimpleNamespace, name: str) -> list[str]:
    return [row["message"] for row in graded.by[name]]


# --- the run as a whole ------------------------------------------------------------------------


def test_exit_status_is_zero_whatever_the_students_did(graded: SimpleNamespace) -> None:
    """Does the command exit 0 although submissions loop, crash, kill the grader and cheat?"""
    assert graded.proc.returncode == 0, graded.proc.stderr[-3000:]


def test_csv_has_the_contract_columns(graded: SimpleNamespace) -> None:
    """Does the gradebook start with submission, exercise, status, points, max_points, message?"""
    header = (graded.feedback.parent / "grades.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",")[:6] == ["submission", "exercise", "status", "points", "max_points", "message"]
    assert tuple(header.split(",")) == CSV_COLUMNS
    assert all(row["status"] in {"passed", "failed", "error", "not_attempted"} for row in graded.rows)


def test_every_submission_gets_rows_under_a_unique_relative_name(graded: SimpleNamespace) -> None:
    """Is every file in tests/files in the gradebook once, by its POSIX path relative to the folder?"""
    expected = {p.relative_to(FILES).as_posix() for p in FILES.rglob("*.ipynb") if ATTACKS not in p.parents}
    assert set(graded.by) == expected
    assert "class 2/élève ü.ipynb" in graded.by
    keys = [(row["submission"], row["exercise"]) for row in graded.rows]
    assert len(keys) == len(set(keys)), "a submission and exercise appear twice"


def test_checkpoint_copies_are_skipped(graded: SimpleNamespace) -> None:
    """Are notebooks inside .ipynb_checkpoints left out?"""
    assert not any(".ipynb_checkpoints" in name for name in graded.by)


def test_runnable_lesson01_submissions_have_one_row_per_exercise(graded: SimpleNamespace) -> None:
    """Does each lesson-01 notebook get exactly one row per lesson-01 exercise, in order?"""
    for name, rows in graded.by.items():
        if rows[0]["lesson"] == "01":
            assert [row["exercise"] for row in rows] == LESSON01, name
            assert all(float(row["max_points"]) > 0 for row in rows)


def test_class_summary_is_printed(graded: SimpleNamespace) -> None:
    """Does the command print submissions graded, mean/median, pass rates and a histogram?"""
    out = graded.proc.stdout
    assert f"Graded {len(graded.by)} submissions" in out
    assert "mean" in out and "median" in out
    assert "Pass rate per exercise" in out
    for exercise in LESSON01:
        assert exercise in out
    assert "90-100% |" in out and "#" in out


def test_feedback_file_per_submission(graded: SimpleNamespace) -> None:
    """Is there a Markdown feedback file per submission, mirroring sub-folders, with each message?"""
    for name, rows in graded.by.items():
        path = graded.feedback / (name[: -len(".ipynb")] + ".md")
        assert path.is_file(), name
        text = path.read_text(encoding="utf-8")
        for row in rows:
            assert row["exercise"] == "-" or f"`{row['exercise']}`" in text
            assert row["message"].splitlines()[0][:60] in text
    assert "Score: 4 / 4" in (graded.feedback / "honest.md").read_text(encoding="utf-8")


# --- one situation each ------------------------------------------------------------------------


def test_honest_submission_gets_full_marks(graded: SimpleNamespace) -> None:
    """Does a correct notebook (whose kernelspec names a kernel this machine lacks) pass everything?"""
    assert set(statuses(graded, "honest.ipynb").values()) == {"passed"}
    assert score(graded, "honest.ipynb") == len(LESSON01)


def test_blank_submission_is_not_attempted(graded: SimpleNamespace) -> None:
    """Is an untouched exercise notebook 'not_attempted' everywhere, with 0 points?"""
    assert set(statuses(graded, "blank.ipynb").values()) == {"not_attempted"}
    assert score(graded, "blank.ipynb") == 0


def test_wrong_answers_fail_with_a_message(graded: SimpleNamespace) -> None:
    """Are plausible mistakes 'failed', with partial credit only for a right part, and a message?"""
    assert set(statuses(graded, "wrong.ipynb").values()) == {"failed"}
    # the collapse is right in W and wrong in b (half a point); the three others earn nothing
    points = {row["exercise"]: float(row["points"]) for row in graded.by["wrong.ipynb"]}
    assert points == {"linear_collapse": 0.5, "step_gradient": 0, "xor_separable": 0, "relu_hat": 0}
    assert all(len(message) > 20 for message in messages(graded, "wrong.ipynb"))


def test_cells_that_raise_do_not_stop_the_notebook(graded: SimpleNamespace) -> None:
    """After a cell raises, do later cells still run and get graded?"""
    got = statuses(graded, "raises.ipynb")
    assert got["linear_collapse"] == "passed"
    assert got["xor_separable"] == "passed"
    assert got["step_gradient"] == "not_attempted"  # its cell raised before assigning
    assert got["relu_hat"] == "error"  # the function raises when called
    step = next(r for r in graded.by["raises.ipynb"] if r["exercise"] == "step_gradient")
    assert "not found" in step["message"]
    notes = (graded.feedback / "raises.md").read_text(encoding="utf-8")
    assert "raised ValueError: a cell that raises" in notes


def test_infinite_loop_is_interrupted_and_later_cells_graded(graded: SimpleNamespace) -> None:
    """Is a `while True: pass` cell interrupted at --timeout, with the cells after it still graded?"""
    assert set(statuses(graded, "infinite-loop.ipynb").values()) == {"passed"}
    loop = cell_number(FILES / "infinite-loop.ipynb", "while True")
    notes = (graded.feedback / "infinite-loop.md").read_text(encoding="utf-8")
    assert f"Code cell {loop} " in notes and "was interrupted" in notes
    seconds = float(graded.by["infinite-loop.ipynb"][0]["seconds"])
    assert 3 <= seconds < 60


def test_a_cell_that_swallows_the_interrupt_is_stopped_and_the_rest_graded(graded: SimpleNamespace) -> None:
    """Is a loop that catches KeyboardInterrupt stopped, and the notebook graded without it?"""
    cell = cell_number(FILES / "ignores-interrupt.ipynb", "while True")
    assert set(statuses(graded, "ignores-interrupt.ipynb").values()) == {"passed"}
    notes = (graded.feedback / "ignores-interrupt.md").read_text(encoding="utf-8")
    assert f"Code cell {cell} (`import time`) stopped the kernel" in notes
    assert "run again from the top without it" in notes


def test_os_exit_keeps_the_verdicts_earned_around_it(graded: SimpleNamespace) -> None:
    """Does a cell calling os._exit cost only itself: the notebook is run again without it, saying so?"""
    cell = cell_number(FILES / "os-exit.ipynb", "os._exit")
    assert set(statuses(graded, "os-exit.ipynb").values()) == {"passed"}
    notes = (graded.feedback / "os-exit.md").read_text(encoding="utf-8")
    assert f"Code cell {cell} (`import os`) stopped the kernel" in notes
    assert "Fix or delete that cell" in notes


@pytest.mark.skipif(not POSIX, reason="the notebook kills its parent with a POSIX signal")
def test_a_notebook_killing_the_grading_process_still_gets_rows(graded: SimpleNamespace) -> None:
    """When a notebook kills the worker process running it, are its rows written with the reason?

    Only an unconfined kernel (``--no-sandbox``) can reach the worker; in the sandbox its
    parent is the namespace's first process, which ignores the signal, so the notebook's
    right answers are graded as usual.
    """
    side = group(read_csv(graded.side / "forced.csv"))
    assert {r["status"] for r in side["kills-grader.ipynb"]} == {"error"}
    assert all("grading process crashed" in r["message"] for r in side["kills-grader.ipynb"])
    # the submissions graded after it by a fresh worker are unaffected
    assert {r["status"] for r in side["no-metadata.ipynb"]} == {"passed"}
    if SANDBOXED:
        assert set(statuses(graded, "kills-grader.ipynb").values()) == {"passed"}
    assert score(graded, "honest.ipynb") == len(LESSON01)


def test_huge_output_is_graded_normally(graded: SimpleNamespace) -> None:
    """Does a notebook printing ~65 MB of output still get full marks?"""
    assert set(statuses(graded, "huge-output.ipynb").values()) == {"passed"}


def test_redefining_check_gains_nothing(graded: SimpleNamespace) -> None:
    """Does a submission that redefines check (and plants 'PASSED' outputs) gain anything?"""
    assert statuses(graded, "cheat-redefine-check.ipynb") == statuses(graded, "wrong.ipynb")
    assert score(graded, "cheat-redefine-check.ipynb") == score(graded, "wrong.ipynb") < len(LESSON01)


def test_monkeypatching_the_grading_package_gains_nothing(graded: SimpleNamespace) -> None:
    """Does patching course_utils.grading (checkers, CheckResult, EXERCISES, a planted package) help?"""
    assert statuses(graded, "cheat-monkeypatch.ipynb") == statuses(graded, "wrong.ipynb")
    assert score(graded, "cheat-monkeypatch.ipynb") == score(graded, "wrong.ipynb") < len(LESSON01)
    assert all(float(row["max_points"]) == 1 for row in graded.by["cheat-monkeypatch.ipynb"])
    # the cheat really ran: none of its cells raised
    notes = (graded.feedback / "cheat-monkeypatch.md").read_text(encoding="utf-8")
    assert "While your notebook ran" not in notes


def test_the_monkeypatch_cheat_fools_a_naive_grader(tmp_path: Path) -> None:
    """Is cheat-monkeypatch.ipynb a real threat: does it fool a grader that just re-imports check?"""
    import nbformat
    from nbclient import NotebookClient

    from course_tools.grader.kernels import grader_kernel_manager

    nb = nbformat.read(FILES / "cheat-monkeypatch.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import importlib, sys\n"
            "for name in [n for n in sys.modules if n.startswith('course_utils')]:\n"
            "    del sys.modules[name]\n"
            "g = importlib.import_module('course_utils.grading')\n"
            "print([g.check(e.id, globals()[e.answer_name]).passed for e in g.exercises_for_lesson('01')])"
        )
    )
    NotebookClient(
        nb,
        km=grader_kernel_manager(),
        timeout=60,
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    printed = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    assert printed.strip() == str([True] * len(LESSON01))


def test_corrupt_empty_and_non_notebook_files_get_a_row_with_the_reason(graded: SimpleNamespace) -> None:
    """Do a truncated JSON file, a 0-byte file and JSON that is no notebook each get a '-' row?"""
    for name, words in [
        ("corrupt.ipynb", "not valid JSON"),
        ("empty.ipynb", "empty"),
        ("not-a-notebook.ipynb", "not a Jupyter notebook"),
    ]:
        (row,) = graded.by[name]
        assert row["exercise"] == "-" and row["status"] == "error", name
        assert words in row["message"], row["message"]


def test_missing_metadata_gives_one_row_asking_for_lesson(graded: SimpleNamespace) -> None:
    """Without metadata["course_utils"]["lesson"], is there one '-' row that suggests --lesson?"""
    (row,) = graded.by["no-metadata.ipynb"]
    assert row["exercise"] == "-" and row["status"] == "error"
    assert "--lesson" in row["message"]


def test_a_notebook_of_another_lesson_is_graded_as_its_own_lesson(graded: SimpleNamespace) -> None:
    """Is a lesson-02 notebook graded against lesson 02's exercises?"""
    rows = graded.by["other-lesson.ipynb"]
    assert [row["exercise"] for row in rows] == LESSON02
    assert {row["lesson"] for row in rows} == {"02"}
    got = statuses(graded, "other-lesson.ipynb")
    assert got["sigmoid_stable"] == "passed" and got["sigmoid_grad_symbolic"] == "passed"


def test_nested_folder_and_non_ascii_name_run_in_their_own_folder(graded: SimpleNamespace) -> None:
    """Does 'class 2/élève ü.ipynb' run with its folder as cwd (its collapse depends on it)?"""
    got = statuses(graded, "class 2/élève ü.ipynb")
    assert got == {
        "linear_collapse": "passed",
        "step_gradient": "not_attempted",
        "xor_separable": "not_attempted",
        "relu_hat": "passed",
    }
    assert (graded.feedback / "class 2" / "élève ü.md").is_file()


# --- options -----------------------------------------------------------------------------------


def test_lesson_option_overrides_metadata(graded: SimpleNamespace) -> None:
    """With --lesson 01, is a notebook without metadata graded, and a corrupt one given every row?"""
    assert graded.forced.returncode == 0, graded.forced.stderr
    by = group(read_csv(graded.side / "forced.csv"))
    assert {r["status"] for r in by["no-metadata.ipynb"]} == {"passed"}
    assert [r["exercise"] for r in by["corrupt.ipynb"]] == LESSON01
    assert {r["status"] for r in by["corrupt.ipynb"]} == {"error"}
    assert (graded.side / "fb" / "corrupt.md").is_file()


def test_wall_clock_cap_per_submission(graded: SimpleNamespace) -> None:
    """Does --submission-timeout stop a whole submission that would hang, and still write its rows?"""
    assert graded.capped.returncode == 0, graded.capped.stderr
    rows = read_csv(graded.side / "capped.csv")
    assert [r["exercise"] for r in rows] == LESSON01
    assert all(r["status"] == "error" and "12 s limit" in r["message"] for r in rows)
    cell = cell_number(FILES / "ignores-interrupt.ipynb", "while True")
    assert all(f"while running code cell {cell} " in r["message"] for r in rows)
    assert 12 <= float(rows[0]["seconds"]) < 40


def test_help_lists_the_options() -> None:
    """Does --help mention --out, --timeout and -j?"""
    proc = run_grader("--help")
    assert proc.returncode == 0
    for option in ("--out", "--timeout", "-j", "--lesson", "--feedback"):
        assert option in proc.stdout


@pytest.mark.parametrize(
    ("situation", "make_args", "words"),
    [
        ("no notebooks", lambda tmp: [str(tmp), "--out", str(tmp / "g.csv")], "no notebooks"),
        ("missing path", lambda tmp: [str(tmp / "nope"), "--out", str(tmp / "g.csv")], "does not exist"),
        ("bad -j", lambda tmp: [str(FILES / "honest.ipynb"), "--out", str(tmp / "g.csv"), "-j", "0"], "-j"),
        (
            "bad --timeout",
            lambda tmp: [str(FILES / "honest.ipynb"), "--out", str(tmp / "g.csv"), "--timeout", "-1"],
            "--timeout",
        ),
        (
            "unknown lesson",
            lambda tmp: [str(FILES / "honest.ipynb"), "--out", str(tmp / "g.csv"), "--lesson", "42"],
            "--lesson",
        ),
        (
            "lesson without exercises",
            lambda tmp: [str(FILES / "honest.ipynb"), "--out", str(tmp / "g.csv"), "--lesson", "00"],
            "--lesson",
        ),
        (
            "unwritable --out",
            lambda tmp: [str(FILES / "honest.ipynb"), "--out", str(tmp / "a-file" / "g.csv")],
            "--out",
        ),
        ("--out is a folder", lambda tmp: [str(FILES / "honest.ipynb"), "--out", str(tmp)], "--out"),
        ("no --out", lambda tmp: [str(FILES / "honest.ipynb")], "--out"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], situation: str, make_args, words: str
) -> None:
    """Does each usage error exit with status 2 and say what is wrong, without grading anything?"""
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(SystemExit) as stopped:
        main(make_args(tmp_path))
    assert stopped.value.code == 2, situation
    assert words in capsys.readouterr().err, situation
    assert not (tmp_path / "g.csv").exists()


def test_usage_error_exit_status_of_the_command(tmp_path: Path) -> None:
    """Does the real command exit 2 (not 0 or 1) when no notebook is found?"""
    proc = run_grader(str(tmp_path), "--out", str(tmp_path / "g.csv"), timeout=60)
    assert proc.returncode == 2
    assert "no notebooks" in proc.stderr


# --- pure helpers ------------------------------------------------------------------------------


def test_submission_names_are_relative_to_the_common_parent(tmp_path: Path) -> None:
    """Do two same-named notebooks in different folders get distinct names?"""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.ipynb").write_text("{}")
    paths = [str(tmp_path / "a" / "x.ipynb"), str(tmp_path / "b")]
    notebooks = find_notebooks(paths)
    assert submission_names(paths, notebooks) == ["a/x.ipynb", "b/x.ipynb"]
    assert submission_names([str(tmp_path)], notebooks) == ["a/x.ipynb", "b/x.ipynb"]
    assert submission_names([str(tmp_path / "b")], notebooks[1:]) == ["x.ipynb"]


def test_summary_counts_pass_rates_and_leaves_unscored_out() -> None:
    """Does the summary give the right mean, median and pass rate, ignoring lesson-less rows?"""
    rows = [
        GradeRow("a", "e1", "passed", 1, 1, "", "01"),
        GradeRow("a", "e2", "passed", 1, 1, "", "01"),
        GradeRow("b", "e1", "failed", 0, 1, "", "01"),
        GradeRow("b", "e2", "passed", 1, 1, "", "01"),
        GradeRow("c", "-", "error", 0, 0, "corrupt", ""),
    ]
    text = class_summary(rows)
    assert "Graded 3 submissions" in text
    assert "mean 75.0%, median 75.0%" in text
    assert "1 could not be scored" in text
    assert "e1    1/2    50.0%" in text
    assert "e2    2/2   100.0%" in text
