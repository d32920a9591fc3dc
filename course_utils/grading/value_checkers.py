"""Ready-made checkers for answers that are values: a number, a sequence of numbers, a
multiple-choice letter, a SymPy expression.

* :func:`number_checker` — one number, to a relative tolerance or to the significant digits
  the statement asks for;
* :func:`sequence_checker` — a fixed-length list of numbers, optionally with partial credit
  per entry;
* :func:`choice_checker` — one letter among the options;
* :func:`sympy_checker` — a SymPy expression equal to the reference for every value of its
  symbol.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .answer_types import as_number, as_sequence
from .checkers import CheckerFn, Mistake, lazy_value
from .compare import DEFAULT_RTOL, compare_number, digits_tolerance, normalise_choice
from .formatting import fmt
from .i18n import N_, _
from .partial_credit import parts_line
from .result import Fail, PartialCredit
from .sympy_compare import compare_sympy


def number_checker(
    expected: float | Callable[[], float],
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = 0.0,
    digits: int | None = None,
    mistakes: Sequence[Mistake] = (),
    near_rtol: float = 1e-3,
    what: str = N_("your answer"),
    explain: Callable[[float], str | None] | None = None,
) -> CheckerFn:
    """A checker for a single number (``mistakes``: ``Mistake(value_or_callable, message)``).

    Mistakes are recognised within ``near_rtol`` (relative), and an answer that close to the
    right value gets "close, but not precise enough". When the statement asks for ``digits``
    significant digits, any correctly rounded answer passes and a wrong last digit fails
    (:func:`~course_utils.grading.compare.digits_tolerance`). ``explain(value)`` says what is
    wrong with any other value (a violated property, a counterexample), never the answer.

    Examples
    --------
    >>> checker = number_checker(0.5)
    >>> checker(0.5000000001)[0]
    'passed'
    >>> number_checker(0.02033487220923927, digits=6)(0.0203349)[0]
    'passed'
    """

    def checker(answer: Any) -> tuple[str, str]:
        value = as_number(answer, what=what)
        target = float(lazy_value(expected))
        compare_number(
            value,
            target,
            rtol=rtol,
            atol=atol,
            digits=digits,
            what=what,
            mistakes=[(float(lazy_value(m.func)), m.message) for m in mistakes],
            near_rtol=near_rtol,
            explain=explain,
        )
        precision = (
            _("to the {digits} significant digits asked", digits=digits)
            if digits
            else _("to a relative tolerance of {rtol:.0e}", rtol=rtol)
        )
        return "passed", _("Correct! {value} is right ({precision}).", value=fmt(value), precision=precision)

    return checker


def sequence_checker(
    expected: Sequence[float] | Callable[[], Sequence[float]],
    *,
    names: Sequence[str],
    rtol: float = DEFAULT_RTOL,
    atol: float = 0.0,
    digits: int | None = None,
    mistakes: Sequence[Mistake] = (),
    near_rtol: float = 1e-3,
    explain: Callable[[list[float]], str | None] | None = None,
    partial: bool = False,
) -> CheckerFn:
    """A checker for a fixed-length sequence of numbers (list, tuple or 1-D array).

    A swapped pair is recognised automatically; ``mistakes`` hold whole wrong sequences.
    An entry within ``near_rtol`` of the right value is reported as "not precise enough".
    With ``digits``, each entry correctly rounded to that many significant digits passes.
    ``explain(values)`` says what property the values violate (never the answer), added to
    the message when some entry is plainly wrong. With ``partial``, each entry is a part
    worth an equal share of the points (the checker's ``parts`` are ``names``): a partly
    right answer raises :class:`~course_utils.grading.result.PartialCredit`.
    """

    def fail(message: str, close: list[bool]) -> Fail:
        if not partial or not any(close):
            return Fail(message)
        right = [n for n, ok in zip(names, close, strict=False) if ok]
        wrong = [n for n, ok in zip(names, close, strict=False) if not ok]
        return PartialCredit(
            f"{_(message)}\n{parts_line(right, wrong)}", len(right) / len(names), tuple(right), tuple(wrong)
        )

    def checker(answer: Any) -> tuple[str, str]:
        values = as_sequence(answer, length=len(names), names=names)
        target = [float(v) for v in lazy_value(expected)]
        limits = [digits_tolerance(t, digits) if digits else atol + rtol * abs(t) for t in target]
        close = [abs(v - t) <= max(lim, atol) for v, t, lim in zip(values, target, limits, strict=False)]
        if all(close):
            return "passed", _(
                "Correct! ({names}) = ({values}).",
                names=", ".join(names),
                values=", ".join(fmt(v) for v in values),
            )
        for mistake in mistakes:
            wrong = [float(v) for v in lazy_value(mistake.func)]
            if np.allclose(values, wrong, rtol=near_rtol, atol=atol):
                raise fail(mistake.message, close)
        if len(values) == 2 and np.allclose(values[::-1], target, rtol=near_rtol, atol=atol):
            raise Fail(
                _(
                    "The order is swapped: the answer must be ({first}, {second}), "
                    "you gave ({second}, {first}).",
                    first=names[0],
                    second=names[1],
                )
            )
        asked = (
            _("the exercise asks for at least {digits} significant digits", digits=digits)
            if digits
            else _("needs at most {rtol:.0e}", rtol=rtol)
        )
        problems = []
        plainly_wrong = False
        for name, v, t, ok in zip(names, values, target, close, strict=False):
            if ok:
                continue
            rel = abs(v - t) / abs(t) if t else abs(v - t)
            if rel <= near_rtol:
                problems.append(
                    _(
                        "{name} = {value} is close but not precise enough (relative error {rel:.1e}; "
                        "{asked}): keep all the digits (or round correctly), or compute it",
                        name=name,
                        value=fmt(v),
                        rel=rel,
                        asked=asked,
                    )
                )
            else:
                plainly_wrong = True
                problems.append(_("{name} = {value} is not correct", name=name, value=fmt(v)))
        right = [n for n, ok in zip(names, close, strict=False) if ok]
        tail = " " + _("({names} is right.)", names=", ".join(right)) if right and not partial else ""
        detail = explain(values) if explain and plainly_wrong else None
        more = f" {_(detail)}" if detail else ""
        raise fail(_("; ").join(problems) + _(".") + tail + more, close)

    if partial:
        checker.parts = tuple(names)  # type: ignore[attr-defined]
    return checker


def choice_checker(
    correct: str, options: Mapping[str, str], *, feedback: Mapping[str, str] | None = None
) -> CheckerFn:
    """A checker for a multiple-choice answer: one letter, case- and space-insensitive.

    Parameters
    ----------
    correct : str
        The right letter.
    options : mapping
        Letter -> statement (the same mapping goes into the record's ``options``).
    feedback : mapping, optional
        Letter -> why that option is wrong.

    Examples
    --------
    >>> checker = choice_checker("b", {"a": "yes", "b": "no"})
    >>> checker(" B ")[0]
    'passed'
    """
    if correct not in options:
        raise ValueError(f"correct: {correct!r} is not among the options {list(options)}")
    notes = dict(feedback or {})

    def checker(answer: Any) -> tuple[str, str]:
        letter = normalise_choice(answer, options)
        if letter == correct:
            return "passed", _("Correct! {letter}) {option}", letter=letter, option=_(options[letter]))
        why = notes.get(letter, N_("That statement is not true."))
        raise Fail(_("Not {letter}: {why}", letter=letter, why=_(why)))

    return checker


def sympy_checker(
    reference: Callable[[], Any],
    *,
    symbol: str = "x",
    reference_name: str = N_("the answer"),
    mistakes: Callable[[], Sequence[tuple[Any, str]]] | None = None,
) -> CheckerFn:
    """A checker for a SymPy expression in a symbol named ``symbol``.

    Parameters
    ----------
    reference : callable
        Zero-argument callable returning the reference expression (evaluated lazily, so
        SymPy is imported only when a check runs).
    reference_name : str
        How the reference is named in messages (``"σ'(x)"``); its formula is never shown.
    mistakes : callable, optional
        Returns (expression, message) pairs of known wrong answers.
    """

    def checker(answer: Any) -> tuple[str, str]:
        expected = reference()
        compare_sympy(
            answer,
            expected,
            symbol=symbol,
            reference_name=reference_name,
            mistakes=mistakes() if mistakes else (),
        )
        return "passed", _(
            "Correct! Your expression is equal to {reference} for every {symbol}.",
            reference=_(reference_name),
            symbol=symbol,
        )

    return checker


__all__ = ["choice_checker", "number_checker", "sequence_checker", "sympy_checker"]
