"""Partial credit: an answer graded in independent parts, each earning its share of the points.

:func:`parts_checker` builds such a checker from :class:`Part` records; :func:`settle_parts`
gives the verdict when a hand-written checker collects the failures of its parts itself, and
:func:`parts_line` the sentence naming the parts that passed and those that did not. Which
exercises give partial credit, and why the others do not, is tabled in
:mod:`course_utils.grading`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .checkers import CheckerFn
from .i18n import N_, _
from .result import GradingSignal, InputChanged, NotAttempted, PartialCredit, WrongType


@dataclass(frozen=True)
class Part:
    """One independently graded part of an answer (partial credit).

    Attributes
    ----------
    name : str
        How messages name the part, e.g. ``"W"`` or ``"an explicit axis"``.
    checker : callable
        ``checker(answer) -> (status, message)``, or raising a verdict, like any checker.
    weight : float
        The part's share of the points, relative to the other parts' weights.
    required : bool
        Failing this part forfeits every point: the part is what the exercise is about
        (e.g. stability for a "stable softmax").
    """

    name: str
    checker: Any = None
    weight: float = 1.0
    required: bool = False


GATES: tuple[type[GradingSignal], ...] = (InputChanged, NotAttempted, WrongType)
"""Verdicts that stop a multi-part check at once with no points: an answer that modifies its
input, is still blank, or has the wrong type earns nothing for the parts it gets right."""


def parts_line(passed: Sequence[str], failed: Sequence[str]) -> str:
    """The sentence naming the parts that passed and those that did not.

    Examples
    --------
    >>> parts_line(["W"], ["b"])
    'Partial credit: W is right (1 of 2 parts); not yet right: b.'
    >>> parts_line(["a", "b"], ["c"])
    'Partial credit: a and b are right (2 of 3 parts); not yet right: c.'
    """
    template = (
        N_("Partial credit: {passed} is right ({count} of {total} parts); not yet right: {failed}.")
        if len(passed) == 1
        else N_("Partial credit: {passed} are right ({count} of {total} parts); not yet right: {failed}.")
    )
    total = len(passed) + len(failed)
    return _(template, passed=join_names(passed), count=len(passed), total=total, failed=join_names(failed))


def join_names(names: Sequence[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    names = [_(name) for name in names]
    if len(names) == 1:
        return names[0]
    return _("{first} and {last}", first=_(", ").join(names[:-1]), last=names[-1])


def settle_parts(
    parts: Sequence[Part], failures: Mapping[str, GradingSignal], pass_message: str = ""
) -> tuple[str, str]:
    """The verdict on a multi-part answer, given the failure of each part that failed.

    Parameters
    ----------
    parts : sequence of Part
        Every part of the answer (their weights and ``required`` flags count here).
    failures : mapping of str to GradingSignal
        Part name -> the verdict that failed it, in the order the failures happened (the
        first one's feedback leads the message).
    pass_message : str
        The message when no part failed.

    Returns
    -------
    tuple of str
        ``("passed", message)`` when no part failed.

    Raises
    ------
    GradingSignal
        The first failure, unchanged, when no part passed or a required part failed;
        :class:`~course_utils.grading.result.PartialCredit` when some parts passed.
    """
    if not failures:
        names = _(", ").join(_(part.name) for part in parts)
        return "passed", _(pass_message) if pass_message else _(
            "Correct! Every part is right: {names}.", names=names
        )
    passed = [part for part in parts if part.name not in failures]
    failed = [part for part in parts if part.name in failures]
    required = [part for part in failed if part.required]
    if not passed or required:
        first = failures[required[0].name] if required else next(iter(failures.values()))
        if passed:
            template = (
                N_("(No partial credit: {passed} is right, but this exercise is about {required}.)")
                if len(passed) == 1
                else N_("(No partial credit: {passed} are right, but this exercise is about {required}.)")
            )
            note = _(
                template,
                passed=join_names([p.name for p in passed]),
                required=join_names([p.name for p in required]),
            )
            first.message = f"{_(first.message)}\n{note}"
        raise first
    total = float(sum(part.weight for part in parts))
    fraction = sum(part.weight for part in passed) / total
    ordered = [name for name in failures if name in {p.name for p in failed}]
    line = parts_line([part.name for part in passed], ordered)
    raise PartialCredit(
        f"{_(next(iter(failures.values())).message)}\n{line}",
        fraction,
        tuple(part.name for part in passed),
        tuple(ordered),
    )


def parts_checker(
    parts: Sequence[Part],
    *,
    gate: Callable[[Any], Any] | None = None,
    pass_message: str = "",
) -> CheckerFn:
    """A checker grading an answer in independent parts, each earning its share of the points.

    Every part runs, whatever the others did. All right: status ``"passed"``. None right (or a
    required part wrong): the first failing part's verdict, unchanged, with no points. Some
    right: :class:`~course_utils.grading.result.PartialCredit` (status ``"failed"``) carrying
    the right parts' share of the weights and a message that starts with the first failing
    part's feedback and names the parts that passed.

    Parameters
    ----------
    parts : sequence of Part
        The parts, in the order their failures are reported.
    gate : callable, optional
        ``gate(answer)`` runs first and may raise a verdict (a type check, a rule of the
        statement): its failure earns no points at all.
    pass_message : str
        The message of a full pass (default: one naming the parts).

    Returns
    -------
    callable
        The checker; its ``parts`` attribute holds the part names (the exercise record
        declares them as its ``parts``).

    Notes
    -----
    The verdicts in :data:`GATES` (the answer modified its input, is a blank, has the wrong
    type) stop the check with no points even when raised by one part. A time limit stops it
    too: it is not a verdict on a part.
    """
    parts = tuple(parts)
    if not parts:
        raise ValueError("parts: expected at least one Part")
    if any(part.weight <= 0 for part in parts):
        raise ValueError("parts: every weight must be positive")

    def checker(answer: Any) -> tuple[str, str]:
        if gate is not None:
            gate(answer)
        failures: dict[str, GradingSignal] = {}
        for part in parts:
            try:
                status, message = part.checker(answer)
            except GATES:
                raise
            except GradingSignal as signal:
                failures[part.name] = signal
                continue
            if status != "passed":
                signal = GradingSignal(message)
                signal.status = status
                failures[part.name] = signal
        return settle_parts(parts, failures, pass_message)

    checker.parts = tuple(part.name for part in parts)  # type: ignore[attr-defined]
    return checker


__all__ = ["GATES", "Part", "join_names", "parts_checker", "parts_line", "settle_parts"]
