"""Lesson 1 (why nonlinearity): sums of shifted ReLUs and the XOR network.

* :func:`fit_relu_sum` -- the least-squares fit ``b + sum_k w_k relu(x - c_k)`` of a target
  curve (:data:`RELU_SUM_TARGETS`) with ``n`` evenly spaced kinks (:func:`evenly_spaced_kinks`,
  :func:`relu_features`), returned as a :class:`ReluFit`;
* :func:`train_xor` -- the lesson's 2-16-1 network trained on XOR (:data:`XOR_SETTINGS`) with
  one hidden activation, optionally recording its output on a grid of the plane
  (:func:`xor_grid`) as it trains.

The lesson notebook and its sliders (:mod:`course_utils.widgets.lesson01`, which only draw)
use these same functions, so the slider and the text show the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "RELU_SUM_TARGETS",
    "XOR_SETTINGS",
    "X_GRID",
    "X_RANGE",
    "ReluFit",
    "evenly_spaced_kinks",
    "fit_relu_sum",
    "relu_features",
    "train_xor",
    "xor_grid",
]

X_RANGE: tuple[float, float] = (-3.0, 3.0)
"""The interval on which ``relu_sum`` approximates its targets."""
X_GRID: np.ndarray = np.linspace(*X_RANGE, 601)
"""The points at which the fit is made and its error measured, shape (601,)."""

RELU_SUM_TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin(2x) + 0.3x": lambda x: np.sin(2.0 * x) + 0.3 * x,
    "sin(x)": np.sin,
    "bump 2exp(-x²) - 0.5": lambda x: 2.0 * np.exp(-(x**2)) - 0.5,
    "|x| - 1 (a kink)": lambda x: np.abs(x) - 1.0,
}
"""Target curves of the ``relu_sum`` slider, name -> vectorised function."""

XOR_SETTINGS: dict[str, Any] = {
    "n": 200,
    "noise": 0.2,
    "hidden": 16,
    "epochs": 300,
    "lr": 0.5,
    "seed": 0,
}
"""Data set and training settings shared by the lesson and the ``xor_boundary`` slider."""


# --------------------------------------------------------------------------- sums of ReLUs


def evenly_spaced_kinks(n_units: int, lo: float = X_RANGE[0], hi: float = X_RANGE[1]) -> np.ndarray:
    """Kink positions ``c_k = lo + k (hi - lo) / n`` for ``k = 0, ..., n - 1``.

    The first kink sits at the left end, so its unit is a straight line on ``[lo, hi]``
    (one unit plus the bias fits a line); each further unit adds one bend.

    Parameters
    ----------
    n_units : int
        Number of units, at least 1.
    lo, hi : float
        The interval.

    Returns
    -------
    ndarray, shape (n_units,)

    Examples
    --------
    >>> evenly_spaced_kinks(3)
    array([-3., -1.,  1.])
    """
    if isinstance(n_units, bool) or not isinstance(n_units, (int, np.integer)) or n_units < 1:
        raise ValueError(f"n_units: expected an integer >= 1, got {n_units!r}")
    if not hi > lo:
        raise ValueError(f"hi: expected hi > lo, got lo={lo!r}, hi={hi!r}")
    return lo + (hi - lo) * np.arange(n_units) / n_units


def relu_features(x: Any, kinks: Any) -> np.ndarray:
    """The hidden layer of a one-input ReLU net with unit weights: ``relu(x - c_k)``.

    Parameters
    ----------
    x : array_like, shape (n_points,)
        Inputs.
    kinks : array_like, shape (n_units,)
        Where each unit bends (its bias is ``-c_k``).

    Returns
    -------
    ndarray, shape (n_points, n_units)

    Examples
    --------
    >>> relu_features([0.0, 2.0], [1.0])
    array([[0.],
           [1.]])
    """
    from course_utils.activations import relu

    x = np.asarray(x, dtype=float).reshape(-1, 1)
    kinks = np.asarray(kinks, dtype=float).reshape(1, -1)
    return np.asarray(relu(x - kinks), dtype=float)


@dataclass(frozen=True)
class ReluFit:
    """A least-squares fit ``b + sum_k w_k relu(x - c_k)`` of a target on a grid.

    Attributes
    ----------
    kinks : ndarray, shape (n_units,)
    weights : ndarray, shape (n_units,)
        Output weights ``w_k``.
    bias : float
        Output bias ``b``.
    x : ndarray, shape (n_points,)
    target : ndarray, shape (n_points,)
    approximation : ndarray, shape (n_points,)
    max_error : float
        ``max |approximation - target|`` over the grid.
    """

    kinks: np.ndarray
    weights: np.ndarray
    bias: float
    x: np.ndarray
    target: np.ndarray
    approximation: np.ndarray
    max_error: float

    def __call__(self, x: Any) -> np.ndarray:
        """Evaluate the fitted sum of ReLUs at ``x``."""
        return relu_features(x, self.kinks) @ self.weights + self.bias


def fit_relu_sum(
    target: Callable[[np.ndarray], np.ndarray] | str,
    n_units: int,
    x: Any = None,
) -> ReluFit:
    """Fit the output weights of ``n_units`` shifted ReLUs to ``target`` by least squares.

    Parameters
    ----------
    target : callable or str
        A vectorised function, or a name in :data:`RELU_SUM_TARGETS`.
    n_units : int
        Number of hidden units (kinks evenly spaced, see :func:`evenly_spaced_kinks`).
    x : array_like, shape (n_points,), optional
        Where to fit (default :data:`X_GRID`, 601 points on [-3, 3]).

    Returns
    -------
    ReluFit

    Notes
    -----
    With the kinks fixed the model is linear in ``(w, b)``, so the best weights solve a
    linear least-squares problem (here through its normal equations): no gradient descent
    needed. The
    result is a continuous piecewise-linear curve with a bend at each kink.

    Examples
    --------
    >>> fit = fit_relu_sum(lambda x: 2 * x + 1, 1)  # one unit + bias fit a line exactly
    >>> bool(fit.max_error < 1e-12)
    True
    >>> round(fit_relu_sum("sin(x)", 20).max_error, 4)
    0.0075
    """
    if isinstance(target, str):
        if target not in RELU_SUM_TARGETS:
            raise ValueError(f"target: expected one of {list(RELU_SUM_TARGETS)}, got {target!r}")
        target = RELU_SUM_TARGETS[target]
    x = X_GRID if x is None else np.asarray(x, dtype=float).ravel()
    y = np.asarray(target(x), dtype=float)
    kinks = evenly_spaced_kinks(n_units, float(x.min()), float(x.max()))
    features = np.hstack([relu_features(x, kinks), np.ones((x.size, 1))])
    # Normal equations: the features are well conditioned (cond < 1e4 for 40 units, so
    # cond**2 < 1e8 loses at most 8 of 16 digits), and a 41 x 41 solve is far cheaper than
    # an SVD-based lstsq, which matters when the widget precomputes 160 fits.
    coef = np.linalg.solve(features.T @ features, features.T @ y)
    approximation = features @ coef
    return ReluFit(
        kinks=kinks,
        weights=coef[:-1],
        bias=float(coef[-1]),
        x=x,
        target=y,
        approximation=approximation,
        max_error=float(np.max(np.abs(approximation - y))),
    )


# --------------------------------------------------------------------------- XOR


def train_xor(
    activation: str,
    *,
    epochs: int | None = None,
    snapshot_every: int = 0,
    grid: np.ndarray | None = None,
    **overrides: Any,
) -> tuple[Any, Any, list[np.ndarray]]:
    """Train the lesson's 2-hidden-1 network on XOR with one hidden activation.

    Parameters
    ----------
    activation : str
        Registry name of the hidden activation (``"identity"``, ``"tanh"``, ``"relu"``...).
    epochs : int, optional
        Default ``XOR_SETTINGS["epochs"]``.
    snapshot_every : int
        When positive (and ``grid`` is given), record the network's output on ``grid``
        before training and after every ``snapshot_every`` epochs.
    grid : ndarray, shape (n_points, 2), optional
        Points at which to record the output.
    **overrides
        Replace entries of :data:`XOR_SETTINGS` (``n``, ``noise``, ``hidden``, ``lr``, ``seed``).

    Returns
    -------
    net : course_utils.nets.MLP
        The trained network (sigmoid output, binary cross-entropy, full-batch SGD).
    history : course_utils.nets.History
        Loss and accuracy per epoch.
    snapshots : list of ndarray, shape (n_points,) each
        P(class 1) on ``grid`` (empty without ``snapshot_every``/``grid``).

    Examples
    --------
    >>> net, history, _ = train_xor("tanh")
    >>> history.accuracy[-1]
    1.0
    """
    from course_utils.datasets import make_xor
    from course_utils.nets import MLP

    unknown = set(overrides) - set(XOR_SETTINGS)
    if unknown:
        raise ValueError(f"overrides: unknown settings {sorted(unknown)}; known: {sorted(XOR_SETTINGS)}")
    settings = {**XOR_SETTINGS, **overrides}
    if epochs is None:
        epochs = settings["epochs"]
    X, y = make_xor(n=settings["n"], noise=settings["noise"], seed=settings["seed"])
    net = MLP([2, settings["hidden"], 1], activation=activation, output="sigmoid", seed=settings["seed"])
    snapshots: list[np.ndarray] = []
    callback = None
    if snapshot_every > 0 and grid is not None:
        snapshots.append(net.predict_proba(grid).ravel())

        def callback(epoch: int, model: Any) -> None:
            if epoch % snapshot_every == 0:
                snapshots.append(model.predict_proba(grid).ravel())

    history = net.fit(X, y, epochs=epochs, lr=settings["lr"], loss="bce", callback=callback)
    return net, history, snapshots


def xor_grid(resolution: int = 80, limit: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """The points of a square grid over ``[-limit, limit]²``, row by row.

    Parameters
    ----------
    resolution : int
        Points per side.
    limit : float
        Half the side of the square.

    Returns
    -------
    axis : ndarray, shape (resolution,)
        The coordinates along each side.
    grid : ndarray, shape (resolution**2, 2)
        The points, ``x_1`` varying fastest (so a value per point reshapes to
        ``(resolution, resolution)`` with ``x_2`` along the rows).

    Examples
    --------
    >>> axis, grid = xor_grid(3, 1.0)
    >>> axis.tolist(), grid[:4].tolist()
    ([-1.0, 0.0, 1.0], [[-1.0, -1.0], [0.0, -1.0], [1.0, -1.0], [-1.0, 0.0]])
    """
    axis = np.linspace(-limit, limit, resolution)
    gx, gy = np.meshgrid(axis, axis)
    return axis, np.column_stack([gx.ravel(), gy.ravel()])

