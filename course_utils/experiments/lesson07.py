"""The capstone's reusable pieces: data splits, result containers, tables and figures.

Lesson 7 compares activations as a practitioner would: the same architecture, data and
budget; the initialisation that suits each activation (Xavier for sigmoid and tanh, LeCun for
SELU, He for the ReLU family and its smooth relatives); for each activation its own learning
rate from one grid (:data:`LEARNING_RATES`), chosen on a validation split; test accuracy over
several seeds with its range. The lesson's notebook shows the loop that builds, trains and
measures the networks; this module holds what that loop and the lesson's figures reuse:

* :func:`load_splits` — the digits cut into training, validation and test parts;
* :class:`Trial` and :class:`Grid` — what one trained network measured, and a
  learning-rate × seed grid of them with its summaries (chosen rate, results tables, ties);
* :func:`plot_rate_sweep`, :func:`plot_accuracy_ranges` — the lesson's two result figures;
* :func:`properties_table` and :class:`Table` — the registry's properties as a table.

The lesson-7 slider (:mod:`course_utils.widgets.lesson07`) shows single-rate learning curves
and trains them itself, without the notebook: :func:`run_experiment` (over an
:class:`ExperimentConfig`, returning an :class:`ExperimentResult` of :class:`Run` records)
is kept for it. Training is deterministic, so finished runs are kept in memory and reused.
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

__all__ = [
    "CANDIDATES",
    "LEARNING_RATES",
    "Candidate",
    "DigitSplits",
    "ExperimentConfig",
    "ExperimentResult",
    "Grid",
    "Run",
    "Table",
    "Trial",
    "candidate",
    "format_range",
    "load_splits",
    "plot_accuracy_ranges",
    "plot_rate_sweep",
    "properties_table",
    "run_experiment",
    "train_run",
]


@dataclass(frozen=True)
class Candidate:
    """One activation set-up of the comparison.

    Attributes
    ----------
    label : str
        Name shown in tables and legends, e.g. ``"Leaky ReLU"``.
    activation : str
        Registry name in :data:`course_utils.activations.ACTIVATIONS`, e.g. ``"leaky_relu"``.
    init : str
        Weight initialisation scheme passed to :class:`course_utils.nets.MLP`
        (``"xavier"``, ``"he"`` or ``"lecun"``).
    params : tuple of (str, float) pairs
        Activation parameters (empty: the registry defaults). A tuple keeps the record
        hashable so that results can be cached.
    """

    label: str
    activation: str
    init: str = "he"
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def params_dict(self) -> dict[str, Any]:
        """The activation parameters as a dict (empty for the registry defaults)."""
        return dict(self.params)


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("sigmoid", "sigmoid", init="xavier"),
    Candidate("tanh", "tanh", init="xavier"),
    Candidate("ReLU", "relu", init="he"),
    Candidate("Leaky ReLU", "leaky_relu", init="he"),
    Candidate("ELU", "elu", init="he"),
    Candidate("SELU", "selu", init="lecun"),
    Candidate("GELU", "gelu", init="he"),
    Candidate("Swish", "swish", init="he"),
)
"""The eight main hidden-layer activations with the initialisation each is usually paired with."""


def candidate(label_or_name: str) -> Candidate:
    """Return the candidate of :data:`CANDIDATES` with this label or registry name.

    Parameters
    ----------
    label_or_name : str
        ``"Leaky ReLU"`` or ``"leaky_relu"`` (case-insensitive).

    Returns
    -------
    Candidate

    Raises
    ------
    ValueError
        If no candidate matches.

    Examples
    --------
    >>> candidate("selu").init
    'lecun'
    """
    key = str(label_or_name).lower()
    for c in CANDIDATES:
        if key in (c.label.lower(), c.activation):
            return c
    known = ", ".join(c.activation for c in CANDIDATES)
    raise ValueError(f"label_or_name: no candidate {label_or_name!r}; known: {known}")


@dataclass(frozen=True)
class ExperimentConfig:
    """Everything that stays fixed across the compared activations.

    Attributes
    ----------
    hidden : tuple of int
        Hidden-layer widths; the network is ``64 -> *hidden -> 10`` with a softmax output.
    epochs : int
        Passes over the training set.
    lr : float
        SGD learning rate.
    batch_size : int
        Minibatch size.
    seeds : tuple of int
        One run per seed (weights and minibatch order).
    target_loss : float
        Training cross-entropy used for "epochs to target" in the results table.
    test_size : float
        Share of the 1797 digits held out for testing.
    data_seed : int
        Seed of the train/test split (the same split for every run).
    """

    hidden: tuple[int, ...] = (64,)
    epochs: int = 20
    lr: float = 0.1
    batch_size: int = 32
    seeds: tuple[int, ...] = (0, 1, 2)
    target_loss: float = 0.1
    test_size: float = 0.25
    data_seed: int = 0


@dataclass
class Run:
    """One trained network: an activation, a seed and what was measured.

    Attributes
    ----------
    candidate : Candidate
    seed : int
    loss : list of float
        Training cross-entropy of each epoch (mean over its minibatches), length ``epochs``.
    test_loss : list of float
        Test cross-entropy after each epoch.
    test_accuracy : float
        Share of test digits classified correctly after the last epoch.
    epoch_seconds : list of float
        Wall-clock seconds of each epoch (training only).
    dead_fraction : float
        Share of hidden units that output exactly 0 on every training sample after training
        (:func:`course_utils.nets.dead_fraction`; only ReLU-like units can die).
    """

    candidate: Candidate
    seed: int
    loss: list[float]
    test_loss: list[float]
    test_accuracy: float
    epoch_seconds: list[float]
    dead_fraction: float = 0.0

    def epochs_to(self, target: float) -> int | None:
        """First epoch (1-based) whose training loss is at most ``target``; ``None`` if never."""
        for epoch, value in enumerate(self.loss, start=1):
            if value <= target:
                return epoch
        return None


class Table:
    """A small table that prints as text and displays as HTML in Jupyter.

    Parameters
    ----------
    columns : sequence of str
        Column headings.
    rows : sequence of sequences
        Cell values, one sequence per row, in column order.
    formats : dict, optional
        Column heading -> format spec (e.g. ``".3f"``) used when displaying numbers.

    Examples
    --------
    >>> t = Table(["name", "x"], [["a", 1.5], ["b", 2.25]], formats={"x": ".2f"})
    >>> t.column("x")
    [1.5, 2.25]
    >>> print(t)
    name  x
    ----  ----
    a     1.50
    b     2.25
    """

    def __init__(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        formats: dict[str, str] | None = None,
    ) -> None:
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        for i, r in enumerate(self.rows):
            if len(r) != len(self.columns):
                raise ValueError(f"rows: row {i} has {len(r)} cells, expected {len(self.columns)}")
        self.formats = dict(formats or {})

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        """The values of one column, in row order."""
        try:
            j = self.columns.index(name)
        except ValueError:
            raise KeyError(f"name: no column {name!r}; columns are {self.columns}") from None
        return [r[j] for r in self.rows]

    def row(self, key: Any) -> dict[str, Any]:
        """The first row whose first cell equals ``key``, as a dict column -> value."""
        for r in self.rows:
            if r[0] == key:
                return dict(zip(self.columns, r, strict=True))
        raise KeyError(f"key: no row starts with {key!r}")

    def _cell(self, column: str, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool) or isinstance(value, np.bool_):
            return "yes" if value else "no"
        spec = self.formats.get(column)
        if spec and isinstance(value, (int, float, np.integer, np.floating)):
            return format(value, spec)
        return str(value)

    def _text_rows(self) -> list[list[str]]:
        return [[self._cell(c, v) for c, v in zip(self.columns, r, strict=True)] for r in self.rows]

    def __str__(self) -> str:
        body = self._text_rows()
        widths = [max([len(c)] + [len(r[j]) for r in body]) for j, c in enumerate(self.columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in body]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def to_markdown(self) -> str:
        """The table as GitHub-flavoured Markdown."""
        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(r) + " |" for r in self._text_rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in self._text_rows()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass
class ExperimentResult:
    """All runs of one experiment, with summaries.

    Attributes
    ----------
    config : ExperimentConfig
    candidates : tuple of Candidate
    runs : list of Run
        ``len(candidates) * len(config.seeds)`` runs, grouped by candidate.
    """

    config: ExperimentConfig
    candidates: tuple[Candidate, ...]
    runs: list[Run] = field(default_factory=list)

    def runs_for(self, label: str) -> list[Run]:
        """The runs of the candidate with this label or registry name."""
        key = label.lower()
        found = [r for r in self.runs if key in (r.candidate.label.lower(), r.candidate.activation)]
        if not found:
            raise KeyError(f"label: no runs for {label!r}")
        return found

    def loss_curves(self, label: str) -> np.ndarray:
        """Training-loss curves of one candidate, shape ``(n_seeds, epochs)``."""
        return np.array([r.loss for r in self.runs_for(label)])

    def test_accuracy(self, label: str) -> tuple[float, float]:
        """Mean and (population) standard deviation of the test accuracy over seeds."""
        acc = np.array([r.test_accuracy for r in self.runs_for(label)])
        return float(acc.mean()), float(acc.std())

    def epochs_to_target(self, label: str) -> float | None:
        """Mean epochs to reach ``config.target_loss`` over seeds; ``None`` if a seed never does."""
        epochs = [r.epochs_to(self.config.target_loss) for r in self.runs_for(label)]
        if any(e is None for e in epochs):
            return None
        return float(np.mean(epochs))

    def dead_fraction(self, label: str) -> float:
        """Mean share of dead hidden units after training, over seeds."""
        return float(np.mean([r.dead_fraction for r in self.runs_for(label)]))

    def ms_per_epoch(self, label: str) -> float:
        """Median wall-clock milliseconds per training epoch over all seeds and epochs."""
        return 1e3 * float(np.median([s for r in self.runs_for(label) for s in r.epoch_seconds]))

    def summary(self) -> Table:
        """The results table: one row per activation.

        Columns: activation, init, test accuracy mean and std over seeds, final training
        loss (mean), epochs to reach the target training loss (mean; ``—`` when a seed
        never reaches it), dead hidden units after training (mean share) and milliseconds
        per epoch (median; a timing, so it varies from run to run and machine to machine).
        """
        target = self.config.target_loss
        rows = []
        for c in self.candidates:
            mean, std = self.test_accuracy(c.label)
            final = float(self.loss_curves(c.label)[:, -1].mean())
            epochs = self.epochs_to_target(c.label)
            dead = self.dead_fraction(c.label)
            rows.append([c.label, c.init, mean, std, final, epochs, dead, self.ms_per_epoch(c.label)])
        columns = [
            "activation",
            "init",
            "test acc mean",
            "test acc std",
            "final train loss",
            f"epochs to loss {target:g}",
            "dead units",
            "ms / epoch",
        ]
        formats = {
            "test acc mean": ".3f",
            "test acc std": ".3f",
            "final train loss": ".3f",
            f"epochs to loss {target:g}": ".1f",
            "dead units": ".1%",
            "ms / epoch": ".1f",
        }
        return Table(columns, rows, formats)

    def ranking(self) -> list[str]:
        """Candidate labels from the best to the worst mean test accuracy."""
        return sorted((c.label for c in self.candidates), key=lambda lab: -self.test_accuracy(lab)[0])


def train_run(
    cand: Candidate,
    seed: int,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    config: ExperimentConfig = ExperimentConfig(),
) -> Run:
    """Train one network and measure it after every epoch.

    Parameters
    ----------
    cand : Candidate
        Activation, its parameters and the initialisation scheme.
    seed : int
        Seed of the weights and of the minibatch order.
    data : tuple of arrays
        ``(X_train (n, 64), X_test (m, 64), y_train (n,), y_test (m,))`` as returned by
        :func:`course_utils.datasets.load_digits`.
    config : ExperimentConfig
        Architecture and optimiser settings.

    Returns
    -------
    Run
    """
    from course_utils.nets import MLP, dead_fraction

    X_train, X_test, y_train, y_test = data
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    sizes = [X_train.shape[1], *config.hidden, n_classes]
    model = MLP(
        sizes,
        cand.activation,
        output="softmax",
        init=cand.init,
        seed=seed,
        activation_params=cand.params_dict or None,
    )
    test_loss: list[float] = []
    seconds: list[float] = []
    clock = [time.perf_counter()]

    def after_epoch(epoch: int, net: MLP) -> None:
        seconds.append(time.perf_counter() - clock[0])  # training time of this epoch only
        test_loss.append(net.loss(X_test, y_test, loss="cross_entropy"))
        clock[0] = time.perf_counter()

    history = model.fit(
        X_train,
        y_train,
        epochs=config.epochs,
        lr=config.lr,
        batch_size=config.batch_size,
        loss="cross_entropy",
        seed=seed,
        callback=after_epoch,
    )
    accuracy = float(np.mean(model.predict(X_test) == y_test))
    model.forward(X_train, record=True)
    dead = dead_fraction(np.hstack(model.record.hidden_activations))
    model.record.clear()
    return Run(cand, seed, [float(v) for v in history.loss], test_loss, accuracy, seconds, dead)


_RUNS: dict[tuple[Candidate, int, ExperimentConfig], Run] = {}
"""Finished runs keyed by (candidate, seed, config without its seeds): training is deterministic."""


def run_experiment(
    candidates: Sequence[Candidate] = CANDIDATES,
    config: ExperimentConfig = ExperimentConfig(),
    *,
    progress: bool | Callable[[str], None] = True,
    use_cache: bool = True,
) -> ExperimentResult:
    """Train every candidate with every seed of ``config`` on the 8x8 digits.

    Parameters
    ----------
    candidates : sequence of Candidate
        The activations to compare (default: :data:`CANDIDATES`, eight of them).
    config : ExperimentConfig
        What stays fixed across candidates.
    progress : bool or callable
        ``True`` prints one line per activation as its seeds finish; a callable receives
        each progress message instead; ``False`` is silent.
    use_cache : bool
        Training is deterministic, so every finished run is kept in memory, keyed by its
        candidate, seed and the rest of ``config``; an experiment asking for it again (the
        same one, or a subset of its activations and seeds, as the lesson-7 slider does)
        reuses it instead of training. Timings of a reused run are those of its training.

    Returns
    -------
    ExperimentResult

    Notes
    -----
    Every run uses the same train/test split (``config.data_seed``); only the weights and
    the minibatch order change with the seed. Timings are wall-clock and vary between
    machines; every other number is reproducible.
    """
    from course_utils.datasets import load_digits

    candidates = tuple(candidates)
    say: Callable[[str], None]
    if callable(progress):
        say = progress
    elif progress:

        def say(message: str) -> None:
            print(message, end="", flush=True)
    else:

        def say(message: str) -> None:
            return None

    from course_utils.nets import single_threaded_blas

    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    shared = replace(config, seeds=())
    result = ExperimentResult(config, candidates)
    width = max(len(c.label) for c in candidates)
    with single_threaded_blas():
        for i, cand in enumerate(candidates, start=1):
            say(f"[{i}/{len(candidates)}] {cand.label.ljust(width)}  seeds:")
            start = time.perf_counter()
            for seed in config.seeds:
                run = _RUNS.get((cand, seed, shared)) if use_cache else None
                if run is None:
                    if data is None:
                        data = load_digits(test_size=config.test_size, seed=config.data_seed)
                    run = train_run(cand, seed, data, config)
                    if use_cache:
                        _RUNS[(cand, seed, shared)] = run
                result.runs.append(run)
                say(f" {seed}")
            mean, std = result.test_accuracy(cand.label)
            say(f"  test acc {mean:.3f} ± {std:.3f}  ({time.perf_counter() - start:.1f} s)\n")
    return result


# ----------------------------------------------------------------------------- the fair comparison
LEARNING_RATES: tuple[float, ...] = (0.03, 0.1, 0.3, 1.0, 3.0)
"""The learning-rate grid of lesson 7's fair comparison: steps of about ×3 (half a decade)."""


