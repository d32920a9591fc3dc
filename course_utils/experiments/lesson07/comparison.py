"""The capstone's fair comparison: data splits, the learning-rate grid and its trials.

* :data:`LEARNING_RATES` -- the grid every activation is tried on;
* :func:`load_splits` -- the digits cut into training, validation and test parts
  (:class:`DigitSplits`);
* :class:`Trial` and :class:`Grid` -- what one trained network measured, and a
  learning-rate × seed grid of them with its summaries (chosen rate, results tables, ties).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils.experiments.lesson07.tables import Table

__all__ = ["LEARNING_RATES", "DigitSplits", "Grid", "Trial", "load_splits"]


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
