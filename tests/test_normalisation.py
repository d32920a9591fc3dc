"""Tests of course_utils.experiments.lesson04: SELU moments, the moment map and the SELU constants."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from course_utils.activations import SELU_ALPHA, SELU_SCALE
from course_utils.experiments import lesson04 as norm

PUBLISHED_ALPHA = "1.6732632423543772848170429916717"
PUBLISHED_SCALE = "1.0507009873554804934193349852946"


def _quad_moments(mean: float, var: float, alpha: float = SELU_ALPHA, scale: float = SELU_SCALE):
    """Reference moments by mpmath quadrature (50 digits)."""
    with mpmath.workdps(50):
        m, s = mpmath.mpf(mean), mpmath.sqrt(mpmath.mpf(var))

        def density(z):
            return mpmath.npdf(z, m, s)

        def selu(z):
            return scale * (z if z > 0 else alpha * mpmath.expm1(z))

        points = [-mpmath.inf, min(m, 0), max(m, 0), mpmath.inf]
        first = mpmath.quad(lambda z: selu(z) * density(z), points)
        second = mpmath.quad(lambda z: selu(z) ** 2 * density(z), points)
        return float(first), float(second - first**2)


@pytest.mark.parametrize(("mean", "var"), [(0.0, 1.0), (0.5, 2.0), (-1.0, 0.3), (3.0, 25.0), (-4.0, 0.5)])
def test_moments_match_quadrature(mean: float, var: float) -> None:
    """Do the closed-form moments agree with numerical integration?"""
    got_mean, got_var = norm.normal_selu_moments(mean, var)
    want_mean, want_var = _quad_moments(mean, var)
    assert got_mean == pytest.approx(want_mean, rel=1e-9, abs=1e-12)
    assert got_var == pytest.approx(want_var, rel=1e-9, abs=1e-12)


def test_moments_other_constants() -> None:
    """Are alpha and scale honoured (here ELU: alpha=1, scale=1)?"""
    got = norm.normal_selu_moments(0.2, 1.5, alpha=1.0, scale=1.0)
    want = _quad_moments(0.2, 1.5, alpha=1.0, scale=1.0)
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_moments_standard_normal_is_fixed_point() -> None:
    """With the published constants, does N(0, 1) map to mean 0, variance 1?"""
    mean, var = norm.normal_selu_moments(0.0, 1.0)
    assert abs(mean) < 1e-14
    assert abs(var - 1) < 1e-14


def test_moments_extreme_inputs_stay_finite() -> None:
    """Do far-tail means and huge variances give finite values without warnings?"""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        means, variances = np.array([-50.0, 50.0, 0.0, -3.0]), np.array([1e4, 1e-2, 1e3, 1e-6])
        mean, var = norm.normal_selu_moments(means, variances)
    assert np.all(np.isfinite(mean)) and np.all(np.isfinite(var))
    assert var[1] == pytest.approx(SELU_SCALE**2 * 1e-2, rel=1e-9)  # all mass on the linear side
    # all mass far on the negative side: selu(z) ~ -scale*alpha with tiny variance
    assert mean[3] == pytest.approx(SELU_SCALE * SELU_ALPHA * np.expm1(-3.0), rel=1e-5)


def test_moments_broadcast_shape() -> None:
    """Do mean and var broadcast like NumPy arrays?"""
    mean, var = norm.normal_selu_moments(np.zeros((3, 1)), np.ones(4))
    assert mean.shape == var.shape == (3, 4)


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_moments_reject_nonpositive_variance(bad: float) -> None:
    """Is a variance <= 0 refused with a ValueError naming the argument?"""
    with pytest.raises(ValueError, match="var"):
        norm.normal_selu_moments(0.0, bad)


def test_selu_map_uses_omega_and_tau() -> None:
    """Is the pre-activation N(mu*omega, nu*tau), as in Klambauer et al.?"""
    got = norm.selu_map(2.0, 3.0, omega=0.5, tau=0.8)
    want = norm.normal_selu_moments(1.0, 2.4)
    np.testing.assert_allclose(got, want, rtol=1e-14)
    with pytest.raises(ValueError, match="tau"):
        norm.selu_map(0.0, 1.0, tau=0.0)


@pytest.mark.parametrize(("mu0", "nu0"), [(1.0, 3.0), (-0.5, 0.2), (2.0, 0.05)])
def test_fixed_point_attracts(mu0: float, nu0: float) -> None:
    """Do trajectories from several starts converge to (0, 1)?"""
    traj = norm.iterate_selu_map(mu0, nu0, 100)
    assert traj.shape == (101, 2)
    assert tuple(traj[0]) == (mu0, nu0)
    np.testing.assert_allclose(traj[-1], [0.0, 1.0], atol=1e-6)


def test_iterate_rejects_bad_steps() -> None:
    """Is a negative or fractional number of steps refused?"""
    for bad in (-1, 2.5):
        with pytest.raises(ValueError, match="steps"):
            norm.iterate_selu_map(0.0, 1.0, bad)


def test_jacobian_contracts_at_fixed_point() -> None:
    """Is the Jacobian at (0, 1) a contraction, matching a finite-difference-free check?"""
    jac = norm.selu_map_jacobian()
    assert jac.shape == (2, 2)
    assert np.linalg.norm(jac, 2) < 1
    # with omega = 0 the output does not depend on the input mean
    np.testing.assert_allclose(jac[:, 0], 0.0, atol=1e-9)


def test_larger_tau_moves_fixed_point() -> None:
    """With tau = 2 (He init) does the variance settle at a larger, still attracting value?"""
    mu, nu = norm.iterate_selu_map(0.0, 1.0, 300, tau=2.0)[-1]
    assert nu > 10  # a different, much larger fixed point
    assert np.linalg.norm(norm.selu_map_jacobian(mu, nu, tau=2.0), 2) < 1


def test_variance_explodes_for_tau_four() -> None:
    """With tau = 4 (twice LeCun's std) does the variance grow until it overflows, leaving nan?"""
    traj = norm.iterate_selu_map(0.0, 1.0, 2000, tau=4.0)
    finite = traj[np.isfinite(traj[:, 1]), 1]
    assert np.all(np.diff(finite) > 0)
    assert finite[-1] > 1e250
    assert np.isnan(traj[-1]).all()


def test_fixed_point_equations_vanish_at_published_constants() -> None:
    """Do the closed-form residuals vanish at the published constants (floats and mpf)?"""
    r1, r2 = norm.selu_fixed_point_equations(SELU_ALPHA, SELU_SCALE)
    assert isinstance(r1, float)
    assert abs(r1) < 1e-14 and abs(r2) < 1e-14
    with mpmath.workdps(40):
        m1, m2 = norm.selu_fixed_point_equations(mpmath.mpf(PUBLISHED_ALPHA), mpmath.mpf(PUBLISHED_SCALE))
        assert abs(m1) < mpmath.mpf("1e-30") and abs(m2) < mpmath.mpf("1e-30")


def test_solve_selu_constants_matches_published() -> None:
    """Does solving the fixed-point equations recover the published constants?"""
    alpha, lam = norm.solve_selu_constants()
    assert abs(alpha - float(PUBLISHED_ALPHA)) < 1e-15
    assert abs(lam - float(PUBLISHED_SCALE)) < 1e-15
    assert alpha == pytest.approx(SELU_ALPHA, rel=1e-15)
    assert lam == pytest.approx(SELU_SCALE, rel=1e-15)


def test_random_weights_map_uses_second_moment() -> None:
    """For random weights, is the pre-activation N(0, tau * (nu + mu**2))?"""
    got = norm.selu_map(1.5, 2.0, omega=0.3, tau=0.5, random_weights=True)
    want = norm.normal_selu_moments(0.0, 0.5 * (2.0 + 1.5**2))
    np.testing.assert_allclose(got, want, rtol=1e-14)
    # at the fixed point both maps agree
    pooled, unit = norm.selu_map(0.0, 1.0, random_weights=True), norm.selu_map(0.0, 1.0)
    np.testing.assert_allclose(pooled, unit, atol=1e-14)


def test_random_weights_map_predicts_he_growth() -> None:
    """Does the pooled map predict the measured variance of a He-initialised SELU net?"""
    from course_utils.deep_networks import deep_forward_stats

    with norm.single_threaded_blas():
        runs = [deep_forward_stats("selu", depth=24, width=128, init="he", n=128, seed=s) for s in (0, 1)]
    pred = norm.iterate_selu_map(0.0, 1.0, 24, tau=2.0, random_weights=True)[1:, 1]
    ratio = np.median([run["var"] for run in runs], axis=0) / pred
    assert np.all(np.abs(np.log10(ratio)) < 0.5)


def test_alpha_dropout_keeps_the_fixed_point_and_dropout_does_not() -> None:
    """Does ordinary dropout inflate the variance of a SELU net while alpha dropout keeps ~1?"""
    from course_utils.nets import MLP

    def hidden_variances(net: MLP, X: np.ndarray, train: bool) -> np.ndarray:
        with norm.single_threaded_blas():
            net.forward(X, train=train, record=True)
        return np.array([A.var() for A in net.record.hidden_activations])

    X = np.random.default_rng(0).standard_normal((256, 128))
    plain = MLP([128] * 33 + [1], "selu", init="lecun", dropout=0.1, seed=0)
    alpha = MLP([128] * 33 + [1], "selu", init="lecun", alpha_dropout=0.1, seed=0)
    v_plain, v_alpha = hidden_variances(plain, X, True), hidden_variances(alpha, X, True)
    assert v_plain.shape == v_alpha.shape == (32,)
    assert abs(np.median(v_alpha[-8:]) - 1) < 0.15 < abs(np.median(v_plain[-8:]) - 1)
    # evaluation mode applies no dropout: both nets then behave like a plain SELU net
    assert abs(hidden_variances(plain, X, False)[-1] - 1) < 0.3


def test_single_threaded_blas_is_transparent() -> None:
    """Does the BLAS limit leave results unchanged?"""
    A = np.random.default_rng(1).standard_normal((64, 64))
    with norm.single_threaded_blas():
        inside = A @ A
    np.testing.assert_allclose(inside, A @ A, rtol=1e-12)


def test_selu_stats_vanish_keep_or_explode_with_the_init_std() -> None:
    """Does init_std 1 stay near variance 1, 0.5 vanish, 2 explode, as the moment map says?"""
    assert abs(norm.selu_stats(1.0)["var"][-1] - 1) < 0.3
    assert norm.selu_stats(0.5)["var"][-1] < 1e-6
    assert norm.selu_stats(2.0)["var"][-1] > 1e15
    theory = norm.selu_stats(2.0)["theory_var"]
    assert theory.shape == (norm.SELU_STATS_DEPTH,) and np.all(np.diff(theory) > 0)
