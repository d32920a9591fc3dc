"""The capstone experiment: one small MLP trained with each activation on the 8x8 digits.

Lesson 7 compares activations on equal terms: the same architecture, data split, learning
rate, batch size and number of epochs, changing only the hidden activation and the
initialisation that suits it (Xavier for sigmoid and tanh, LeCun for SELU, He for the
ReLU family and its smooth relatives). Each activation is trained with several seeds so
the results table can show a spread, not a single lucky run.

The training itself is :class:`course_utils.nets.MLP`; this module only arranges the runs
and summarises them (:func:`run_experiment`, :class:`ExperimentResult`,
:func:`properties_table`). Training is deterministic, so finished runs are kept in memory and
reused (the lesson-7 slider shows the runs the notebook has just trained).
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

__all__ = [
    "CANDIDATES",
    "Candidate",
    "ExperimentConfig",
    "ExperimentResult",
    "Run",
    "Table",
    "candidate",
    "format_range",
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
