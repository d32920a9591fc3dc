"""Sigmoid, tanh and their relatives (lesson 2): S-shaped functions that saturate.

sigmoid, log_sigmoid, tanh, softsign, tanhshrink, and the piecewise-linear hard_sigmoid and
hard_tanh. The derivatives are written so that they keep their relative accuracy in the
tails, where the textbook forms ``s (1 - s)`` and ``1 - t^2`` round to 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special as _sc

from ._base import BIG, INF, Activation, Properties, nan_where, real_param, sym_number, sym_sigmoid

# --------------------------------------------------------------------------- sigmoid


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return _sc.expit(x)


def _sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """sigma(x) sigma(-x) = e / (1 + e)^2 with e = e^{-|x|} <= 1: one exp, no overflow.

    Backprop usually evaluates sigma (1 - sigma) from the stored forward output, which is
    cheap, but 1 - sigma cancels to 0 for x > 37; this form keeps the relative accuracy.

    >>> float(_sigmoid_grad(np.array([40.0]))[0])  # sigma(1 - sigma) would give 0
    4.248354255291589e-18
    """
    e = np.exp(-np.abs(x))
    d = 1.0 + e
    return e / (d * d)


def _sigmoid_sympy(sp: Any, x: Any) -> Any:
    return sym_sigmoid(sp, x)


sigmoid = Activation(
    name="sigmoid",
    value=_sigmoid,
    grad=_sigmoid_grad,
    sympy=_sigmoid_sympy,
    latex=r"\sigma(x) = \frac{1}{1 + e^{-x}}",
    properties=Properties.of(
        output_range=(0.0, 1.0),
        zero_centred=False,
        monotonic=True,
        smooth=True,
        saturates_left=True,
        saturates_right=True,
        cost="exp",
        typical_use="probability output for binary classification; gates in LSTM/GRU cells",
    ),
    description="The logistic function; sigma' = sigma (1 - sigma) <= 1/4 makes deep stacks vanish.",
)

# --------------------------------------------------------------------------- log_sigmoid


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return _sc.log_expit(x)


def _log_sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """d/dx log sigma(x) = 1 - sigma(x) = sigma(-x), computed as the latter (no cancellation)."""
    return _sc.expit(-x)


def _log_sigmoid_sympy(sp: Any, x: Any) -> Any:
    return -sp.log(1 + sp.exp(-x))


log_sigmoid = Activation(
    name="log_sigmoid",
    value=_log_sigmoid,
    grad=_log_sigmoid_grad,
    sympy=_log_sigmoid_sympy,
    latex=r"\log \sigma(x) = -\log\left(1 + e^{-x}\right)",
    properties=Properties.of(
        output_range=(-INF, 0.0),
        zero_centred=False,
        monotonic=True,
        smooth=True,
        saturates_left=False,
        saturates_right=True,
        cost="exp, log",
        typical_use="numerically stable log-probabilities in binary cross-entropy losses",
    ),
    description="log(sigmoid(x)) computed without forming sigmoid (scipy.special.log_expit).",
)

# --------------------------------------------------------------------------- tanh


def _tanh(x: np.ndarray) -> np.ndarray:
    return np.tanh(x)


def _tanh_grad(x: np.ndarray) -> np.ndarray:
    """sech^2 x = 4 e^{-2|x|} / (1 + e^{-2|x|})^2, which keeps its relative accuracy where
    1 - tanh^2 rounds to 0 (|x| > 19); backprop usually reuses the forward output instead."""
    e = np.exp(-2.0 * np.minimum(np.abs(x), 0.5 * BIG))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def _tanh_sympy(sp: Any, x: Any) -> Any:
    return sp.tanh(x)


tanh = Activation(
    name="tanh",
    value=_tanh,
    grad=_tanh_grad,
    sympy=_tanh_sympy,
    latex=r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    properties=Properties.of(
        output_range=(-1.0, 1.0),
        zero_centred=True,
        monotonic=True,
        smooth=True,
        saturates_left=True,
        saturates_right=True,
        cost="exp",
        typical_use="hidden layers of RNNs and small MLPs; the zero-centred sigmoid",
    ),
    description="tanh(x) = 2 sigma(2x) - 1; tanh' = 1 - tanh^2.",
)

# --------------------------------------------------------------------------- softsign


def _softsign(x: np.ndarray) -> np.ndarray:
    xc = np.clip(x, -1e300, 1e300)  # x / (1 + |x|) is +-1 in float64 long before this
    return xc / (1.0 + np.abs(xc))


def _softsign_grad(x: np.ndarray) -> np.ndarray:
    r = 1.0 / (1.0 + np.abs(x))
    return r * r


def _softsign_sympy(sp: Any, x: Any) -> Any:
    return x / (1 + sp.Abs(x))


softsign = Activation(
    name="softsign",
    value=_softsign,
    grad=_softsign_grad,
    sympy=_softsign_sympy,
    latex=r"\operatorname{softsign}(x) = \frac{x}{1 + |x|}",
    properties=Properties.of(
        output_range=(-1.0, 1.0),
        zero_centred=True,
        monotonic=True,
        smooth=True,
        saturates_left=True,
        saturates_right=True,
        cost="division",
        typical_use="cheap tanh substitute whose tails saturate polynomially, not exponentially",
    ),
    description="x / (1 + |x|); derivative 1 / (1 + |x|)^2.",
)

# --------------------------------------------------------------------------- tanhshrink

# Taylor series of x - tanh x = x^3/3 - 2x^5/15 + 17x^7/315 - ...; used for |x| < 0.1,
# where x - tanh(x) would cancel.
_TANHSHRINK_SERIES = (
    1.0 / 3.0,
    -2.0 / 15.0,
    17.0 / 315.0,
    -62.0 / 2835.0,
    1382.0 / 155925.0,
    -21844.0 / 6081075.0,
    929569.0 / 638512875.0,
)


def _tanhshrink(x: np.ndarray) -> np.ndarray:
    out = x - np.tanh(x)
    small = np.abs(x) < 0.1
    if small.any():
        xs = x[small]
        x2 = xs * xs
        poly = np.zeros_like(xs)
        for c in reversed(_TANHSHRINK_SERIES):
            poly = poly * x2 + c
        out[small] = xs * x2 * poly
    return out


def _tanhshrink_grad(x: np.ndarray) -> np.ndarray:
    """1 - (1 - tanh^2 x) = tanh^2 x: no subtraction, so no cancellation near 0."""
    t = np.tanh(x)
    return t * t


def _tanhshrink_sympy(sp: Any, x: Any) -> Any:
    return x - sp.tanh(x)


tanhshrink = Activation(
    name="tanhshrink",
    value=_tanhshrink,
    grad=_tanhshrink_grad,
    sympy=_tanhshrink_sympy,
    latex=r"\operatorname{tanhshrink}(x) = x - \tanh(x)",
    properties=Properties.of(
        output_range=(-INF, INF),
        zero_centred=True,
        monotonic=True,
        smooth=True,
        saturates_left=False,
        saturates_right=False,
        cost="exp",
        typical_use="rarely used; shrinks small values (sparse coding, denoising)",
    ),
    description="x - tanh(x); derivative tanh^2(x).",
)

# --------------------------------------------------------------------------- hard_sigmoid


def _hard_sigmoid(x: np.ndarray) -> np.ndarray:
    # relu6(x + 3) / 6, as PyTorch computes it: x + 3 is exact near the kink at -3, where
    # x / 6 + 1/2 loses the low bits (1.8e-15 relative error at x = -2.9375)
    return np.clip(x + 3.0, 0.0, 6.0) / 6.0


def _hard_sigmoid_grad(x: np.ndarray) -> np.ndarray:
    return nan_where(x, np.where((x > -3.0) & (x < 3.0), 1.0 / 6.0, 0.0))


def _hard_sigmoid_sympy(sp: Any, x: Any) -> Any:
    return sp.Piecewise((0, x <= -3), (1, x >= 3), (x / 6 + sp.Rational(1, 2), True))


hard_sigmoid = Activation(
    name="hard_sigmoid",
    value=_hard_sigmoid,
    grad=_hard_sigmoid_grad,
    sympy=_hard_sigmoid_sympy,
    latex=r"\operatorname{hardsigmoid}(x) = "
    r"\min\left(\max\left(\frac{x}{6} + \frac{1}{2}, 0\right), 1\right)",
    properties=Properties.of(
        output_range=(0.0, 1.0),
        zero_centred=False,
        monotonic=True,
        smooth=False,
        saturates_left=True,
        saturates_right=True,
        cost="comparison, multiply-add",
        typical_use="cheap sigmoid for mobile networks (MobileNetV3 squeeze-excite gates)",
    ),
    kinks=(-3.0, 3.0),
    description="PyTorch's clip(x/6 + 1/2, 0, 1); derivative 0 at +-3.",
)

# --------------------------------------------------------------------------- hard_tanh


def _hard_tanh(x: np.ndarray, min_val: float, max_val: float) -> np.ndarray:
    return np.clip(x, min_val, max_val)


def _hard_tanh_grad(x: np.ndarray, min_val: float, max_val: float) -> np.ndarray:
    return nan_where(x, ((x > min_val) & (x < max_val)).astype(np.float64))


def _hard_tanh_sympy(sp: Any, x: Any, min_val: Any, max_val: Any) -> Any:
    lo, hi = sym_number(sp, min_val), sym_number(sp, max_val)
    return sp.Piecewise((lo, x <= min_val), (hi, x >= max_val), (x, True))


def _hard_tanh_kinks(min_val: float, max_val: float) -> tuple[float, ...]:
    return (min_val, max_val)


def _check_limits(p: dict[str, Any]) -> None:
    lo, hi = p["min_val"], p["max_val"]
    if isinstance(lo, float) and isinstance(hi, float) and not lo < hi:
        raise ValueError(f"min_val: expected min_val < max_val, got min_val={lo}, max_val={hi}")


hard_tanh = Activation(
    name="hard_tanh",
    value=_hard_tanh,
    grad=_hard_tanh_grad,
    sympy=_hard_tanh_sympy,
    latex=r"\operatorname{hardtanh}(x) = \min(\max(x, a), b)",
    properties=Properties.of(
        output_range=(-1.0, 1.0),
        zero_centred=True,
        monotonic=True,
        smooth=False,
        saturates_left=True,
        saturates_right=True,
        cost="comparison",
        typical_use="cheap bounded activation; clipping in quantised or binarised networks",
    ),
    params={"min_val": -1.0, "max_val": 1.0},
    checks={"min_val": real_param, "max_val": real_param},
    constraint=_check_limits,
    kinks=_hard_tanh_kinks,
    description="Clip to [min_val, max_val]; derivative 0 at the limits.",
)
