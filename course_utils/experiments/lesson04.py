"""Self-normalisation: the SELU moment map and the SELU constants (lesson 4).

Klambauer et al. (2017) choose SELU's two constants so that a unit whose pre-activation is
standard normal puts out a signal with mean 0 and variance 1. This module holds the closed
forms behind that statement, so that the lesson, its sliders and its graders share one
implementation:

* :func:`normal_selu_moments` -- mean and variance of ``selu(z)`` for ``z ~ N(mean, var)``;
* :func:`selu_map` -- the paper's map ``(mu, nu) -> (mu_tilde, nu_tilde)`` of a layer's
  activation statistics, for weight sums ``omega`` and ``tau``;
* :func:`iterate_selu_map` -- its trajectory over several layers;
* :func:`selu_map_jacobian` -- its Jacobian (does the fixed point attract?);
* :func:`solve_selu_constants` -- the constants, recovered with mpmath from the fixed-point
  equations;
* :func:`selu_stats` -- a deep SELU network's measured per-layer mean and variance beside
  the moment map's prediction, for lesson 4's slider (:mod:`course_utils.widgets.lesson04`).

The *measurement* these formulas are set beside -- push data through a deep random network
and record each layer's mean and variance -- is a short loop that lesson 4 writes out in the
notebook; :func:`selu_stats` measures with :func:`course_utils.deep_networks.deep_forward_stats`.

All formulas come from integrating against the normal density (the lesson derives them in
SymPy); ``exp(a) * erfc(b)`` products are evaluated through ``scipy.special.erfcx`` so that
they neither overflow nor lose precision far in the tails.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from course_utils.activations import SELU_ALPHA, SELU_SCALE
from course_utils.nets import single_threaded_blas

__all__ = [
    "SELU_STATS_DEPTH",
    "SELU_STATS_SAMPLES",
    "SELU_STATS_WIDTH",
    "iterate_selu_map",
    "normal_selu_moments",
    "selu_fixed_point_equations",
    "selu_map",
    "selu_map_jacobian",
    "selu_stats",
    "single_threaded_blas",
    "solve_selu_constants",
]

_SQRT2 = np.sqrt(2.0)


def _half_exp_erfc(a: np.ndarray, b: np.ndarray, a_minus_b2: np.ndarray) -> np.ndarray:
    """Return ``exp(a) * erfc(b) / 2`` without overflow.

    For ``b > 0`` the product is rewritten as ``exp(a - b**2) * erfcx(b) / 2`` (``erfcx`` is
    the scaled complementary error function), with ``a - b**2`` passed in exactly by the caller
    so that no cancellation of two huge numbers happens. The two formulas are applied on
    disjoint masks, so neither is evaluated where it could overflow.
    """
    a, b, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, a_minus_b2)))
    out = np.empty(a.shape)
    pos = b > 0
    out[pos] = np.exp(d[pos]) * special.erfcx(b[pos]) / 2
    neg = ~pos
    out[neg] = np.exp(a[neg]) * special.erfc(b[neg]) / 2
    return out


def _check_positive(name: str, value: ArrayLike) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(arr > 0):
        raise ValueError(f"{name}: expected values > 0, got {value!r}")
    return arr


def normal_selu_moments(
    mean: ArrayLike,
    var: ArrayLike,
    alpha: float = SELU_ALPHA,
    scale: float = SELU_SCALE,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of ``selu(z)`` for ``z ~ N(mean, var)``, in closed form.

    Parameters
    ----------
    mean : array_like
        Mean ``m`` of the pre-activation ``z``.
    var : array_like
        Variance ``s**2 > 0`` of ``z``; broadcasts against ``mean``.
    alpha, scale : float
        SELU's ``alpha`` and ``lambda`` (defaults: the published constants).

    Returns
    -------
    (mean_out, var_out) : tuple of ndarray
        ``E[selu(z)]`` and ``Var[selu(z)]``, with the broadcast shape of the inputs.

    Notes
    -----
    With ``Phi`` the standard normal CDF, ``phi`` its density and ``s = sqrt(var)``:

    * ``E[z; z > 0] = m Phi(m/s) + s phi(m/s)``
    * ``E[z**2; z > 0] = (m**2 + s**2) Phi(m/s) + m s phi(m/s)``
    * ``E[exp(k z); z <= 0] = exp(k m + k**2 s**2 / 2) erfc((m + k s**2) / (s sqrt 2)) / 2``

    and ``selu(z) = scale * z`` for ``z > 0``, ``scale * alpha * (exp(z) - 1)`` otherwise.

    Examples
    --------
    >>> m, v = normal_selu_moments(0.0, 1.0)
    >>> bool(abs(m) < 1e-12 and abs(v - 1) < 1e-12)
    True
    """
    m = np.asarray(mean, dtype=float)
    var = _check_positive("var", var)
    s = np.sqrt(var)
    r = m / s
    cdf = special.ndtr(r)
    pdf = np.exp(-(r**2) / 2) / np.sqrt(2 * np.pi)
    pos1 = m * cdf + s * pdf
    pos2 = (m**2 + var) * cdf + m * s * pdf
    neg0 = special.ndtr(-r)  # P(z <= 0)
    gap = -(r**2) / 2  # a - b**2 for both tail integrals below
    e1 = _half_exp_erfc(m + var / 2, (m + var) / (s * _SQRT2), gap)  # E[e^z; z <= 0]
    e2 = _half_exp_erfc(2 * m + 2 * var, (m + 2 * var) / (s * _SQRT2), gap)  # E[e^{2z}; z <= 0]
    first = scale * (pos1 + alpha * (e1 - neg0))
    second = scale**2 * (pos2 + alpha**2 * (e2 - 2 * e1 + neg0))
    return first, np.maximum(second - first**2, 0.0)