@dataclass(frozen=True)
class DigitSplits:
    """The 8x8 digits split three ways, standardised with the training part's statistics.

    Attributes
    ----------
    X_train, y_train : ndarray, shape (n_train, 64) and (n_train,)
        What the networks are trained on.
    X_val, y_val : ndarray, shape (n_val, 64) and (n_val,)
        Held out from the training data to choose the learning rate.
    X_test, y_test : ndarray, shape (n_test, 64) and (n_test,)
        Looked at only to report the chosen set-ups.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    def sizes(self) -> tuple[int, int, int]:
        """Number of images in the training, validation and test parts."""
        return len(self.y_train), len(self.y_val), len(self.y_test)


def load_splits(test_size: float = 0.25, val_size: float = 0.25, seed: int = 0) -> DigitSplits:
    """scikit-learn's 8x8 digits as training, validation and test parts (no download).

    The test part is the one :func:`course_utils.datasets.load_digits` holds out (same
    ``test_size`` and ``seed``); the validation part is carved from the rest. Both splits
    are stratified (each digit keeps its share in every part) and seeded. Every pixel is
    standardised with the mean and standard deviation of the training part only (pixels
    constant there are only centred), so neither the validation nor the test images leak
    into training.

    Parameters
    ----------
    test_size : float
        Share of all 1,797 images held out for testing, 0 < test_size < 1.
    val_size : float
        Share of the remaining images held out for validation, 0 < val_size < 1.
    seed : int
        Seed of both splits.

    Returns
    -------
    DigitSplits

    Examples
    --------
    >>> load_splits().sizes()
    (1010, 337, 450)
    """
    for name, value in (("test_size", test_size), ("val_size", val_size)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ValueError(f"{name}: expected a number strictly between 0 and 1, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    from sklearn.datasets import load_digits as _sk_load_digits
    from sklearn.model_selection import train_test_split

    digits = _sk_load_digits()
    X, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=float(test_size), random_state=int(seed), stratify=y
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=float(val_size), random_state=int(seed), stratify=y_rest
    )
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0
    return DigitSplits(
        (X_train - mean) / std, y_train, (X_val - mean) / std, y_val, (X_test - mean) / std, y_test
    )


@dataclass(frozen=True)
class Trial:
    """What was measured on one trained network (one activation, learning rate and seed).

    Attributes
    ----------
    train_loss : tuple of float
        Mean training cross-entropy of each epoch (shorter than the budget if training
        diverged and was stopped).
    val_loss : tuple of float
        Validation cross-entropy after each epoch.
    test_accuracy : float
        Share of test images classified correctly after the last epoch.
    test_loss : float
        Test cross-entropy after the last epoch.
    dead_fraction : float
        Share of hidden units that output 0 on every training image after training.
    """

    train_loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    test_accuracy: float
    test_loss: float
    dead_fraction: float = 0.0

    @property
    def diverged(self) -> bool:
        """``True`` when the last validation loss is not finite (the weights blew up)."""
        return not math.isfinite(self.val_loss[-1])

    @property
    def final_val_loss(self) -> float:
        """Validation loss after the last epoch; ``inf`` for a diverged run."""
        return math.inf if self.diverged else float(self.val_loss[-1])


class Grid:
    """The trials of a learning-rate × seed grid for several set-ups, with their summaries.

    A set-up is named by a label (``"ReLU"``, ``"sigmoid − ½"``); :meth:`add` files one
    :class:`Trial` under ``(label, lr, seed)``. Every summary is over seeds at one learning
    rate; the spread reported is the range (min–max) over seeds.

    Examples
    --------
    >>> grid = Grid()
    >>> for lr, losses in ((0.1, (0.3, 0.5)), (1.0, (0.2, 0.4))):
    ...     for seed, v in enumerate(losses):
    ...         grid.add("ReLU", lr, seed, Trial((1.0,), (v,), 0.9 + v / 10, v))
    >>> round(grid.val_loss("ReLU", 1.0), 3), grid.best_rate("ReLU")
    (0.3, 1.0)
    """

    def __init__(self) -> None:
        self.trials: dict[tuple[str, float, int], Trial] = {}

    def add(self, label: str, lr: float, seed: int, trial: Trial) -> None:
        """File ``trial`` under ``(label, lr, seed)``."""
        self.trials[(str(label), float(lr), int(seed))] = trial

    def subset(self, labels: Iterable[str]) -> Grid:
        """A new grid holding only the trials of ``labels`` (the trials are shared, not copied)."""
        keep = set(labels)
        out = Grid()
        out.trials = {key: t for key, t in self.trials.items() if key[0] in keep}
        return out

    @property
    def labels(self) -> list[str]:
        """The set-ups, in the order they were first added."""
        return list(dict.fromkeys(key[0] for key in self.trials))

    def rates(self, label: str) -> list[float]:
        """The learning rates tried for ``label``, ascending."""
        return sorted({key[1] for key in self.trials if key[0] == label})

    def at(self, label: str, lr: float) -> list[Trial]:
        """The trials of one set-up at one learning rate, in seed order."""
        found = sorted((key[2], t) for key, t in self.trials.items() if key[:2] == (label, float(lr)))
        if not found:
            raise KeyError(f"label, lr: no trials for {label!r} at lr {lr:g}")
        return [t for _seed, t in found]

    def val_loss(self, label: str, lr: float) -> float:
        """Mean final validation loss over seeds (``inf`` if any seed diverged)."""
        return float(np.mean([t.final_val_loss for t in self.at(label, lr)]))

    def best_rate(self, label: str) -> float:
        """The learning rate with the lowest mean validation loss (the smaller one on a tie)."""
        return min(self.rates(label), key=lambda lr: (self.val_loss(label, lr), lr))

    def test_accuracy(self, label: str, lr: float) -> np.ndarray:
        """Test accuracy of each seed, shape ``(n_seeds,)``."""
        return np.array([t.test_accuracy for t in self.at(label, lr)])

    def test_loss(self, label: str, lr: float) -> float:
        """Mean test cross-entropy over seeds."""
        return float(np.mean([t.test_loss for t in self.at(label, lr)]))

    def table(self, rates: Mapping[str, float] | float, inits: Mapping[str, str] | None = None) -> Table:
        """One row per set-up at the given learning rate(s): the results table.

        Parameters
        ----------
        rates : float or mapping label -> float
            One learning rate for every set-up, or each set-up's own (e.g. its
            :meth:`best_rate`).
        inits : mapping label -> str, optional
            Initialisation of each set-up, shown in an ``init`` column.

        Returns
        -------
        Table
            Columns: activation, (init,) lr, val loss (mean over seeds), test acc (mean),
            min and max (the range over seeds), test loss (mean), dead units (mean share),
            seeds.
        """
        rows = []
        for label in self.labels:
            lr = float(rates[label]) if isinstance(rates, Mapping) else float(rates)
            acc = self.test_accuracy(label, lr)
            dead = float(np.mean([t.dead_fraction for t in self.at(label, lr)]))
            head = [label] + ([inits[label]] if inits is not None else []) + [lr]
            rows.append(
                head
                + [self.val_loss(label, lr), float(acc.mean()), float(acc.min()), float(acc.max())]
                + [self.test_loss(label, lr), dead, len(acc)]
            )
        columns = ["activation"] + (["init"] if inits is not None else []) + ["lr", "val loss"]
        columns += ["test acc", "min", "max", "test loss", "dead units", "seeds"]
        formats = {"lr": "g", "val loss": ".3f", "test acc": ".3f", "min": ".3f", "max": ".3f"}
        formats |= {"test loss": ".3f", "dead units": ".1%"}
        return Table(columns, rows, formats)

    def rate_table(self, value: str = "val_loss") -> Table:
        """One row per set-up, one column per learning rate: a mean over seeds.

        Parameters
        ----------
        value : {"val_loss", "test_accuracy"}
            Mean final validation loss (``inf`` where a seed diverged) or mean test accuracy.

        Returns
        -------
        Table
        """
        if value not in ("val_loss", "test_accuracy"):
            raise ValueError(f"value: expected 'val_loss' or 'test_accuracy', got {value!r}")
        rates = sorted({key[1] for key in self.trials})
        rows = []
        for label in self.labels:
            row: list[Any] = [label]
            for lr in rates:
                if lr not in self.rates(label):
                    row.append(None)
                elif value == "val_loss":
                    row.append(self.val_loss(label, lr))
                else:
                    row.append(float(self.test_accuracy(label, lr).mean()))
            rows.append(row)
        columns = ["activation"] + [f"lr {lr:g}" for lr in rates]
        spec = ".3g" if value == "val_loss" else ".3f"  # a blown-up loss prints as 4.27e+203
        return Table(columns, rows, {c: spec for c in columns[1:]})

    def tied_with_best(self, rates: Mapping[str, float] | float) -> list[str]:
        """Set-ups whose seed range of test accuracy overlaps the best mean's range.

        A difference smaller than the seed-to-seed variation is not a ranking: a set-up is
        *tied* with the best when its highest seed reaches the best set-up's lowest seed.
        """

        def rate(label: str) -> float:
            return float(rates[label]) if isinstance(rates, Mapping) else float(rates)

        best = max(self.labels, key=lambda lab: self.test_accuracy(lab, rate(lab)).mean())
        floor = self.test_accuracy(best, rate(best)).min()
        return [lab for lab in self.labels if self.test_accuracy(lab, rate(lab)).max() >= floor]


def plot_rate_sweep(grid: Grid, labels: Sequence[str] | None = None, ax: Any = None) -> Any:
    """Mean validation loss against the learning rate, one line per set-up, best rate ringed.

    Parameters
    ----------
    grid : Grid
    labels : sequence of str, optional
        Set-ups to draw (default: all of ``grid.labels``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Log-scaled learning-rate axis; diverged rates (``inf``) are left out of the lines.
    """
    import matplotlib.pyplot as plt

    from course_utils.plotting import PALETTE

    ax = plt.gca() if ax is None else ax
    markers = "osD^v<>p"
    for k, label in enumerate(labels or grid.labels):
        rates = grid.rates(label)
        losses = np.array([grid.val_loss(label, lr) for lr in rates])
        color, marker = PALETTE[k % len(PALETTE)], markers[k % len(markers)]
        ok = np.isfinite(losses)
        ax.plot(np.array(rates)[ok], losses[ok], marker=marker, color=color, label=label)
        best = grid.best_rate(label)
        ax.plot([best], [grid.val_loss(label, best)], "o", ms=14, mfc="none", mec=color, mew=2)
    ax.set(xscale="log", xlabel="learning rate", ylabel="validation loss (mean over seeds)")
    return ax


def plot_accuracy_ranges(
    grid: Grid, settings: Mapping[str, Mapping[str, float] | float], ax: Any = None
) -> Any:
    """Test accuracy per set-up: the mean (marker) and the seed range (bar), per setting.

    Parameters
    ----------
    grid : Grid
    settings : mapping name -> rates
        Each setting is a learning rate for all set-ups or a mapping label -> rate, e.g.
        ``{"own lr": chosen, "lr 0.1 for all": 0.1}``; drawn side by side.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    from course_utils.plotting import PALETTE

    ax = plt.gca() if ax is None else ax
    labels = grid.labels
    y = np.arange(len(labels))
    offsets = np.linspace(-0.18, 0.18, len(settings)) if len(settings) > 1 else np.zeros(1)
    for k, (name, rates) in enumerate(settings.items()):
        lrs = [float(rates[lab]) if isinstance(rates, Mapping) else float(rates) for lab in labels]
        accs = [grid.test_accuracy(lab, lr) for lab, lr in zip(labels, lrs, strict=True)]
        mean = np.array([a.mean() for a in accs])
        low = mean - np.array([a.min() for a in accs])
        high = np.array([a.max() for a in accs]) - mean
        ax.errorbar(
            mean, y + offsets[k], xerr=[low, high], fmt="os"[k % 2], color=PALETTE[k], capsize=3, label=name
        )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("test accuracy (mean; bar: min–max over seeds)")
    return ax


def format_range(output_range: tuple[float, float]) -> str:
    """Format an activation's output range (its infimum and supremum) with ∞ symbols.

    Examples
    --------
    >>> format_range((0.0, float("inf")))
    '0 … ∞'
    >>> format_range((-1.7580993408473766, float("inf")))
    '-1.758 … ∞'
    """

    def fmt(v: float) -> str:
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        return f"{v:.4g}"

    lo, hi = (float(v) for v in output_range)
    return f"{fmt(lo)} … {fmt(hi)}"


def _saturation(props: dict[str, Any]) -> str:
    left, right = bool(props["saturates_left"]), bool(props["saturates_right"])
    return {(True, True): "both", (True, False): "left", (False, True): "right"}.get((left, right), "no")


def properties_table(names: Iterable[str] | None = None) -> Table:
    """The properties of activations, read from the registry.

    Parameters
    ----------
    names : iterable of str, optional
        Registry names (default: the activations of :data:`CANDIDATES`).

    Returns
    -------
    Table
        Columns: name, range, zero-centred, saturates (left/right/both/no), monotonic,
        smooth (C¹), cost (what one evaluation needs).

    Examples
    --------
    >>> t = properties_table(["relu", "tanh"])
    >>> t.row("relu")["saturates"], t.row("tanh")["zero-centred"]
    ('left', True)
    """
    from course_utils.activations import get

    names = [c.activation for c in CANDIDATES] if names is None else list(names)
    rows = []
    for name in names:
        props = get(name).properties
        rows.append(
            [
                name,
                format_range(props["output_range"]),
                bool(props["zero_centred"]),
                _saturation(props),
                bool(props["monotonic"]),
                bool(props["smooth"]),
                props["cost"],
            ]
        )
    return Table(["name", "range", "zero-centred", "saturates", "monotonic", "smooth", "cost"], rows)
