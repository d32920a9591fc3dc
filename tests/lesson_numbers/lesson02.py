"""Numbers quoted in lesson 02's prose, checked against the lesson's own run (see conftest.py).

``thresholds`` is keyed by ``(name, tol)`` tuples, which JSON cannot hold, so it is fetched
through an expression that lists its items.
"""

import math

THRESHOLDS = "[[name, tol, edge] for (name, tol), edge in thresholds.items()]"

VARIABLES = (
    "grad_at_5",
    THRESHOLDS,
    "first_to_last",
    "per_layer",
    "factors",
    "change",
    "total",
    "scaled",
    "saturated",
    "share",
    "paths",
    "slowdown",
    "overflow_at",
    "hard_gap",
)


def check(values, prose):
    """Do the lesson's derivative levels, gradient ratios, saturation shares and gaps match its prose?"""
    # 2.1: "both are almost 0 once |x| passes about 5"
    assert values["grad_at_5"]["sigmoid"] < 0.01 and values["grad_at_5"]["tanh"] < 0.001

    # 2.2: closed forms, so exact to the printed digits on any platform
    edge = {(name, tol): x for name, tol, x in values[THRESHOLDS]}
    expected = {("sigmoid", 1e-3): 6.906, ("tanh", 1e-3): 4.147,
                ("sigmoid", 1e-6): 13.816, ("tanh", 1e-6): 7.601}
    for key, number in expected.items():
        assert abs(edge[key] - number) < 1e-3, (key, edge[key])
        prose.quotes(f"{edge[key]:.3f}")
    prose.quotes(f"|x| \\approx {edge['tanh', 1e-3]:.2f}")          # common mistakes: 4.15

    # 2.3: Xavier sigmoid net — about ten orders of magnitude, ~5x per layer; tanh and ReLU within 2x
    ratio = values["first_to_last"]
    assert 1e-11 < ratio["sigmoid"] < 1e-9
    prose.quotes(f"{ratio['sigmoid']:.3g}")
    assert 4 < 1 / values["per_layer"]["sigmoid"] < 6                # "shrinks about 5x per layer"
    assert 0.5 < ratio["tanh"] < 2 and 0.5 < ratio["relu"] < 2
    act_factor, weight_factor = values["factors"]["sigmoid"]
    assert max(act_factor) <= 0.25 and abs(sum(weight_factor) / len(weight_factor) - 1) < 0.05  # "about 1"

    # 2.3, controlled variant: only the weight scale changes
    change, total = values["change"], values["total"]
    assert 0.45 < change["0.5"] < 0.65 and 1.3 < change["4.0"] < 1.8
    prose.quotes(f"× {change['0.5']:.3f} per layer")
    prose.quotes(f"× {change['4.0']:.3f} per layer")
    assert 100 < total["4.0"] < 2000
    prose.quotes(f"{total['4.0']:.0f} times larger at layer 1")
    largest = max(values["scaled"]["4.0"][1])
    assert largest < 0.1
    prose.quotes(f"{largest:.3f} at most for $s = 4$")
    means = []
    for s, stretch in (("0.125", 1), ("0.5", 4), ("4.0", 32)):      # weight factor ≈ s·sqrt(64)
        mean_factor = sum(values["scaled"][s][2]) / len(values["scaled"][s][2])
        assert abs(mean_factor / stretch - 1) < 0.05, (s, mean_factor)
        means.append(f"{mean_factor:.2f}")
    prose.quotes(f"(the table's {means[0]}, {means[1]} and {means[2]} against 1, 4 and 32)")
    prose.quotes(f"({total['4.0']:.0f}× at layer 1)")                # the summary

    # 2.4: saturation at initialisation
    saturated = values["saturated"]
    assert max(saturated["0.125"].values()) < 1e-3                   # "under 0.1 % for both"
    assert 0.4 < saturated["1.0"]["sigmoid"] < 0.5 and 0.75 < saturated["1.0"]["tanh"] < 0.85
    prose.quotes(f"({saturated['1.0']['sigmoid']:.1%})".replace("%", " %"))
    prose.quotes(f"({saturated['1.0']['tanh']:.1%})".replace("%", " %"))

    # 2.5: zig-zag
    assert values["share"]["sigmoid"] == 1.0 and values["share"]["tanh"] == 0.0
    sigmoid_path, tanh_path = values["paths"]["sigmoid"], values["paths"]["tanh"]
    assert sigmoid_path[2] == 1.0 and tanh_path[2] < 0.6
    assert 4 < values["slowdown"] < 6
    steps = f"({sigmoid_path[1]} against {tanh_path[1]})"
    prose.quotes(f"needs {values['slowdown']:.1f} times as many steps {steps}")

    # 2.6: where exp(-x) overflows
    overflow = values["overflow_at"]
    assert math.isclose(overflow["float64"], -709.78, abs_tol=0.01)
    assert math.isclose(overflow["float32"], -88.72, abs_tol=0.01)
    prose.quotes(f"$x < {overflow['float64']:.2f}$")
    prose.quotes(f"$x < {overflow['float32']:.2f}$")

    # 2.7: hard sigmoids against σ
    gap = values["hard_gap"]
    assert abs(gap["PyTorch / Keras 3"] - 0.0692) < 1e-3 and abs(gap["Keras 2"] - 0.0759) < 1e-3
    prose.quotes(f"{gap['PyTorch / Keras 3']:.4f} for PyTorch's, {gap['Keras 2']:.4f} for Keras 2's")
