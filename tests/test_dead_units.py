"""Tests of course_utils.experiments.lesson03 (lesson 3's dying-ReLU measurements and ReLU relatives)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.activations import leaky_relu, relu
from course_utils.experiments import lesson03 as dead_units
from course_utils.nets import MLP


def test_moons_data_is_standardised_and_seeded():
    """Is the training set standardised and the same on every call?"""
    X, y = dead_units.moons_data()
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1.0)
    X2, y2 = dead_units.moons_data()
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_hidden_dead_fraction_pools_all_hidden_layers():
    """Is a unit dead only when silent on every sample, counted over both hidden layers?"""
    net = MLP([2, 3, 2, 2], "relu", seed=0)
    net.weights[0][:] = [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    net.biases[0][:] = [0.0, -1.0, 0.5]  # unit 1 is dead, unit 0 alive for x0 > 0, unit 2 always on
    net.weights[1][:] = 0.0
    net.biases[1][:] = [-1.0, 1.0]  # one dead, one alive
    X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    assert dead_units.hidden_dead_fraction(net, X) == pytest.approx(2 / 5)


def test_training_run_is_deterministic_and_shaped():
    """Does one seed give the same curve twice (also uncached), one entry per epoch plus the start?"""
    data = dead_units.moons_data()
    a = dead_units.train_tracking_dead(0.3, epochs=3, seed=1, data=data)
    b = dead_units.train_tracking_dead(0.3, epochs=3, seed=1, data=data)
    assert a is not b and a.dead.shape == (4,) and a.loss.shape == (3,)
    np.testing.assert_array_equal(a.dead, b.dead)
    assert 0.0 <= a.final_dead <= 1.0 and 0.5 < a.accuracy <= 1.0
    cached = dead_units.train_tracking_dead(0.3, epochs=3, seed=1)
    np.testing.assert_array_equal(cached.dead, a.dead)
    assert dead_units.train_tracking_dead(0.3, epochs=3, seed=1) is cached
    assert not cached.dead.flags.writeable


def test_a_large_learning_rate_kills_more_units_than_a_small_one():
    """Is the lesson's claim true: lr = 3 leaves far more dead units than lr = 0.1 (3 seeds)?"""
    small = np.mean([dead_units.train_tracking_dead(0.1, seed=seed).final_dead for seed in (0, 1, 2)])
    large = np.mean([dead_units.train_tracking_dead(3.0, seed=seed).final_dead for seed in (0, 1, 2)])
    assert small < 0.15 and large > 0.5


def test_a_negative_bias_init_starts_with_dead_units():
    """Does bias_init = -1.5 leave many units silent before any training?"""
    run = dead_units.train_tracking_dead(0.1, bias_init=-1.5, epochs=1)
    assert run.dead[0] > 0.3


def test_only_units_with_changing_inputs_come_back():
    """Does a dead second-layer unit revive while the first layer trains, and a first-layer one never?"""
    X, y = dead_units.moons_data()
    net = MLP([2, 32, 32, 2], "relu", output="softmax", init="he", bias_init=-1.0, seed=0)

    def masks(model):
        model.forward(X, record=True)
        return [np.all(A == 0, axis=0) for A in model.record.hidden_activations]

    before = masks(net)
    net.fit(X, y, epochs=30, lr=0.1, batch_size=20, seed=0)
    after = masks(net)
    assert before[0].any() and not (before[0] & ~after[0]).any()   # first layer: dead for good
    assert (before[1] & ~after[1]).any()                           # second layer: some come back


def test_grid_is_cached_and_read_only():
    """Is the slider's grid computed once and protected from accidental edits?"""
    grid = dead_units.dead_fraction_grid((-1.0,), (0.0, -1.5), epochs=2)
    assert grid.shape == (1, 2, 3)
    assert dead_units.dead_fraction_grid((-1.0,), (0.0, -1.5), epochs=2) is grid
    assert not grid.flags.writeable


@given(st.floats(min_value=0.0, max_value=1.0), st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_two_piece_maxout_is_leaky_relu(a, xs):
    """Is max(x, a x) equal to Leaky ReLU with slope a for every 0 <= a <= 1?"""
    x = np.array(xs)
    np.testing.assert_allclose(dead_units.maxout_1d(x, [1.0, a]), leaky_relu(x, negative_slope=a), rtol=1e-15)


def test_maxout_with_zero_piece_is_relu_and_slope_above_one_is_not_leaky():
    """Is max(0, x) ReLU, while max(x, 2x) is not a Leaky ReLU (it doubles positive inputs)?"""
    x = np.linspace(-3, 3, 13)
    np.testing.assert_array_equal(dead_units.maxout_1d(x, [0.0, 1.0]), relu(x))
    assert dead_units.maxout_1d(np.array([1.0]), [1.0, 2.0])[0] == 2.0
    with pytest.raises(ValueError, match="slopes"):
        dead_units.maxout_1d(x, [1.0, 2.0], [0.0])


def test_prelu_slope_grad_matches_finite_differences():
    """Is Σ upstream · min(x, 0) the numerical derivative of Σ upstream · prelu(x; a)?"""
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=(30, 4)), rng.normal(size=(30, 4))
    loss = lambda a: float(np.sum(g * leaky_relu(x, negative_slope=a)))  # noqa: E731
    h = 1e-6
    numeric = (loss(0.25 + h) - loss(0.25 - h)) / (2 * h)
    assert dead_units.prelu_slope_grad(x, g) == pytest.approx(numeric, rel=1e-6)
    assert dead_units.prelu_slope_grad(np.array([1.0, 2.0])) == 0.0
    with pytest.raises(ValueError, match="upstream"):
        dead_units.prelu_slope_grad(x, g[:3])


def test_lesson03_sliders_read_the_grid_and_redraw():
    """Does the dead-units slider show the grid's curve for the chosen cell, and the leaky slider redraw?"""
    from course_utils.widgets import BUILDERS

    widget = BUILDERS["lesson03_dead_units"]()
    result = widget.compute(log10_lr=0.5, bias_init=0.0)
    i = dead_units.GRID_LOG10_LRS.index(0.5)
    j = dead_units.GRID_BIAS_INITS.index(0.0)
    np.testing.assert_array_equal(result["curve"], dead_units.dead_fraction_grid()[i, j])
    assert widget.update(log10_lr=-2.0) != widget.update(log10_lr=0.5)
    leaky = BUILDERS["lesson03_leaky"]()
    out = leaky.compute(negative_slope=0.3)
    np.testing.assert_allclose(out["f"], leaky_relu(leaky.x, negative_slope=0.3))
    assert leaky.update(negative_slope=0.0) != leaky.update(negative_slope=1.0)
