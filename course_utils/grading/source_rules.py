"""Rules of a statement on *how* an answer is written, and notes on reused answers.

* :func:`enforce_source_rules` fails an answer whose source uses what its statement rules out
  (``np.abs``, SciPy, a ready-made log-softmax …), or is a library function passed as it is;
  :func:`with_source_rules` wraps a checker with it;
* :func:`noting_reuse` adds to a failure a note (:func:`reuse_note`) when the answer calls the
  student's own answer to an earlier exercise, whose bug may be the cause.

The student's source is read only through :mod:`course_utils.grading.source_reading`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .answer_types import require_function
from .checkers import CheckerFn
from .i18n import N_, _
from .result import Fail, GradingSignal
from .source_reading import calls_any, function_origin, source_names, student_source, uses_any

LIBRARY_FUNCTION_MESSAGE = N_(
    "Your answer is a ready-made library function ({name}), not a function you wrote: this "
    "exercise asks you to write it yourself. Define it with `def` in your notebook."
)


def enforce_source_rules(
    answer: Any,
    *,
    forbidden: Mapping[str, str],
    rule: str,
    required: Mapping[str, str] | None = None,
    helpers: Callable[[str, Any], bool] | None = None,
) -> None:
    """Fail an answer that breaks a rule its statement states about *how* it is written.

    The student's source is read only through
    :func:`~course_utils.grading.source_reading.student_source` and parsed with :mod:`ast`; a
    library function passed directly (``hat = np.abs``) fails too
    (:func:`~course_utils.grading.source_reading.is_library_function`).

    Parameters
    ----------
    answer : callable
        The student's function.
    forbidden : mapping of str to str
        Name used in the source (``"abs"``, ``"maximum"``, ``"scipy"``) -> how the message
        shows it (``"np.abs"``).
    rule : str
        The statement's rule in plain words, ending the message.
    required : mapping of str to str, optional
        Names of which at least one must appear (any of them) -> how the message shows it;
        matched on whole identifiers and on their ``_``-separated parts.
    helpers : callable, optional
        Names of helpers the answer may define inside itself with forbidden means (their
        bodies are not read; see :func:`~course_utils.grading.source_reading.source_names`).

    Raises
    ------
    Fail
        Naming the forbidden names found, or the missing required one.
    """
    rule = _(rule)
    origin = function_origin(answer)
    if origin == "library":
        raise Fail(f"{_(LIBRARY_FUNCTION_MESSAGE, name=_qualified_name(answer))} {rule}")
    if origin == "unreadable":
        raise Fail(
            _(
                "The source of your function cannot be read, so this exercise's rule cannot be "
                "checked: define the function with `def` in a notebook cell (or a .py file) and run "
                "that cell."
            )
            + f" {rule}"
        )
    used = uses_any(answer, forbidden, helpers=helpers)
    if used:
        shown = ", ".join(dict.fromkeys(_(forbidden[name]) for name in used))
        raise Fail(_("Your function uses {names}, which this exercise rules out.", names=shown) + f" {rule}")
    if required:
        source = student_source(answer) or ""
        names = source_names(source)
        parts = {part.lower() for name in names for part in name.replace(".", "_").split("_")}
        if not any(req.lower() in parts for req in required):
            shown = _(" or ").join(dict.fromkeys(_(value) for value in required.values()))
            raise Fail(
                _(
                    "Your function does not use {names}, which this exercise asks you to build on.",
                    names=shown,
                )
                + f" {rule}"
            )


def _qualified_name(func: Any) -> str:
    """``scipy.special.log_softmax``-like name of a library function, for messages."""
    label = getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    module = getattr(func, "__module__", None)
    if isinstance(module, str) and isinstance(label, str):
        return f"{module}.{label}"
    record = getattr(func, "name", None)  # a registry record: course_utils.activations celu
    kind = type(func)
    if isinstance(record, str):
        return f"{kind.__module__} {record}"
    return f"{kind.__module__}.{kind.__name__}"


def with_source_rules(
    checker: CheckerFn,
    *,
    forbidden: Mapping[str, str],
    rule: str,
    signature: str,
    required: Mapping[str, str] | None = None,
    after_values: bool = False,
    helpers: Callable[[str, Any], bool] | None = None,
) -> CheckerFn:
    """``checker`` with :func:`enforce_source_rules` applied (after the type check).

    By default the rule is checked first, so an answer with the right values that breaks it
    fails on the rule. With ``after_values`` the values are judged first (so a wrong answer
    gets the value checker's diagnosis of its mistake) and the rule only for an answer whose
    values are right.
    """

    def ruled(answer: Any) -> tuple[str, str]:
        require_function(answer, signature=signature)
        if not after_values:
            enforce_source_rules(answer, forbidden=forbidden, rule=rule, required=required, helpers=helpers)
            return checker(answer)
        outcome = checker(answer)
        enforce_source_rules(answer, forbidden=forbidden, rule=rule, required=required, helpers=helpers)
        return outcome

    return ruled


def reuse_note(answer: Any, helpers: Mapping[str, str]) -> str | None:
    """A note when the student's function calls one of their own earlier answers.

    ``helpers`` maps an answer name (``"softmax_stable"``) to its exercise id. A bug in the
    helper then fails this exercise too; the note says so and which check to run first.
    """
    used = calls_any(answer, helpers)
    if not used:
        return None
    name = used[0]
    return _(
        "Your function calls your own `{name}` from an earlier exercise. If "
        "check({exercise!r}, {name}) does not pass yet, fix that first: this failure may "
        "come from it.",
        name=name,
        exercise=helpers[name],
    )


def noting_reuse(checker: CheckerFn, helpers: Mapping[str, str]) -> CheckerFn:
    """``checker`` whose failure and error messages end with :func:`reuse_note` when it applies."""

    def noted(answer: Any) -> tuple[str, str]:
        try:
            return checker(answer)
        except GradingSignal as signal:
            if signal.status in ("failed", "error"):
                note = reuse_note(answer, helpers) if callable(answer) else None
                if note:
                    signal.message = f"{_(signal.message)}\n{note}"
            raise

    noted.__doc__ = checker.__doc__
    if getattr(checker, "parts", None):
        noted.parts = checker.parts  # type: ignore[attr-defined]
    return noted


__all__ = [
    "LIBRARY_FUNCTION_MESSAGE",
    "enforce_source_rules",
    "noting_reuse",
    "reuse_note",
    "with_source_rules",
]
