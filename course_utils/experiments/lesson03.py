"""Experiments of lesson 3: dying ReLUs measured, and the ReLU relatives that avoid them.

A hidden unit is *dead* on a data set when its output is 0 for every sample: no gradient
reaches its incoming weights and bias. A dead unit of the first hidden layer stays dead (its
inputs never change); a deeper one can come back when the layers below change its inputs.
The lesson writes its training loop out; this module keeps the version its slider replays —
the course's numpy :class:`~course_utils.nets.MLP` trained with ``MLP.fit``, with the dead share
(:func:`course_utils.nets.dead_fraction`) tracked epoch by epoch:

* :func:`moons_data` — the standardised two-moons training set every run uses;
* :func:`hidden_dead_fraction` — the dead share over all hidden layers of a network;
* :func:`train_tracking_dead` — one training run, dead share after every epoch;
* :func:`dead_fraction_grid` — a cached (learning rate × bias init) grid for the slider.

and two small pieces of maths used by the lesson and its grader:

* :func:`maxout_1d` — a maxout unit on a scalar input (``max_k a_k x + c_k``);
* :func:`prelu_slope_grad` — the gradient of a loss with respect to PReLU's learned slope.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = [
    "GRID_BIAS_INITS",
    "GRID_LOG10_LRS",
    "DeadRun",
    "dead_fraction_grid",
    "hidden_dead_fraction",
    "maxout_1d",
    "moons_data",
    "prelu_slope_grad",
    "train_tracking_dead",
]

GRID_LOG10_LRS: tuple[float, ...] = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5)
"""log10 of the learning rates of the slider grid (0.01 ... 3.16)."""

GRID_BIAS_INITS: tuple[float, ...] = (-1.5, -1.0, -0.5, 0.0, 0.5)
"""Initial hidden biases of the slider grid."""


@dataclass(frozen=True)
class DeadRun:
    """One training run and its dead-unit curve.

    Attributes
    ----------
    lr : float
        Learning rate.
    bias_init : float
        Initial value of every bias.
    seed : int
        Seed of the initialisation and the mini-batch order.
    dead : ndarray, shape (epochs + 1,)
        Dead share of the hidden units before training (entry 0) and after each epoch.
    loss : ndarray, shape (epochs,)
        Mean training loss of each epoch.
    accuracy : float
        Training accuracy after the last epoch.
    seconds : float
        Wall-clock time of the run.
    """

    lr: float
    bias_init: float
    seed: int
    dead: np.ndarray
    loss: np.ndarray
    accuracy: float
    seconds: float

    @property
    def final_dead(self) -> float:
        """Dead share after the last epoch."""
        return float(self.dead[-1])


def moons_data(n_samples: int = 200, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The lesson's training set: two moons, standardised per feature.

    Parameters
    ----------
    n_samples : int, default 200
    noise : float, default 0.2
    seed : int, default 0

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
        Zero mean and unit variance per column.
    y : ndarray, shape (n_samples,)
        Labels 0/1.

    Examples
    --------
    >>> X, y = moons_data(50)
    >>> X.shape, bool(np.allclose(X.mean(axis=0), 0.0))
    ((50, 2), True)
    """
    from course_utils.datasets import make_moons

    X, y = make_moons(n=n_samples, noise=noise, seed=seed)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def hidden_dead_fraction(net: object, X: np.ndarray) -> float:
    """Share of all hidden units of ``net`` that output 0 on every row of ``X``.

    Parameters
    ----------
    net : course_utils.nets.MLP
    X : ndarray, shape (n_samples, n_features)
        The data set on which a unit must be silent to count as dead (the training set).

    Returns
    -------
    float
        In ``[0, 1]``; units of all hidden layers are pooled.

    Examples
    --------
    >>> from course_utils.nets import MLP
    >>> net = MLP([2, 4, 2], "relu", bias_init=-100.0)
    >>> hidden_dead_fraction(net, np.zeros((3, 2)))
    1.0
    """
    from course_utils.nets import dead_fraction

    net.forward(X, record=True)
    hidden = np.concatenate(net.record.hidden_activations, axis=1)
    return dead_fraction(hidden)


def train_tracking_dead(
    lr: float,
    *,
    bias_init: float = 0.0,
    seed: int = 0,
    epochs: int = 30,
    hidden: Sequence[int] = (32, 32),
    batch_size: int = 20,
    data: tuple[np.ndarray, np.ndarray] | None = None,
) -> DeadRun:
    """Train a ReLU MLP with SGD and record the dead share of its hidden units every epoch.

    Parameters
    ----------
    lr : float
        Learning rate, > 0.
    bias_init : float, default 0.0
        Initial value of every bias; negative values start units silent on much of the data.
    seed : int, default 0
        Seed of the He initialisation and of the mini-batch order.
    epochs : int, default 30
    hidden : sequence of int, default (32, 32)
        Hidden-layer widths.
    batch_size : int, default 20
    data : (X, y), optional
        Training set; :func:`moons_data` by default.

    Returns
    -------
    DeadRun
        A run whose loss diverged stops early; its ``dead`` curve then repeats the last value
        so that every run has ``epochs + 1`` entries. Runs on the default data are cached
        (the same arguments return the same read-only run), so the slider grid and the lesson's
        check of its own loop against this one never train the same network twice.

    Examples
    --------
    >>> run = train_tracking_dead(0.1, epochs=2)
    >>> run.dead.shape, 0.0 <= run.final_dead <= 1.0
    ((3,), True)
    """
    hidden = tuple(int(h) for h in hidden)
    if data is None:  # the lesson's own data set: reuse an identical earlier run
        return _train_on_moons(float(lr), float(bias_init), int(seed), int(epochs), hidden, int(batch_size))
    return _train(float(lr), float(bias_init), int(seed), int(epochs), hidden, int(batch_size), data)


