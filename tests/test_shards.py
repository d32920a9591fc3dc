"""Tests of grading in shards: the deterministic K/N slice and the merge of gradebooks."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from course_tools.grader.gradebook import GradeRow, read_rows, write_csv
from course_tools.grader.shards import merge_gradebooks, parse_shard, shard, walk_order

EXERCISES = ["softmax_stable", "softmax_jacobian", "softmax_temperature"]
STATUSES = ["passed", "failed", "error", "not_attempted"]


def class_names(count: int = 40) -> list[str]:
    """Submission names as one graded folder gives them, nested folders and odd names included."""
    names = [f"student-{i:02d}/06-softmax-temperature.ipynb" for i in range(count)]
    names += ["élève ü/06.ipynb", "class 2/ada/06.ipynb", "class 2/z.ipynb", "top.ipynb"]
    return sorted(names, key=walk_order)


def one_run(names: list[str]) -> list[GradeRow]:
    """Made-up rows of one grading run over ``names``, in the order the grader writes them."""
    pick = random.Random(6)
    rows = []
    for name in names:
        if name == "top.ipynb":
            rows.append(GradeRow(name, "-", "error", 0, 0, "no lesson in the metadata", "", 0.0))
            continue
        for exercise in EXERCISES:
            status = pick.choice(STATUSES)
            points = {"passed": 1.0, "failed": pick.choice([0.0, 0.5])}.get(status, 0.0)
            message = f"{exercise}: σ(x) − 1 ± 1e-9, \"quoted\", <tag> & {pick.random():.6f}"
            seconds = round(pick.uniform(1, 9), 1)
            rows.append(GradeRow(name, exercise, status, points, 1.0, message, "06", seconds))
    return rows


def sorted_lines(path: Path) -> list[bytes]:
    return sorted(path.read_bytes().splitlines())


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_every_submission_is_in_exactly_one_shard(count: int) -> None:
    """Do the N shards cover the class with no submission twice?"""
    names = class_names()
    parts = [shard(names, k, count) for k in range(count)]
    assert sorted(n for part in parts for n in part) == sorted(names)


@pytest.mark.parametrize("count", [2, 3, 5])
def test_shards_are_balanced(count: int) -> None:
    """Do the shard sizes differ by at most one?"""
    sizes = [len(shard(class_names(), k, count)) for k in range(count)]
    assert max(sizes) - min(sizes) <= 1


def test_a_shard_does_not_depend_on_the_order_files_are_listed() -> None:
    """Does shuffling the listing leave every shard's set of submissions unchanged?"""
    names = class_names()
    shuffled = names[:]
    random.Random(1).shuffle(shuffled)
    for k in range(3):
        assert set(shard(shuffled, k, 3)) == set(shard(names, k, 3))
        assert shard(shuffled, k, 3) == [n for n in shuffled if n in set(shard(names, k, 3))]


def test_the_assignment_is_fixed_across_processes() -> None:
    """Is the slice a function of the names alone (SHA-256 order, not Python's salted hash)?"""
    names = ["ada/06.ipynb", "bob/06.ipynb", "cy/06.ipynb", "di/06.ipynb", "eve/06.ipynb"]
    by_digest = sorted(names, key=lambda n: hashlib.sha256(n.encode("utf-8")).hexdigest())
    expected = [[n for n in names if by_digest.index(n) % 2 == k] for k in range(2)]
    assert [shard(names, k, 2) for k in range(2)] == expected
    script = (
        "from course_tools.grader.shards import shard; "
        f"print([shard({names!r}, k, 2) for k in range(2)])"
    )
    for seed in ("1", "2"):
        other = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert other.stdout.strip() == repr(expected)


@pytest.mark.parametrize(
    "text, message",
    [
        ("3/3", "less than N"),
        ("1/0", "N must be at least 1"),
        ("a/3", "expected K/N"),
        ("-1/3", "expected K/N"),
    ],
)
def test_bad_shard_text_names_the_option(text: str, message: str) -> None:
    """Does a bad --shard value raise ValueError naming --shard and what was expected?"""
    with pytest.raises(ValueError, match="--shard") as info:
        parse_shard(text)
    assert message in str(info.value)


def test_bad_shard_arguments_are_named() -> None:
    """Do shard()'s own argument errors name the argument?"""
    with pytest.raises(ValueError, match="index"):
        shard(["a"], 2, 2)
    with pytest.raises(ValueError, match="count"):
        shard(["a"], 0, 0)
    with pytest.raises(TypeError, match="index"):
        shard(["a"], "0", 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unique"):
        shard(["a", "a"], 0, 1)


def test_three_shards_merge_to_the_gradebook_of_one_run(tmp_path: Path) -> None:
    """Do 3 merged shard gradebooks equal one run's, byte for byte after sorting (here even before)?"""
    names = class_names()
    rows = one_run(names)
    write_csv(rows, tmp_path / "one-run.csv")
    shard_files = []
    for k in range(3):
        mine = set(shard(names, k, 3))
        path = tmp_path / f"grades-{k}.csv"
        write_csv([r for r in rows if r.submission in mine], path)
        shard_files.append(path)
    write_csv(merge_gradebooks(shard_files), tmp_path / "merged.csv")
    assert sorted_lines(tmp_path / "merged.csv") == sorted_lines(tmp_path / "one-run.csv")
    assert (tmp_path / "merged.csv").read_bytes() == (tmp_path / "one-run.csv").read_bytes()


def test_merge_order_does_not_depend_on_the_order_of_the_shards(tmp_path: Path) -> None:
    """Does merging the shards in another order give the same gradebook?"""
    names = class_names(10)
    rows = one_run(names)
    files = []
    for k in range(3):
        mine = set(shard(names, k, 3))
        files.append(tmp_path / f"g{k}.csv")
        write_csv([r for r in rows if r.submission in mine], files[-1])
    merged = merge_gradebooks(files)
    assert merged == merge_gradebooks(files[::-1]) == merge_gradebooks([files[1], files[2], files[0]])


def test_an_empty_shard_merges_cleanly(tmp_path: Path) -> None:
    """Does a shard with no submissions (more shards than students) add nothing?"""
    rows = one_run(["ada/06.ipynb"])
    write_csv(rows, tmp_path / "a.csv")
    write_csv([], tmp_path / "empty.csv")
    assert merge_gradebooks([tmp_path / "empty.csv", tmp_path / "a.csv"]) == read_rows(tmp_path / "a.csv")


def test_overlapping_shards_are_refused(tmp_path: Path) -> None:
    """Is a submission graded by two shards an error naming both files?"""
    rows = one_run(["ada/06.ipynb"])
    write_csv(rows, tmp_path / "a.csv")
    write_csv(rows, tmp_path / "b.csv")
    with pytest.raises(ValueError, match="overlap") as info:
        merge_gradebooks([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert "a.csv" in str(info.value) and "b.csv" in str(info.value)


def test_merge_needs_a_gradebook_and_the_right_columns(tmp_path: Path) -> None:
    """Are no files, or a CSV that is not a gradebook, refused with a clear message?"""
    with pytest.raises(ValueError, match="gradebooks"):
        merge_gradebooks([])
    other = tmp_path / "wide.csv"
    other.write_text("student,softmax_stable\nada,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="columns"):
        merge_gradebooks([other])
