"""Tests of course_utils.datasets: shapes, seeding, geometry, one-hot, digits."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import datasets

GENERATORS = [datasets.make_xor, datasets.make_moons, datasets.make_circles, datasets.make_spirals]


@pytest.mark.parametrize("make", GENERATORS)
def test_shapes_dtypes_and_seeding(make):
    """(n, 2) float64 and (n,) int; same seed -> same data; other seed -> other data?"""
    X, y = make(n=101, noise=0.1, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype.kind == "i"
    X2, y2 = make(n=101, noise=0.1, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = make(n=101, noise=0.1, seed=4)
    assert not np.array_equal(X, X3)
    assert np.all(np.isfinite(X))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1


def test_xor_labels_follow_the_sign_of_the_product():
    """Is y = 1 exactly where the corner's coordinates have different signs?"""
    X, y = datasets.make_xor(n=400, noise=0.0)
    assert set(np.abs(X).ravel()) == {1.0}
    assert np.array_equal(y == 1, X[:, 0] * X[:, 1] < 0)


def test_circles_and_moons_geometry():
    """Do the noiseless circles have radii 1 and factor, the moons radius 1?"""
    X, y = datasets.make_circles(n=200, noise=0.0, factor=0.4)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.4)
    X, y = datasets.make_moons(n=200, noise=0.0)
    assert np.allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    assert np.allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0)


def test_spirals_many_classes():
    """Does make_spirals make n_classes balanced arms inside the unit disc?"""
    X, y = datasets.make_spirals(n=300, noise=0.1, n_classes=3, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1 + 1e-12)


def test_one_hot():
    """Does one_hot make (n, k) float rows with a single 1 at the label?"""
    out = datasets.one_hot(np.array([2, 0, 1, 2]), n_classes=4)
    assert out.shape == (4, 4) and out.dtype == np.float64
    assert out.argmax(axis=1).tolist() == [2, 0, 1, 2] and np.all(out.sum(axis=1) == 1)
    assert datasets.one_hot([1.0, 0.0]).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert datasets.one_hot([]).shape == (0, 0)


def test_load_digits_is_split_stratified_and_standardised_with_train_statistics():
    """Right shapes, stratified classes, train columns mean 0 / std 1, test scaled alike?"""
    X_train, X_test, y_train, y_test = datasets.load_digits(test_size=0.25, seed=0)
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert y_train.dtype == np.int64 and set(y_test.tolist()) == set(range(10))
    assert np.allclose(X_train.mean(axis=0), 0.0, atol=1e-12)
    std = X_train.std(axis=0)
    assert np.allclose(std[std > 0], 1.0)
    assert not np.allclose(X_test.mean(axis=0), 0.0, atol=1e-12)
    per_class = np.bincount(np.concatenate([y_train, y_test]))
    assert np.abs(np.bincount(y_test) - 0.25 * per_class).max() <= 1
    again = datasets.load_digits(test_size=0.25, seed=0)
    assert np.array_equal(again[0], X_train)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: datasets.make_xor(n=0), "n"),
        (lambda: datasets.make_xor(n=2.5), "n"),
        (lambda: datasets.make_moons(noise=-0.1), "noise"),
        (lambda: datasets.make_circles(noise=float("inf")), "noise"),
        (lambda: datasets.make_circles(factor=1.5), "factor"),
        (lambda: datasets.make_spirals(n_classes=1), "n_classes"),
        (lambda: datasets.make_spirals(n=2, n_classes=3), "n"),
        (lambda: datasets.make_xor(seed="a"), "seed"),
        (lambda: datasets.one_hot([[0, 1]]), "y"),
        (lambda: datasets.one_hot([-1, 0]), "y"),
        (lambda: datasets.one_hot([0.5]), "y"),
        (lambda: datasets.one_hot([0, 3], n_classes=2), "n_classes"),
        (lambda: datasets.load_digits(test_size=1.0), "test_size"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    """Is every bad argument refused with a ValueError that names it?"""
    with pytest.raises(ValueError, match=match):
        call()
