"""Numbers quoted in lesson 04's prose, checked against the lesson's own run (see conftest.py).

Each block names the section whose prose quotes the numbers. The bounds are the regression
checks that used to be asserts in the notebook; they are loose enough to hold with any BLAS
(the deep-network statistics are sums of 256 x 256 products, whose last bits differ between
BLAS builds, which can move the fourth significant digit of a 64-layer result, never the
conclusion).
"""

from __future__ import annotations

import math

VARIABLES = (
    "naive_rel_err",
    "digits_kept",
    "digits_float64",
    "digits_lost",
    "alpha_derived",
    "lam_derived",
    "digits",
    "mc_mean",
    "mc_var",
    "se_mean",
    "se_var",
    "selu_floor",
    "worst_after_60",
    "one_layer",
    "contraction",
    "settled",
    "rounded_shift",
    "selu_m",
    "selu_v",
    "relu_m",
    "relu_v",
    "relu_spread",
    "tanh_v",
    "sig_m",
    "he_var",
    "x2_var",
    "he_unit",
    "he_pooled",
    "x2_pooled",
    "ratios",
    "growth",
    "xavier_taus",
    "unstd_var",
    "first_pred",
    "first_within",
    "plain_v",
    "alpha_v",
)

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(value: float, decimals: int = 1) -> str:
    """``2.2e-05`` written as the prose writes it: ``2.2 × 10⁻⁵``."""
    mantissa, exponent = f"{value:.{decimals}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def signed(value: float, decimals: int) -> str:
    """A signed number with the prose's minus sign (U+2212): ``−0.052``."""
    return f"{value:+.{decimals}f}".replace("-", "−").lstrip("+")


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _column(matrix: list[list[float]], j: int) -> list[float]:
    return [row[j] for row in matrix]


