"""Tests of the activation registry: contract, identities, accuracy, stability, errors.

Run with ``-s`` to see the table of worst relative errors against mpmath.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import mpmath
import numpy as np
import pytest
import scipy.special as sc
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils import activations as act
from course_utils.activations import ACTIVATIONS, SOFTMAX_FAMILY, get
from course_utils.symbolic import lambdify

REQUIRED = {
    "identity": {},
    "step": {},
    "sigmoid": {},
    "log_sigmoid": {},
    "tanh": {},
    "relu": {},
    "relu6": {},
    "selu": {},
    "silu": {},
    "mish": {},
    "softsign": {},
    "tanhshrink": {},
    "hard_sigmoid": {},
    "hard_swish": {},
    "hard_tanh": {"min_val": -1.0, "max_val": 1.0},
    "leaky_relu": {"negative_slope": 0.01},
    "elu": {"alpha": 1.0},
    "celu": {"alpha": 1.0},
    "gelu": {"approximate": "none"},
    "swish": {"beta": 1.0},
    "softplus": {"beta": 1.0},
}

# every activation at its defaults, plus non-default parameters worth covering
VARIANTS: list[tuple[str, dict]] = [(name, {}) for name in REQUIRED] + [
    ("gelu", {"approximate": "tanh"}),
    ("gelu", {"approximate": "sigmoid"}),
    ("elu", {"alpha": 0.5}),
    ("celu", {"alpha": 2.0}),
    ("leaky_relu", {"negative_slope": 0.2}),
    ("leaky_relu", {"negative_slope": 0.0}),
    ("hard_tanh", {"min_val": -2.0, "max_val": 0.5}),
    ("swish", {"beta": 2.5}),
    ("swish", {"beta": -0.5}),
    ("softplus", {"beta": 0.3}),
]
VARIANT_IDS = [name + "".join(f"-{k}={v}" for k, v in p.items()) for name, p in VARIANTS]

PROPERTY_KEYS = {
    "output_range", "zero_centred", "monotonic", "smooth", "saturates_left",
    "saturates_right", "bounded_below", "cost", "typical_use",
}


def _away_from_kinks(x: np.ndarray, kinks: tuple[float, ...], gap: float = 1e-3) -> np.ndarray:
    keep = np.ones(x.shape, dtype=bool)
    for k in kinks:
        keep &= np.abs(x - k) > gap
    return x[keep]


# --------------------------------------------------------------------------- contract


def test_registry_holds_exactly_the_required_names_and_defaults() -> None:
    """Are the names and parameter defaults PyTorch's names and defaults, as the registry promises?"""
    assert set(ACTIVATIONS) == set(REQUIRED)
    for name, defaults in REQUIRED.items():
        assert ACTIVATIONS[name].params == defaults, name
        assert ACTIVATIONS[name].name == name
    assert set(SOFTMAX_FAMILY) == {"softmax", "log_softmax", "softmin"}
    assert not set(SOFTMAX_FAMILY) & set(ACTIVATIONS)


def test_every_record_is_importable_by_name() -> None:
    """Does `from course_utils.activations import <name>` give the registry's record?"""
    for name, record in {**ACTIVATIONS, **SOFTMAX_FAMILY}.items():
        assert getattr(act, name) is record
        assert name in act.__all__


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_record_has_the_contract_attributes(name: str) -> None:
    """Does each record carry name, params, properties (all keys, right types), latex and sympy?"""
    rec = ACTIVATIONS[name]
    props = rec.properties
    assert set(props) == PROPERTY_KEYS
    lo, hi = props["output_range"]
    assert isinstance(lo, float) and isinstance(hi, float) and lo < hi
    for key in PROPERTY_KEYS - {"output_range", "cost", "typical_use"}:
        assert isinstance(props[key], bool), key
    assert props["bounded_below"] == (lo > -math.inf)
    assert props["cost"] and isinstance(props["cost"], str)
    assert props["typical_use"] and "\n" not in props["typical_use"]
    assert isinstance(rec.latex, str) and "x" in rec.latex
    expr = rec.sympy()
    assert expr.free_symbols == {sp.Symbol("x", real=True)}
    rec.params["new"] = 1  # a copy: the defaults cannot be changed by accident
    assert "new" not in rec.params


def test_softmax_family_signature_declares_axis_and_temperature() -> None:
    """Do the softmax records take axis=-1 and temperature=1.0 in their call signature?"""
    import inspect

    for rec in SOFTMAX_FAMILY.values():
        sig = inspect.signature(rec.__call__)
        assert sig.parameters["axis"].default == -1
        assert sig.parameters["temperature"].default == 1.0
        assert inspect.signature(rec.jacobian).parameters["temperature"].default == 1.0
        assert rec.sympy(n=4).shape == (4, 1)


