"""Numbers quoted in lesson 03's prose, checked against the lesson's own run (see conftest.py)."""

VARIABLES = (
    "zero_share",
    "final_dead",
    "accuracy",
    "start",
    "after_5",
    "bias_table",
    "revived_frozen",
    "monte_carlo",
    "stats",
    "shrink",
    "learned_slope",
    "maxout_error",
)


def _percent(value):
    """A share as the prose writes it: 0.1594 -> '15.9 %'."""
    return f"{value:.1%}".replace("%", " %")


def check(values, prose):
    """Do the lesson's sparsity, dead shares, revivals, variances and maxout errors match its prose?"""
    # 3.2: about half zeros in every layer
    zero_share = values["zero_share"]
    assert all(0.4 < share < 0.6 for share in zero_share)
    prose.quotes(f"from {_percent(min(zero_share))} to {_percent(max(zero_share))}")

    # 3.3: dead share against learning rate (5 seeds each)
    final_dead, accuracy, start = values["final_dead"], values["accuracy"], values["start"]
    assert max(final_dead["0.01"], final_dead["0.1"], final_dead["0.3"]) < 0.1 and start < 0.05
    assert 3 * start < final_dead["1.0"] < 0.25                       # "rises more than threefold"
    assert 0.45 < final_dead["2.0"] < 0.6 and 0.65 < final_dead["3.0"] < 0.75 and accuracy["3.0"] < 0.6
    assert all(values["after_5"][lr] > 0.8 * final_dead[lr] for lr in ("2.0", "3.0"))  # early deaths
    lrs = ("0.01", "0.1", "0.3", "1.0", "2.0", "3.0")
    assert all(final_dead[a] <= final_dead[b] for a, b in zip(lrs, lrs[1:], strict=False))  # grows with lr
    prose.quotes(f"(to {_percent(final_dead['1.0'])})")
    prose.quotes(f"{_percent(final_dead['2.0'])} or {_percent(final_dead['3.0'])} of the units die")
    prose.quotes(f"lr = 2 killed {_percent(final_dead['2.0'])}")
    prose.quotes(f"lr = 3 {_percent(final_dead['3.0'])}")
    prose.quotes(f"training accuracy {accuracy['3.0']:.3f}")
    prose.quotes(f"({start * 5 * 64:.0f} of the 5 × 64 = 320 hidden units")

    # 3.3: negative bias init, and which dead units come back
    table = values["bias_table"]
    at_start = [table[b][0] for b in ("0.0", "-0.5", "-1.0", "-1.5")]
    assert at_start[0] < 0.1 and 0.4 < at_start[-1] < 0.6 and table["-1.5"][1] > 0.4
    assert all(a < b for a, b in zip(at_start, at_start[1:], strict=False))
    assert all(per_layer[0][1] == 0 for _, _, per_layer in table.values())   # no first-layer unit revives
    assert table["-1.0"][2][1][1] > 0 and table["-1.0"][1] < table["-1.0"][0]  # second-layer units do
    assert values["revived_frozen"] == {"-1.0": 0, "-1.5": 0}
    prose.quotes(f"about half of the units ({table['-1.5'][0]:.3f})")
    prose.quotes(f"({table['-1.0'][0]:.3f} → {table['-1.0'][1]:.3f})")

    # 3.4: He initialisation
    assert abs(values["monte_carlo"] - 1.5**2 / 2) < 0.01
    he, xavier = values["stats"]["he"], values["stats"]["xavier"]
    assert 0.3 < he["var"][-1] / he["var"][0] < 3 and 0.3 < he["pre_var"][-1] / he["pre_var"][0] < 3
    assert xavier["var"][-1] / xavier["var"][0] < 1e-8
    assert 0.5**29 / 5 < values["shrink"] < 0.5**29 * 5                   # "about nine orders of magnitude"

    # 3.5: PReLU's slope learned by gradient descent
    assert abs(values["learned_slope"] - 0.25) < 1e-6

    # 3.6: maxout of k tangents to x² on [-2, 2]: error (4 / (k - 1))² / 4, falling like 1/k²
    error = values["maxout_error"]
    for k, value in error.items():
        assert abs(value - (4 / (int(k) - 1)) ** 2 / 4) < 2e-3, (k, value)
    ratio = error["16"] / error["32"]
    assert 3.5 < ratio < 4.5
    prose.quotes(f"({ratio:.2f} from 16 to 32 pieces)")
