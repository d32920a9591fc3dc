"""Numbers quoted in lesson 06's prose, checked against the lesson's own run (see conftest.py).

The bounds are the regression checks that used to be asserts in the notebook. The lesson's
arithmetic is elementwise or on 3 x 3 matrices, and its sampling is seeded, so the bounds hold
on any platform with plenty of room.
"""

from __future__ import annotations

import math

VARIABLES = (
    "s",
    "exp_limits",
    "stable",
    "smallest_float",
    "e800_mantissa",
    "true_loss",
    "errors",
    "confident_wrong",
    "wrong_norm",
    "largest_component",
    "largest_norm",
    "bce_stable",
    "cold_gap",
    "hot_gap",
    "entropies",
    "top_at_01",
    "spread_at_10",
    "frequencies",
    "sampling_gap",
    "n_draws",
)


def check(values, prose):
    """Do lesson 06's computed numbers still hold, and does its prose still quote them?"""
    v = values

    # 6.1 -- softmax of (2, 1, 0.1)
    assert all(abs(a - b) < 5e-4 for a, b in zip(v["s"], (0.659, 0.242, 0.099), strict=True))
    prose.quotes("about $({:.3f}, {:.3f}, {:.3f})$".format(*v["s"]))

    # 6.2 -- where exp overflows; the max-subtracted result
    limit64, limit32 = v["exp_limits"]["float64"], v["exp_limits"]["float32"]
    assert abs(limit64 - 709.78) < 0.01 and abs(limit32 - 88.72) < 0.01
    prose.quotes(f"$x \\approx {limit64:.2f}$ in float64 ({limit32:.2f} in float32")
    assert all(abs(a - b) < 1e-4 for a, b in zip(v["stable"], (0.0900, 0.2447, 0.6652), strict=True))
    prose.quotes("$({:.4f}, {:.4f}, {:.4f})$".format(*v["stable"]))

    # 6.3 -- underflow: the smallest float64 and e^-800; the loss log_softmax gets right
    assert abs(v["smallest_float"] / 4.94e-324 - 1) < 1e-2
    prose.quotes(f"below about ${v['smallest_float']:.0e}".replace("e-", " \\times 10^{-") + "}$")
    assert 3.5 < v["e800_mantissa"] < 4
    prose.quotes(f"$e^{{-800}} \\approx {v['e800_mantissa']:.1f} \\times 10^{{-348}}$")
    assert v["true_loss"] == 800.0
    prose.quotes(f"the correct {v['true_loss']:.0f} from `log_softmax`")

    # 6.4 -- the Jacobian, numerically
    assert v["errors"]["formula"] < 1e-15 and v["errors"]["SymPy"] < 1e-14
    assert 1e-12 < v["errors"]["finite differences"] < 1e-9
    exponent = round(math.log10(v["errors"]["finite differences"]))
    prose.quotes(f"finite differences to about $10^{{{exponent}}}$")

    # 6.5 -- each component of s - y is in [-1, 1]; its L2 norm reaches sqrt(2)
    assert abs(v["wrong_norm"] - math.sqrt(2)) < 1e-8
    assert v["confident_wrong"][0] < -0.999 and v["confident_wrong"][1] > 0.999
    assert v["largest_component"] <= 1 and v["largest_norm"] <= math.sqrt(2) and v["largest_norm"] > 1.3
    prose.quotes("Logits (0, 20, 0) with label 0")
    prose.quotes(f"its L2 norm reaches {v['wrong_norm']:.6f} ≈ √2")

    # 6.6 -- binary cross-entropy from logits at z = 40, y = 0
    assert v["bce_stable"] == 40.0
    prose.quotes(f"The true loss is ${v['bce_stable']:.0f}$")
    prose.quotes(f"finite ({v['true_loss']:.0f} and {v['bce_stable']:.0f} in sections 6.3 and 6.6)")

    # 6.7 -- temperature: limits, entropies, sampling
    assert v["cold_gap"] < 1e-12 and v["hot_gap"] < 1e-3
    entropies = v["entropies"]
    for temp, want in (("0.1", 0.0402), ("1.0", 1.0737), ("10.0", 1.5994)):
        assert abs(entropies[temp] - want) < 5e-5
    prose.quotes(
        f"**{entropies['0.1']:.4f}** nats at $T = 0.1$, **{entropies['1.0']:.4f}** at $T = 1$ "
        f"and **{entropies['10.0']:.4f}** at $T = 10$"
    )
    prose.quotes(f"$\\log 5 \\approx {math.log(5):.3f}$")
    assert v["top_at_01"] > 0.99 and v["spread_at_10"] < 0.05
    prose.quotes("over 99 % at $T = 0.1$")
    prose.quotes("within 0.05 of $1/5$")
    standard_error = math.sqrt(0.25 / v["n_draws"])
    assert v["sampling_gap"] < 3 * standard_error  # sampling error of 10,000 draws
    top, banana = v["frequencies"]["0.25"][0], v["frequencies"]["4.0"][-1]
    assert top > 0.85 and banana > 0.1
    prose.quotes(f"{top:.1%} of the draws are the top word".replace("%", " %"))
    prose.quotes(f"comes up in {banana:.1%} of them".replace("%", " %"))
    gap = v["sampling_gap"]
    prose.quotes(f"the largest gap is {gap:.3f}, against a standard error of {standard_error:.3f}")
