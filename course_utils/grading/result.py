"""The outcome of grading one answer: :class:`CheckResult`, and the signals checkers raise.

A checker reports its verdict either by returning ``(status, message)`` or by raising one
of the exceptions below; :func:`course_utils.grading.check` turns both into a
:class:`CheckResult`. Raising keeps checkers short: a helper deep inside
:mod:`course_utils.grading.compare` (or :mod:`~course_utils.grading.answer_types`,
:mod:`~course_utils.grading.running` …) can stop the grading with a precise message.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass

from .i18n import N_, _

STATUSES: tuple[str, ...] = ("passed", "failed", "error", "not_attempted")
"""Every status a :class:`CheckResult` can have."""

_BADGES: dict[str, tuple[str, str, str]] = {
    # status: (badge text, colour, plain-text marker); darkened Okabe-Ito hues, so white
    # badge text stays readable (contrast >= 4.5:1).
    "passed": (N_("PASSED"), "#007A5A", N_("[PASSED]")),
    "failed": (N_("NOT YET"), "#C0490A", N_("[FAILED]")),
    "error": (N_("ERROR"), "#A23B72", N_("[ERROR]")),
    "not_attempted": (N_("NOT ATTEMPTED"), "#5F6B73", N_("[NOT ATTEMPTED]")),
}


class GradingSignal(Exception):
    """Base class of the verdicts a checker may raise instead of returning one.

    Parameters
    ----------
    message : str
        What the student reads.
    """

    status: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Fail(GradingSignal):
    """The answer ran and is wrong (status ``"failed"``)."""

    status = "failed"


class WrongType(GradingSignal):
    """The answer has the wrong type, e.g. a number where a function is asked for (``"error"``)."""

    status = "error"


class InputChanged(Fail):
    """The student's function modified an input array (status ``"failed"``).

    A gate for partial credit: an answer that writes into its caller's arrays earns no
    points for the parts it gets right (see :func:`~course_utils.grading.partial_credit.parts_checker`).
    """


class PartialCredit(Fail):
    """Some independent parts of the answer are right, others not (status ``"failed"``).

    Parameters
    ----------
    message : str
        What the student reads; it names the parts that passed and those that did not.
    fraction : float
        The share of the exercise's points earned, in [0, 1); ``check()`` multiplies the
        exercise's points by it.
    passed_parts, failed_parts : tuple of str
        The names of the parts, as the exercise record declares them.
    """

    def __init__(
        self,
        message: str,
        fraction: float,
        passed_parts: tuple[str, ...] = (),
        failed_parts: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        self.passed_parts = tuple(passed_parts)
        self.failed_parts = tuple(failed_parts)


class NotAttempted(GradingSignal):
    """The answer is still a blank (``"not_attempted"``)."""

    status = "not_attempted"


class StudentError(GradingSignal):
    """The student's code raised an exception (status ``"error"``).

    Parameters
    ----------
    message : str
        The full explanation shown to the student.
    exception : BaseException
        The exception the student's code raised.
    """

    status = "error"

    def __init__(self, message: str, exception: BaseException) -> None:
        super().__init__(message)
        self.exception = exception


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer, as returned by :func:`course_utils.grading.check`.

    Attributes
    ----------
    exercise_id : str
        The exercise's id, e.g. ``"sigmoid_stable"``.
    status : str
        ``"passed"``, ``"failed"`` (the answer ran and is wrong), ``"error"`` (the student's
        code raised or timed out, the answer has the wrong type, the id is unknown, or the
        grader itself failed) or ``"not_attempted"`` (a blank).
    message : str
        Feedback in plain words: what is wrong and where (a counterexample).
    points : float
        Points earned: ``max_points`` when passed; for an exercise with partial credit, the
        points of the parts that passed (status ``"failed"``, always below ``max_points``);
        else 0.
    max_points : float
        Points the exercise is worth (1 unless its record says otherwise).
    hints : tuple of str
        The exercise's hints, revealed one at a time by :func:`course_utils.grading.hint`.

    Examples
    --------
    >>> r = CheckResult("demo", "failed", "at x = 1 your function returned 2, expected 1", 0, 1)
    >>> r.passed, bool(r)
    (False, False)
    >>> print(r)
    [FAILED] demo (0/1 point): at x = 1 your function returned 2, expected 1
    """

    exercise_id: str
    status: str
    message: str
    points: float = 0
    max_points: float = 1
    hints: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status: expected one of {STATUSES}, got {self.status!r}")

    @property
    def passed(self) -> bool:
        """True exactly when ``status == "passed"``."""
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    def to_dict(self) -> dict[str, object]:
        """The result as a plain dict (for gradebooks and JSON), with ``passed`` added."""
        data = asdict(self)
        data["hints"] = list(self.hints)
        data["passed"] = self.passed
        return data

    def _points_text(self) -> str:
        template = (
            N_("{points}/{max_points} point") if self.max_points == 1 else N_("{points}/{max_points} points")
        )
        return _(template, points=_number(self.points), max_points=_number(self.max_points))

    def _hint_line(self) -> str | None:
        if self.passed or not self.hints:
            return None
        return _("hint: run hint({exercise_id!r})", exercise_id=self.exercise_id)

    def __str__(self) -> str:
        marker = _(_BADGES[self.status][2])
        text = f"{marker} {self.exercise_id} ({self._points_text()}): {self.message}"
        hint_line = self._hint_line()
        return f"{text}\n{hint_line}" if hint_line else text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        label, colour, _marker = _BADGES[self.status]
        label = _(label)
        esc = html.escape
        badge = (
            f'<span style="background:{colour};color:#fff;border-radius:4px;padding:1px 8px;'
            f'font-weight:bold;letter-spacing:0.03em">{label}</span>'
        )
        head = (
            f"{badge} <code>{esc(self.exercise_id)}</code> "
            f'<span style="opacity:0.75">&middot; {esc(self._points_text())}</span>'
        )
        body = f'<div style="white-space:pre-wrap;margin-top:4px">{esc(self.message)}</div>'
        hint_line = self._hint_line()
        hint_html = (
            '<div style="margin-top:4px;opacity:0.8">'
            + _("hint: run {code}", code=f"<code>hint({esc(repr(self.exercise_id))})</code>")
            + "</div>"
            if hint_line
            else ""
        )
        return (
            f'<div class="course-utils-check" style="border-left:5px solid {colour};'
            f'padding:6px 10px;margin:4px 0">{head}{body}{hint_html}</div>'
        )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