def test_import_does_not_load_sympy_or_matplotlib() -> None:
    """Is `import course_utils.activations` light (no SymPy, matplotlib)?"""
    code = "import sys, json, course_utils.activations; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert not {"sympy", "matplotlib", "mpmath"} & loaded


def test_get_finds_names_aliases_and_suggests_close_matches() -> None:
    """Does get() accept PyTorch spellings and explain unknown names?"""
    assert get("relu") is act.relu
    assert get("LeakyReLU") is act.leaky_relu
    assert get("Hardswish") is act.hard_swish
    assert get("logistic") is act.sigmoid
    assert get("softmax") is act.softmax
    assert get(act.tanh) is act.tanh
    with pytest.raises(ValueError, match=r"name: unknown activation 'rleu'.*'relu'"):
        get("rleu")
    with pytest.raises(TypeError, match="name"):
        get(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- dtypes and shapes


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_dtypes_and_scalars(name: str, params: dict) -> None:
    """float32 stays float32, ints/bools become float64, scalars give scalars, lists work."""
    rec = ACTIVATIONS[name]
    for fn in (rec, rec.grad):
        assert fn(np.array([0.5, -1.5], dtype=np.float32), **params).dtype == np.float32
        assert fn(np.array([1, -2], dtype=np.int64), **params).dtype == np.float64
        assert fn(np.array([True, False]), **params).dtype == np.float64
        assert fn([1.0, 2.0], **params).shape == (2,)
        assert fn(((1.0,), (2.0,)), **params).shape == (2, 1)
        out = fn(0.5, **params)
        assert isinstance(out, np.floating) and np.ndim(out) == 0
        assert fn(np.float32(0.5), **params).dtype == np.float32
        assert fn(np.empty((0, 3)), **params).shape == (0, 3)


@settings(max_examples=25, deadline=None)
@given(
    x=hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
        elements=st.floats(-1e3, 1e3, width=32),
    ),
    index=st.integers(0, len(VARIANTS) - 1),
)
def test_shape_and_dtype_are_preserved(x: np.ndarray, index: int) -> None:
    """Any shape and floating dtype comes back unchanged, and the input is not modified."""
    name, params = VARIANTS[index]
    before = x.copy()
    for fn in (ACTIVATIONS[name], ACTIVATIONS[name].grad):
        out = np.asarray(fn(x, **params))
        assert out.shape == x.shape and out.dtype == x.dtype
        assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(x, before)
    if x.ndim:
        assert not np.shares_memory(ACTIVATIONS[name](x, **params), x)


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_float32_results_are_correctly_rounded(name: str, params: dict) -> None:
    """Is the float32 result the float64 result rounded to float32?"""
    x32 = np.linspace(-30, 30, 1201, dtype=np.float32)
    rec = ACTIVATIONS[name]
    for fn in (rec, rec.grad):
        expected = fn(x32.astype(np.float64), **params).astype(np.float32)
        np.testing.assert_array_equal(fn(x32, **params), expected)


# --------------------------------------------------------------------------- identities


@settings(max_examples=60, deadline=None)
@given(st.floats(-700, 700))
def test_tanh_is_a_rescaled_sigmoid(x: float) -> None:
    """tanh(x) = 2 sigma(2x) - 1."""
    assert math.isclose(act.tanh(x), 2 * act.sigmoid(2 * x) - 1, rel_tol=1e-12, abs_tol=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.floats(-700, 700))
@example(-2.9375)  # near hard_sigmoid's kink, where x / 6 + 1/2 was 1.8e-15 off (x + 3 is exact)
def test_family_identities(x: float) -> None:
    """silu = swish(1) = x sigma(x); softplus' = sigma; log_sigmoid(x) = -softplus(-x); celu = elu at 1."""
    assert act.silu(x) == act.swish(x, beta=1.0)
    assert math.isclose(act.silu(x), x * act.sigmoid(x), rel_tol=1e-14, abs_tol=1e-300)
    assert math.isclose(act.softplus.grad(x), act.sigmoid(x), rel_tol=1e-15)
    assert math.isclose(act.log_sigmoid(x), -act.softplus(-x), rel_tol=1e-14)
    assert act.celu(x) == act.elu(x)
    assert math.isclose(act.selu(x), act.SELU_SCALE * act.elu(x, alpha=act.SELU_ALPHA), rel_tol=1e-15)
    assert act.relu6(x) == act.hard_tanh(x, min_val=0.0, max_val=6.0)
    assert math.isclose(act.hard_swish(x), x * act.hard_sigmoid(x), rel_tol=1e-15, abs_tol=1e-300)


