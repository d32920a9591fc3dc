"""Auto-graders of the exercise notebooks: ``check(exercise_id, answer)`` and ``hint(exercise_id)``.

>>> from course_utils.grading import check
>>> result = check("he_variance", lambda n_in: 2.0 / n_in)
>>> result.status, result.points
('passed', 1)
>>> check("he_variance", None).status
'not_attempted'

:func:`check` never raises (except ``KeyboardInterrupt``, so Ctrl-C still stops it): every
problem becomes a :class:`CheckResult` with status ``"passed"``, ``"failed"``, ``"error"`` or
``"not_attempted"`` and a message in plain words. The student's code runs under a time limit
(:data:`timelimit.DEFAULT_SECONDS`, 10 s) — see :mod:`course_utils.grading.timelimit`.

The exercises are records (:class:`Exercise`) in :data:`EXERCISES`, registered by the modules
``lesson01`` … ``lesson07`` of this package; importing the package stays light (NumPy only):
the activation registry, SymPy and the nets are imported by a checker when it runs.

Partial credit
--------------
An exercise whose answer has several *independent* parts declares them in its record
(``Exercise.parts``); a partly right answer then keeps status ``"failed"`` (only a full
answer passes) and earns the points of the parts it gets right (``.points``, below the
exercise's points), and its message names the parts that passed and those that did not.
Everywhere else grading stays all or nothing, because a part that passes there does not show
what the exercise teaches. Whatever the parts, an answer that modifies its input, has the
wrong type, silences warnings or breaks a rule of its statement earns nothing.

========================  ==============================================  ====================================
exercise                  partial credit                                  why
========================  ==============================================  ====================================
linear_collapse           W and b, half each                              two sub-answers, derived separately
selu_constants            alpha and lam, half each                        a pair of constants
selu_layer_moments        mean and variance, half each                    two integrals
softmax_stable            last axis, huge logits (required), explicit     stability is the point: none
                          axis — a third each                             without it; ignoring axis: 2/3
cross_entropy_grad        one example, a batch, logits ±1000 — a third    s − y is the point; overflow and
                          each                                            batching are named as what's missing
properties_monotonic      per name: +1/6 per monotonic name listed,       a multi-select; listing all eight
                          −1/2 per non-monotonic one (never below 0)      (guessing) earns 0
sigmoid_stable,           none                                            "stable" is the exercise: a sigmoid
elu_grad,                                                                 that overflows at x = −1000 earns
fix_elu_snippet,                                                          nothing for ordinary inputs
softmax_temperature,
log_softmax_stable
swish_grad,               none                                            the cases differ by a parameter, and
celu_from_elu                                                             the classic mistake is right for one
                                                                          value (beta = 1, alpha = 1):
                                                                          per-case credit would reward it
dead_fraction,            none                                            the cases test one formula; wrong
he_variance, lecun_std,                                                   formulas agree with it on some cases
prelu_slope_grad,                                                         (all-dead, n_in = 2), so per-case
softmax_jacobian                                                          credit would reward them
relu_hat,                 none                                            one function, one rule of its
tanh_grad_from_output                                                     statement
elementwise functions     none                                            one formula on one grid
(relu_grad, gelu_tanh,
leaky_relu_grad)
numbers, choices,         none                                            a single answer
SymPy expressions
========================  ==============================================  ====================================

Languages
---------
Every message, hint and heading is a template in the message catalogue of
:mod:`course_utils.grading.i18n` (the English text is the msgid; the Chinese translations
live in ``locale/zh/course_utils.po``). ``check()`` and ``hint()`` answer in the language
chosen by, in order: :func:`set_language` (``set_language("zh")``), the environment variable
``COURSE_UTILS_LANGUAGE``, the running notebook's ``metadata.course_utils.language`` (the
``zh/`` notebooks say ``"zh"``), a working directory inside the course's ``zh/`` folder; else
English. The class grader passes each submission's language to
:func:`course_tools.grader.judge.judge`.

Attempts and progress
---------------------
Each :func:`check` and :func:`hint` appends one line to a small log beside the notebook
(:mod:`course_utils.grading.attempts`): the exercise, the status, the points, the time and
the hints used — never the answer. :func:`progress` reads it and shows which exercises of
every lesson are passed, failed or not attempted yet.
"""

