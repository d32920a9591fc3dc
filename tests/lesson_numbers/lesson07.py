"""Numbers quoted in lesson 07's prose, checked against the lesson's own run (see conftest.py).

Accuracies on the 450 test digits move in steps of 1/450 per seed, so the bounds below leave
room for a prediction or two to flip under another platform's BLAS; the quoted numbers are
checked exactly as the prose writes them.
"""

VARIABLES = (
    "data.sizes()",
    "LRS",
    "chosen",
    "fair_acc",
    "single_acc",
    "fair_tied",
    "single_tied",
    "fair_gap",
    "single_gap",
    "sigmoid_by_rate",
    "fair.columns",
    "fair.rows",
    "control_acc",
    "by_mean",
    "deep_chosen",
    "deep_acc",
    "deep_tied",
    "deep_gap",
    "monotonic",
    "not_smooth",
    "snippet_error_near_0",
    "grad_ratio",
)

LABELS = ["sigmoid", "tanh", "ReLU", "Leaky ReLU", "ELU", "SELU", "GELU", "Swish"]


def _acc(value):
    return f"{value:.3f}"


def check(values, prose):
    """Do the lesson's tables still say what its prose says they say?"""
    n_train, n_val, n_test = values["data.sizes()"]
    assert (n_train, n_val, n_test) == (1010, 337, 450) and n_train + n_val + n_test == 1797
    prose.quotes(f"the remaining {n_train:,} images")
    prose.quotes(f"accuracy on {n_val} images")

    # 7.3: every chosen rate is inside the grid; sigmoid's is the largest of all
    lrs, chosen = values["LRS"], values["chosen"]
    assert sorted(chosen) == sorted(LABELS)
    assert all(lrs[0] < lr < lrs[-1] for lr in chosen.values()), chosen
    assert chosen["sigmoid"] == max(chosen.values()) and chosen["sigmoid"] > 0.1
    prose.quotes(f"Sigmoid, at its chosen rate {chosen['sigmoid']:g}, has one of the highest means")

    # 7.4: fair table all tied; single-rate table leaves sigmoid alone at the bottom
    fair, single = values["fair_acc"], values["single_acc"]
    assert values["fair_tied"] == LABELS
    assert values["single_tied"] == [label for label in LABELS if label != "sigmoid"]
    assert min(single, key=single.get) == "sigmoid"
    assert values["fair_gap"] < 0.015 < values["single_gap"]
    assert fair["sigmoid"] >= max(fair.values()) - 0.003  # among the highest means
    prose.quotes(f"Their means span {values['fair_gap']:.3f}")
    prose.quotes(f"the eight means span only {values['fair_gap']:.3f}")
    prose.quotes(f"the means span {values['single_gap']:.3f}")
    prose.quotes(f"has one of the highest means ({_acc(fair['sigmoid'])})")
    prose.quotes(f"sigmoid looks last**: {_acc(single['sigmoid'])}")
    by_rate = {float(lr): acc for lr, acc in values["sigmoid_by_rate"].items()}
    assert by_rate[0.1] == single["sigmoid"] and by_rate[0.3] > 0.96 and by_rate[1.0] > 0.96
    prose.quotes(
        f"sigmoid climbing from {_acc(by_rate[0.1])} at lr 0.1 to {_acc(by_rate[0.3])} at lr 0.3 and "
        f"{_acc(by_rate[1.0])} at lr 1"
    )
    assert abs(fair["ReLU"] - fair["Leaky ReLU"]) < 0.002
    prose.quotes(f"tie as well (ReLU {_acc(fair['ReLU'])}, Leaky ReLU {_acc(fair['Leaky ReLU'])})")
    rows = {row[0]: dict(zip(values["fair.columns"], row, strict=True)) for row in values["fair.rows"]}
    assert rows["ReLU"]["dead units"] == 0.0 and rows["Leaky ReLU"]["dead units"] == 0.0
    assert all(rows[label]["lr"] == chosen[label] for label in LABELS)

    # 7.4.1: the controlled variants change less than the seed spread
    control = values["control_acc"]
    plain, centred, he = control["sigmoid"], control["sigmoid − ½"], control["sigmoid + He"]
    for variant in (centred, he):
        for setting in ("lr 0.1", "own lr"):
            assert abs(variant[setting] - plain[setting]) < 0.01, (variant, plain)
    prose.quotes(
        f"σ(x) − ½ reaches {_acc(centred['lr 0.1'])} at lr 0.1 against sigmoid's {_acc(plain['lr 0.1'])}, "
        f"and {_acc(centred['own lr'])} against {_acc(plain['own lr'])} at each one's own rate"
    )
    prose.quotes(
        f"Sigmoid with He init reaches {_acc(he['lr 0.1'])} at lr 0.1 and {_acc(he['own lr'])} at its own "
        f"rate, against Xavier's {_acc(plain['lr 0.1'])} and {_acc(plain['own lr'])}"
    )
    prose.quotes(f"({_acc(plain['lr 0.1'])} → {_acc(plain['own lr'])})")
    prose.quotes(
        f"last ({_acc(single['sigmoid'])} at lr 0.1) to tied with the best ({_acc(fair['sigmoid'])} at lr 1)"
    )

    # 7.4.2: the articles' ranking is not supported; depth makes the choice matter
    by_mean = values["by_mean"]
    assert by_mean[0] == "sigmoid" and set(by_mean[-2:]) == {"SELU", "ELU"}  # "roughly the other way"
    deep, deep_chosen = values["deep_acc"], values["deep_chosen"]
    assert "tanh" in values["deep_tied"] and "sigmoid" not in values["deep_tied"]
    assert max(deep, key=deep.get) == "tanh" and deep["ReLU"] < deep["tanh"] - 0.005
    assert values["deep_gap"] > 0.015
    assert deep_chosen["ReLU"] == lrs[0]  # "its chosen rate is the grid's smallest"
    prose.quotes(
        f"sigmoid's best mean, {_acc(deep['sigmoid'])}, is {values['deep_gap']:.3f} below tanh's "
        f"{_acc(deep['tanh'])}"
    )
    prose.quotes(f"ReLU's mean ({_acc(deep['ReLU'])}) is below tanh's too")

    # 7.5: properties (the lesson shows the table; the set equalities live here)
    assert set(values["monotonic"]) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu"}
    assert set(values["not_smooth"]) == {"relu", "leaky_relu", "selu"}

    # 7.7.5: the ELU snippet's cancellation near 0 keeps about 7 of 16 digits
    assert 1e-8 < values["snippet_error_near_0"] < 1e-6

    # 7.7.10: derivative <= 1 explodes, derivative = 1 vanishes
    ratio = values["grad_ratio"]
    tanh_ratio = ratio["tanh (f' <= 1), weights 4x Xavier"]
    identity_ratio = ratio["identity (f' = 1), weights 0.5x Xavier"]
    assert tanh_ratio > 100 and identity_ratio < 1e-4
    prose.quotes(
        f"about {tanh_ratio:.2g} times its last layer's, "
        f"the identity network's about {identity_ratio:.2g} times"
    )
