"""What every ready-made checker shares: known mistakes and lazy references.

A checker is a callable ``answer -> (status, message)`` (:data:`CheckerFn`) that may instead
raise a verdict of :mod:`course_utils.grading.result`. The factories that build one, so that
an exercise record is a short declaration, live by kind of answer:

* :mod:`.function_checkers` — ``elementwise_checker`` (a function applied elementwise to
  arrays, optionally required to be *stable*) and ``function_checker`` (a function called on
  a list of argument tuples);
* :mod:`.value_checkers` — ``number_checker``, ``sequence_checker``, ``choice_checker``,
  ``sympy_checker``;
* :mod:`.partial_credit` — ``parts_checker``: an answer graded in independent parts, each
  earning its share of the points (see the table in :mod:`course_utils.grading`);
* :mod:`.source_rules` — ``with_source_rules`` (rules of a statement on *how* an answer is
  written) and ``noting_reuse`` (a note when an answer calls an earlier one).

References are callables evaluated when a check runs, so the reference answers come from
the activation registry (:func:`activation`, :func:`activation_grad`) without importing it
when :mod:`course_utils.grading` is imported. Known wrong answers are declared as
:class:`Mistake` records; an answer that matches one gets that mistake's explanation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

CheckerFn = Callable[[Any], tuple[str, str]]
"""A checker: ``checker(answer) -> (status, message)``, or a verdict raised."""


@dataclass(frozen=True)
class Mistake:
    """A classic wrong answer and the explanation a student gets when theirs matches it.

    Attributes
    ----------
    func : callable
        Computes what the mistaken answer returns, with the reference's signature
        (for :func:`number_checker`: a number, or a callable returning one).
    message : str
        Plain words: what the mistake is and how to fix it, without the solution.
    """

    func: Any
    message: str


def activation(name: str, **params: Any) -> Callable[[np.ndarray], np.ndarray]:
    """A lazy reference: ``activation("sigmoid")(x)`` evaluates the registry's sigmoid.

    The registry (:mod:`course_utils.activations`) is imported on the first call.
    """

    def reference(x: Any) -> np.ndarray:
        from course_utils import activations

        return np.asarray(activations.get(name)(x, **params), dtype=np.float64)

    reference.__name__ = name
    return reference


def activation_grad(name: str, **params: Any) -> Callable[[np.ndarray], np.ndarray]:
    """A lazy reference for the registry's derivative ``activations.get(name).grad``."""

    def reference(x: Any) -> np.ndarray:
        from course_utils import activations

        return np.asarray(activations.get(name).grad(x, **params), dtype=np.float64)

    reference.__name__ = f"{name}_grad"
    return reference


def lazy_value(spec: Any) -> Any:
    """``spec()`` for a zero-argument callable (a lazy constant), else ``spec``."""
    return spec() if callable(spec) else spec


__all__ = ["CheckerFn", "Mistake", "activation", "activation_grad", "lazy_value"]
