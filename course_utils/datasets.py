"""Small generated data sets (seeded, no downloads) and scikit-learn's bundled 8x8 digits.

Every generator returns ``(X, y)`` with ``X`` of shape ``(n, 2)`` (float64) and ``y`` of
shape ``(n,)`` (int64 class labels), and gives the same points for the same ``seed``.

Examples
--------
>>> X, y = make_xor(n=8, seed=0)
>>> X.shape, y.shape, X.dtype, y.dtype
((8, 2), (8,), dtype('float64'), dtype('int64'))
>>> sorted(set(y.tolist()))
[0, 1]
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "load_digits",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_xor",
    "one_hot",
]


def _check_n(n: Any, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        raise ValueError(f"n: expected an integer >= {minimum}, got {n!r}")
    return int(n)


def _check_noise(noise: Any) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise: expected a finite number >= 0, got {noise!r}")
    return float(noise)


def _check_seed(seed: Any) -> np.random.Generator:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"seed: expected a non-negative integer or None, got {seed!r}")
    return np.random.default_rng(seed)


def _split(n: int, k: int) -> np.ndarray:
    """Class sizes for n points in k classes, as equal as possible."""
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    return sizes


def _halves(n: int) -> tuple[int, int]:
    """Sizes of the two classes of ``make_moons``/``make_circles``: the first takes the odd point."""
    first, second = _split(n, 2)
    return int(first), int(second)


def _shuffle(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    return np.ascontiguousarray(X[order], dtype=np.float64), y[order].astype(np.int64)


def make_xor(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian blobs at the corners (±1, ±1); label 1 where the signs differ.

    No straight line separates the classes: the smallest problem that needs a hidden layer.

    Parameters
    ----------
    n : int
        Number of points (split as evenly as possible over the four corners).
    noise : float
        Standard deviation of the Gaussian noise around each corner.
    seed : int or None
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    X : ndarray, shape (n, 2), float64
    y : ndarray, shape (n,), int64
        ``y = 1`` for corners (1, -1) and (-1, 1), else 0.

    Examples
    --------
    >>> X, y = make_xor(n=400, noise=0.0)
    >>> bool(np.all((X[:, 0] * X[:, 1] < 0) == (y == 1)))
    True
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    rng = _check_seed(seed)
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    labels = np.array([0, 0, 1, 1])
    which = np.repeat(np.arange(4), _split(n, 4))
    X = corners[which] + noise * rng.standard_normal((n, 2))
    return _shuffle(X, labels[which], rng)


def make_moons(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: scikit-learn's ``make_moons``, with the course's seeding.

    The points on the half circles come from ``sklearn.datasets.make_moons``; the noise and
    the shuffle come from ``numpy.random.default_rng(seed)``, like every generator here. For an
    odd ``n``, class 0 takes the extra point.

    Parameters
    ----------
    n : int
        Number of points (the two moons differ in size by at most one).
    noise : float
        Standard deviation of the Gaussian noise added to every coordinate.
    seed : int or None

    Returns
    -------
    X : ndarray, shape (n, 2), float64
    y : ndarray, shape (n,), int64

    Examples
    --------
    >>> X, y = make_moons(n=100, noise=0.0)
    >>> bool(np.allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0))
    True
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    rng = _check_seed(seed)
    from sklearn.datasets import make_moons as _sk_make_moons

    X, y = _sk_make_moons(n_samples=_halves(n), noise=None, shuffle=False)
    return _shuffle(X + noise * rng.standard_normal((n, 2)), y, rng)


def make_circles(
    n: int = 200, noise: float = 0.05, seed: int | None = 0, factor: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """A circle of class 1 inside a circle of class 0: scikit-learn's ``make_circles``, seeded.

    The points on the circles come from ``sklearn.datasets.make_circles``; the noise and the
    shuffle come from ``numpy.random.default_rng(seed)``, as in :func:`make_moons`.

    Parameters
    ----------
    n : int
        Number of points.
    noise : float
        Standard deviation of the Gaussian noise added to every coordinate.
    seed : int or None
    factor : float
        Radius of the inner circle relative to the outer one (0 < factor < 1).

    Returns
    -------
    X : ndarray, shape (n, 2), float64
    y : ndarray, shape (n,), int64
        0 on the outer circle (radius 1), 1 on the inner circle (radius ``factor``).

    Examples
    --------
    >>> X, y = make_circles(n=50, noise=0.0, factor=0.3)
    >>> float(np.round(np.hypot(*X[y == 1].T).max(), 6))
    0.3
    """
    n = _check_n(n)
    noise = _check_noise(noise)
    rng = _check_seed(seed)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ValueError(f"factor: expected a number strictly between 0 and 1, got {factor!r}")
    from sklearn.datasets import make_circles as _sk_make_circles

    X, y = _sk_make_circles(n_samples=_halves(n), noise=None, shuffle=False, factor=float(factor))
    return _shuffle(X + noise * rng.standard_normal((n, 2)), y, rng)


def make_spirals(
    n: int = 300, noise: float = 0.2, seed: int | None = 0, n_classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the CS231n toy problem).

    Arm ``k`` has radius ``r`` rising linearly from 0 to 1 and angle
    ``4 r + 2 pi k / n_classes`` plus Gaussian noise of standard deviation ``noise``
    (in radians).

    Parameters
    ----------
    n : int
        Number of points (at least ``n_classes``).
    noise : float
        Angular noise.
    seed : int or None
    n_classes : int
        Number of arms, at least 2.

    Returns
    -------
    X : ndarray, shape (n, 2), float64
        Inside the unit disc.
    y : ndarray, shape (n,), int64
        Values in ``0 .. n_classes - 1``.

    Examples
    --------
    >>> X, y = make_spirals(n=90, n_classes=3)
    >>> np.bincount(y).tolist()
    [30, 30, 30]
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < 2:
        raise ValueError(f"n_classes: expected an integer >= 2, got {n_classes!r}")
    n = _check_n(n, minimum=int(n_classes))
    noise = _check_noise(noise)
    rng = _check_seed(seed)
    sizes = _split(n, int(n_classes))
    y = np.repeat(np.arange(int(n_classes)), sizes)
    r = np.concatenate([np.linspace(0.0, 1.0, size) for size in sizes])
    theta = 4.0 * r + 2.0 * np.pi * y / n_classes + noise * rng.standard_normal(n)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return _shuffle(X, y, rng)


def one_hot(y: Any, n_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer class labels.

    Parameters
    ----------
    y : array_like of int, shape (n,)
        Labels in ``0 .. n_classes - 1``.
    n_classes : int, optional
        Number of classes (default ``max(y) + 1``).

    Returns
    -------
    ndarray, shape (n, n_classes), float64

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"y: expected a 1-D array of class labels, got shape {arr.shape}")
    if arr.size and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError("y: expected integer class labels")
        arr = arr.astype(np.int64)
    elif arr.size and arr.dtype.kind not in "iu":
        raise ValueError(f"y: expected integer class labels, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError("y: class labels must be >= 0")
    top = int(arr.max()) + 1 if arr.size else 0
    if n_classes is None:
        n_classes = top
    elif isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < top:
        raise ValueError(f"n_classes: expected an integer >= max(y) + 1 = {top}, got {n_classes!r}")
    out = np.zeros((arr.size, int(n_classes)))
    out[np.arange(arr.size), arr] = 1.0
    return out


def load_digits(
    test_size: float = 0.25, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 handwritten digits, split and standardised (no download).

    1,797 images of the digits 0-9 (64 pixels each). The split is stratified; every pixel is
    standardised with the *training* mean and standard deviation (pixels that are constant in
    the training set are only centred), so no information leaks from the test set.

    Parameters
    ----------
    test_size : float
        Share of the samples held out for testing, 0 < test_size < 1.
    seed : int or None
        Seed of the split.

    Returns
    -------
    X_train : ndarray, shape (n_train, 64), float64
    X_test : ndarray, shape (n_test, 64), float64
    y_train : ndarray, shape (n_train,), int64
    y_test : ndarray, shape (n_test,), int64

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = load_digits()
    >>> X_train.shape, X_test.shape
    ((1347, 64), (450, 64))
    """
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real) or not 0 < test_size < 1:
        raise ValueError(f"test_size: expected a number strictly between 0 and 1, got {test_size!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"seed: expected a non-negative integer or None, got {seed!r}")
    from sklearn.datasets import load_digits as _sk_load_digits
    from sklearn.model_selection import train_test_split

    digits = _sk_load_digits()
    X = digits.data.astype(np.float64)
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=float(test_size), random_state=seed, stratify=y
    )
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std, y_train, y_test
