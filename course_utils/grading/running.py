"""Running the student's code: :func:`call` is the only way a checker calls a student's function.

A call records the warnings raised (NumPy's floating-point errors included), turns the
student's exceptions into plain-words messages (:func:`explain_exception`: the exception, the
student's line, a note on the classic mistake) and fails an answer that modifies its input
arrays (:data:`INPUT_CHANGED_MESSAGE`). :func:`frame_is_student` tells an exception raised
through the student's function from a problem of the grader itself.
"""

from __future__ import annotations

import linecache
import os
import traceback
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .i18n import N_, _
from .result import InputChanged, NotAttempted, StudentError
from .timelimit import TimeLimitExceeded

_GRADING_DIR = os.path.dirname(os.path.abspath(__file__))

SCALAR_ONLY_NOTE = N_(
    "Your function seems to work on single numbers only. It receives whole NumPy arrays: "
    "use np.exp, np.tanh, np.maximum and np.where instead of math.exp and `if x > 0:`."
)


@dataclass(frozen=True)
class Run:
    """What one call of the student's function produced.

    Attributes
    ----------
    value : object
        The returned value, untouched.
    warnings : tuple of warnings.WarningMessage
        Every warning raised during the call (NumPy floating-point errors included: they
        run under ``np.errstate(over="warn", invalid="warn", divide="warn")``).
    """

    value: Any
    warnings: tuple[Any, ...] = ()

    @property
    def warning_text(self) -> str | None:
        """``"RuntimeWarning: overflow encountered in exp"`` for the first warning, or None."""
        if not self.warnings:
            return None
        first = self.warnings[0]
        return f"{first.category.__name__}: {first.message}"


INPUT_CHANGED_MESSAGE = N_(
    "Your function changed its input array in place{where}: after the call the caller's array "
    "holds different numbers (for example `x -= ...`, `x /= T` or `x[x < 0] = 0` write into the "
    "caller's array). An answer must not modify its inputs: compute into a new array instead "
    "(`x = x - m` makes a new array, `x -= m` does not)."
)
"""The one message for the one rule shared by every function exercise: inputs stay unchanged."""


