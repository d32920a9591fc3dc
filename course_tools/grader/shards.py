"""Grade a large class in shards: a deterministic slice of the submissions, then a merge.

``--shard K/N`` grades the K-th of N slices (K from 0 to N - 1, as a Kubernetes Indexed
Job's ``JOB_COMPLETION_INDEX`` or a Slurm array ``--array=0-(N-1)`` numbers its tasks).
Each shard writes its own gradebook; :func:`merge_gradebooks` joins them into the
gradebook one run over every submission would have written.

How a submission is assigned to a shard
---------------------------------------
Every shard is given the same PATHs, so every shard sees the same submission names (each
notebook's path relative to the common parent of the PATHs). The names are ordered by the
SHA-256 of their UTF-8 (NFC) bytes, and the i-th name in that order goes to shard
``i % N``. So the assignment

* does not depend on the order in which the file system lists the files, on the machine,
  or on Python's per-process string hashing;
* puts every submission in exactly one shard;
* balances the shards: their sizes differ by at most one.

Examples
--------
>>> names = ["ada/06.ipynb", "bob/06.ipynb", "cy/06.ipynb", "di/06.ipynb"]
>>> parts = [shard(names, k, 2) for k in range(2)]
>>> sorted(parts[0] + parts[1]) == sorted(names)
True
>>> [len(part) for part in parts]
[2, 2]
>>> sorted(shard(names[::-1], 0, 2)) == sorted(parts[0])
True
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from course_tools.grader.gradebook import GradeRow, read_rows

__all__ = ["merge_gradebooks", "parse_shard", "shard", "walk_order"]

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """Read ``"K/N"`` as ``(K, N)``, with 0 <= K < N.

    Examples
    --------
    >>> parse_shard("2/3")
    (2, 3)
    >>> parse_shard("3/3")
    Traceback (most recent call last):
    ...
    ValueError: --shard '3/3': K must be at least 0 and less than N (shards are numbered 0 to N-1)
    """
    match = _SHARD.match(str(text))
    if match is None:
        raise ValueError(f"--shard {text!r}: expected K/N with whole numbers, e.g. 0/4")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise ValueError(f"--shard {text!r}: N must be at least 1")
    if index >= count:
        raise ValueError(
            f"--shard {text!r}: K must be at least 0 and less than N (shards are numbered 0 to N-1)"
        )
    return index, count


def _digest(name: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFC", name).encode("utf-8")).hexdigest()


def shard(names: Sequence[str], index: int, count: int) -> list[str]:
    """The submission names that belong to shard ``index`` of ``count``.

    Parameters
    ----------
    names : sequence of str
        Every submission's name (its path relative to the common parent of the graded
        paths, POSIX slashes), the same in every shard. Duplicates are not allowed.
    index : int
        The shard, from 0 to ``count - 1``.
    count : int
        How many shards there are.

    Returns
    -------
    list of str
        The shard's names, in the order of ``names``.

    Raises
    ------
    ValueError
        If ``count`` < 1, ``index`` is outside ``[0, count)`` or ``names`` repeats a name.
    """
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be an int, got {type(index).__name__}")
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"count must be an int, got {type(count).__name__}")
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if not 0 <= index < count:
        raise ValueError(f"index must be from 0 to {count - 1}, got {index}")
    if len(set(names)) != len(names):
        repeated = sorted(name for name, times in Counter(names).items() if times > 1)
        raise ValueError(f"names must be unique; repeated: {repeated[:5]}")
    ordered = sorted(names, key=lambda name: (_digest(name), name))
    chosen = {name for position, name in enumerate(ordered) if position % count == index}
    return [name for name in names if name in chosen]


def walk_order(name: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts submission names in the order a folder walk finds them.

    The grader lists a folder's own files (sorted) before its sub-folders (sorted), so
    ``a/z.ipynb`` comes before ``a/b/c.ipynb``; sorting with this key reproduces that
    order for the submissions of one graded folder.

    Examples
    --------
    >>> sorted(["a/b/c.ipynb", "a/z.ipynb", "a.ipynb"], key=walk_order)
    ['a.ipynb', 'a/z.ipynb', 'a/b/c.ipynb']
    """
    parts = name.split("/")
    return tuple((0 if i == len(parts) - 1 else 1, part) for i, part in enumerate(parts))


def merge_gradebooks(gradebooks: Iterable[str | os.PathLike[str]]) -> list[GradeRow]:
    """Join the shards' gradebooks into the rows one run over every submission gives.

    Submissions are put in folder-walk order (:func:`walk_order`); each submission's rows
    keep their order. Written with :func:`course_tools.grader.gradebook.write_csv`, the result
    equals, line for line after sorting, the gradebook of one run over all submissions
    (apart from the ``seconds`` column, which measures each run's own wall time).

    Parameters
    ----------
    gradebooks : iterable of path-like
        The shards' CSV files (long format), at least one.

    Returns
    -------
    list of GradeRow

    Raises
    ------
    ValueError
        If no gradebook is given, a file's columns are wrong, or one submission appears in
        two gradebooks (the shards overlap: were they given different PATHs or N?).
    """
    paths = [os.fspath(p) for p in gradebooks]
    if not paths:
        raise ValueError("gradebooks: give at least one shard's CSV file")
    by_submission: dict[str, list[GradeRow]] = {}
    source: dict[str, str] = {}
    for path in paths:
        seen_here: set[str] = set()
        for row in read_rows(path):
            if row.submission in source and row.submission not in seen_here:
                raise ValueError(
                    f"submission {row.submission!r} is in both {source[row.submission]!r} and "
                    f"{path!r}: the shards overlap (give every shard the same PATHs and the same N)"
                )
            seen_here.add(row.submission)
            source[row.submission] = path
            by_submission.setdefault(row.submission, []).append(row)
    return [row for name in sorted(by_submission, key=walk_order) for row in by_submission[name]]
