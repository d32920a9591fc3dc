"""Numbers quoted in lesson 05's prose, checked against the lesson's own run (see conftest.py).

The bounds are the regression checks that used to be asserts in the notebook. Everything in
this lesson is elementwise arithmetic (no BLAS), so results agree across platforms to a few
units in the last place; the bounds leave far more room than that.
"""

from __future__ import annotations

VARIABLES = (
    "peak_slope",
    "err_tanh",
    "at_tanh",
    "err_sig",
    "at_sig",
    "tail_err",
    "c_taylor_value",
    "k_best",
    "fit_history",
    "beta_hat",
    "x_min",
    "f_min",
    "overshoot",
    "minima",
    "inside",
    "at_kinks",
    "depth_order",
    "gap_silu",
    "gap_1702",
)

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(value: float, decimals: int = 2) -> str:
    """``4.7324e-04`` written as the prose writes it: ``4.73 × 10⁻⁴``."""
    mantissa, exponent = f"{value:.{decimals}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def neg(value: float, decimals: int) -> str:
    """A negative number with the prose's minus sign (U+2212): ``−0.3088``."""
    assert value < 0
    return f"−{-value:.{decimals}f}"


def check(values, prose):
    """Do lesson 05's computed numbers still hold, and does its prose still quote them?"""
    v = values

    # 5.1 -- GELU's steepest slope
    assert abs(v["peak_slope"] - 1.1289) < 1e-4
    prose.quotes(f"about {v['peak_slope']:.3f} at x = √2")
    prose.quotes(f"peaks at {v['peak_slope']:.3f} (x = √2)")

    # 5.2 -- the two approximations
    assert abs(v["err_tanh"] - 4.7324e-4) < 1e-8 and abs(abs(v["at_tanh"]) - 2.6989) < 1e-3
    assert abs(v["err_sig"] - 2.0335e-2) < 1e-6 and abs(abs(v["at_sig"]) - 2.2704) < 1e-3
    ratio = v["err_sig"] / v["err_tanh"]
    assert 42 < ratio < 44 and v["tail_err"] < 1e-6
    prose.quotes(f"**{sci(v['err_tanh'])}** (at x ≈ ±{abs(v['at_tanh']):.3f})")
    prose.quotes(f"**{sci(v['err_sig'])}** (at x ≈ ±{abs(v['at_sig']):.3f})")
    prose.quotes(f"about {ratio:.0f} times worse")
    prose.quotes("below 10⁻⁶ for 10 ≤ |x| ≤ 60")
    prose.quotes(f"at ±{abs(v['at_tanh']):.2f} (tanh) and ±{abs(v['at_sig']):.2f} (sigmoid)")
    prose.quotes(f"within {sci(v['err_tanh'])} of GELU (worst at x ≈ ±{abs(v['at_tanh']):.2f})")
    prose.quotes(f"within {sci(v['err_sig'])} (worst at x ≈ ±{abs(v['at_sig']):.2f})")
    prose.quotes(f"up to {sci(v['err_tanh'], 1)}")
    assert abs(v["c_taylor_value"] - 0.0455399) < 1e-6
    prose.quotes(f"\\approx {v['c_taylor_value']:.5f}$")
    assert round(v["k_best"], 3) == 1.702

    # 5.3 -- the learnable beta: one step and the fit
    (beta0, loss0), (beta1, loss1) = v["fit_history"][0], v["fit_history"][1]
    assert beta0 == 1.0 and 1.6 < beta1 < 1.64 and loss1 < loss0 / 50
    assert abs(v["beta_hat"] - 1.780) < 2e-3
    prose.quotes(f"takes β from 1 to {beta1:.3f}")
    prose.quotes(f"from {sci(loss0, 3)} to {sci(loss1, 3)}")
    prose.quotes(f"β settles at {v['beta_hat']:.3f}")
    prose.quotes(f"from 1 to {v['beta_hat']:.3f}")

    # 5.4 -- the dip of SiLU and the overshoot of its slope
    x_min, f_min = float(v["x_min"]), float(v["f_min"])
    assert abs(x_min + 1.2784645427610738) < 1e-15
    prose.quotes(f"\\approx {x_min:.5f}, \\qquad f(x^*) = x^* + 1 = -W(e^{{-1}}) \\approx {f_min:.5f}")
    prose.quotes(f"≈ {neg(x_min, 4)}, with value −W(1/e) ≈ {neg(f_min, 4)}")
    slopes = list(v["overshoot"].values())
    assert max(slopes) - min(slopes) < 1e-12 and abs(slopes[0] - 1.0998) < 1e-3
    prose.quotes(f"about {slopes[0]:.4f}, printed below")

    # 5.5 -- minima side by side, hard-swish's slopes at its kinks, distances between functions
    m = v["minima"]
    assert abs(m["swish (SiLU)"][0] + 1.2784645) < 1e-6 and abs(m["swish (SiLU)"][1] + 0.2784645) < 1e-6
    assert abs(m["mish"][0] + 1.1924312) < 1e-6 and abs(m["mish"][1] + 0.3088434) < 1e-6
    assert abs(m["gelu"][0] + 0.7517915) < 1e-6 and abs(m["gelu"][1] + 0.1699712) < 1e-6
    assert m["hard-swish"] == [-1.5, -0.375]
    assert v["depth_order"] == ["hard-swish", "mish", "swish (SiLU)", "gelu"]
    prose.quotes(f"({neg(m['hard-swish'][1], 3)} at exactly x = {neg(m['hard-swish'][0], 1)}")
    prose.quotes(f"Mish ({neg(m['mish'][1], 4)} at x ≈ {neg(m['mish'][0], 3)})")
    prose.quotes(f"Swish ({neg(m['swish (SiLU)'][1], 4)} at x ≈ {neg(m['swish (SiLU)'][0], 3)})")
    prose.quotes(f"GELU least ({neg(m['gelu'][1], 4)} at x ≈ {neg(m['gelu'][0], 3)})")
    prose.quotes(
        f"≈ {neg(m['mish'][0], 3)}, {neg(m['gelu'][0], 3)} and {neg(m['hard-swish'][0], 1)}"
    )
    assert v["inside"] == [-0.5, 1.5] and v["at_kinks"] == [0.0, 1.0]
    prose.quotes(f"from 0 to {neg(v['inside'][0], 1)} and from {v['inside'][1]:.1f} to 1")
    prose.quotes(f"the outer pieces' slopes, {v['at_kinks'][0]:.0f} and {v['at_kinks'][1]:.0f}")
    assert v["gap_1702"] < v["gap_silu"] / 9
    prose.quotes(f"{v['gap_1702']:.4f} against {v['gap_silu']:.4f} at most")
    prose.quotes(f"about {v['gap_silu'] / v['gap_1702']:.1f} times closer")