@lru_cache(maxsize=256)
def _train_on_moons(
    lr: float, bias_init: float, seed: int, epochs: int, hidden: tuple[int, ...], batch_size: int
) -> DeadRun:
    return _train(lr, bias_init, seed, epochs, hidden, batch_size, moons_data())


def _train(
    lr: float,
    bias_init: float,
    seed: int,
    epochs: int,
    hidden: tuple[int, ...],
    batch_size: int,
    data: tuple[np.ndarray, np.ndarray],
) -> DeadRun:
    from course_utils.nets import MLP

    X, y = data
    start = time.perf_counter()
    net = MLP([X.shape[1], *hidden, int(np.max(y)) + 1], "relu", output="softmax", init="he",
              bias_init=bias_init, seed=seed)
    dead = [hidden_dead_fraction(net, X)]

    def track(epoch: int, model: object) -> None:
        dead.append(hidden_dead_fraction(model, X))

    try:
        history = net.fit(X, y, epochs=epochs, lr=lr, batch_size=batch_size, callback=track, seed=seed)
        loss, accuracy = list(history.loss), float(history.accuracy[-1])
    except FloatingPointError:
        loss, accuracy = [math.nan], math.nan
    dead += [dead[-1]] * (epochs + 1 - len(dead))
    loss += [math.nan] * (epochs - len(loss))
    dead_curve, loss_curve = np.array(dead), np.array(loss)
    dead_curve.setflags(write=False)
    loss_curve.setflags(write=False)
    return DeadRun(lr, bias_init, seed, dead_curve, loss_curve, accuracy, time.perf_counter() - start)


@lru_cache(maxsize=8)
def dead_fraction_grid(
    log10_lrs: tuple[float, ...] = GRID_LOG10_LRS,
    bias_inits: tuple[float, ...] = GRID_BIAS_INITS,
    seed: int = 0,
    epochs: int = 30,
) -> np.ndarray:
    """Dead-share curves for every (learning rate, bias init) pair, computed once and cached.

    Parameters
    ----------
    log10_lrs : tuple of float
        log10 of the learning rates.
    bias_inits : tuple of float
        Initial biases.
    seed : int, default 0
    epochs : int, default 30

    Returns
    -------
    ndarray, shape (len(log10_lrs), len(bias_inits), epochs + 1)
        ``grid[i, j]`` is the dead-share curve of ``lr = 10**log10_lrs[i]``,
        ``bias_init = bias_inits[j]``. Read-only (it is shared by every caller).

    Examples
    --------
    >>> dead_fraction_grid((-1.0,), (0.0,), epochs=2).shape
    (1, 1, 3)
    """
    grid = np.empty((len(log10_lrs), len(bias_inits), epochs + 1))
    for i, log_lr in enumerate(log10_lrs):
        for j, bias in enumerate(bias_inits):
            grid[i, j] = train_tracking_dead(10.0**log_lr, bias_init=bias, seed=seed, epochs=epochs).dead
    grid.setflags(write=False)
    return grid


def maxout_1d(
    x: np.ndarray, slopes: Sequence[float], intercepts: Sequence[float] | None = None
) -> np.ndarray:
    """A maxout unit on a scalar input: ``max_k (slopes[k] * x + intercepts[k])``.

    With ``k = 2`` pieces ``(1, a)`` and no intercepts this is ``max(x, a x)``, which equals
    Leaky ReLU with slope ``a`` for ``0 <= a <= 1``; ``(0, 1)`` gives ReLU.

    Parameters
    ----------
    x : array_like
        Inputs, any shape.
    slopes : sequence of float, length k >= 1
    intercepts : sequence of float, length k, optional
        Zeros by default.

    Returns
    -------
    ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> maxout_1d(np.array([-2.0, 3.0]), [1.0, 0.1])
    array([-0.2,  3. ])
    """
    x = np.asarray(x, dtype=float)
    a = np.asarray(slopes, dtype=float)
    c = np.zeros_like(a) if intercepts is None else np.asarray(intercepts, dtype=float)
    if a.ndim != 1 or a.size == 0 or c.shape != a.shape:
        raise ValueError(f"slopes, intercepts: expected two sequences of the same length k >= 1, "
                         f"got shapes {a.shape} and {c.shape}")
    return np.max(a * x[..., None] + c, axis=-1)


def prelu_slope_grad(x: np.ndarray, upstream: np.ndarray | None = None) -> float:
    """Gradient of a loss with respect to the shared slope ``a`` of a PReLU.

    ``prelu(x; a) = x`` for ``x >= 0`` and ``a x`` for ``x < 0``, so
    ``d prelu / d a = min(x, 0)`` and, by the chain rule, ``dL/da = sum(upstream * min(x, 0))``
    over every position that shares the slope.

    Parameters
    ----------
    x : array_like
        The PReLU's inputs (pre-activations), any shape.
    upstream : array_like, optional
        ``dL/d prelu(x)``, same shape as ``x``; ones by default (then the result is the
        derivative of ``sum(prelu(x))``).

    Returns
    -------
    float

    Examples
    --------
    >>> prelu_slope_grad(np.array([-2.0, 1.0, -0.5]), np.array([1.0, 5.0, 2.0]))
    -3.0
    """
    x = np.asarray(x, dtype=float)
    g = np.ones_like(x) if upstream is None else np.asarray(upstream, dtype=float)
    if g.shape != x.shape:
        raise ValueError(f"upstream: expected the shape of x {x.shape}, got {g.shape}")
    return float(np.sum(g * np.minimum(x, 0.0)))
