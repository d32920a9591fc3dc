"""Tests of course_utils.experiments.lesson02 (lesson 2's measurements)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.activations import hard_sigmoid, sigmoid
from course_utils.experiments import lesson02 as saturation


def _mp_threshold(name: str, tol: float) -> float:
    mpmath.mp.dps = 50
    t = mpmath.mpf(tol)
    if name == "sigmoid":  # log of sigma'(x) = -x - 2 log(1 + e^-x), solved near -log(t)
        f = lambda x: -x - 2 * mpmath.log1p(mpmath.e ** (-x)) - mpmath.log(t)  # noqa: E731
        start = -mpmath.log(t) + 1
    else:  # log of 1 - tanh^2 = log 4 - 2x - 2 log(1 + e^-2x), solved near log(4/t)/2
        f = lambda x: mpmath.log(4) - 2 * x - 2 * mpmath.log1p(mpmath.e ** (-2 * x)) - mpmath.log(t)  # noqa: E731
        start = mpmath.log(4 / t) / 2 + 0.5
    return float(mpmath.findroot(f, start))


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
@pytest.mark.parametrize("tol", [0.2, 1e-3, 1e-6, 1e-12, 1e-300])
def test_threshold_matches_a_high_precision_root(name, tol):
    """Is the closed form the root of f'(x) = tol to 1e-13, even for tiny tol (no cancellation)?"""
    if name == "sigmoid" and tol >= 0.25:
        pytest.skip("sigmoid' never reaches 0.25 away from 0")
    assert saturation.derivative_threshold(name, tol) == pytest.approx(_mp_threshold(name, tol), rel=1e-13)


def test_threshold_values_quoted_in_lesson_2():
    """Are the lesson's numbers right: σ' < 1e-3 beyond 6.906, tanh' beyond 4.147?"""
    assert saturation.derivative_threshold("sigmoid", 1e-3) == pytest.approx(6.905752272297920, rel=1e-14)
    assert saturation.derivative_threshold("tanh", 1e-3) == pytest.approx(4.146774726248896, rel=1e-14)
    x = saturation.derivative_threshold("sigmoid", 1e-6)
    assert sigmoid.grad(x) == pytest.approx(1e-6, rel=1e-9)


@given(st.floats(min_value=1e-200, max_value=0.24))
@settings(max_examples=50, deadline=None)
def test_threshold_inverts_the_derivative(tol):
    """Does σ'(threshold(t)) give back t for any t in (0, 1/4)?"""
    x = saturation.derivative_threshold("sigmoid", tol)
    assert float(sigmoid.grad(x)) == pytest.approx(tol, rel=1e-9)


@pytest.mark.parametrize(
    ("name", "tol", "error"),
    [("sigmoid", 0.25, ValueError), ("sigmoid", 0.0, ValueError), ("tanh", 1.0, ValueError),
     ("relu", 0.1, ValueError), ("sigmoid", "a", TypeError)],
)
def test_threshold_rejects_bad_arguments(name, tol, error):
    """Are an unreachable level, a non-saturating activation and a non-number refused by name?"""
    with pytest.raises(error, match="tol|name"):
        saturation.derivative_threshold(name, tol)


def test_saturated_fraction_counts_flat_units():
    """Is a unit saturated exactly when its derivative is below 5 % of the peak?"""
    edge = saturation.derivative_threshold("tanh", 0.05)
    z = np.array([0.0, edge * 0.99, edge * 1.01, -10.0])
    assert saturation.saturated_fraction(z, "tanh") == 0.5
    with pytest.raises(ValueError, match="rel_tol"):
        saturation.saturated_fraction(z, "tanh", rel_tol=2.0)


def test_larger_weights_saturate_more_units():
    """Does the share of saturated units grow with the weight scale (the lesson's slider)?"""
    shares = [
        saturation.saturated_fraction(saturation.hidden_layer_activations("tanh", s, n_samples=64)[0], "tanh")
        for s in (0.05, 0.125, 0.5, 1.0)
    ]
    assert shares[0] == 0.0
    assert np.all(np.diff(shares) >= 0) and shares[-1] > 0.5


def test_sigmoid_bound_and_measured_gradients():
    """Is the measured sigmoid gradient below 0.25**(L-1) while ReLU+He and tanh+Xavier keep theirs?"""
    depth = 15
    norms = saturation.gradient_norms_by_depth(depth=depth)
    bound = saturation.sigmoid_factor_bound(depth)
    assert bound[0] == 0.25 ** (depth - 1) and bound[-1] == 1.0
    ratio = {name: values[0] / values[-1] for name, values in norms.items()}
    assert ratio["sigmoid"] < bound[0]
    assert 0.1 < ratio["tanh"] < 10 and 0.1 < ratio["relu"] < 10
    # cached and read-only: the slider and the notebook share one computation
    assert saturation.gradient_norms_by_depth(depth=depth)["sigmoid"] is norms["sigmoid"]
    assert not norms["sigmoid"].flags.writeable


def test_large_weights_make_the_sigmoid_gradient_explode():
    """Does the same sigmoid net vanish with Xavier weights and explode with weight std 4?"""
    from course_utils.deep_networks import layer_gradient_norms

    xavier = layer_gradient_norms("sigmoid", depth=15, width=64, init="xavier", n=64)["weight"]
    large = layer_gradient_norms("sigmoid", depth=15, width=64, init="normal", init_scale=4.0, n=64)["weight"]
    assert xavier[0] / xavier[14] < 1e-8
    assert large[0] / large[14] > 100


def test_hard_sigmoid_keras2_versus_registry():
    """Do the Keras 2 form (slope 0.2, flat beyond ±2.5) and the registry's (slope 1/6, ±3) differ?"""
    x = np.array([-3.0, -2.5, 0.0, 1.0, 2.5, 3.0])
    np.testing.assert_allclose(saturation.hard_sigmoid_keras2(x), [0, 0, 0.5, 0.7, 1, 1])
    np.testing.assert_allclose(hard_sigmoid(x), np.clip(x / 6 + 0.5, 0, 1))
    np.testing.assert_array_equal(saturation.hard_sigmoid_keras2_grad(x), [0, 0, 0.2, 0.2, 0, 0])


def test_lesson02_sliders_change_the_picture_and_step_quickly():
    """Do both lesson-2 sliders redraw for new values, with steps that only draw (precomputed)?"""
    import time

    from course_utils.widgets import BUILDERS

    for name, slider, values in (("lesson02_saturation", "weight_std", (0.1, 1.0)),
                                 ("lesson02_depth", "depth", (5.0, 25.0))):
        widget = BUILDERS[name]()
        first, second = (widget.update(**{slider: v}) for v in values)
        assert first.startswith(b"\x89PNG") and first != second
        cpu = []
        for value in np.linspace(*widget.ranges[slider][:2], 8):
            start = time.process_time()
            widget.update(**{slider: float(value)})
            cpu.append(time.process_time() - start)
        assert np.median(cpu) < 0.2  # loose guard on a shared machine; measured ≈ 35 ms


def test_depth_slider_shows_the_measured_norms_and_the_bound():
    """Does the depth slider's data equal the module's measurement, relative to the last layer?"""
    from course_utils.widgets.lesson02 import DepthGradientSlider

    result = DepthGradientSlider().compute(depth=10.0)
    norms = saturation.gradient_norms_by_depth(depth=10)
    np.testing.assert_allclose(result["sigmoid"], norms["sigmoid"] / norms["sigmoid"][-1])
    np.testing.assert_array_equal(result["bound"], saturation.sigmoid_factor_bound(10))
