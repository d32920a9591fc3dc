"""The capstone's two result figures, drawn from a :class:`~.comparison.Grid` of trials."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from course_utils.experiments.lesson07.comparison import Grid

__all__ = ["plot_accuracy_ranges", "plot_rate_sweep"]


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