from __future__ import annotations

import html
import importlib
import numbers
from typing import Any

from course_utils.course import LESSONS

from . import attempts, timelimit
from .answer_types import is_blank
from .i18n import N_, _, language, set_language, tidy, using_language
from .progress_report import progress
from .registry import (
    EXERCISES,
    KINDS,
    Exercise,
    close_matches,
    exercises_for_lesson,
    get_exercise,
    register,
)
from .result import STATUSES, CheckResult, GradingSignal, NotAttempted, PartialCredit
from .running import explain_exception, frame_is_student
from .timelimit import TimeLimitExceeded

LESSON_MODULES: tuple[str, ...] = tuple(f"lesson{x.number}" for x in LESSONS if x.has_exercises)
"""The modules holding each lesson's exercise records."""

LOAD_ERRORS: dict[str, str] = {}
"""Lesson modules that failed to import (module -> error). Empty when all is well; a broken
module costs only its own exercises, and ``check`` says why their ids are missing."""

for _name in LESSON_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except Exception as _exc:  # noqa: BLE001 - reported through LOAD_ERRORS and check()
        LOAD_ERRORS[_name] = f"{type(_exc).__name__}: {_exc}"

_HINT_LEVELS: dict[str, int] = {}


def check(exercise_id: str, answer: Any, *, timeout: float | None = None) -> CheckResult:
    """Grade one answer.

    Parameters
    ----------
    exercise_id : str
        The exercise, e.g. ``"sigmoid_stable"`` (see :data:`EXERCISES`).
    answer : object
        The student's answer: a function, number, sequence, SymPy expression or letter,
        as the exercise asks. ``None``, ``...`` and a function whose body raises
        ``NotImplementedError`` count as not attempted.
    timeout : float, optional
        Time limit in seconds for running the student's code (default
        :data:`timelimit.DEFAULT_SECONDS`, 10 s; ``0`` disables it).

    Returns
    -------
    CheckResult
        ``.passed``, ``.status``, ``.message``, ``.points`` …; shows itself in Jupyter.

    Notes
    -----
    Never raises, except ``KeyboardInterrupt``. A bug inside a checker gives status
    ``"error"`` with a message saying that the grader, not the answer, is at fault.
    Each check of a registered exercise appends a line (exercise, status, points, time,
    hints used — not the answer) to the progress log beside the notebook; see
    :mod:`course_utils.grading.attempts` and :func:`progress`.
    """
    try:
        result = _check(exercise_id, answer, timeout)
        exercise = EXERCISES.get(result.exercise_id)
        if exercise is not None:
            attempts.record_attempt(
                exercise.id, exercise.lesson, result.status, result.points, result.max_points
            )
        return result
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - check() must never raise
        name = exercise_id if isinstance(exercise_id, str) else repr(exercise_id)
        return CheckResult(
            name[:100],
            "error",
            _(
                "Grader problem (not a mistake in your answer): {error}. Please tell your teacher.",
                error=f"{type(exc).__name__}: {exc}",
            ),
            0,
            1,
        )