def call(
    func: Callable[..., Any],
    *args: Any,
    call_desc: str = "",
    notes: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Run:
    """Call the student's ``func(*args, **kwargs)``: the only way a checker runs student code.

    Records warnings, translates exceptions, and enforces the rule every function exercise
    shares: **an answer must not modify its input arrays**. Every NumPy array among the
    arguments is compared with a snapshot taken before the call; a change fails the answer
    with :data:`INPUT_CHANGED_MESSAGE`, whatever the returned values.

    Parameters
    ----------
    func : callable
        The student's function (or an object standing in for it whose ``__call__`` forwards
        the arguments and copies in-place changes of argument arrays back).
    *args, **kwargs
        Its arguments. Pass copies when the caller needs the originals afterwards.
    call_desc : str
        How the call looks, for messages, e.g. ``"when called with x = [1.0, 2.0]"``.
    notes : mapping of str to str, optional
        Extra explanations keyed by a substring of the exception's text (checked before the
        built-in notes).

    Returns
    -------
    Run

    Raises
    ------
    NotAttempted
        When the function raises ``NotImplementedError`` (the blank body).
    StudentError
        For any other exception, with its type, message, the student's line and a plain-words
        note for classic mistakes.
    InputChanged
        When the call changed one of its input arrays (a :class:`Fail`).
    """
    snapshots = [
        (arg, np.array(arg, copy=True)) for arg in (*args, *kwargs.values()) if isinstance(arg, np.ndarray)
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            try:
                value = func(*args, **kwargs)
            except NotImplementedError:
                raise NotAttempted("the function still raises NotImplementedError") from None
            except (KeyboardInterrupt, TimeLimitExceeded):
                raise
            except BaseException as exc:  # noqa: BLE001 - any student exception is reported
                raise StudentError(explain_exception(exc, call_desc, notes), exc) from None
    for arg, before in snapshots:
        if not inputs_unchanged(arg, before):
            where = f" ({call_desc})" if call_desc else ""
            raise InputChanged(_(INPUT_CHANGED_MESSAGE, where=where))
    return Run(value, tuple(caught))


def inputs_unchanged(after: np.ndarray, before: np.ndarray) -> bool:
    """Whether an argument array still holds what it held before the call (NaN equals NaN)."""
    if after.shape != before.shape or after.dtype != before.dtype:
        return False
    if before.dtype.kind in "fc":
        return bool(np.array_equal(after, before, equal_nan=True))
    return bool(np.array_equal(after, before))


_BUILTIN_NOTES: tuple[tuple[str, str], ...] = (
    ("only length-1 arrays", SCALAR_ONLY_NOTE),
    ("only size-1 arrays", SCALAR_ONLY_NOTE),
    ("only 0-dimensional arrays", SCALAR_ONLY_NOTE),
    ("truth value of an array with more than one element is ambiguous", SCALAR_ONLY_NOTE),
    ("math range error", N_("math.exp overflowed: work with NumPy arrays and a stable formula.")),
    (
        "object is not callable",
        N_(
            "A number was called like a function: `alpha(np.exp(x) - 1)` means *call* alpha. "
            "You probably forgot a `*`."
        ),
    ),
    (
        "unexpected keyword argument",
        N_("Your function does not accept an argument the exercise passes: check its signature."),
    ),
    (
        "positional argument",
        N_(
            "Your function takes a different number of arguments than the exercise asks for: "
            "check its signature."
        ),
    ),
    (
        "could not be broadcast",
        N_(
            "The array shapes do not fit together. When you reduce along an axis (max, sum), "
            "pass keepdims=True so the result broadcasts back against the input."
        ),
    ),
    (
        "matmul",
        N_(
            "The matrix shapes do not fit: check the order of the product and the shapes "
            "(W1 is (h, d), W2 is (k, h))."
        ),
    ),
    ("not aligned", N_("The matrix shapes do not fit: check the order of the product.")),
)


def explain_exception(exc: BaseException, call_desc: str = "", notes: Mapping[str, str] | None = None) -> str:
    """The message for an exception raised by student code.

    Names the exception type and text, the call, the student's line (when it can be found)
    and a plain-words note for classic mistakes.
    """
    name = type(exc).__name__
    text = str(exc)
    message = (
        _("Your code raised {name}: {text}", name=name, text=text)
        if text
        else _("Your code raised {name}", name=name)
    )
    if call_desc:
        message += f" ({call_desc})"
    message += "."
    line = _student_line(exc)
    if line:
        message += "\n" + _("It happened at {line}", line=line)
    note = None
    for key, value in list((notes or {}).items()) + list(_BUILTIN_NOTES):
        if key in text:
            note = value
            break
    if note is None and isinstance(exc, RecursionError):
        note = N_("Your function calls itself again and again: is a helper named like your function?")
    if note is None and isinstance(exc, NameError):
        note = N_("Did you run the cell that defines this name (and the setup cell with the imports)?")
    if note:
        message += "\n" + _(note)
    return message


def _student_line(exc: BaseException) -> str | None:
    """``"line 3: return 1 / (1 + math.exp(-x))"`` for the deepest frame of student code."""
    if hasattr(exc, "remote_line"):  # raised in a graded kernel (see course_tools.grader.judge)
        return exc.remote_line
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:  # noqa: BLE001 - a missing line only shortens the message
        return None
    for frame in reversed(frames):
        filename = os.path.abspath(frame.filename) if frame.filename else ""
        if filename.startswith(_GRADING_DIR) or "site-packages" in filename:
            continue
        if os.sep + "lib" + os.sep + "python" in filename.lower():
            continue
        source = (frame.line or linecache.getline(frame.filename, frame.lineno or 0)).strip()
        return (
            _("line {number}: {source}", number=frame.lineno, source=source)
            if source
            else _("line {number}", number=frame.lineno)
        )
    return None


def frame_is_student(exc: BaseException, func: Any) -> bool:
    """Whether ``exc`` passed through the student's function ``func`` (its own code object)."""
    if hasattr(exc, "remote_through_student"):  # raised in a graded kernel (see course_tools.grader.judge)
        return bool(exc.remote_through_student)
    code = getattr(func, "__code__", None) or getattr(type(func).__call__, "__code__", None)
    if code is None:
        return False
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is code:
            return True
        tb = tb.tb_next
    return False