def selu_map(
    mu: ArrayLike,
    nu: ArrayLike,
    omega: float = 0.0,
    tau: float = 1.0,
    alpha: float = SELU_ALPHA,
    scale: float = SELU_SCALE,
    random_weights: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """One SELU layer's map of activation statistics, ``(mu, nu) -> (mu_tilde, nu_tilde)``.

    Parameters
    ----------
    mu, nu : array_like
        Mean and variance (``nu > 0``) of the layer's inputs.
    omega, tau : float
        Sum and sum of squares of a unit's incoming weights, ``omega = sum(w)``,
        ``tau = sum(w**2)``. LeCun-normal weights give ``omega ~ 0`` and ``tau ~ 1``; a weight
        standard deviation ``c / sqrt(n_in)`` gives ``tau ~ c**2``.
    alpha, scale : float
        SELU's constants.
    random_weights : bool
        Describe a layer of *random* weights (i.i.d. with variance ``tau / n_in``) instead of
        one fixed unit: statistics are then pooled over the units, ``omega`` is ignored and
        the pre-activation is ``N(0, tau * (nu + mu**2))`` (see Notes).

    Returns
    -------
    (mu_tilde, nu_tilde) : tuple of ndarray
        Mean and variance of the unit's output (of all units' outputs pooled, for
        ``random_weights=True``).

    Notes
    -----
    The pre-activation ``z = w @ x`` of independent inputs is treated as normal (central limit
    theorem) with mean ``mu * omega`` and variance ``nu * tau`` (Klambauer et al. 2017, eq. 3-4).
    That is the map for a unit whose weights satisfy ``sum(w) = omega`` exactly. Random
    weights give each unit its own ``omega_j ~ N(0, tau)``, so the units' means ``mu * omega_j``
    spread and, pooled over units, ``z`` has mean 0 and variance ``tau * E[x**2] =
    tau * (nu + mu**2)`` (the mean-field "length map" of Poole et al. 2016). At the fixed point
    ``mu = 0`` both maps agree; away from it (e.g. He initialisation) only the pooled map
    matches a random network.

    Examples
    --------
    >>> mt, nt = selu_map(0.0, 1.0)
    >>> bool(abs(mt) < 1e-12 and abs(nt - 1) < 1e-12)
    True
    """
    tau = float(_check_positive("tau", tau))
    mu = np.asarray(mu, dtype=float)
    nu = np.asarray(nu, dtype=float)
    if random_weights:
        return normal_selu_moments(np.zeros_like(mu), tau * (nu + mu**2), alpha=alpha, scale=scale)
    return normal_selu_moments(mu * omega, nu * tau, alpha=alpha, scale=scale)


def iterate_selu_map(
    mu0: float,
    nu0: float,
    steps: int,
    omega: float = 0.0,
    tau: float = 1.0,
    alpha: float = SELU_ALPHA,
    scale: float = SELU_SCALE,
    random_weights: bool = False,
) -> np.ndarray:
    """Apply :func:`selu_map` ``steps`` times, starting from ``(mu0, nu0)``.

    Parameters
    ----------
    mu0, nu0 : float
        Starting mean and variance (``nu0 > 0``).
    steps : int
        Number of layers, ``>= 0``.
    omega, tau, alpha, scale : float
        As in :func:`selu_map`.
    random_weights : bool
        As in :func:`selu_map`: the pooled map of a layer of random weights.

    Returns
    -------
    ndarray, shape (steps + 1, 2)
        Row ``k`` holds ``(mean, variance)`` after ``k`` layers; row 0 is the start. When the
        variance overflows (it grows geometrically for ``tau`` well above 1) or underflows to
        0 (``tau`` well below 1) the rows from there on are nan.

    Examples
    --------
    >>> traj = iterate_selu_map(1.0, 3.0, 40)
    >>> traj.shape
    (41, 2)
    >>> bool(abs(traj[-1, 0]) < 1e-3 and abs(traj[-1, 1] - 1) < 1e-3)
    True
    """
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps: expected an integer >= 0, got {steps!r}")
    out = np.full((int(steps) + 1, 2), np.nan)
    out[0] = mu0, nu0
    for k in range(1, int(steps) + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            mu, nu = selu_map(out[k - 1, 0], out[k - 1, 1], omega, tau, alpha, scale, random_weights)
        if not (np.isfinite(mu) and np.isfinite(nu) and nu > 0):
            break  # the variance overflowed or vanished: the remaining rows stay nan
        out[k] = float(mu), float(nu)
    return out


def selu_map_jacobian(
    mu: float = 0.0,
    nu: float = 1.0,
    omega: float = 0.0,
    tau: float = 1.0,
    alpha: float = SELU_ALPHA,
    scale: float = SELU_SCALE,
    eps: float = 1e-6,
    random_weights: bool = False,
) -> np.ndarray:
    """Jacobian of :func:`selu_map` at ``(mu, nu)`` by central differences.

    A fixed point attracts nearby statistics when the spectral norm (largest singular value)
    of this matrix is below 1, which is what Klambauer et al.'s Theorem 1 bounds.

    Parameters
    ----------
    mu, nu : float
        The point (``nu > eps``).
    omega, tau, alpha, scale, random_weights
        As in :func:`selu_map`.
    eps : float
        Step of the central differences.

    Returns
    -------
    ndarray, shape (2, 2)
        ``[[d mu~/d mu, d mu~/d nu], [d nu~/d mu, d nu~/d nu]]``.

    Examples
    --------
    >>> bool(np.linalg.norm(selu_map_jacobian(), 2) < 1)
    True
    """
    jac = np.empty((2, 2))
    for j, (dm, dn) in enumerate(((eps, 0.0), (0.0, eps))):
        hi = selu_map(mu + dm, nu + dn, omega, tau, alpha, scale, random_weights)
        lo = selu_map(mu - dm, nu - dn, omega, tau, alpha, scale, random_weights)
        jac[:, j] = (np.array(hi, dtype=float) - np.array(lo, dtype=float)) / (2 * eps)
    return jac


def selu_fixed_point_equations(alpha: Any, lam: Any) -> tuple[Any, Any]:
    """Residuals ``(E[selu(z)], E[selu(z)**2] - 1)`` for ``z ~ N(0, 1)``, in closed form.

    Works with floats and with ``mpmath.mpf`` numbers (for high-precision root finding).

    Parameters
    ----------
    alpha, lam : float or mpmath.mpf
        Candidate SELU constants.

    Returns
    -------
    tuple
        Both residuals; the published constants make both (numerically) zero.

    Notes
    -----
    ``E[selu(z)] = lam * (1/sqrt(2 pi) + alpha * (exp(1/2) erfc(1/sqrt 2) - 1) / 2)`` and
    ``E[selu(z)**2] = lam**2 * (1 + alpha**2 * (exp(2) erfc(sqrt 2)
    - 2 exp(1/2) erfc(1/sqrt 2) + 1)) / 2``.

    Examples
    --------
    >>> r1, r2 = selu_fixed_point_equations(SELU_ALPHA, SELU_SCALE)
    >>> bool(abs(r1) < 1e-12 and abs(r2) < 1e-12)
    True
    """
    import mpmath

    a, lam_ = mpmath.mpf(alpha), mpmath.mpf(lam)
    e1 = mpmath.exp(mpmath.mpf(1) / 2) * mpmath.erfc(1 / mpmath.sqrt(2))
    e2 = mpmath.exp(2) * mpmath.erfc(mpmath.sqrt(2))
    mean = lam_ * (1 / mpmath.sqrt(2 * mpmath.pi) + a * (e1 - 1) / 2)
    second = lam_**2 * (1 + a**2 * (e2 - 2 * e1 + 1)) / 2
    if isinstance(alpha, float) and isinstance(lam, float):
        return float(mean), float(second - 1)
    return mean, second - 1


def solve_selu_constants(dps: int = 30) -> tuple[float, float]:
    """Solve ``E[selu(z)] = 0`` and ``E[selu(z)**2] = 1`` for ``z ~ N(0, 1)``.

    Parameters
    ----------
    dps : int
        Decimal digits of working precision for ``mpmath.findroot``.

    Returns
    -------
    (alpha, lam) : tuple of float
        The SELU constants, correct to double precision.

    Examples
    --------
    >>> a, lam = solve_selu_constants()
    >>> round(a, 12), round(lam, 12)
    (1.673263242354, 1.050700987355)
    """
    import mpmath

    with mpmath.workdps(int(dps)):
        root = mpmath.findroot(
            lambda a, lam: selu_fixed_point_equations(a, lam), (mpmath.mpf("1.7"), mpmath.mpf("1.0"))
        )
        return float(root[0]), float(root[1])


# ----------------------------------------------------------------------------- measured beside predicted
SELU_STATS_DEPTH = 64
"""Layers of the network :func:`selu_stats` measures."""
SELU_STATS_WIDTH = 128
"""Units per layer of that network (the lesson's own experiment uses 256)."""
SELU_STATS_SAMPLES = 128
"""Input samples (standard normal) per measurement."""


@lru_cache(maxsize=64)
def selu_stats(init_std: float, seed: int = 0) -> dict[str, np.ndarray]:
    """Measured and predicted per-layer statistics of a deep SELU network (lesson 4's slider).

    Each init std is computed on first use (a 64-layer run, tens of milliseconds) and cached,
    so revisiting a slider position only redraws.

    Parameters
    ----------
    init_std : float
        Weight standard deviation times ``sqrt(n_in)`` (1 = LeCun normal).
    seed : int
        Seed of the input and of the weights (shared by all init stds: only the scale of the
        same weight draws changes along the slider).

    Returns
    -------
    dict
        ``"mean"``, ``"var"`` (measured) and ``"theory_mean"``, ``"theory_var"`` (the pooled
        moment map of random weights with ``tau = init_std**2``), ndarrays of shape
        ``(SELU_STATS_DEPTH,)``, layer 1 first; theory entries are nan where the predicted variance
        overflowed or vanished.

    Examples
    --------
    >>> st = selu_stats(1.0)
    >>> bool(abs(st["var"][-1] - 1) < 0.3 and abs(st["theory_var"][-1] - 1) < 1e-9)
    True
    """
    from course_utils.deep_networks import deep_forward_stats

    x = np.random.default_rng(seed).standard_normal((SELU_STATS_SAMPLES, SELU_STATS_WIDTH))
    with single_threaded_blas():
        st = deep_forward_stats(
            "selu",
            depth=SELU_STATS_DEPTH,
            width=SELU_STATS_WIDTH,
            init="lecun",
            n=SELU_STATS_SAMPLES,
            seed=seed,
            x=x,
            init_scale=init_std,
        )
    theory = iterate_selu_map(0.0, 1.0, SELU_STATS_DEPTH, tau=init_std**2, random_weights=True)[1:]
    return {"mean": st["mean"], "var": st["var"], "theory_mean": theory[:, 0], "theory_var": theory[:, 1]}
