"""The parts :mod:`course_utils.nets` builds its network from.

* weight initialisation: :data:`INITS`, :func:`init_std`, :func:`init_weights`;
* dropout: :func:`dropout` (inverted) and SELU's :func:`alpha_dropout` with
  :func:`alpha_dropout_constants`;
* stable output-layer logs for the losses: :func:`log_softmax`, :func:`log_sigmoid`;
* what a training run records: :class:`Gradients`, :class:`Record`, :class:`History`;
* :func:`dead_fraction` (the share of units that output 0 on every sample) and
  :func:`single_threaded_blas`.

Students reach all of them as ``course_utils.nets.X``. The private argument checks
(``_check_real``, ``_check_int``, ``_resolve_activation``, ...) are shared by the network and
by :mod:`course_utils.deep_networks`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
from scipy import special

from course_utils.activations import SELU_ALPHA, SELU_SCALE

__all__ = [
    "INITS",
    "Gradients",
    "History",
    "Record",
    "alpha_dropout",
    "alpha_dropout_constants",
    "dead_fraction",
    "dropout",
    "init_std",
    "init_weights",
    "log_sigmoid",
    "log_softmax",
    "single_threaded_blas",
]

INITS: tuple[str, ...] = ("xavier", "glorot", "he", "lecun", "normal")
"""Initialisation schemes; all draw from a zero-mean normal distribution."""


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the enclosed NumPy code with one BLAS thread.

    The course's networks multiply small matrices (a minibatch of 32 x 64 units, or 256 x 256
    in the deep-network experiments). For these, BLAS threads cost more in start-up and
    synchronisation than they save, and on a busy 2-core laptop they made runs up to ten times
    slower, with results identical to the last bit. Uses ``threadpoolctl`` (installed with
    scikit-learn); without it, nothing changes.

    Examples
    --------
    >>> with single_threaded_blas():
    ...     float(np.ones((2, 2)) @ np.ones(2) @ np.ones(2))
    4.0
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# ----------------------------------------------------------------------------- helpers


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise ``log(softmax(z))`` computed stably (subtract the max, never take log of 0).

    Parameters
    ----------
    z : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)

    Examples
    --------
    >>> log_softmax(np.array([[1000.0, 0.0]])).round(6).tolist()
    [[0.0, -1000.0]]
    """
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    """Elementwise ``log(sigmoid(z)) = -log(1 + exp(-z))`` without overflow.

    Examples
    --------
    >>> log_sigmoid(np.array([-1000.0, 0.0])).round(6).tolist()
    [-1000.0, -0.693147]
    """
    return special.log_expit(z)


def _softmax(z: np.ndarray) -> np.ndarray:
    return np.exp(log_softmax(z))


def init_std(scheme: str, n_in: int, n_out: int, scale: float = 1.0) -> float:
    """The standard deviation of a weight under an initialisation scheme.

    ``"he"``: sqrt(2 / n_in) (He et al. 2015); ``"xavier"``/``"glorot"``:
    sqrt(2 / (n_in + n_out)) (Glorot & Bengio 2010); ``"lecun"``: sqrt(1 / n_in)
    (LeCun et al. 1998, used with SELU); ``"normal"``: 1. Each is multiplied by ``scale``.

    Examples
    --------
    >>> round(init_std("he", 50, 10) ** 2, 12)
    0.04
    """
    if scheme not in INITS:
        raise ValueError(f"init: expected one of {INITS}, got {scheme!r}")
    var = {
        "he": 2.0 / n_in,
        "xavier": 2.0 / (n_in + n_out),
        "glorot": 2.0 / (n_in + n_out),
        "lecun": 1.0 / n_in,
        "normal": 1.0,
    }[scheme]
    return float(scale) * float(np.sqrt(var))


def init_weights(
    n_in: int,
    n_out: int,
    scheme: str = "he",
    rng: np.random.Generator | int | None = None,
    scale: float = 1.0,
) -> np.ndarray:
    """Draw a weight matrix ``W`` of shape ``(n_in, n_out)`` from N(0, init_std²).

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer.
    scheme : {"he", "xavier", "glorot", "lecun", "normal"}
    rng : Generator or int or None
        Random generator, or a seed for one.
    scale : float
        Multiplies the standard deviation (``init_scale``).

    Returns
    -------
    ndarray, shape (n_in, n_out), float64

    Examples
    --------
    >>> W = init_weights(500, 400, "lecun", rng=0)
    >>> W.shape, round(float(W.var() * 500), 1)
    ((500, 400), 1.0)
    """
    for name, value in (("n_in", n_in), ("n_out", n_out)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name}: expected a positive integer, got {value!r}")
    _check_real("init_scale", scale, minimum=0.0)
    std = init_std(scheme, int(n_in), int(n_out), scale)
    return std * _rng(rng).standard_normal((int(n_in), int(n_out)))


