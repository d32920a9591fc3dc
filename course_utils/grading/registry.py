"""Exercise records: one :class:`Exercise` per auto-graded exercise, kept in :data:`EXERCISES`.

Each lesson's exercises live in ``course_utils/grading/lessonNN.py``; adding one is a single
call::

    register(
        id="he_variance", lesson="03", answer_name="he_variance", kind="function",
        title="He initialisation: the weight variance", section="3.5",
        checker=function_checker(lambda n_in: 2.0 / n_in, [(1,), (64,)], signature="he_variance(n_in)"),
        hints=("Var(relu(z)) is half of Var(z) ...", "..."),
    )

``register`` also works as a decorator over a hand-written checker (a callable
``answer -> (status, message)`` that may raise the signals of
:mod:`course_utils.grading.result`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, overload

from course_utils.course import lesson_number

from .i18n import Lazy, _

KINDS: tuple[str, ...] = ("function", "number", "sequence", "sympy", "choice")
"""The answer kinds: what the student assigns to the answer name."""

Checker = Callable[[Any], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Exercise:
    """One auto-graded exercise.

    Attributes
    ----------
    id : str
        Unique id used in ``check("<id>", answer)``, e.g. ``"sigmoid_stable"``.
    lesson : str
        Two-digit lesson number, e.g. ``"02"``.
    answer_name : str
        The variable or function name holding the answer in the exercise notebook.
    title : str
        One line saying what is asked.
    kind : str
        ``"function"``, ``"number"``, ``"sequence"``, ``"sympy"`` or ``"choice"``.
    checker : callable
        ``checker(answer) -> (status, message)``; it may instead raise
        :class:`~course_utils.grading.result.Fail` and friends. It never sees blanks
        (``None``/``...``): ``check()`` handles those.
    hints : tuple of str
        Revealed one at a time by ``hint(id)``, gentlest first.
    points : float
        Points for a pass (default 1).
    section : str
        The lesson section the exercise practises, e.g. ``"2.3"``; a checker message may
        contain ``{section}``, which ``check()`` replaces with ``"section 2.3 of lesson 02"``.
    options : mapping of str to str
        For ``kind="choice"``: letter -> statement, in display order (see
        :meth:`format_options`).
    parts : tuple of str
        The independently graded parts of an exercise with partial credit (e.g.
        ``("alpha", "lam")``), each earning its share of the points; empty for an exercise
        graded all or nothing. Taken from the checker's ``parts`` attribute
        (:func:`~course_utils.grading.partial_credit.parts_checker`, ``sequence_checker(...,
        partial=True)``) when not given; when both are given they must agree.
    """

    id: str
    lesson: str
    answer_name: str
    title: str
    kind: str
    checker: Checker = field(repr=False)
    hints: tuple[str, ...] = ()
    points: float = 1
    section: str = ""
    options: Mapping[str, str] = field(default_factory=dict, hash=False)
    parts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (isinstance(self.id, str) and self.id.isidentifier()):
            raise ValueError(f"id: expected an identifier-like string, got {self.id!r}")
        if not (isinstance(self.lesson, str) and lesson_number(self.lesson) == self.lesson):
            raise ValueError(f"lesson: expected a two-digit string such as '01', got {self.lesson!r}")
        if not (isinstance(self.answer_name, str) and self.answer_name.isidentifier()):
            raise ValueError(f"answer_name: expected a Python name, got {self.answer_name!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind: expected one of {KINDS}, got {self.kind!r}")
        if not callable(self.checker):
            raise TypeError(f"checker: expected a callable, got {type(self.checker).__name__}")
        if isinstance(self.hints, str):
            raise TypeError("hints: expected a tuple of strings, got a single string")
        object.__setattr__(self, "hints", tuple(self.hints))
        if not all(isinstance(h, str) and h for h in self.hints):
            raise TypeError("hints: every hint must be a non-empty string")
        if isinstance(self.points, bool) or not (isinstance(self.points, (int, float)) and self.points > 0):
            raise ValueError(f"points: expected a positive number, got {self.points!r}")
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))
        if self.kind == "choice" and not self.options:
            raise ValueError(f"options: a 'choice' exercise ({self.id}) needs its options")
        declared = tuple(getattr(self.checker, "parts", ()) or ())
        if isinstance(self.parts, str):
            raise TypeError("parts: expected a tuple of part names, got a single string")
        object.__setattr__(self, "parts", tuple(self.parts) or declared)
        if declared and self.parts != declared:
            raise ValueError(f"parts: {self.parts} differ from the checker's parts {declared}")
        if len(self.parts) == 1 or not all(isinstance(p, str) and p for p in self.parts):
            raise ValueError(f"parts: expected two or more non-empty part names, got {self.parts!r}")

    @property
    def partial_credit(self) -> bool:
        """Whether a partly right answer earns the points of the parts it gets right."""
        return bool(self.parts)

    def format_options(self) -> str:
        """The options of a multiple-choice exercise, one ``"a) statement"`` per line.

        Examples
        --------
        >>> ex = Exercise("demo", "01", "demo_choice", "Demo", "choice", checker=print,
        ...               options={"a": "yes", "b": "no"})
        >>> print(ex.format_options())
        a) yes
        b) no
        """
        return "\n".join(f"{letter}) {_(text)}" for letter, text in self.options.items())

    @property
    def section_text(self) -> str:
        """``"section 2.3 of lesson 02"`` (or ``"lesson 02"`` without a section)."""
        if self.section:
            return Lazy("section {section} of lesson {lesson}", section=self.section, lesson=self.lesson)
        return Lazy("lesson {lesson}", lesson=self.lesson)


EXERCISES: dict[str, Exercise] = {}
"""Every registered exercise, id -> record, in registration order."""


@overload
def register(exercise: Exercise, /) -> Exercise: ...


@overload
def register(**fields: Any) -> Any: ...


def register(exercise: Exercise | None = None, /, **fields: Any) -> Any:
    """Add an exercise to :data:`EXERCISES`.

    Three forms:

    * ``register(Exercise(...))`` adds the record and returns it;
    * ``register(id=..., lesson=..., ..., checker=...)`` builds the record from keywords,
      adds it and returns it;
    * ``@register(id=..., lesson=..., ...)`` (no ``checker``) decorates a checker function,
      adds the record and returns the function unchanged.

    Parameters
    ----------
    exercise : Exercise, optional
        A ready record.
    **fields
        The fields of :class:`Exercise`.

    Raises
    ------
    ValueError
        If the id is already taken by another exercise (re-declaring the same record, as
        happens on ``importlib.reload``, replaces it).
    """
    if exercise is not None:
        if fields:
            raise TypeError("register: pass either an Exercise or keyword fields, not both")
        if not isinstance(exercise, Exercise):
            raise TypeError(f"exercise: expected an Exercise, got {type(exercise).__name__}")
        _add(exercise)
        return exercise
    if "checker" in fields:
        record = Exercise(**fields)
        _add(record)
        return record

    def decorator(checker: Checker) -> Checker:
        _add(Exercise(checker=checker, **fields))
        return checker

    return decorator


def _origin(checker: Checker) -> tuple[str, str]:
    return (getattr(checker, "__module__", "") or "", getattr(checker, "__qualname__", "") or "")


def _same_declaration(old: Exercise, new: Exercise) -> bool:
    """True when ``new`` re-declares ``old`` (a module reload): every field equal but the
    checker, whose function object is new but comes from the same place."""
    return replace(old, checker=new.checker) == new and _origin(old.checker) == _origin(new.checker)


def _add(exercise: Exercise) -> None:
    existing = EXERCISES.get(exercise.id)
    if existing is not None and not _same_declaration(existing, exercise):
        raise ValueError(
            f"id: exercise {exercise.id!r} is already registered (lesson {existing.lesson}); "
            "choose another id"
        )
    EXERCISES[exercise.id] = exercise


def unregister(exercise_id: str) -> Exercise:
    """Remove an exercise from :data:`EXERCISES` and return it (used by tests).

    Raises
    ------
    KeyError
        If no exercise has this id.
    """
    return EXERCISES.pop(exercise_id)


def exercises_for_lesson(lesson: str | int) -> list[Exercise]:
    """The exercises of one lesson, in notebook order (the order of registration).

    Parameters
    ----------
    lesson : str or int
        ``"01"``, ``"1"`` or ``1``.

    Returns
    -------
    list of Exercise
        Empty for a lesson without exercises.

    Raises
    ------
    ValueError
        If ``lesson`` is not a lesson number (see :func:`course_utils.course.lesson_number`).
    """
    key = lesson_number(lesson)
    if key is None:
        raise ValueError(f"lesson: expected a lesson number such as '01', got {lesson!r}")
    return [ex for ex in EXERCISES.values() if ex.lesson == key]


def close_matches(exercise_id: str, n: int = 3) -> list[str]:
    """Registered ids that look like ``exercise_id`` (for "did you mean" messages)."""
    return difflib.get_close_matches(exercise_id, list(EXERCISES), n=n, cutoff=0.6)


def get_exercise(exercise_id: str) -> Exercise:
    """The record with this id.

    Raises
    ------
    KeyError
        Naming the id and the closest registered ids.
    """
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        matches = close_matches(exercise_id)
        hint = f"; did you mean {', '.join(map(repr, matches))}?" if matches else ""
        raise KeyError(f"unknown exercise id {exercise_id!r}{hint}") from None
