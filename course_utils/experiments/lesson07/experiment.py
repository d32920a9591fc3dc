"""The lesson-7 slider's experiment: every activation at one learning rate, epoch by epoch.

The slider (:mod:`course_utils.widgets.lesson07`) shows single-rate learning curves and trains
them itself, without the notebook: :func:`run_experiment` (over an :class:`ExperimentConfig`,
returning an :class:`ExperimentResult` of :class:`Run` records, each from :func:`train_run`).
Training is deterministic, so finished runs are kept in memory and reused.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from course_utils.experiments.lesson07.candidates import CANDIDATES, Candidate
from course_utils.experiments.lesson07.tables import Table

__all__ = ["ExperimentConfig", "ExperimentResult", "Run", "run_experiment", "train_run"]


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
