"""Experiments of lesson 2: where sigmoid and tanh saturate and what that does to learning.

The activations themselves live in :mod:`course_utils.activations`; the networks in
:mod:`course_utils.nets`. This module holds the small measurements the lesson's sliders
reuse (the lesson itself shows the loops that compute them):

* :func:`derivative_threshold` — the ``|x|`` beyond which an activation's derivative is
  below a tolerance (closed form for sigmoid and tanh);
* :func:`saturated_fraction` and :func:`hidden_layer_activations` — how many units of a
  layer sit on a flat part of the curve for a given weight scale;
* :func:`gradient_norms_by_depth` and :func:`sigmoid_factor_bound` — per-layer gradient
  norms of a deep net beside the ``0.25**L`` bound of the sigmoid-derivative factor (the
  lesson writes this backward pass out by hand; the depth slider reuses this version);
* :func:`hard_sigmoid_keras2` — the ``0.2 x + 0.5`` hard sigmoid of Keras 2 (the registry's
  ``hard_sigmoid`` is PyTorch's and Keras 3's ``x / 6 + 1 / 2``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

__all__ = [
    "derivative_threshold",
    "gradient_norms_by_depth",
    "hard_sigmoid_keras2",
    "hard_sigmoid_keras2_grad",
    "hidden_layer_activations",
    "saturated_fraction",
    "sigmoid_factor_bound",
]


def _check_tol(tol: float, *, upper: float, name: str = "tol") -> float:
    try:
        tol = float(tol)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a number, got {tol!r}") from None
    if not 0.0 < tol < upper:
        raise ValueError(f"{name}: expected 0 < {name} < {upper}, got {tol!r}")
    return tol


def derivative_threshold(name: str, tol: float) -> float:
    """Return the ``|x|`` beyond which the derivative of an activation is below ``tol``.

    Parameters
    ----------
    name : {"sigmoid", "tanh"}
        The activation.
    tol : float
        The derivative level, ``0 < tol < max f'`` (``1/4`` for sigmoid, ``1`` for tanh).

    Returns
    -------
    float
        The positive ``x`` with ``f'(x) = tol``; by symmetry ``f'(x) < tol`` exactly when
        ``|x|`` exceeds it.

    Notes
    -----
    Closed forms, written so that no step cancels for tiny ``tol``:

    * sigmoid: ``σ' = s (1 - s)`` with ``s = σ(x)``, so ``s = 2 t / (1 + sqrt(1 - 4 t))``
      (the small root of ``s² - s + t = 0``) and ``x = log((1 - s) / s)``;
    * tanh: ``1 - tanh² = t`` gives ``tanh x = y = sqrt(1 - t)`` and
      ``x = atanh(y) = ½ log((1 + y) / (1 - y))`` with ``1 - y = t / (1 + y)``.

    For small ``t`` these tend to ``-log t`` and ``½ log(4 / t)``: sigmoid needs a larger
    input than tanh to flatten to the same level.

    Examples
    --------
    >>> round(derivative_threshold("sigmoid", 1e-3), 4)
    6.9058
    >>> round(derivative_threshold("tanh", 1e-3), 4)
    4.1468
    """
    if name == "sigmoid":
        t = _check_tol(tol, upper=0.25)
        s = 2.0 * t / (1.0 + math.sqrt(1.0 - 4.0 * t))
        return math.log1p(-s) - math.log(s)
    if name == "tanh":
        t = _check_tol(tol, upper=1.0)
        y = math.sqrt(1.0 - t)
        return 0.5 * (math.log1p(y) - math.log(t / (1.0 + y)))
    raise ValueError(f"name: expected 'sigmoid' or 'tanh', got {name!r}")


def saturated_fraction(z: np.ndarray, name: str, rel_tol: float = 0.05) -> float:
    """Return the share of pre-activations where the activation is saturated.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.
    name : str
        A registry activation whose derivative peaks at 0 (sigmoid, tanh, hard_tanh, ...).
    rel_tol : float, default 0.05
        A unit counts as saturated where its local derivative is below ``rel_tol`` times
        the derivative at 0 (``0.25`` for sigmoid, ``1`` for tanh): less than 5 % of the
        gradient passes through it.

    Returns
    -------
    float
        Fraction in ``[0, 1]``.

    Examples
    --------
    >>> saturated_fraction(np.array([0.0, 1.0, 10.0, -10.0]), "tanh")
    0.5
    """
    from course_utils import activations

    record = activations.get(name)
    rel_tol = _check_tol(rel_tol, upper=1.0, name="rel_tol")
    z = np.asarray(z, dtype=float)
    if z.size == 0:
        raise ValueError("z: expected at least one pre-activation")
    peak = float(record.grad(0.0))
    return float(np.mean(record.grad(z) < rel_tol * peak))


def hidden_layer_activations(
    name: str,
    weight_std: float,
    *,
    depth: int = 3,
    width: int = 64,
    n_samples: int = 64,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Pre-activations and activations of the last hidden layer of a random deep net.

    Inputs are standard normal; every weight is drawn from ``N(0, weight_std²)`` and the
    biases are 0, so the pre-activation of the first layer has standard deviation
    ``weight_std * sqrt(width)``. Xavier/Glorot for square layers is
    ``weight_std = 1 / sqrt(width)``.

    Parameters
    ----------
    name : str
        Registry activation (e.g. ``"sigmoid"``, ``"tanh"``).
    weight_std : float
        Standard deviation of every weight, > 0.
    depth : int, default 3
        Number of hidden layers.
    width : int, default 64
        Units per layer (and input features).
    n_samples : int, default 64
        Number of input samples (64 × 64 = 4096 activations: plenty for a histogram).
    seed : int, default 0
        Seed of the inputs and weights.

    Returns
    -------
    z, a : ndarray, shape (n_samples, width)
        Pre-activations and activations of the last hidden layer.

    Examples
    --------
    >>> z, a = hidden_layer_activations("tanh", 0.125, depth=2, width=8, n_samples=4)
    >>> z.shape, a.shape
    ((4, 8), (4, 8))
    """
    from course_utils.nets import MLP

    weight_std = _check_tol(weight_std, upper=math.inf, name="weight_std")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, width))
    net = MLP([width] * (depth + 1) + [1], name, init="normal", init_scale=weight_std, seed=seed)
    net.forward(X, record=True)
    return net.record.pre_activations[depth - 1], net.record.activations[depth - 1]