def alpha_dropout_constants(rate: float) -> tuple[float, float, float]:
    """Constants of SELU's alpha-dropout (Klambauer et al. 2017, section "New Dropout").

    Dropped units are set to ``alpha' = -lambda * alpha`` (SELU's negative saturation value)
    and the result is mapped by ``a * x + b`` so that zero mean and unit variance are kept.
    With keep probability ``q = 1 - rate``: ``a = (q + alpha'² q (1 - q)) ** -0.5`` and
    ``b = -a (1 - q) alpha'``.

    Returns
    -------
    (alpha_prime, a, b)

    Examples
    --------
    >>> [round(v, 4) for v in alpha_dropout_constants(0.1)]
    [-1.7581, 0.9213, 0.162]
    """
    _check_rate("alpha_dropout", rate)
    q = 1.0 - rate
    alpha_p = -SELU_SCALE * SELU_ALPHA
    a = (q + alpha_p**2 * q * (1.0 - q)) ** -0.5
    b = -a * (1.0 - q) * alpha_p
    return alpha_p, a, b


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def dropout(
    x: Any, rate: float, rng: np.random.Generator | int | None = None, return_grad: bool = False
) -> Any:
    """Inverted dropout: zero each entry with probability ``rate``, scale the rest by 1/(1-rate).

    The scaling keeps the expected value of every unit, so nothing changes at test time.

    Parameters
    ----------
    x : array_like, any shape
    rate : float
        Drop probability in [0, 1).
    rng : Generator or int or None
    return_grad : bool
        Also return d(out)/dx (the scaled mask) for the backward pass.

    Returns
    -------
    ndarray (and the gradient, same shape, if ``return_grad``)

    Examples
    --------
    >>> out = dropout(np.ones(100_000), 0.5, rng=0)
    >>> sorted(set(out.tolist())), round(float(out.mean()), 2)
    ([0.0, 2.0], 1.0)
    """
    rate = _check_rate("rate", rate)
    arr = np.asarray(x, dtype=np.float64)
    scale = (_rng(rng).random(arr.shape) >= rate) / (1.0 - rate)
    out = arr * scale
    return (out, scale) if return_grad else out


def alpha_dropout(
    x: Any, rate: float, rng: np.random.Generator | int | None = None, return_grad: bool = False
) -> Any:
    """SELU's alpha-dropout: dropped entries become alpha', then ``a * x + b`` restores moments.

    For input with mean 0 and variance 1 the output keeps mean 0 and variance 1 (see
    :func:`alpha_dropout_constants`), which plain dropout would not.

    Parameters
    ----------
    x : array_like, any shape
    rate : float
        Drop probability in [0, 1).
    rng : Generator or int or None
    return_grad : bool
        Also return d(out)/dx (``a`` where kept, 0 where dropped).

    Returns
    -------
    ndarray (and the gradient, same shape, if ``return_grad``)

    Examples
    --------
    >>> out = alpha_dropout(np.random.default_rng(0).standard_normal(200_000), 0.2, rng=1)
    >>> round(float(out.mean()), 2), round(float(out.var()), 2)
    (0.0, 1.0)
    """
    alpha_p, a, b = alpha_dropout_constants(rate)
    arr = np.asarray(x, dtype=np.float64)
    keep = _rng(rng).random(arr.shape) >= rate
    out = a * np.where(keep, arr, alpha_p) + b
    return (out, a * keep) if return_grad else out


