"""A teacher's week, end to end: one class graded into every output, and the same class in shards.

The class is made up (tests/test_similarity.py's lesson-06 students: a copied-and-renamed
pair, independent answers, blanks) plus a student whose notebook left a progress log. One
run of ``python -m course_tools.grader`` writes the long and wide gradebooks, Markdown and
HTML feedback, the similarity report and the analytics; three ``--shard`` runs merged with
``--merge`` must give the same gradebook as that one run.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import test_similarity as made_up
from test_grade import finish

from course_utils.course import ROOT


def start_grader(*args: str) -> subprocess.Popen[str]:
    """Start ``python -m course_tools.grader ARGS`` from the checkout, capturing its output."""
    return subprocess.Popen(
        [sys.executable, "-m", "course_tools.grader", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
    )


def grader(*args: str) -> subprocess.CompletedProcess[str]:
    return finish(start_grader(*args), timeout=600)


def rows_without_seconds(path: Path) -> list[tuple[str, ...]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return sorted(tuple(v for k, v in row.items() if k != "seconds") for row in reader)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    base = tmp_path_factory.mktemp("week")
    folder = base / "class"
    students = {
        "ada": made_up.ADA,
        "bob": made_up.BOB,
        "cy": made_up.CY,
        "di": made_up.DI,
        "gus": made_up.GUS,
        "eve": {},
    }
    for student, answers in students.items():
        path = folder / student / "06-softmax-temperature.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(made_up.filled(answers)), encoding="utf-8")
    log = folder / "ada" / ".course_progress" / "attempts.jsonl"
    log.parent.mkdir()
    attempts = [("softmax_stable", "failed", 0.0, 2), ("softmax_stable", "passed", 1.0, 2)]
    log.write_text(
        "".join(
            json.dumps(
                {
                    "v": 1,
                    "event": "attempt",
                    "exercise": ex,
                    "lesson": "06",
                    "status": status,
                    "points": points,
                    "max_points": 1,
                    "hints": hints,
                    "time": "2026-12-01T10:00:00Z",
                }
            )
            + "\n"
            for ex, status, points, hints in attempts
        ),
        encoding="utf-8",
    )
    out = base / "out"
    # the whole class and its three shards are graded side by side; the merge waits for the shards
    whole = start_grader(
        str(folder),
        "--out",
        str(out / "grades.csv"),
        "-j",
        "2",
        "--timeout",
        "30",
        "--seed",
        "11",
        "--wide",
        str(out / "wide.csv"),
        "--lms",
        "canvas",
        "--similarity",
        str(out / "similar.html"),
        "--analytics",
        str(out / "analytics.csv"),
    )
    started = [
        start_grader(
            str(folder),
            "--out",
            str(base / f"shard{k}.csv"),
            "-j",
            "1",
            "--timeout",
            "30",
            "--seed",
            "11",
            "--shard",
            f"{k}/3",
            "--feedback",
            str(base / f"fb{k}"),
        )
        for k in range(3)
    ]
    shards = [finish(proc, timeout=600) for proc in started]
    merged = grader(
        "--merge", *(str(base / f"shard{k}.csv") for k in range(3)), "--out", str(base / "merged.csv")
    )
    whole_run = finish(whole, timeout=600)
    return SimpleNamespace(base=base, out=out, whole=whole_run, shards=shards, merged=merged, folder=folder)


def test_one_run_writes_every_output(week: SimpleNamespace) -> None:
    """Does one run write the long and wide gradebooks, both feedback forms, similarity and analytics?"""
    assert week.whole.returncode == 0, week.whole.stderr[-2000:]
    for name in ("grades.csv", "wide.csv", "similar.html", "analytics.csv"):
        assert (week.out / name).stat().st_size > 0, name
    for student in ("ada", "bob", "cy", "di", "eve", "gus"):
        for suffix in (".md", ".html"):
            assert (week.out / "feedback" / student / f"06-softmax-temperature{suffix}").stat().st_size > 0


def test_the_wide_gradebook_has_one_row_per_student_in_canvas_form(week: SimpleNamespace) -> None:
    """Is the wide CSV one row per student, after Canvas's Points Possible row, with a byte-order mark?"""
    raw = (week.out / "wide.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0] == "Points Possible"
    assert sorted(r[3] for r in rows[2:]) == ["ada", "bob", "cy", "di", "eve", "gus"]


def test_the_copied_pair_tops_the_similarity_report(week: SimpleNamespace) -> None:
    """Does the renamed copy (ada, bob) come first in the report, and the blank student nowhere?"""
    html = (week.out / "similar.html").read_text(encoding="utf-8")
    first = html.index("ada")
    assert "bob" in html[first : first + 400]
    assert "eve/06" not in html


def test_analytics_read_the_log_beside_a_submission(week: SimpleNamespace) -> None:
    """Do the analytics count ada's logged attempts without changing any grade?"""
    with open(week.out / "analytics.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["exercise"]: r for r in csv.DictReader(fh)}
    assert rows["softmax_stable"]["logs"] == "1"
    assert "analytics" in week.whole.stdout.lower() or "attempts" in week.whole.stdout.lower()


def test_three_shards_merge_into_the_one_run(week: SimpleNamespace) -> None:
    """Do three --shard runs merged with --merge give the one run's gradebook (timings aside)?"""
    assert all(s.returncode == 0 for s in week.shards), [s.stderr[-500:] for s in week.shards]
    assert week.merged.returncode == 0, week.merged.stderr[-1000:]
    assert rows_without_seconds(week.base / "merged.csv") == rows_without_seconds(week.out / "grades.csv")
    sizes = [len(rows_without_seconds(week.base / f"shard{k}.csv")) for k in range(3)]
    assert all(sizes) and sum(sizes) == len(rows_without_seconds(week.out / "grades.csv"))


def test_the_summary_names_the_blank_submission(week: SimpleNamespace) -> None:
    """Does the class summary name the blank submission, even with -q absent?"""
    assert "eve/06-softmax-temperature.ipynb" in week.whole.stdout
    shutil.rmtree(week.base / "fb0", ignore_errors=True)
