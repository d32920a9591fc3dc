"""Numbers quoted in lesson 01's prose, checked against the lesson's own run (see conftest.py)."""

import math

VARIABLES = (
    "deep_linear.n_params",
    "n_one",
    "results",
    "w_lin",
    "b_lin",
    "inseparable",
    "best_accuracy",
    "best_noisy",
    "history.accuracy[-1]",
    "history.loss[-1]",
    "accuracy",
    "final",
    "longer_history.accuracy[-1]",
    "dead",
    "grad_norm_end",
    "eigenvalues",
    "longer_history.loss[999]",
    "longer_history.loss[-1]",
    "ratio",
    "fits[40].max_error",
    "error_outside",
    "rank_relu",
    "error_no_bias",
)


def check(values, prose):
    """Do the lesson's parameter counts, accuracies, plateau diagnostics and fit errors match its prose?"""
    # 1.2: a 10-layer linear net is one affine layer
    assert values["deep_linear.n_params"] == 626 and values["n_one"] == 8
    n_deep, n_one = values["deep_linear.n_params"], values["n_one"]
    prose.quotes(f"{n_deep} parameters compute exactly what {n_one} parameters")

    # 1.3: the sigmoid neuron learns (loss falls below 0.1), the step neuron does not move
    start, end, _, _ = values["results"]["sigmoid"]
    assert end < 0.1 < start

    # 1.4: the linear neuron recovers y = 3x - 1
    assert abs(values["w_lin"] - 3) < 0.1 and abs(values["b_lin"] + 1) < 0.1

    # 1.5: XOR — the best line gets 75 %, on the corners and on the noisy sample
    assert values["best_accuracy"] == 0.75 and values["best_noisy"] == 0.75
    prose.quotes(f"**{values['best_accuracy']:.0%}**".replace("%", " %"))
    prose.quotes(f"{16 - len(values['inseparable'])} of the 16 labellings are linearly separable")
    assert values["history.accuracy[-1]"] < 0.6 and abs(values["history.loss[-1]"] - math.log(2)) < 1e-3

    # 1.6: tanh and ReLU solve XOR; the identity does not
    accuracy = values["accuracy"]
    assert accuracy["identity"] <= 0.75 and accuracy["tanh"] == 1.0 and accuracy["relu"] == 1.0

    # 1.6: some 4-unit nets get stuck at 75 %, fewer 16-unit ones; not a local minimum
    stuck = [acc for acc in values["final"]["4"] if acc < 1.0]
    stuck_wide = [acc for acc in values["final"]["16"] if acc < 1.0]
    assert 1 <= len(stuck) <= 5 and len(stuck_wide) < len(stuck) and all(acc == 0.75 for acc in stuck)
    assert values["longer_history.accuracy[-1]"] == 0.75 and values["dead"] == 0.0
    grad_norm, eigenvalues = values["grad_norm_end"], values["eigenvalues"]
    assert 1e-5 < grad_norm < 1e-2                                   # small, not zero
    assert eigenvalues[0] < -1e-5 < 0 < eigenvalues[-1]              # negative curvature: no minimum
    negative = sum(value < 0 for value in eigenvalues)
    before, after = values["longer_history.loss[999]"], values["longer_history.loss[-1]"]
    assert after < before                                            # still falling
    prose.quotes(f"(norm {grad_norm:.1e})")
    prose.quotes(f"({before:.5f} → {after:.5f} over the last 2000 epochs)")
    prose.quotes(f"{negative} of the {len(eigenvalues)} Hessian")
    smallest = f"{eigenvalues[0]:.1e}".replace("-", "−", 1)         # the prose writes a minus sign
    prose.quotes(f"(the smallest {smallest}, against a largest of {eigenvalues[-1]:.2g})")

    # 1.7: the ReLU-sum error falls about 4x per doubling; far larger outside the fitted interval
    assert 3.5 < values["ratio"] < 4.5 and values["fits[40].max_error"] < 0.01
    assert values["error_outside"] > 100 * values["fits[40].max_error"]
    inside, outside = values["fits[40].max_error"], values["error_outside"]
    prose.quotes(f"{inside:.4f} on $[-3, 3]$ but {outside:.2f} on $[3, 6]$")
    assert values["rank_relu"] > 30
    assert values["error_no_bias"] > 100 * values["fits[40].max_error"]