def dead_fraction(activations: Any) -> float:
    """Share of units whose output is exactly 0 on every sample ("dead" ReLU units).

    Parameters
    ----------
    activations : array_like, shape (n_samples, n_units)

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> dead_fraction(np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]]))
    0.3333333333333333
    """
    arr = np.asarray(activations)
    if arr.ndim != 2:
        raise ValueError(f"activations: expected shape (n_samples, n_units), got ndim {arr.ndim}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"activations: expected at least one sample and one unit, got shape {arr.shape}")
    return float(np.mean(np.all(arr == 0, axis=0)))


def _check_real(name: str, value: Any, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}: expected a number >= {minimum}, got {value!r}")
    return float(value)


def _check_rate(name: str, value: Any) -> float:
    value = _check_real(name, value, minimum=0.0)
    if value >= 1.0:
        raise ValueError(f"{name}: expected a rate in [0, 1), got {value!r}")
    return value


def _check_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def _resolve_activation(activation: Any, params: Mapping[str, Any] | None) -> tuple[Any, dict[str, Any]]:
    if isinstance(activation, str):
        from course_utils import activations as registry

        try:
            record = registry.get(activation)
        except (KeyError, ValueError) as exc:
            raise ValueError(f"activation: {exc}") from None
    elif callable(activation):
        record = activation
    else:
        raise ValueError(f"activation: expected a registry name or record, got {activation!r}")
    if not callable(getattr(record, "grad", None)):
        name = getattr(record, "name", activation)
        raise ValueError(
            f"activation: {name!r} has no elementwise derivative; use it as an output (output='softmax')"
        )
    params = dict(params or {})
    if not isinstance(params, dict):
        raise ValueError("activation_params: expected a mapping of parameter names to values")
    known = getattr(record, "params", None)
    if isinstance(known, Mapping):
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ValueError(
                f"activation_params: {getattr(record, 'name', activation)!r} has no parameter(s) "
                f"{unknown}; its parameters are {sorted(known)}"
            )
    return record, params


def _as_float_2d(name: str, X: Any) -> np.ndarray:
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a numeric array of shape (n_samples, n_features)") from None
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected shape (n_samples, n_features), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: contains NaN or infinite values")
    return arr


# ----------------------------------------------------------------------------- records


class Gradients(NamedTuple):
    """Gradients of a loss, parallel to ``MLP.weights`` and ``MLP.biases``.

    Attributes
    ----------
    weights : list of ndarray, shape (n_in, n_out) each
    biases : list of ndarray, shape (n_out,) each
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]


class Record:
    """What the hooks saw in the last recorded forward/backward pass (lists per layer).

    Attributes
    ----------
    pre_activations : list of ndarray, shape (n_samples, n_out) each
        ``Z = A_prev @ W + b`` of every layer; the last entry is the output layer's logits.
    activations : list of ndarray, shape (n_samples, n_out) each
        ``f(Z)`` of every layer (before dropout); the last entry is the network's output.
    grad_norms : list of float
        Frobenius norm of each layer's weight gradient ``dL/dW``.
    bias_grad_norms : list of float
        Euclidean norm of each layer's bias gradient.
    activation_grad_norms : list of float
        Norm of the gradient with respect to each hidden layer's output ``dL/dA`` (after
        dropout); the last entry is the norm of ``dL/dZ`` of the output layer's logits.
    """

    def __init__(self) -> None:
        self.pre_activations: list[np.ndarray] = []
        self.activations: list[np.ndarray] = []
        self.grad_norms: list[float] = []
        self.bias_grad_norms: list[float] = []
        self.activation_grad_norms: list[float] = []

    @property
    def weight_grad_norms(self) -> list[float]:
        """Alias of :attr:`grad_norms`."""
        return self.grad_norms

    @property
    def hidden_activations(self) -> list[np.ndarray]:
        """The hidden layers' activations (``activations`` without the output)."""
        return self.activations[:-1]

    def clear(self) -> None:
        """Forget everything recorded."""
        self.__init__()

    def __repr__(self) -> str:
        return (
            f"Record(layers={len(self.pre_activations)}, "
            f"grad_norms={[round(g, 4) for g in self.grad_norms]})"
        )


class History(dict):
    """Per-epoch training curves: a dict of lists with attribute access.

    Keys ``"loss"`` (mean training loss over the epoch's mini-batches) and ``"accuracy"``
    (share of training samples classified correctly during the epoch; NaN for regression).

    Examples
    --------
    >>> h = History()
    >>> h["loss"].append(0.5)
    >>> h.loss, len(h)
    ([0.5], 1)
    """

    def __init__(self) -> None:
        super().__init__(loss=[], accuracy=[])

    @property
    def loss(self) -> list[float]:
        return self["loss"]

    @property
    def accuracy(self) -> list[float]:
        return self["accuracy"]

    def __len__(self) -> int:
        return len(self["loss"])

    def __repr__(self) -> str:
        if not self.loss:
            return "History(epochs=0)"
        return f"History(epochs={len(self)}, loss={self.loss[-1]:.4g}, accuracy={self.accuracy[-1]:.3f})"