logits = hnp.arrays(
    dtype=np.float64,
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
    elements=st.floats(-1e3, 1e3),
)


@settings(max_examples=40, deadline=None)
@given(x=logits, shift=st.floats(-1e3, 1e3), temperature=st.floats(0.05, 20.0))
def test_softmax_properties(x: np.ndarray, shift: float, temperature: float) -> None:
    """Sums to 1, shift invariance, softmin = softmax(-x), log_softmax = log(softmax), T scaling."""
    s = act.softmax(x, temperature=temperature)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(act.softmax(x + shift, temperature=temperature), s, rtol=1e-9, atol=1e-12)
    softmin = act.softmin(x, temperature=temperature)
    np.testing.assert_array_equal(softmin, act.softmax(-x, temperature=temperature))
    np.testing.assert_allclose(act.softmax(x / temperature), s, rtol=1e-9, atol=1e-300)
    ls = act.log_softmax(x, temperature=temperature)
    safe = s > 1e-300
    np.testing.assert_allclose(ls[safe], np.log(s[safe]), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.exp(ls), s, rtol=1e-12, atol=1e-300)
    axis = x.ndim - 1 if x.ndim == 1 else 0
    np.testing.assert_allclose(act.softmax(x, axis=axis).sum(axis=axis), 1.0, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(x=logits.filter(lambda a: np.ptp(a) < 600 if a.size else True))
def test_softmax_matches_scipy(x: np.ndarray) -> None:
    """Agreement with scipy.special.softmax / log_softmax on finite logits."""
    np.testing.assert_allclose(act.softmax(x), sc.softmax(x, axis=-1), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(act.log_softmax(x), sc.log_softmax(x, axis=-1), rtol=1e-12, atol=1e-12)


def test_softmax_extreme_and_infinite_logits() -> None:
    """Huge logits do not overflow; infinite ones follow the limits; NaN propagates."""
    x = np.array([[1e308, -1e308, 0.0], [np.inf, 0.0, np.inf], [-np.inf, 0.0, 1.0], [-np.inf] * 3])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s = act.softmax(x)
        ls = act.log_softmax(x)
        act.softmax.jacobian(x)
    np.testing.assert_array_equal(s[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(s[1], [0.5, 0.0, 0.5])
    np.testing.assert_allclose(s[2], [0.0, 1 / (1 + math.e), math.e / (1 + math.e)], rtol=1e-15)
    np.testing.assert_allclose(s[3], [1 / 3] * 3, rtol=1e-15)
    assert ls[0, 0] == 0.0 and ls[0, 2] == -1e308 and ls[0, 1] == -np.inf
    assert float(act.log_softmax([1000.0, 0.0])[1]) == -1000.0
    assert np.all(np.isnan(act.softmax([np.nan, 1.0])))
    big = np.array([1e4, -1e4, 709.0, 710.0], dtype=np.float32)
    assert act.softmax(big).dtype == np.float32 and act.log_softmax(big).dtype == np.float32
    np.testing.assert_allclose(act.softmax(np.array([1.0, 2.0]), temperature=1e-300), [0.0, 1.0])


@pytest.mark.parametrize("name", sorted(SOFTMAX_FAMILY))
def test_jacobian_matches_sympy_and_finite_differences(name: str) -> None:
    """Is .jacobian the SymPy Jacobian of .sympy(n=3) (with the 1/T factor), and the numeric one?"""
    rec = SOFTMAX_FAMILY[name]
    xs = sp.symbols("x0:3", real=True)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3)) * 2
    for temperature in (1.0, 0.7):
        jac_sym = sp.lambdify(xs, rec.sympy(n=3, temperature=temperature).jacobian(xs), "numpy")
        jac = rec.jacobian(x, temperature=temperature)
        assert jac.shape == (4, 3, 3)
        for row, j in zip(x, jac, strict=True):
            np.testing.assert_allclose(j, np.array(jac_sym(*row), dtype=float), rtol=1e-10, atol=1e-13)
            h = 1e-6
            columns = [
                (rec(row + h * e, temperature=temperature) - rec(row - h * e, temperature=temperature))
                / (2 * h)
                for e in np.eye(3)
            ]
            numeric = np.stack(columns, axis=-1)
            np.testing.assert_allclose(j, numeric, rtol=1e-6, atol=1e-8)
    assert rec.jacobian(np.zeros((2, 5, 4))).shape == (2, 5, 4, 4)
    assert rec.jacobian(np.zeros(4, dtype=np.float32)).dtype == np.float32


def test_jacobian_formulas() -> None:
    """softmax: diag(s) - ss^T; log_softmax: I - 1 s^T; softmin: -(diag(s) - ss^T); all over T."""
    x = np.array([0.3, -1.2, 2.0])
    T = 2.0
    s = act.softmax(x, temperature=T)
    np.testing.assert_allclose(act.softmax.jacobian(x, temperature=T), (np.diag(s) - np.outer(s, s)) / T)
    np.testing.assert_allclose(act.log_softmax.jacobian(x, temperature=T), (np.eye(3) - s[None, :]) / T)
    m = act.softmin(x, temperature=T)
    np.testing.assert_allclose(act.softmin.jacobian(x, temperature=T), -(np.diag(m) - np.outer(m, m)) / T)


# --------------------------------------------------------------------------- accuracy


#: Activations (and parameters) whose accuracy the course guarantees: relative error
#: <= 1e-12 against mpmath over [-20, 20], for the value and the derivative.
ACCURACY_CASES: tuple[tuple[str, dict], ...] = (
    ("sigmoid", {}),
    ("log_sigmoid", {}),
    ("tanh", {}),
    ("softplus", {}),
    ("softplus", {"beta": 2.0}),
    ("softsign", {}),
    ("elu", {}),
    ("celu", {"alpha": 0.5}),
    ("selu", {}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("gelu", {"approximate": "sigmoid"}),
    ("silu", {}),
    ("swish", {"beta": 1.5}),
    ("mish", {}),
    ("tanhshrink", {}),
)


def _mp_reference(f, x: float, dps: int):
    """``f(x)`` in mpmath, raising the precision until two evaluations agree to 30 digits.

    Textbook forms such as ``x/2 (1 + erf(x/sqrt 2))`` cancel catastrophically for x << 0,
    so a fixed precision is not enough for a trustworthy reference.
    """
    with mpmath.workdps(dps):
        prev = f(mpmath.mpf(x))
    for _ in range(6):
        dps *= 2
        with mpmath.workdps(dps):
            cur = f(mpmath.mpf(x))
            if abs(cur - prev) <= abs(cur) * mpmath.mpf(10) ** -30:
                return cur
        prev = cur
    return cur


def worst_relative_errors(
    cases: tuple[tuple[str, dict], ...] = ACCURACY_CASES,
    *,
    lo: float = -20.0,
    hi: float = 20.0,
    n: int = 2001,
    dps: int = 30,
) -> list[tuple[str, float, float, float]]:
    """Worst relative error of value and derivative against mpmath on a grid.

    The reference evaluates each record's SymPy expression (and its SymPy derivative) with
    mpmath, starting at ``dps`` significant digits and doubling them until the result is
    stable. Derivative errors are relative to ``max(|f'(x)|, 1e-4)``, because near a root
    of ``f'`` no floating-point formula keeps relative accuracy. The grid (``n`` points on
    ``[lo, hi]``) also holds 0, +-1e-8 and +-1e-3.

    Returns a list of (label, worst value error, x where it occurs, worst derivative error).
    """
    grid = np.unique(np.concatenate([np.linspace(lo, hi, n), [0.0, 1e-8, -1e-8, 1e-3, -1e-3]]))
    grid = grid[(grid >= lo) & (grid <= hi)]
    sym = sp.Symbol("x", real=True)
    floor = mpmath.mpf("1e-4")
    rows = []
    for name, params in cases:
        rec = ACTIVATIONS[name]
        expr = rec.sympy(**params)
        f_ref = sp.lambdify(sym, expr, "mpmath")
        d_ref = sp.lambdify(sym, sp.diff(expr, sym), "mpmath")
        val = rec(grid, **params)
        der = rec.grad(grid, **params)
        worst_v, worst_x, worst_d = 0.0, 0.0, 0.0
        for xi, vi, di in zip(grid.tolist(), val.tolist(), der.tolist(), strict=True):
            ref = _mp_reference(f_ref, xi, dps)
            err = abs(mpmath.mpf(vi) - ref)
            rel = float(err / abs(ref)) if ref != 0 else float(err)
            if rel > worst_v:
                worst_v, worst_x = rel, xi
            dref = _mp_reference(d_ref, xi, dps)
            worst_d = max(worst_d, float(abs(mpmath.mpf(di) - dref) / max(abs(dref), floor)))
        label = name + ("(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")" if params else "")
        rows.append((label, worst_v, worst_x, worst_d))
    return rows


def test_worst_relative_errors_against_mpmath() -> None:
    """Relative error <= 1e-12 over [-20, 20] for the listed activations (value and derivative)."""
    rows = worst_relative_errors(n=321)
    print("\nworst relative error vs mpmath on [-20, 20]")
    print(f"{'activation':30s} {'value':>9s} {'at x':>8s} {'derivative':>11s}")
    for label, err, where, derr in rows:
        print(f"{label:30s} {err:9.2e} {where:8.2f} {derr:11.2e}")
    for label, err, _, derr in rows:
        assert err <= 1e-12, label
        assert derr <= 1e-12, label


MP_REFERENCES = {
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
    "log_sigmoid": lambda x: -mpmath.log1p(mpmath.exp(-x)),
    "tanh": mpmath.tanh,
    "softplus": lambda x: mpmath.log1p(mpmath.exp(x)),
    "softsign": lambda x: x / (1 + abs(x)),
    "elu": lambda x: x if x > 0 else mpmath.expm1(x),
    "selu": lambda x: mpmath.mpf(act.SELU_SCALE)
    * (x if x > 0 else mpmath.mpf(act.SELU_ALPHA) * mpmath.expm1(x)),
    "gelu": lambda x: x * mpmath.ncdf(x),
    "silu": lambda x: x / (1 + mpmath.exp(-x)),
    "mish": lambda x: x * mpmath.tanh(mpmath.log1p(mpmath.exp(x))),
}


@pytest.mark.parametrize("name", sorted(MP_REFERENCES))
def test_values_against_independent_mpmath_formulas(name: str) -> None:
    """Cross-check with formulas written directly in mpmath (not derived from .sympy())."""
    x = np.concatenate([np.linspace(-20, 20, 161), [-1e-9, 1e-9]])
    got = ACTIVATIONS[name](x)
    with mpmath.workdps(60):
        ref = [MP_REFERENCES[name](mpmath.mpf(float(v))) for v in x]
        rel = [
            abs(mpmath.mpf(float(g)) - r) / abs(r) if r != 0 else abs(g)
            for g, r in zip(got, ref, strict=True)
        ]
    assert max(float(r) for r in rel) <= 1e-12
    # SELU's constants are the ones of the paper
    assert math.isclose(act.SELU_ALPHA, 1.6732632423543772, rel_tol=1e-16)
    assert math.isclose(act.SELU_SCALE, 1.0507009873554805, rel_tol=1e-16)


# --------------------------------------------------------------------------- derivatives


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_grad_matches_finite_differences(name: str, params: dict) -> None:
    """Central differences agree with .grad away from kinks."""
    rec = ACTIVATIONS[name]
    x = _away_from_kinks(np.linspace(-8, 8, 1601), rec.kinks(**params))
    h = 1e-6
    numeric = (rec(x + h, **params) - rec(x - h, **params)) / (2 * h)
    np.testing.assert_allclose(rec.grad(x, **params), numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
def test_grad_matches_the_sympy_derivative(name: str, params: dict) -> None:
    """.grad agrees with the lambdified SymPy derivative of .sympy() everywhere except kinks."""
    rec = ACTIVATIONS[name]
    expr = rec.sympy(**params)
    x_sym = sp.Symbol("x", real=True)
    x = _away_from_kinks(np.linspace(-15, 15, 3001), rec.kinks(**params), gap=1e-9)
    with np.errstate(all="ignore"):
        value_ref = lambdify(expr, x_sym)(x)
        grad_ref = lambdify(sp.diff(expr, x_sym), x_sym)(x)
    np.testing.assert_allclose(rec(x, **params), value_ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rec.grad(x, **params), grad_ref, rtol=1e-9, atol=1e-12)


def test_values_at_kinks_follow_pytorch() -> None:
    """The conventions at kinks: relu'(0) = 0, leaky'(0) = slope, step(0) = 1, ..."""
    assert act.relu.grad(0.0) == 0.0
    assert act.leaky_relu.grad(0.0) == 0.01
    assert act.leaky_relu.grad(0.0, negative_slope=0.3) == 0.3
    assert act.relu6.grad([0.0, 6.0]).tolist() == [0.0, 0.0]
    assert act.relu6.grad([1e-9, 6 - 1e-9]).tolist() == [1.0, 1.0]
    assert act.hard_tanh.grad([-1.0, 1.0]).tolist() == [0.0, 0.0]
    assert act.hard_tanh.grad([-2.0, 0.5], min_val=-2.0, max_val=0.5).tolist() == [0.0, 0.0]
    assert act.hard_sigmoid.grad([-3.0, 3.0]).tolist() == [0.0, 0.0]
    assert act.hard_sigmoid.grad(0.0) == 1 / 6
    assert act.step(0.0) == 1.0 and act.step(-1e-300) == 0.0
    assert act.step.grad([-1.0, 0.0, 1.0]).tolist() == [0.0, 0.0, 0.0]
    # hard_swish' takes the outer slopes at the kinks: 0 at -3, 1 at 3 (see the torch test below)
    at = [-3.0 - 1e-9, -3.0, -3.0 + 1e-9, 0.0, 3.0 - 1e-9, 3.0, 3.0 + 1e-9]
    assert act.hard_swish.grad(at).tolist() == [0.0, 0.0, -0.5 + 1e-9 / 3, 0.5, 1.5 - 1e-9 / 3, 1.0, 1.0]
    assert act.elu.grad(0.0, alpha=0.5) == 0.5
    assert act.selu.grad(0.0) == act.SELU_SCALE * act.SELU_ALPHA
    assert act.celu.grad(0.0, alpha=3.0) == 1.0
    assert act.sigmoid(0.0) == 0.5 and act.sigmoid.grad(0.0) == 0.25


# Measured reference data: torch 2.13.0 (CPU wheel, Python 3.11), gradient of
# torch.nn.functional.hardswish by autograd (y.sum().backward()) at each point, in float32 and
# in float64 separately. "below"/"above" are the neighbouring floats of ±3 (np.nextafter) and
# ±3 ∓ 1e-6. The values are copied from that run, not computed from any formula.
HARDSWISH_GRAD_TORCH_2_13 = {
    np.float32: (
        (-3.0000009536743164, 0.0),
        (-3.000000238418579, 0.0),
        (-3.0, 0.0),
        (-2.999999761581421, -0.4999999403953552),
        (-2.9999990463256836, -0.4999997019767761),
        (-1.5, 0.0),
        (0.0, 0.5),
        (2.9999990463256836, 1.499999761581421),
        (2.999999761581421, 1.5),
        (3.0, 1.0),
        (3.000000238418579, 1.0),
        (3.0000009536743164, 1.0),
    ),
    np.float64: (
        (-3.000001, 0.0),
        (-3.0000000000000004, 0.0),
        (-3.0, 0.0),
        (-2.9999999999999996, -0.4999999999999999),
        (-2.999999, -0.4999996666666666),
        (-1.5, 0.0),
        (0.0, 0.5),
        (2.999999, 1.4999996666666666),
        (2.9999999999999996, 1.5),
        (3.0, 1.0),
        (3.0000000000000004, 1.0),
        (3.000001, 1.0),
    ),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_hard_swish_grad_matches_measured_pytorch_autograd(dtype: type) -> None:
    """Does hard_swish.grad give what PyTorch 2.13's autograd gives at and around x = ±3?

    The reference values were measured once with a real torch 2.13.0 (CPU wheel, Python 3.11,
    in a separate virtual environment; torch is not a course requirement): for each dtype,
    ``x = torch.tensor(points, dtype=dtype, requires_grad=True)``,
    ``torch.nn.functional.hardswish(x).sum().backward()``, then ``x.grad`` — and pasted into
    ``HARDSWISH_GRAD_TORCH_2_13`` above. PyTorch takes the outer pieces' slopes at the kinks:
    0 at x = -3 and 1 at x = 3. Exactly at and outside the kinks the registry must agree bit for
    bit. Inside (-3, 3) PyTorch computes x/3 + 1/2 in float32 for float32 input, while the
    registry works in float64 and rounds once, so float32 values may differ by one unit in the
    last place; float64 values agree exactly.
    """
    points = np.array([p for p, _ in HARDSWISH_GRAD_TORCH_2_13[dtype]], dtype=dtype)
    torch_grad = np.array([g for _, g in HARDSWISH_GRAD_TORCH_2_13[dtype]], dtype=dtype)
    got = act.hard_swish.grad(points)
    assert got.dtype == dtype
    outside = np.abs(points.astype(np.float64)) >= 3.0
    assert outside.sum() == 6 and np.array_equal(got[outside], torch_grad[outside])
    if dtype is np.float64:
        assert np.array_equal(got, torch_grad)
    else:
        ulps = np.abs(got - torch_grad) / np.spacing(np.abs(torch_grad))
        assert ulps[~outside].max() <= 1.0
    assert act.hard_swish.grad(dtype(-3.0)) == 0.0 and act.hard_swish.grad(dtype(3.0)) == 1.0


# --------------------------------------------------------------------------- extreme inputs


def _extremes(dtype: type) -> np.ndarray:
    big = np.finfo(dtype).max
    values = [-big, -1e4, -710, -709, -50, -3, -1e-30, -0.0, 0.0, 1e-30, 3, 6, 50, 709, 710, 1e4, big]
    return np.array(values, dtype=dtype)


# limits at (-inf, +inf) of value and derivative (None: the value itself is +-inf = x)
LIMITS = {
    "identity": ((-np.inf, np.inf), (1, 1)),
    "step": ((0, 1), (0, 0)),
    "sigmoid": ((0, 1), (0, 0)),
    "log_sigmoid": ((-np.inf, 0), (1, 0)),
    "tanh": ((-1, 1), (0, 0)),
    "relu": ((0, np.inf), (0, 1)),
    "relu6": ((0, 6), (0, 0)),
    "selu": ((-act.SELU_SCALE * act.SELU_ALPHA, np.inf), (0, act.SELU_SCALE)),
    "silu": ((0, np.inf), (0, 1)),
    "mish": ((0, np.inf), (0, 1)),
    "softsign": ((-1, 1), (0, 0)),
    "tanhshrink": ((-np.inf, np.inf), (1, 1)),
    "hard_sigmoid": ((0, 1), (0, 0)),
    "hard_swish": ((0, np.inf), (0, 1)),
    "hard_tanh": ((-1, 1), (0, 0)),
    "leaky_relu": ((-np.inf, np.inf), (0.01, 1)),
    "elu": ((-1, np.inf), (0, 1)),
    "celu": ((-1, np.inf), (0, 1)),
    "gelu": ((0, np.inf), (0, 1)),
    "swish": ((0, np.inf), (0, 1)),
    "softplus": ((0, np.inf), (0, 1)),
}


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_no_warning_and_no_nan(name: str, params: dict, dtype: type) -> None:
    """±1e4, ±709, ±710, the dtype's max: no warning, no NaN; ±inf give limits; NaN propagates."""
    rec = ACTIVATIONS[name]
    x = _extremes(dtype)
    special = np.array([-np.inf, np.inf, np.nan], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        for fn in (rec, rec.grad):
            out = fn(x, **params)
            assert out.dtype == dtype
            assert not np.any(np.isnan(out)), fn
            ends = fn(special, **params)
            assert np.isnan(ends[2])
    if not params:
        (v_lo, v_hi), (g_lo, g_hi) = LIMITS[name]
        value_ends = rec(special[:2], **params)
        grad_ends = rec.grad(special[:2], **params)
        np.testing.assert_allclose(value_ends, np.array([v_lo, v_hi], dtype=dtype), rtol=1e-6, atol=0)
        np.testing.assert_allclose(grad_ends, np.array([g_lo, g_hi], dtype=dtype), rtol=1e-6, atol=0)


def test_stable_where_naive_formulas_fail() -> None:
    """The classic failures of textbook code do not happen here."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        assert act.sigmoid(-1000.0) == 0.0  # 1 / (1 + exp(1000)) overflows
        assert act.log_sigmoid(-1000.0) == -1000.0  # log(sigmoid) gives -inf
        assert act.softplus(1000.0) == 1000.0  # log(1 + exp(1000)) overflows
        assert act.elu(-1e-10) == pytest.approx(-1e-10, rel=1e-9)  # exp(x) - 1 loses digits
        assert act.gelu(-30.0) < 0  # 1 + erf(-30/sqrt 2) is exactly 0
        assert act.tanh.grad(30.0) > 0  # 1 - tanh^2 is exactly 0
        assert act.sigmoid.grad(40.0) > 0  # s (1 - s) is exactly 0
        assert act.mish(-800.0) == 0.0 and act.mish.grad(800.0) == 1.0


# --------------------------------------------------------------------------- bad input


BAD_X = [
    ("1.0", TypeError),
    (None, TypeError),
    (1 + 2j, TypeError),
    (np.array([1j]), TypeError),
    (np.array([1.0], dtype=object), TypeError),
    (["a", "b"], TypeError),
    ([[1.0, 2.0], [3.0]], ValueError),
]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS) + sorted(SOFTMAX_FAMILY))
@pytest.mark.parametrize(("bad", "error"), BAD_X, ids=[f"bad{i}" for i in range(len(BAD_X))])
def test_bad_x_is_rejected_naming_the_argument(name: str, bad: object, error: type) -> None:
    """Strings, None, complex, object arrays and ragged lists raise an error that names x."""
    rec = get(name)
    calls = [rec] + ([rec.grad] if name in ACTIVATIONS else [rec.jacobian])
    for fn in calls:
        with pytest.raises(error, match=r"^x: expected real numbers"):
            fn(bad)


@pytest.mark.parametrize(
    ("name", "params", "error", "argument"),
    [
        ("relu", {"alpha": 1.0}, TypeError, "alpha"),
        ("elu", {"alpah": 1.0}, TypeError, "alpah"),
        ("elu", {"alpha": "1"}, TypeError, "alpha"),
        ("elu", {"alpha": None}, TypeError, "alpha"),
        ("elu", {"alpha": True}, TypeError, "alpha"),
        ("elu", {"alpha": math.nan}, ValueError, "alpha"),
        ("celu", {"alpha": 0.0}, ValueError, "alpha"),
        ("leaky_relu", {"negative_slope": [0.1]}, TypeError, "negative_slope"),
        ("gelu", {"approximate": "fast"}, ValueError, "approximate"),
        ("gelu", {"approximate": True}, TypeError, "approximate"),
        ("gelu", {"approximate": None}, TypeError, "approximate"),
        ("softplus", {"beta": 0.0}, ValueError, "beta"),
        ("softplus", {"beta": -1.0}, ValueError, "beta"),
        ("swish", {"beta": 1j}, TypeError, "beta"),
        ("hard_tanh", {"min_val": 2.0}, ValueError, "min_val"),
        ("hard_tanh", {"max_val": "1"}, TypeError, "max_val"),
    ],
)
def test_bad_params_are_rejected_naming_the_argument(
    name: str, params: dict, error: type, argument: str
) -> None:
    """Unknown or wrongly typed parameters raise TypeError/ValueError naming the parameter."""
    rec = ACTIVATIONS[name]
    for fn in (rec, rec.grad, lambda x, **p: rec.sympy(**p)):
        with pytest.raises(error, match=rf"^{argument}:"):
            fn(1.0, **params)


@pytest.mark.parametrize("name", sorted(SOFTMAX_FAMILY))
def test_softmax_bad_arguments(name: str) -> None:
    """temperature <= 0, bad axis, scalar logits and bad n are rejected, naming the argument."""
    rec = SOFTMAX_FAMILY[name]
    x = np.zeros((2, 3))
    for temperature, error in [(0.0, ValueError), (-1.0, ValueError), (math.inf, ValueError),
                               ("1", TypeError), (None, TypeError)]:
        with pytest.raises(error, match="^temperature:"):
            rec(x, temperature=temperature)
        with pytest.raises(error, match="^temperature:"):
            rec.jacobian(x, temperature=temperature)
    bad_axes = [(2, ValueError), (-3, ValueError), (1.0, TypeError), (None, TypeError), (True, TypeError)]
    for axis, error in bad_axes:
        with pytest.raises(error, match="^axis:"):
            rec(x, axis=axis)
    with pytest.raises(ValueError, match="^x:"):
        rec(1.0)
    with pytest.raises(ValueError, match="^x:"):
        rec.jacobian(1.0)
    with pytest.raises(ValueError, match="^n:"):
        rec.sympy(n=0)
    with pytest.raises(TypeError, match="^n:"):
        rec.sympy(n=2.0)


# --------------------------------------------------------------------------- properties


GRID = np.concatenate([np.linspace(-50, 50, 20001), [-1e7, -1e4, -1e3, 1e3, 1e4, 1e7]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_properties_match_the_numbers(name: str) -> None:
    """output_range, monotonic, saturation, smoothness and zero-centring agree with evaluation."""
    rec = ACTIVATIONS[name]
    props = rec.properties
    values, grads = rec(GRID), rec.grad(GRID)
    lo, hi = props["output_range"]
    assert np.all(values >= lo - 1e-12) and np.all(values <= hi + 1e-12)
    if math.isfinite(lo):
        assert values.min() <= lo + 1e-6, "lower end of output_range is approached"
    if math.isfinite(hi):
        assert values.max() >= hi - 1e-3, "upper end of output_range is approached"
    else:
        assert values.max() >= 1e3
    assert props["monotonic"] == bool(np.all(grads >= 0))
    assert props["saturates_left"] == bool(abs(rec.grad(-1e4)) < 1e-6)
    assert props["saturates_right"] == bool(abs(rec.grad(1e4)) < 1e-6)
    if props["saturates_left"] and name != "softsign":
        assert abs(rec.grad(-50.0)) < 1e-6
    # C^1: neither the value nor the derivative jumps between neighbours 1e-4 apart
    fine = np.linspace(-10, 10, 200001)
    jumps = max(np.max(np.abs(np.diff(rec(fine)))), np.max(np.abs(np.diff(rec.grad(fine)))))
    assert props["smooth"] == bool(jumps < 1e-2), jumps
    z, w = np.polynomial.hermite_e.hermegauss(80)
    mean = float(np.sum(w * rec(z)) / np.sum(w))
    assert props["zero_centred"] == (abs(mean) < 0.05), mean


def test_kinks_are_listed_where_smoothness_fails() -> None:
    """Non-smooth activations list their kinks; smooth ones list none."""
    for name, rec in ACTIVATIONS.items():
        assert bool(rec.kinks()) == (not rec.properties["smooth"]), name
    assert act.elu.kinks(alpha=2.0) == (0.0,)
    assert act.hard_tanh.kinks() == (-1.0, 1.0)
