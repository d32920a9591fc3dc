"""Smooth ReLU-like activations (lesson 5): silu, swish, gelu, mish, hard_swish, softplus.

Most are ``x * gate(x)`` for a gate that rises from 0 to 1 (a sigmoid, Phi, tanh of
softplus, a clipped line); :func:`~._base.gated` keeps ``x * 0 = 0`` for ``x = +-inf``.
Gates are evaluated on clipped arguments so that no exponential can overflow.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special as _sc

from ._base import (
    BIG,
    INF,
    Activation,
    Properties,
    gated,
    nan_where,
    positive_param,
    real_param,
    sym_number,
    sym_sigmoid,
)

# minima of the non-monotonic ones (checked against a fine grid in the tests)
_SILU_MIN = -0.27846454276107385
_MISH_MIN = -0.3088434130172505
_GELU_MIN = -0.16997120747990366

# --------------------------------------------------------------------------- swish


def _swish(x: np.ndarray, beta: float) -> np.ndarray:
    if beta == 0.0:
        return 0.5 * x
    lim = BIG / abs(beta)
    return gated(x, _sc.expit(beta * np.clip(x, -lim, lim)))


def _swish_grad(x: np.ndarray, beta: float) -> np.ndarray:
    """sigma(bx) + bx sigma(bx) sigma(-bx) (for beta = 1: f + sigma(1 - f))."""
    if beta == 0.0:
        return nan_where(x, np.full_like(x, 0.5))
    lim = BIG / abs(beta)
    z = beta * np.clip(x, -lim, lim)
    s = _sc.expit(z)
    return s + z * s * _sc.expit(-z)


def _swish_sympy(sp: Any, x: Any, beta: Any) -> Any:
    return x * sym_sigmoid(sp, sym_number(sp, beta) * x)


swish = Activation(
    name="swish",
    value=_swish,
    grad=_swish_grad,
    sympy=_swish_sympy,
    latex=r"\operatorname{swish}(x) = x \, \sigma(\beta x)",
    properties=Properties.of(
        output_range=(_SILU_MIN, INF),
        zero_centred=False,
        monotonic=False,
        smooth=True,
        saturates_left=True,
        saturates_right=False,
        cost="exp",
        typical_use="searched activation (Ramachandran et al.); beta -> inf tends to ReLU",
    ),
    params={"beta": 1.0},
    checks={"beta": real_param},
    description="x * sigmoid(beta x); f' = beta f + sigma(beta x)(1 - beta f).",
)

# --------------------------------------------------------------------------- silu


def _silu(x: np.ndarray) -> np.ndarray:
    return _swish(x, 1.0)


def _silu_grad(x: np.ndarray) -> np.ndarray:
    return _swish_grad(x, 1.0)


def _silu_sympy(sp: Any, x: Any) -> Any:
    return x * sym_sigmoid(sp, x)


silu = Activation(
    name="silu",
    value=_silu,
    grad=_silu_grad,
    sympy=_silu_sympy,
    latex=r"\operatorname{SiLU}(x) = x \, \sigma(x)",
    properties=Properties.of(
        output_range=(_SILU_MIN, INF),
        zero_centred=False,
        monotonic=False,
        smooth=True,
        saturates_left=True,
        saturates_right=False,
        cost="exp",
        typical_use="hidden layers of modern CNNs (EfficientNet) and transformers",
    ),
    description="x * sigmoid(x) (Swish with beta = 1).",
)

# --------------------------------------------------------------------------- gelu

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_COEF = 0.044715
_GELU_SIGMOID_COEF = 1.702
_GELU_FORMS = ("none", "tanh", "sigmoid")


def _gelu_form(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected one of {_GELU_FORMS}, got {type(value).__name__}")
    if value not in _GELU_FORMS:
        raise ValueError(f"{name}: expected one of {_GELU_FORMS}, got {value!r}")
    return value


def _gelu(x: np.ndarray, approximate: str) -> np.ndarray:
    if approximate == "sigmoid":
        return _swish(x, _GELU_SIGMOID_COEF)
    if approximate == "tanh":
        # 0.5 x (1 + tanh u) = x sigma(2u): no cancellation for x << 0
        xc = np.clip(x, -50.0, 50.0)
        two_u = 2.0 * _SQRT_2_OVER_PI * xc * (1.0 + _GELU_TANH_COEF * xc * xc)
        return gated(x, _sc.expit(two_u))
    # x Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2: erfc keeps the tail for x << 0
    xc = np.maximum(x, -40.0)
    return gated(x, 0.5 * _sc.erfc(-xc * _SQRT1_2))


def _gelu_grad(x: np.ndarray, approximate: str) -> np.ndarray:
    if approximate == "sigmoid":
        return _swish_grad(x, _GELU_SIGMOID_COEF)
    xc = np.clip(x, -50.0, 50.0)
    if approximate == "tanh":
        xc2 = xc * xc
        two_u = 2.0 * _SQRT_2_OVER_PI * xc * (1.0 + _GELU_TANH_COEF * xc2)
        d_two_u = 2.0 * _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_COEF * xc2)
        s = _sc.expit(two_u)
        return s + xc * s * _sc.expit(-two_u) * d_two_u
    # Phi(x) + x phi(x)
    return 0.5 * _sc.erfc(-xc * _SQRT1_2) + xc * _INV_SQRT_2PI * np.exp(-0.5 * xc * xc)


def _gelu_sympy(sp: Any, x: Any, approximate: str) -> Any:
    if approximate == "sigmoid":
        return x * sym_sigmoid(sp, sp.Rational(1702, 1000) * x)
    if approximate == "tanh":
        inner = sp.sqrt(2 / sp.pi) * (x + sp.Rational(44715, 1000000) * x**3)
        return x / 2 * (1 + sp.tanh(inner))
    return x / 2 * (1 + sp.erf(x / sp.sqrt(2)))


gelu = Activation(
    name="gelu",
    value=_gelu,
    grad=_gelu_grad,
    sympy=_gelu_sympy,
    latex=r"\operatorname{GELU}(x) = x \, \Phi(x) = \frac{x}{2}\left(1 + "
    r"\operatorname{erf}\left(\frac{x}{\sqrt{2}}\right)\right)",
    properties=Properties.of(
        output_range=(_GELU_MIN, INF),
        zero_centred=False,
        monotonic=False,
        smooth=True,
        saturates_left=True,
        saturates_right=False,
        cost="erf",
        typical_use="feed-forward blocks of transformers (BERT, GPT)",
    ),
    params={"approximate": "none"},
    checks={"approximate": _gelu_form},
    description=(
        "x * Phi(x); approximate='tanh' is 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))), "
        "approximate='sigmoid' is x * sigmoid(1.702 x)."
    ),
)

# --------------------------------------------------------------------------- mish


def _mish_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """t = tanh(softplus(x)) and 1 - t, from w = e^{-|x|} (one exp, w <= 1).

    With s = 1 + e^x, tanh(log s) = (s^2 - 1) / (s^2 + 1), which is
    w(w + 2) / (w(w + 2) + 2) for x <= 0 (w = e^x) and (1 + 2w) / (1 + 2w + 2w^2) for
    x > 0 (w = e^{-x}): every term is positive, so there is no cancellation.
    """
    w = np.exp(-np.abs(x))
    pos = x > 0.0
    w2 = w * w
    # numerator and denominator of t, and of 1 - t, for both signs at once
    num = np.where(pos, 1.0 + 2.0 * w, w2 + 2.0 * w)
    den = num + np.where(pos, 2.0 * w2, 2.0)
    t = num / den
    one_minus_t = np.where(pos, 2.0 * w2, 2.0) / den
    return t, one_minus_t


def _mish(x: np.ndarray) -> np.ndarray:
    t, _ = _mish_parts(x)
    return gated(x, t)


def _mish_grad(x: np.ndarray) -> np.ndarray:
    """tanh(sp) + x sech^2(sp) sigma(x), with sech^2 = (1 - t)(1 + t) computed without cancellation."""
    t, omt = _mish_parts(x)
    return t + gated(x, omt * (1.0 + t) * _sc.expit(x))


def _mish_sympy(sp: Any, x: Any) -> Any:
    return x * sp.tanh(sp.log(1 + sp.exp(x)))


mish = Activation(
    name="mish",
    value=_mish,
    grad=_mish_grad,
    sympy=_mish_sympy,
    latex=r"\operatorname{Mish}(x) = x \tanh\left(\log\left(1 + e^{x}\right)\right)",
    properties=Properties.of(
        output_range=(_MISH_MIN, INF),
        zero_centred=False,
        monotonic=False,
        smooth=True,
        saturates_left=True,
        saturates_right=False,
        cost="exp, log, tanh",
        typical_use="drop-in smooth ReLU replacement in detection backbones (YOLOv4)",
    ),
    description="x * tanh(softplus(x)).",
)

# --------------------------------------------------------------------------- hard_swish


def _hard_swish(x: np.ndarray) -> np.ndarray:
    return gated(x, np.clip(x + 3.0, 0.0, 6.0) / 6.0)


def _hard_swish_grad(x: np.ndarray) -> np.ndarray:
    """0 for x <= -3, x/3 + 1/2 for -3 < x < 3, 1 for x >= 3.

    At the kinks ±3 this takes the outer pieces' slopes (0 and 1), as PyTorch's autograd does
    (``torch.nn.functional.hardswish``, torch 2.13, float32 and float64).
    """
    mid = np.clip(x, -3.0, 3.0) / 3.0 + 0.5
    return nan_where(x, np.where(x <= -3.0, 0.0, np.where(x < 3.0, mid, 1.0)))


def _hard_swish_sympy(sp: Any, x: Any) -> Any:
    return sp.Piecewise((0, x <= -3), (x, x >= 3), (x * (x + 3) / 6, True))


hard_swish = Activation(
    name="hard_swish",
    value=_hard_swish,
    grad=_hard_swish_grad,
    sympy=_hard_swish_sympy,
    latex=r"\operatorname{hardswish}(x) = x \, \frac{\min(\max(x + 3, 0), 6)}{6}",
    properties=Properties.of(
        output_range=(-0.375, INF),
        zero_centred=False,
        monotonic=False,
        smooth=False,
        saturates_left=True,
        saturates_right=False,
        cost="comparison, multiply-add",
        typical_use="cheap Swish for mobile networks (MobileNetV3)",
    ),
    kinks=(-3.0, 3.0),
    description="x * hard_sigmoid(x); derivative 0 at -3 and 1 at 3, as PyTorch's autograd.",
)

# --------------------------------------------------------------------------- softplus


def _softplus(x: np.ndarray, beta: float) -> np.ndarray:
    """max(x, 0) + log1p(e^{-beta |x|}) / beta: no branch can overflow."""
    lim = BIG / beta
    return np.maximum(x, 0.0) + np.log1p(np.exp(-beta * np.abs(np.clip(x, -lim, lim)))) / beta


def _softplus_grad(x: np.ndarray, beta: float) -> np.ndarray:
    """sigma(beta x), on a clipped argument (the result is the same, the flags stay quiet)."""
    lim = BIG / beta
    return _sc.expit(beta * np.clip(x, -lim, lim))


def _softplus_sympy(sp: Any, x: Any, beta: Any) -> Any:
    return sp.log(1 + sp.exp(sym_number(sp, beta) * x)) / sym_number(sp, beta)


softplus = Activation(
    name="softplus",
    value=_softplus,
    grad=_softplus_grad,
    sympy=_softplus_sympy,
    latex=r"\operatorname{softplus}(x) = \frac{1}{\beta} \log\left(1 + e^{\beta x}\right)",
    properties=Properties.of(
        output_range=(0.0, INF),
        zero_centred=False,
        monotonic=True,
        smooth=True,
        saturates_left=True,
        saturates_right=False,
        cost="exp, log",
        typical_use="smooth ReLU; keeps outputs positive (variances, rates)",
    ),
    params={"beta": 1.0},
    checks={"beta": positive_param},
    description=(
        "(1/beta) log(1 + e^{beta x}) exactly (no threshold shortcut); derivative sigma(beta x)."
    ),
)