def _check(exercise_id: Any, answer: Any, timeout: float | None) -> CheckResult:
    if not isinstance(exercise_id, str):
        return CheckResult(
            repr(exercise_id)[:100],
            "error",
            _(
                "check() needs the exercise id as a string first, e.g. "
                "check('sigmoid_stable', sigmoid_stable); got {type}.",
                type=type(exercise_id).__name__,
            ),
            0,
            1,
        )
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        return CheckResult(exercise_id, "error", _unknown_id_message(exercise_id), 0, 1)

    def result(status: str, message: str, fraction: float = 0.0) -> CheckResult:
        points = exercise.points if status == "passed" else partial_points(exercise.points, fraction)
        message = message.replace("{section}", _(exercise.section_text))
        message = message[:1].upper() + message[1:] if language() == "en" else tidy(message)
        return CheckResult(exercise.id, status, message, points, exercise.points, exercise.hints)

    if is_blank(answer):
        return result("not_attempted", _blank_message(exercise, answer))
    limit = timelimit.DEFAULT_SECONDS if timeout is None else timeout
    try:
        outcome = timelimit.run_with_time_limit(exercise.checker, answer, seconds=limit)
    except KeyboardInterrupt:
        raise
    except TimeLimitExceeded:
        return result(
            "error",
            _(
                "Time limit exceeded: checking your answer took longer than {limit:g} s. Does your "
                "function loop forever (a `while` whose condition never becomes false), or loop in "
                "Python over many elements? Use NumPy operations on whole arrays.",
                limit=limit,
            ),
        )
    except NotAttempted:
        return result("not_attempted", _blank_message(exercise, answer))
    except PartialCredit as signal:
        return result("failed", _(signal.message), signal.fraction)
    except GradingSignal as signal:
        return result(signal.status, _(signal.message))
    except BaseException as exc:  # noqa: BLE001 - classified below
        if frame_is_student(exc, answer):
            return result("error", explain_exception(exc))
        return result("error", _grader_problem(exercise, exc))
    return _outcome_result(exercise, outcome, result)


def partial_points(points: float, fraction: float) -> float:
    """The points of a partly right answer: ``points * fraction``, below ``points``.

    Rounded to 3 decimals and kept strictly below the exercise's points, so only a pass
    earns full points.

    Examples
    --------
    >>> partial_points(1, 0.5), partial_points(2, 1 / 3), partial_points(1, 0.0)
    (0.5, 0.667, 0)
    """
    if not fraction or fraction <= 0:
        return 0
    earned = round(float(points) * min(float(fraction), 1.0), 3)
    return min(earned, round(float(points) - 0.001, 3))


def _outcome_result(exercise: Exercise, outcome: Any, result: Any) -> CheckResult:
    if isinstance(outcome, CheckResult):
        return result(outcome.status, _(outcome.message))
    if isinstance(outcome, bool):
        return result("passed", _("Correct!")) if outcome else result("failed", _("Not correct yet."))
    if (
        isinstance(outcome, tuple)
        and len(outcome) == 2
        and outcome[0] in STATUSES
        and isinstance(outcome[1], str)
    ):
        return result(outcome[0], _(outcome[1]))
    return result(
        "error",
        _grader_problem(exercise, TypeError(f"the checker returned {outcome!r:.80}, not (status, message)")),
    )


def _grader_problem(exercise: Exercise, exc: BaseException) -> str:
    return _(
        "Grader problem (not a mistake in your answer): the checker of {exercise!r} failed "
        "with {error}. Your answer could not be graded; please tell your teacher.",
        exercise=exercise.id,
        error=f"{type(exc).__name__}: {exc}",
    )


def _blank_message(exercise: Exercise, answer: Any) -> str:
    if exercise.kind == "function" and callable(answer):
        return _(
            "Not attempted yet: the body of `{name}` still raises "
            "NotImplementedError. Replace that line with your code, run the cell, then run this "
            "check again.",
            name=exercise.answer_name,
        )
    blank = "None" if answer is None else "..." if answer is Ellipsis else _("a blank")
    if exercise.kind == "function":
        template = N_(
            "Not attempted yet: define the function `{name}` (it is still {blank}), run that "
            "cell, then run this check again."
        )
    else:
        template = N_(
            "Not attempted yet: assign your answer to `{name}` (it is still {blank}), run that "
            "cell, then run this check again."
        )
    return _(template, name=exercise.answer_name, blank=blank)


def _unknown_id_message(exercise_id: str) -> str:
    matches = close_matches(exercise_id)
    message = _("Unknown exercise id {exercise_id!r}.", exercise_id=exercise_id)
    if matches:
        message += " " + _("Did you mean {matches}?", matches=_(" or ").join(repr(m) for m in matches))
    else:
        message += " " + _(
            "There are {count} exercises; see course_utils.grading.EXERCISES.", count=len(EXERCISES)
        )
    if LOAD_ERRORS:
        broken = "; ".join(f"{k}: {v}" for k, v in LOAD_ERRORS.items())
        message += " " + _(
            "(Grader problem: some exercise modules failed to load — {broken}.)", broken=broken
        )
    return message