def check(values, prose):
    """Do lesson 04's computed numbers still hold, and does its prose still quote them?"""
    v = values

    # 4.2 -- the copied snippet: exp(x) - 1 at x = -1e-12 and the digits it loses
    assert 2.1e-5 < v["naive_rel_err"] < 2.3e-5
    assert 10.5 < v["digits_lost"] < 11.5
    prose.quotes(f"off by {sci(v['naive_rel_err'])} relative")
    prose.quotes(f"about {v['digits_kept']:.1f} correct significant digits of the {v['digits_float64']:.1f}")
    prose.quotes(f"**{v['digits_lost']:.0f} digits lost**")

    # 4.3 -- the constants, their agreement with the paper, and a Monte-Carlo check
    alpha, lam = float(v["alpha_derived"]), float(v["lam_derived"])
    assert v["digits"] >= 12
    prose.quotes("to more than 12 digits")
    prose.quotes(f"α ≈ {alpha:.3f}")  # 4.1: SELU is lambda * ELU with alpha = 1.673
    prose.quotes(f"λ ≈ {lam:.4f} with α ≈ {alpha:.4f}")
    prose.quotes(f"−λα ≈ {signed(v['selu_floor'], 3)}")
    prose.quotes(f"λα ≈ {-v['selu_floor']:.3f} to λ ≈ {lam:.3f}")
    prose.quotes(f"SELU's α ≈ {alpha:.4f} and λ ≈ {lam:.4f}")
    assert abs(v["mc_mean"]) < 1.5 * v["se_mean"] and abs(v["mc_var"] - 1) < 1.5 * v["se_var"]
    prose.quotes("within about one standard error of mean 0 and variance 1")

    # 4.4 -- the map: convergence, one layer from (-0.8, 0.1), contraction, rounded constants
    assert v["worst_after_60"] < 1e-5
    prose.quotes("to within 10⁻⁵ after 60 layers")
    mean1, var1 = v["one_layer"]
    prose.quotes(f"one layer gives ({signed(mean1, 3)}, {var1:.3f})")
    assert abs(mean1 + 0.052) < 5e-4 and abs(var1 - 0.150) < 5e-4
    assert 0.75 < v["contraction"] < 0.8
    prose.quotes(f"about {v['contraction']:.3f}")
    prose.quotes(f"Jacobian norm ≈ {v['contraction']:.2f} < 1")
    rounded, no_lambda = v["settled"]["rounded"], v["settled"]["no lambda"]
    prose.quotes(f"only to ({signed(rounded[0], 4)}, {rounded[1]:.3f})")
    shift_mean, shift_var = v["rounded_shift"]
    prose.quotes(f"the mean by {sci(shift_mean)} and the variance by {shift_var:.1%}".replace("%", " %"))
    assert abs(rounded[0]) < 1e-3 and 0.98 < rounded[1] < 0.99
    prose.quotes(f"({signed(no_lambda[0], 3)}, {no_lambda[1]:.3f})")
    prose.quotes(f"about {no_lambda[1]:.2f} instead of 1")
    assert 0.6 < no_lambda[1] < 0.65

    # 4.5 -- the 64-layer experiment (5 seeds x 64 layers per pair)
    selu_mean_max = max(abs(m) for row in v["selu_m"] for m in row)
    selu_var_dev = max(abs(s - 1) for row in v["selu_v"] for s in row)
    assert selu_mean_max < 0.1 and selu_var_dev < 0.2  # every layer, every seed
    prose.quotes(f"|mean| ≤ {selu_mean_max:.3f}, |variance − 1| ≤ {selu_var_dev:.3f}")
    relu_min_mean = min(m for row in v["relu_m"] for m in row)
    relu_last = _column(v["relu_v"], -1)
    assert relu_min_mean > 0.2 and 0.2 < _median(relu_last) < 5 and v["relu_spread"] > 2
    prose.quotes(f"median {_median(relu_last):.2f} at layer 64")
    prose.quotes(f"never below {relu_min_mean:.3f}")
    prose.quotes(f"differs {v['relu_spread']:.1f}-fold between seeds")
    tanh_first, tanh_last = _column(v["tanh_v"], 0), _column(v["tanh_v"], -1)
    assert max(tanh_last) < 0.1 and max(tanh_last) < min(tanh_first) / 5  # tanh shrinks
    prose.quotes(f"({sum(tanh_first) / 5:.3f} at layer 1, {sum(tanh_last) / 5:.4f} at layer 64)")
    sig_last = _column(v["sig_m"], -1)
    assert max(abs(m - 0.5) for m in sig_last) < 0.05  # sigmoid sits at 0.5
    prose.quotes(f"mean ≈ {sum(sig_last) / len(sig_last):.3f}")

    # 4.6 -- where it breaks: He and 2 x LeCun, Xavier, inputs, dropout
    he_unit_last, he_pred, x2_pred = v["he_unit"][-1][1], v["he_pooled"][-1][1], v["x2_pooled"][-1][1]
    for measured, predicted in ((v["he_var"], he_pred), (v["x2_var"], x2_pred)):
        assert abs(math.log10(measured / predicted)) < math.log10(2)
    assert v["he_var"] > 100 * he_unit_last and 15 < he_unit_last < 20
    prose.quotes("within a factor of 2")
    prose.quotes(f"measured / predicted = {v['ratios'][0]:.2f} and {v['ratios'][1]:.2f}")
    prose.quotes(f"map's value of {he_unit_last:.1f}")
    g2, g4 = v["growth"]["2.0"], v["growth"]["4.0"]
    assert abs(g2 - lam**2) < 0.02 and abs(g4 - 2 * lam**2) < 0.05
    prose.quotes(f"≈ {g2:.2f} for He and ≈ {g4:.2f} for 2 × LeCun")
    prose.quotes(f"grows by about {round((g2 - 1) * 100)} % per layer")
    prose.quotes(f"τ ≈ {v['xavier_taus']['784->256']:.2f}")
    prose.quotes(f"256 → 784 layer τ ≈ {v['xavier_taus']['256->784']:.2f}")
    unstd = v["unstd_var"]
    assert abs(unstd[0] / v["first_pred"] - 1) < 0.15 and abs(unstd[-1] - 1) < 0.2  # far off, then recovers
    assert 9 <= v["first_within"] <= 16
    prose.quotes(f"variance about {round(unstd[0])}, as the pooled map predicts")
    prose.quotes(f"from layer {v['first_within']} on")
    assert abs(v["alpha_v"] - 1) < 0.2 and abs(v["plain_v"] - 1) > 3 * abs(v["alpha_v"] - 1)
    prose.quotes(f"({v['plain_v']:.3f} at layer 64), while alpha dropout keeps it at {v['alpha_v']:.3f}")
