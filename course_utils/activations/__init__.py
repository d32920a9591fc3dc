"""The activation-function registry: one record per activation.

Each record keeps side by side what a lesson needs about one activation: the NumPy value,
its derivative, its SymPy expression, its parameters (PyTorch's names and defaults) and a
table of properties. Records are callable objects::

    >>> from course_utils.activations import ACTIVATIONS, sigmoid, relu, softmax
    >>> float(sigmoid(0.0))
    0.5
    >>> relu([-1.0, 0.0, 2.0]).tolist()
    [0.0, 0.0, 2.0]
    >>> float(sigmoid.grad(0.0))
    0.25
    >>> sigmoid.sympy()
    1/(1 + exp(-x))
    >>> softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]

Two registries hold the records: ``ACTIVATIONS`` (elementwise functions, with ``.grad``)
and ``SOFTMAX_FAMILY`` (``softmax``, ``log_softmax``, ``softmin``, which act on a whole
axis and have ``.jacobian``). :func:`get` looks a record up by name.

Conventions
-----------
* Input: a number, a (nested) list or tuple, or a NumPy array of any shape. ``float32``
  stays ``float32`` (any floating dtype keeps its dtype); integers and booleans become
  ``float64``; a scalar gives a NumPy scalar. Work is done in ``float64`` and the result is
  cast back, so float32 results are correctly rounded.
* Stability: no overflow or invalid-value warning and no NaN for any finite input; ``±inf``
  give the limits (``sigmoid(-inf) == 0``); NaN propagates. Every formula branches on the
  sign of ``x`` *before* evaluating anything that could overflow, because ``np.where``
  evaluates both of its branches.
* Derivatives at kinks follow PyTorch's autograd: ``relu'(0) = 0``,
  ``leaky_relu'(0) = negative_slope``, ``relu6' = 0`` at 0 and 6, ``hard_tanh' = 0`` at its
  limits, ``hard_sigmoid' = 0`` at ±3, ``hard_swish'(-3) = 0`` and ``hard_swish'(3) = 1``
  (the outer pieces' slopes, as PyTorch 2.13's autograd gives in float32 and float64),
  ``elu'(0) = alpha``; ``step(0) = 1`` and ``step' = 0``.
* Importing this package imports NumPy and ``scipy.special`` only; SymPy is imported inside
  ``.sympy()``.

Layout
------
One module per family, each record written out in full next to its formulas (value,
derivative, SymPy form, then the :class:`Activation` with its parameters and properties):

* ``linear_and_step``: identity, step (lesson 1)
* ``sigmoid_family``: sigmoid, log_sigmoid, tanh, softsign, tanhshrink, hard_sigmoid,
  hard_tanh (lesson 2)
* ``relu_family``: relu, relu6, leaky_relu (lesson 3)
* ``elu_family``: elu, celu, selu and SELU's constants (lesson 4)
* ``gated_family``: swish, silu, gelu, mish, hard_swish, softplus (lesson 5)
* ``softmax_family``: softmax, log_softmax, softmin (lesson 6)
* ``_base``: input checking, :class:`Activation` and :class:`Properties`

This module gathers them into the registries, keyed by name.
"""

from __future__ import annotations

import difflib

from ._base import Activation, Properties, as_real_array
from .elu_family import SELU_ALPHA, SELU_SCALE, celu, elu, selu
from .gated_family import gelu, hard_swish, mish, silu, softplus, swish
from .linear_and_step import identity, step
from .relu_family import leaky_relu, relu, relu6
from .sigmoid_family import hard_sigmoid, hard_tanh, log_sigmoid, sigmoid, softsign, tanh, tanhshrink
from .softmax_family import SoftmaxFunction, log_softmax, softmax, softmin

__all__ = [
    "ACTIVATIONS",
    "SOFTMAX_FAMILY",
    "SELU_ALPHA",
    "SELU_SCALE",
    "Activation",
    "Properties",
    "SoftmaxFunction",
    "as_real_array",
    "get",
    # the records
    "identity",
    "step",
    "sigmoid",
    "log_sigmoid",
    "tanh",
    "relu",
    "relu6",
    "selu",
    "silu",
    "mish",
    "softsign",
    "tanhshrink",
    "hard_sigmoid",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "elu",
    "celu",
    "gelu",
    "swish",
    "softplus",
    "softmax",
    "log_softmax",
    "softmin",
]

#: Elementwise activations, name -> :class:`Activation`.
ACTIVATIONS: dict[str, Activation] = {
    "identity": identity,
    "step": step,
    "sigmoid": sigmoid,
    "log_sigmoid": log_sigmoid,
    "tanh": tanh,
    "relu": relu,
    "relu6": relu6,
    "selu": selu,
    "silu": silu,
    "mish": mish,
    "softsign": softsign,
    "tanhshrink": tanhshrink,
    "hard_sigmoid": hard_sigmoid,
    "hard_swish": hard_swish,
    "hard_tanh": hard_tanh,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "celu": celu,
    "gelu": gelu,
    "swish": swish,
    "softplus": softplus,
}

#: The softmax family, name -> :class:`SoftmaxFunction` (see ``softmax_family`` for what
#: its properties mean for a function of a whole vector).
SOFTMAX_FAMILY: dict[str, SoftmaxFunction] = {
    "softmax": softmax,
    "log_softmax": log_softmax,
    "softmin": softmin,
}

# Other common spellings (PyTorch class names, scikit-learn's "logistic", ...).
_ALIASES = {
    "linear": "identity",
    "none": "identity",
    "heaviside": "step",
    "logistic": "sigmoid",
    "logsigmoid": "log_sigmoid",
    "hardtanh": "hard_tanh",
    "hardsigmoid": "hard_sigmoid",
    "hardswish": "hard_swish",
    "leakyrelu": "leaky_relu",
    "logsoftmax": "log_softmax",
}


def get(name: str | Activation | SoftmaxFunction) -> Activation | SoftmaxFunction:
    """Look up an activation record by name (case-insensitive; PyTorch spellings work too).

    Parameters
    ----------
    name : str or record
        e.g. ``"relu"``, ``"LeakyReLU"``, ``"softmax"``; a record is returned unchanged.

    Returns
    -------
    Activation or SoftmaxFunction

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If there is no such activation; the message suggests close names.

    Examples
    --------
    >>> get("LeakyReLU").name
    'leaky_relu'
    >>> get("rleu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: name: unknown activation 'rleu'; did you mean 'relu' or 'relu6'? ...
    """
    if isinstance(name, (Activation, SoftmaxFunction)):
        return name
    if not isinstance(name, str):
        raise TypeError(f"name: expected an activation name (str), got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = _ALIASES.get(key, _ALIASES.get(key.replace("_", ""), key))
    if key in ACTIVATIONS:
        return ACTIVATIONS[key]
    if key in SOFTMAX_FAMILY:
        return SOFTMAX_FAMILY[key]
    known = [*ACTIVATIONS, *SOFTMAX_FAMILY]
    close = difflib.get_close_matches(key, known + list(_ALIASES), n=3, cutoff=0.6)
    close = list(dict.fromkeys(_ALIASES.get(c, c) for c in close))
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise ValueError(f"name: unknown activation {name!r}; {hint}known: {', '.join(known)}")