class Hint(str):
    """A hint: a string that also knows its place in the sequence and shows itself in Jupyter.

    Attributes
    ----------
    exercise_id : str
    level : int
        1-based position of this hint.
    total : int
        Number of hints of the exercise.
    """

    exercise_id: str
    level: int
    total: int

    def __new__(cls, text: str, exercise_id: str = "", level: int = 0, total: int = 0) -> Hint:
        obj = super().__new__(cls, text)
        obj.exercise_id = exercise_id
        obj.level = level
        obj.total = total
        return obj

    def _header(self) -> str:
        if not self.level:
            return ""
        return _(
            "Hint {level}/{total} for {exercise_id!r}",
            level=self.level,
            total=self.total,
            exercise_id=self.exercise_id,
        )

    def _footer(self) -> str:
        if not self.level:
            return ""
        if self.level < self.total:
            return _("Run hint({exercise_id!r}) again for the next hint.", exercise_id=self.exercise_id)
        return _("That was the last hint.")

    def __repr__(self) -> str:
        if not self.level:
            return str(self)
        return f"{self._header()}: {str(self)}\n({self._footer()})"

    def _repr_html_(self) -> str:
        body = html.escape(str(self))
        if not self.level:
            return f"<div>{body}</div>"
        return (
            '<div class="course-utils-hint" style="border-left:5px solid #0072B2;padding:6px 10px;'
            f'margin:4px 0"><b>{html.escape(self._header())}</b>'
            f'<div style="white-space:pre-wrap;margin-top:4px">{body}</div>'
            f'<div style="opacity:0.75;margin-top:4px">{html.escape(self._footer())}</div></div>'
        )


def hint(exercise_id: str, level: int | None = None) -> Hint:
    """Reveal the exercise's hints one at a time.

    Parameters
    ----------
    exercise_id : str
        The exercise.
    level : int, optional
        Show this hint (1-based) instead of the next one; later calls continue from it.

    Returns
    -------
    Hint
        The hint text (a ``str``), displayed nicely as a cell's last expression.
        After the last hint, the last one is shown again. Never raises.

    Examples
    --------
    >>> reset_hints("he_variance")
    >>> hint("he_variance").level, hint("he_variance").level
    (1, 2)
    >>> hint("he_variance", level=1).level
    1
    >>> reset_hints("he_variance")
    """
    if not isinstance(exercise_id, str) or exercise_id not in EXERCISES:
        shown = exercise_id if isinstance(exercise_id, str) else repr(exercise_id)
        return Hint(_unknown_id_message(shown))
    hints = EXERCISES[exercise_id].hints
    if not hints:
        return Hint(_("There are no hints for {exercise_id!r}.", exercise_id=exercise_id))
    total = len(hints)
    if level is None:
        chosen = min(_HINT_LEVELS.get(exercise_id, 0) + 1, total)
    elif isinstance(level, numbers.Integral) and not isinstance(level, bool) and 1 <= level <= total:
        chosen = int(level)
    else:
        return Hint(
            _(
                "level: expected a whole number from 1 to {total} for {exercise_id!r}, got {level!r}.",
                total=total,
                exercise_id=exercise_id,
                level=level,
            )
        )
    _HINT_LEVELS[exercise_id] = chosen
    attempts.record_hint(exercise_id, EXERCISES[exercise_id].lesson, chosen)
    return Hint(_(hints[chosen - 1]), exercise_id, chosen, total)


def reset_hints(exercise_id: str | None = None) -> None:
    """Start the hints of one exercise (or of all, when ``exercise_id`` is None) from the first."""
    if exercise_id is None:
        _HINT_LEVELS.clear()
    else:
        _HINT_LEVELS.pop(exercise_id, None)


__all__ = [
    "EXERCISES",
    "KINDS",
    "LESSON_MODULES",
    "LOAD_ERRORS",
    "CheckResult",
    "Exercise",
    "Hint",
    "attempts",
    "check",
    "exercises_for_lesson",
    "get_exercise",
    "hint",
    "language",
    "progress",
    "register",
    "reset_hints",
    "set_language",
    "using_language",
    "timelimit",
]