def sigmoid_factor_bound(depth: int) -> np.ndarray:
    """Return ``0.25**k`` for ``k = 0 .. depth - 1``.

    Backpropagating through ``k`` sigmoid layers multiplies the gradient by ``k`` factors
    ``σ'(z) ≤ 1/4`` (besides the weight matrices), so relative to the last layer the
    gradient reaching a layer ``k`` layers earlier carries at most ``0.25**k`` from the
    activation alone.

    Parameters
    ----------
    depth : int
        Number of layers, >= 1.

    Returns
    -------
    ndarray, shape (depth,)
        Entry ``k`` is ``0.25**(depth - 1 - k)``: the bound at layer ``k + 1`` relative to
        the last layer (so the last entry is 1).

    Examples
    --------
    >>> sigmoid_factor_bound(3)
    array([0.0625, 0.25  , 1.    ])
    """
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth: expected an integer >= 1, got {depth!r}")
    return 0.25 ** np.arange(depth - 1, -1, -1, dtype=float)


@lru_cache(maxsize=128)
def _gradient_norms(name: str, depth: int, width: int, n_samples: int, seed: int) -> np.ndarray:
    from course_utils.deep_networks import layer_gradient_norms

    init = "he" if "relu" in name else "xavier"
    norms = layer_gradient_norms(name, depth=depth, width=width, init=init, n=n_samples, seed=seed)
    out = norms["weight"][:depth].copy()
    out.setflags(write=False)
    return out


def gradient_norms_by_depth(
    names: Sequence[str] = ("sigmoid", "tanh", "relu"),
    *,
    depth: int = 15,
    width: int = 64,
    n_samples: int = 64,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Per-layer weight-gradient norms of a deep net at initialisation, per activation.

    Each activation gets the initialisation it is usually paired with (He for the ReLU
    family, Xavier/Glorot otherwise); the loss is the mean squared error against random
    targets, so every layer receives some gradient.

    Parameters
    ----------
    names : sequence of str
        Registry activations.
    depth : int, default 15
        Number of hidden layers.
    width : int, default 64
        Units per hidden layer and input features.
    n_samples : int, default 64
        Batch size of the single forward/backward pass.
    seed : int, default 0
        Seed of data and weights.

    Returns
    -------
    dict of str to ndarray, shape (depth,)
        ``||dL/dW_l||`` (Frobenius) for hidden layers ``l = 1 .. depth`` (read-only arrays,
        cached: asking again for the same net costs nothing).

    Examples
    --------
    >>> norms = gradient_norms_by_depth(("relu",), depth=3, width=8, n_samples=16)
    >>> norms["relu"].shape
    (3,)
    """
    return {name: _gradient_norms(name, depth, width, n_samples, seed) for name in names}


def hard_sigmoid_keras2(x: np.ndarray) -> np.ndarray:
    """Hard sigmoid of Keras 2 and older ``tf.keras``: ``clip(0.2 x + 0.5, 0, 1)``.

    Keras 3, PyTorch (``torch.nn.Hardsigmoid``) and the course registry's ``hard_sigmoid``
    use ``clip(x / 6 + 1 / 2, 0, 1)`` instead; both have value 1/2 at 0, but the Keras 2 form
    has slope 0.2 (reaching 0 and 1 at ``x = ∓2.5``) and the other slope 1/6 (at ``∓3``).

    Parameters
    ----------
    x : array_like
        Inputs, any shape.

    Returns
    -------
    ndarray
        Same shape as ``x``, float64.

    Examples
    --------
    >>> hard_sigmoid_keras2(np.array([-3.0, 0.0, 1.0, 3.0]))
    array([0. , 0.5, 0.7, 1. ])
    """
    x = np.asarray(x, dtype=float)
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)


def hard_sigmoid_keras2_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of :func:`hard_sigmoid_keras2`: 0.2 on ``(-2.5, 2.5)``, else 0.

    Parameters
    ----------
    x : array_like
        Inputs, any shape.

    Returns
    -------
    ndarray
        Same shape as ``x`` (0 at the kinks ``±2.5``, as autograd gives for a clip).

    Examples
    --------
    >>> hard_sigmoid_keras2_grad(np.array([-2.5, 0.0, 3.0]))
    array([0. , 0.2, 0. ])
    """
    x = np.asarray(x, dtype=float)
    return np.where(np.abs(x) < 2.5, 0.2, 0.0)
