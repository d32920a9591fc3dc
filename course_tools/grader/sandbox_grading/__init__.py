"""``course_utils.grading`` as a submission's kernel sees it during class grading.

The class grader judges every answer in its own process (:mod:`course_tools.grader.judge`); the
sandboxed kernel that runs a submission must hold no checker, reference value or solution,
not even in the closures of the notebook's own ``check()``. The sandbox therefore mounts this
package over ``course_utils/grading``: the notebook's ``from course_utils.grading import
check, hint`` still works, but ``check()`` only says that the class grader checks the answer,
and ``EXERCISES`` answers every lookup with a record that knows nothing. The outputs of a
graded run are never read, so nothing here needs to be informative.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EXERCISES", "check", "hint", "progress"]

MESSAGE = "This answer is checked by the class grader, not in this kernel."


class _Result:
    """What ``check()`` returns here: no verdict."""

    passed = False
    status = "not_checked"
    points = 0
    message = MESSAGE

    def __repr__(self) -> str:
        return MESSAGE


class _Record:
    """An exercise record without its checker, reference, options or hints."""

    def __init__(self, exercise_id: str) -> None:
        self.id = exercise_id

    def format_options(self) -> str:
        return ""


class _Records(dict):
    def __missing__(self, exercise_id: str) -> _Record:
        return _Record(str(exercise_id))


EXERCISES: dict[str, _Record] = _Records()


def check(exercise_id: Any, answer: Any, **_: Any) -> _Result:
    """Say that the class grader checks this answer (it does, outside this kernel)."""
    return _Result()


def hint(exercise_id: Any, *_: Any, **__: Any) -> str:
    """No hints while the class grader runs the notebook."""
    return ""


def progress(*_: Any, **__: Any) -> None:
    """No progress log while the class grader runs the notebook."""
    return None
