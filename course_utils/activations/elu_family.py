"""ELU, CELU and SELU (lesson 4): exponential negative parts that pull the mean towards 0.

All three share one formula, ``scale * (x if x > 0 else alpha * expm1(x * inv))``;
``expm1`` keeps the relative accuracy near 0, and the argument is clipped to ``x <= 0``
before the exponential, so no branch can overflow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import BIG, INF, Activation, Properties, positive_param, real_param, scaled, sym_number

#: SELU's alpha (Klambauer et al., 2017), the fixed point that keeps mean 0 and variance 1.
SELU_ALPHA = 1.6732632423543772848170429916717
#: SELU's scale lambda (Klambauer et al., 2017).
SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA_STR = "1.6732632423543772848170429916717"
_SELU_SCALE_STR = "1.0507009873554804934193349852946"


def _elu_core(x: np.ndarray, alpha: float, scale: float = 1.0, inv: float = 1.0) -> np.ndarray:
    # x <= 0 branch on min(x, 0): expm1 keeps the relative accuracy near 0 and cannot overflow
    neg = alpha * np.expm1(np.clip(x, -BIG / inv, 0.0) * inv)
    pos = x if scale == 1.0 else scaled(x, scale)
    return np.where(x > 0.0, pos, scale * neg)


def _elu_core_grad(x: np.ndarray, alpha: float, scale: float = 1.0, inv: float = 1.0) -> np.ndarray:
    neg = alpha * inv * np.exp(np.clip(x, -BIG / inv, 0.0) * inv)
    return np.where(x > 0.0, scale, scale * neg)


# --------------------------------------------------------------------------- elu


def _elu(x: np.ndarray, alpha: float) -> np.ndarray:
    return _elu_core(x, alpha)


def _elu_grad(x: np.ndarray, alpha: float) -> np.ndarray:
    return _elu_core_grad(x, alpha)


def _elu_sympy(sp: Any, x: Any, alpha: Any) -> Any:
    return sp.Piecewise((x, x > 0), (sym_number(sp, alpha) * (sp.exp(x) - 1), True))


def _elu_kinks(alpha: float) -> tuple[float, ...]:
    return () if alpha == 1.0 else (0.0,)


elu = Activation(
    name="elu",
    value=_elu,
    grad=_elu_grad,
    sympy=_elu_sympy,
    latex=r"\operatorname{ELU}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
    properties=Properties.of(
        output_range=(-1.0, INF),
        zero_centred=False,
        monotonic=True,
        smooth=True,
        saturates_left=True,
        saturates_right=False,
        cost="exp",
        typical_use="ReLU alternative with negative outputs that pull mean activations towards 0",
    ),
    params={"alpha": 1.0},
    checks={"alpha": real_param},
    kinks=_elu_kinks,
    description="Exponential linear unit; C^1 only for alpha = 1 (elu'(0) = alpha as in PyTorch).",
)

# --------------------------------------------------------------------------- celu


def _celu(x: np.ndarray, alpha: float) -> np.ndarray:
    return _elu_core(x, alpha, inv=1.0 / alpha)


def _celu_grad(x: np.ndarray, alpha: float) -> np.ndarray:
    return _elu_core_grad(x, alpha, inv=1.0 / alpha)


def _celu_sympy(sp: Any, x: Any, alpha: Any) -> Any:
    a = sym_number(sp, alpha)
    return sp.Piecewise((x, x > 0), (a * (sp.exp(x / a) - 1), True))


celu = Activation(
    name="celu",
    value=_celu,
    grad=_celu_grad,
    sympy=_celu_sympy,
    latex=r"\operatorname{CELU}(x) = \max(0, x) + \min\left(0, \alpha (e^{x/\alpha} - 1)\right)",
    properties=Properties.of(
        output_range=(-1.0, INF),
        zero_centred=False,
        monotonic=True,
        smooth=True,
        saturates_left=True,
        saturates_right=False,
        cost="exp",
        typical_use="ELU made C^1 for every alpha > 0",
    ),
    params={"alpha": 1.0},
    checks={"alpha": positive_param},
    description="Continuously differentiable ELU: slope 1 at 0 for every alpha.",
)

# --------------------------------------------------------------------------- selu


def _selu(x: np.ndarray) -> np.ndarray:
    return _elu_core(x, SELU_ALPHA, scale=SELU_SCALE)


def _selu_grad(x: np.ndarray) -> np.ndarray:
    return _elu_core_grad(x, SELU_ALPHA, scale=SELU_SCALE)


def _selu_sympy(sp: Any, x: Any) -> Any:
    scale = sp.Float(_SELU_SCALE_STR, 34)
    alpha = sp.Float(_SELU_ALPHA_STR, 34)
    return scale * sp.Piecewise((x, x > 0), (alpha * (sp.exp(x) - 1), True))


selu = Activation(
    name="selu",
    value=_selu,
    grad=_selu_grad,
    sympy=_selu_sympy,
    latex=r"\operatorname{SELU}(x) = \lambda \begin{cases} x & x > 0 \\ "
    r"\alpha (e^{x} - 1) & x \le 0 \end{cases}",
    properties=Properties.of(
        output_range=(-SELU_SCALE * SELU_ALPHA, INF),
        zero_centred=True,
        monotonic=True,
        smooth=False,
        saturates_left=True,
        saturates_right=False,
        cost="exp",
        typical_use="self-normalising fully connected nets (LeCun-normal init, alpha-dropout)",
    ),
    kinks=(0.0,),
    description="Scaled ELU whose fixed point keeps activations at mean 0, variance 1.",
)
