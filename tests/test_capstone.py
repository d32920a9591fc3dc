"""Tests of the capstone: data splits, result containers and runner; the lesson-6/7 helpers and sliders."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from course_utils.activations import ACTIVATIONS, softmax
from course_utils.experiments import lesson07 as capstone
from course_utils.experiments.lesson07 import (
    CANDIDATES,
    LEARNING_RATES,
    Candidate,
    ExperimentConfig,
    ExperimentResult,
    Grid,
    Run,
    Table,
    Trial,
    candidate,
    format_range,
    load_splits,
    plot_accuracy_ranges,
    plot_rate_sweep,
    properties_table,
    run_experiment,
)

TINY = ExperimentConfig(hidden=(8,), epochs=2, lr=0.1, batch_size=64, seeds=(0, 1), target_loss=1.5)
TWO = (candidate("relu"), candidate("tanh"))


@pytest.fixture(scope="module")
def tiny_result() -> ExperimentResult:
    return run_experiment(TWO, TINY, progress=False, use_cache=False)


# ----------------------------------------------------------------------------- candidates
def test_does_every_main_activation_take_part_with_its_usual_init():
    inits = {c.activation: c.init for c in CANDIDATES}
    assert set(inits) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish"}
    assert inits["sigmoid"] == inits["tanh"] == "xavier"
    assert inits["selu"] == "lecun"
    assert {inits[n] for n in ("relu", "leaky_relu", "elu", "gelu", "swish")} == {"he"}
    assert all(c.activation in ACTIVATIONS for c in CANDIDATES)


def test_does_candidate_accept_labels_and_registry_names():
    assert candidate("Leaky ReLU") is candidate("leaky_relu")
    with pytest.raises(ValueError, match="label_or_name"):
        candidate("maxout")


def test_are_candidates_hashable_with_their_params():
    c = Candidate("Leaky 0.2", "leaky_relu", params=(("negative_slope", 0.2),))
    assert c.params_dict == {"negative_slope": 0.2}
    assert hash(c) == hash(Candidate("Leaky 0.2", "leaky_relu", params=(("negative_slope", 0.2),)))


# ----------------------------------------------------------------------------- data splits
@pytest.fixture(scope="module")
def splits():
    return load_splits()


def test_are_the_three_parts_disjoint_and_complete(splits):
    from sklearn.datasets import load_digits as sk_load_digits

    assert splits.sizes() == (1010, 337, 450)
    raw = sk_load_digits().data
    parts = np.vstack([splits.X_train, splits.X_val, splits.X_test])
    assert parts.shape == (1797, 64) and len(np.unique(parts.round(9), axis=0)) == len(np.unique(raw, axis=0))


def test_is_the_test_part_the_one_load_digits_holds_out(splits):
    from course_utils.datasets import load_digits

    _X_train, _X_test, _y_train, y_test = load_digits()
    assert np.array_equal(splits.y_test, y_test)


def test_is_every_split_stratified(splits):
    share = np.bincount(splits.y_train) / len(splits.y_train)
    for y in (splits.y_val, splits.y_test):
        assert np.allclose(np.bincount(y) / len(y), share, atol=0.01)


def test_is_standardisation_fitted_on_the_training_part_only(splits):
    assert np.allclose(splits.X_train.mean(axis=0), 0, atol=1e-12)
    assert not np.allclose(splits.X_val.mean(axis=0), 0, atol=1e-3)  # the validation part is not refitted


def test_do_load_splits_reject_bad_arguments():
    bad = {"test_size": 0, "val_size": 1.5, "seed": -1}
    for name, value in bad.items():
        with pytest.raises(ValueError, match=name):
            load_splits(**{name: value})


def test_does_another_seed_give_another_validation_part(splits):
    assert not np.array_equal(load_splits(seed=1).y_val, splits.y_val)


# ----------------------------------------------------------------------------- the grid
def _grid() -> Grid:
    """A hand-made grid: 'A' best at lr 1, 'B' diverges at lr 1, both seeds 0 and 1."""
    grid = Grid()
    numbers = {  # (label, lr): [(val loss, test accuracy) per seed]
        ("A", 0.1): [(0.30, 0.90), (0.32, 0.92)],
        ("A", 1.0): [(0.20, 0.95), (0.22, 0.97)],
        ("B", 0.1): [(0.25, 0.93), (0.27, 0.96)],
        ("B", 1.0): [(0.10, 0.50), (float("nan"), 0.10)],
    }
    for (label, lr), per_seed in numbers.items():
        for seed, (val, acc) in enumerate(per_seed):
            grid.add(label, lr, seed, Trial((1.0, 0.5), (0.6, val), acc, val, dead_fraction=0.25 * seed))
    return grid


def test_is_a_run_with_a_non_finite_loss_diverged_and_never_chosen():
    grid = _grid()
    assert grid.at("B", 1.0)[1].diverged and grid.at("B", 1.0)[1].final_val_loss == float("inf")
    assert grid.val_loss("B", 1.0) == float("inf")
    assert grid.best_rate("B") == 0.1 and grid.best_rate("A") == 1.0


def test_does_the_grid_average_over_seeds():
    grid = _grid()
    assert np.isclose(grid.val_loss("A", 1.0), 0.21)
    assert np.allclose(grid.test_accuracy("A", 1.0), [0.95, 0.97])
    assert grid.labels == ["A", "B"] and grid.rates("A") == [0.1, 1.0]
    with pytest.raises(KeyError, match="lr"):
        grid.at("A", 0.3)


def test_does_a_tie_on_validation_loss_pick_the_smaller_rate():
    grid = Grid()
    for lr in (0.3, 0.1):
        grid.add("A", lr, 0, Trial((1.0,), (0.2,), 0.9, 0.2))
    assert grid.best_rate("A") == 0.1


def test_does_the_results_table_report_mean_and_range_at_each_rate():
    grid = _grid()
    table = grid.table({"A": 1.0, "B": 0.1}, inits={"A": "he", "B": "xavier"})
    assert table.columns[:4] == ["activation", "init", "lr", "val loss"]
    row = table.row("A")
    assert row["lr"] == 1.0 and np.isclose(row["test acc"], 0.96)
    assert (row["min"], row["max"], row["seeds"]) == (0.95, 0.97, 2) and row["dead units"] == 0.125
    assert table.row("B")["lr"] == 0.1
    assert grid.table(0.1).column("lr") == [0.1, 0.1] and "init" not in grid.table(0.1).columns


def test_does_the_rate_table_show_every_rate_and_a_blown_up_loss_compactly():
    grid = _grid()
    grid.add("C", 0.1, 0, Trial((1.0,), (1e200,), 0.1, 1e200))
    table = grid.rate_table("val_loss")
    assert table.columns == ["activation", "lr 0.1", "lr 1"]
    assert table.row("C")["lr 1"] is None and "1e+200" in str(table)
    assert np.isclose(grid.rate_table("test_accuracy").row("A")["lr 1"], 0.96)
    with pytest.raises(ValueError, match="value"):
        grid.rate_table("accuracy")


def test_is_a_set_up_tied_when_its_seed_range_reaches_the_best_ones():
    grid = _grid()
    assert grid.tied_with_best({"A": 1.0, "B": 0.1}) == ["A", "B"]  # B's best seed 0.96 >= A's worst 0.95
    assert grid.tied_with_best(1.0) == ["A"]  # B at lr 1 reaches 0.50 at best


def test_does_a_subset_share_the_trials():
    grid = _grid()
    sub = grid.subset(["B"])
    assert sub.labels == ["B"] and sub.at("B", 0.1)[0] is grid.at("B", 0.1)[0]
    sub.add("C", 0.1, 0, Trial((1.0,), (0.2,), 0.9, 0.2))
    assert "C" not in grid.labels


def test_do_the_plot_helpers_draw_one_line_or_bar_per_set_up():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = _grid()
    fig, (ax1, ax2) = plt.subplots(1, 2)
    plot_rate_sweep(grid, ax=ax1)
    labels = [line.get_label() for line in ax1.get_lines()]
    assert [label for label in labels if not label.startswith("_")] == ["A", "B"]
    assert ax1.get_xscale() == "log"
    plot_accuracy_ranges(grid, {"own": {"A": 1.0, "B": 0.1}, "lr 0.1": 0.1}, ax=ax2)
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["A", "B"] and len(ax2.containers) == 2
    plt.close(fig)


def test_is_the_learning_rate_grid_ascending_in_steps_of_about_three():
    steps = np.diff(np.log10(LEARNING_RATES))
    assert np.all(steps > 0.4) and np.all(steps < 0.6)


# ----------------------------------------------------------------------------- runs
def test_does_the_experiment_train_every_candidate_with_every_seed(tiny_result):
    assert len(tiny_result.runs) == len(TWO) * len(TINY.seeds)
    for run in tiny_result.runs:
        assert len(run.loss) == len(run.test_loss) == len(run.epoch_seconds) == TINY.epochs
        assert all(np.isfinite(run.loss)) and all(s >= 0 for s in run.epoch_seconds)
        assert 0.0 <= run.test_accuracy <= 1.0
    assert tiny_result.loss_curves("ReLU").shape == (len(TINY.seeds), TINY.epochs)


def test_is_the_dead_unit_share_measured_after_training(tiny_result):
    for run in tiny_result.runs:
        assert 0.0 <= run.dead_fraction <= 1.0
    assert tiny_result.dead_fraction("tanh") == 0.0  # tanh is never exactly 0 on every input
    assert "dead units" in tiny_result.summary().columns


def test_does_training_reduce_the_loss(tiny_result):
    for run in tiny_result.runs:
        assert run.loss[-1] < run.loss[0]


def test_is_the_experiment_reproducible(tiny_result):
    again = run_experiment(TWO, TINY, progress=False, use_cache=False)
    for a, b in zip(tiny_result.runs, again.runs, strict=True):
        assert a.loss == b.loss and a.test_loss == b.test_loss and a.test_accuracy == b.test_accuracy


def test_do_seeds_give_different_runs(tiny_result):
    first, second = tiny_result.runs_for("relu")
    assert first.loss != second.loss


def test_does_the_run_cache_reuse_finished_runs_also_for_a_subset_of_seeds():
    config = ExperimentConfig(hidden=(4,), epochs=1, seeds=(0, 1), batch_size=128)
    first = run_experiment(TWO, config, progress=False)
    again = run_experiment(TWO, config, progress=False)
    assert [id(r) for r in again.runs] == [id(r) for r in first.runs]
    subset = run_experiment(TWO[1:], replace(config, seeds=(1,)), progress=False)
    assert subset.runs == [first.runs_for("tanh")[1]] and subset.runs[0] is first.runs_for("tanh")[1]
    fresh = run_experiment(TWO[1:], replace(config, seeds=(1,)), progress=False, use_cache=False)
    assert fresh.runs[0] is not subset.runs[0] and fresh.runs[0].loss == subset.runs[0].loss


def test_does_a_changed_setting_train_anew():
    config = ExperimentConfig(hidden=(4,), epochs=1, seeds=(0,), batch_size=128)
    base = run_experiment(TWO[:1], config, progress=False)
    other = run_experiment(TWO[:1], replace(config, lr=0.01), progress=False)
    assert other.runs[0].loss != base.runs[0].loss


def test_does_progress_report_each_activation(capsys):
    config = ExperimentConfig(hidden=(4,), epochs=1, seeds=(0,), batch_size=128)
    messages: list[str] = []
    run_experiment(TWO, config, progress=messages.append, use_cache=False)
    text = "".join(messages)
    assert "[1/2] ReLU" in text and "[2/2] tanh" in text and "test acc" in text
    run_experiment(TWO, config, progress=False, use_cache=False)
    assert capsys.readouterr().out == ""
    run_experiment(TWO, config, progress=True, use_cache=False)
    assert "[2/2] tanh" in capsys.readouterr().out


def test_does_epochs_to_find_the_first_epoch_at_the_target():
    run = Run(CANDIDATES[0], 0, [2.0, 1.0, 0.5, 0.7], [1.0] * 4, 0.9, [0.01] * 4)
    assert run.epochs_to(1.0) == 2 and run.epochs_to(0.5) == 3 and run.epochs_to(0.1) is None


# ----------------------------------------------------------------------------- summaries
def test_does_the_summary_have_one_row_per_activation(tiny_result):
    table = tiny_result.summary()
    assert table.column("activation") == ["ReLU", "tanh"]
    assert table.column("init") == ["he", "xavier"]
    mean, std = tiny_result.test_accuracy("tanh")
    row = table.row("tanh")
    assert row["test acc mean"] == mean and row["test acc std"] == std
    assert f"epochs to loss {TINY.target_loss:g}" in table.columns


def test_does_the_summary_show_a_dash_when_a_seed_never_reaches_the_target(tiny_result):
    strict = ExperimentResult(
        ExperimentConfig(epochs=TINY.epochs, seeds=TINY.seeds, target_loss=1e-9),
        tiny_result.candidates,
        tiny_result.runs,
    )
    assert strict.epochs_to_target("ReLU") is None
    assert "—" in str(strict.summary())


def test_does_ranking_sort_by_mean_accuracy(tiny_result):
    ranking = tiny_result.ranking()
    accs = [tiny_result.test_accuracy(label)[0] for label in ranking]
    assert sorted(ranking) == ["ReLU", "tanh"] and accs == sorted(accs, reverse=True)


def test_does_runs_for_reject_an_unknown_label(tiny_result):
    with pytest.raises(KeyError, match="label"):
        tiny_result.runs_for("gelu")


# ----------------------------------------------------------------------------- Table
def test_does_a_table_render_as_text_markdown_and_escaped_html():
    t = Table(["name", "x", "ok"], [["<a>", 1.23456, True], ["b", None, False]], formats={"x": ".2f"})
    text = str(t)
    assert "1.23" in text and "—" in text and "yes" in text and "no" in text
    assert t.to_markdown().splitlines()[0] == "| name | x | ok |"
    assert "&lt;a&gt;" in t._repr_html_() and "<a>" not in t._repr_html_()
    assert len(t) == 2


def test_does_a_table_reject_ragged_rows_and_unknown_columns():
    with pytest.raises(ValueError, match="rows"):
        Table(["a", "b"], [[1]])
    with pytest.raises(KeyError, match="name"):
        Table(["a"], [[1]]).column("b")
    with pytest.raises(KeyError, match="key"):
        Table(["a"], [[1]]).row(2)


# ----------------------------------------------------------------------------- properties
def test_is_the_properties_table_read_from_the_registry():
    table = properties_table()
    assert table.column("name") == [c.activation for c in CANDIDATES]
    for name in table.column("name"):
        props = ACTIVATIONS[name].properties
        row = table.row(name)
        assert row["zero-centred"] == bool(props["zero_centred"])
        assert row["monotonic"] == bool(props["monotonic"])
        assert row["smooth"] == bool(props["smooth"])
        assert row["cost"] == props["cost"]
        assert row["range"] == format_range(props["output_range"])


def test_does_the_properties_table_name_saturation_sides():
    table = properties_table(["sigmoid", "relu", "leaky_relu"])
    assert table.column("saturates") == ["both", "left", "no"]


def test_does_format_range_write_infinity():
    assert format_range((float("-inf"), float("inf"))) == "-∞ … ∞"
    assert format_range((0.0, 1.0)) == "0 … 1"


# ----------------------------------------------------------------------------- lesson 6 helpers
def test_is_entropy_zero_for_one_hot_and_log_n_for_uniform():
    from course_utils.experiments.lesson06 import softmax_entropy

    assert softmax_entropy([0.0, -1e4, -1e4]) == 0.0
    assert np.isclose(softmax_entropy(np.zeros(5)), np.log(5))
    assert np.isclose(softmax_entropy([1000.0, 1000.0]), np.log(2))


def test_does_entropy_match_its_definition_and_rise_with_temperature():
    from course_utils.experiments.lesson06 import VOCAB_LOGITS, softmax_entropy

    for T in (0.3, 1.0, 4.0):
        p = softmax(VOCAB_LOGITS / T)
        assert np.isclose(softmax_entropy(VOCAB_LOGITS, T), -np.sum(p * np.log(p)), rtol=1e-12)
    curve = [softmax_entropy(VOCAB_LOGITS, T) for T in np.geomspace(0.05, 50, 40)]
    assert np.all(np.diff(curve) > 0)


def test_does_entropy_work_on_a_batch():
    from course_utils.experiments.lesson06 import softmax_entropy

    H = softmax_entropy(np.array([[0.0, 0.0], [0.0, -1e4]]))
    assert H.shape == (2,) and np.allclose(H, [np.log(2), 0.0])


# ----------------------------------------------------------------------------- sliders
def test_does_the_temperature_slider_show_probabilities_and_entropy():
    from course_utils.experiments.lesson06 import VOCAB_LOGITS, softmax_entropy
    from course_utils.widgets import BUILDERS

    widget = BUILDERS["softmax_temperature"]()
    lo, hi, _step = widget.ranges["temperature"]
    for T in (lo, 1.0, hi):
        assert widget.update(temperature=T)[:4] == b"\x89PNG"
        assert np.allclose(widget.result["probabilities"], softmax(VOCAB_LOGITS, temperature=T))
        assert widget.result["entropy"] == softmax_entropy(VOCAB_LOGITS, T)
    heights = [bar.get_height() for bar in widget._bars]
    assert np.allclose(heights, softmax(VOCAB_LOGITS, temperature=hi))


def _fake_result() -> ExperimentResult:
    """A result with synthetic curves (no training), shaped like the slider's experiment."""
    from course_utils.widgets.lesson07 import WIDGET_SEEDS

    config = replace(ExperimentConfig(), seeds=WIDGET_SEEDS)
    rng = np.random.default_rng(0)
    runs = []
    for k, cand in enumerate(CANDIDATES):
        for seed in config.seeds:
            loss = list(np.geomspace(2.0, 0.02 * (k + 1), config.epochs) * (1 + 0.01 * seed))
            runs.append(Run(cand, seed, loss, loss, 0.9 + 0.01 * rng.random(), [0.01] * config.epochs))
    return ExperimentResult(config, CANDIDATES, runs)


def test_does_the_capstone_slider_select_runs_without_training(monkeypatch):
    from course_utils.widgets import BUILDERS

    fake = _fake_result()
    monkeypatch.setattr(capstone, "run_experiment", lambda *args, **kwargs: fake)
    widget = BUILDERS["capstone_curves"]()
    assert set(widget.options["activation"]) == {c.label for c in CANDIDATES}
    assert widget.ranges["epoch"][1] == ExperimentConfig().epochs
    for label in ("sigmoid", "GELU"):
        assert widget.update(activation=label, epoch=5.0)[:4] == b"\x89PNG"
        drawn = np.array([line.get_ydata() for line in widget._seed_lines])
        assert np.array_equal(drawn, fake.loss_curves(label))
    assert widget._title_c.get_text().startswith("GELU: epoch 5")
