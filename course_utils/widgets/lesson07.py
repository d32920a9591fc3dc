"""Lesson 7 (choosing an activation): explore the capstone's runs without retraining.

The widget trains nothing per step: it is built from one
:func:`course_utils.experiments.lesson07.run_experiment` over the default configuration
with seed 0 only (the run cache makes that free in the lesson notebook, which has just trained
those runs), and each step only selects an activation's curve and redraws.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["WIDGET_SEEDS", "CapstoneCurvesWidget"]

WIDGET_SEEDS: tuple[int, ...] = (0,)
"""The seeds the slider shows: one, so a cold build trains 8 networks, not 24 (the lesson
notebook has trained them already, and the run cache of
:mod:`course_utils.experiments.lesson07` serves them)."""

_X = np.linspace(-5.0, 5.0, 201)


def _labels() -> tuple[str, ...]:
    from course_utils.experiments.lesson07 import CANDIDATES

    return tuple(c.label for c in CANDIDATES)


@register("capstone_curves")
class CapstoneCurvesWidget(SliderWidget):
    """Pick an activation and an epoch: its learning curve among all others, and its shape.

    Left: the training-loss curve of every activation in grey (seeds :data:`WIDGET_SEEDS`), the
    chosen one in colour, a vertical line at the chosen epoch. Right: the chosen activation (solid) and its
    derivative (dashed) on [-5, 5], with its test accuracy (seed 0) in the title.

    Examples
    --------
    Building it trains the eight seed-0 networks unless they are cached (a second or two);
    ``tests/test_capstone.py`` drives it on synthetic runs.

    >>> CapstoneCurvesWidget.ranges["epoch"], CapstoneCurvesWidget.options["activation"][:3]
    ((1.0, 20.0, 1.0), ('sigmoid', 'tanh', 'ReLU'))
    """

    options: ClassVar[dict[str, Any]] = {"activation": _labels()}
    ranges: ClassVar[dict[str, tuple[float, float, float]]] = {"epoch": (1.0, 20.0, 1.0)}
    defaults: ClassVar[dict[str, Any]] = {"activation": "ReLU", "epoch": 10.0}
    title: ClassVar[str] = "Capstone: learning curves of the 64-64-10 MLP on the digits"
    figsize: ClassVar[tuple[float, float]] = (8.0, 3.2)

    def __init__(self) -> None:
        from course_utils.activations import get
        from course_utils.experiments.lesson07 import CANDIDATES, ExperimentConfig, run_experiment

        config = replace(ExperimentConfig(), seeds=WIDGET_SEEDS)
        if config.epochs != int(self.ranges["epoch"][1]):
            raise RuntimeError("ranges: the epoch slider must end at ExperimentConfig().epochs")
        self.experiment = run_experiment(CANDIDATES, config, progress=False)
        self.curves = {c.label: self.experiment.loss_curves(c.label) for c in CANDIDATES}
        self.shapes = {}
        for c in CANDIDATES:
            record = get(c.activation)
            self.shapes[c.label] = (record(_X, **c.params_dict), record.grad(_X, **c.params_dict))
        super().__init__()

    def compute(self, activation: str, epoch: float) -> dict[str, Any]:
        """Select the chosen activation's curves and numbers (nothing is trained)."""
        k = int(round(epoch)) - 1
        curves = self.curves[activation]
        accuracy, _spread = self.experiment.test_accuracy(activation)
        f, df = self.shapes[activation]
        return {
            "activation": activation,
            "epoch": k + 1,
            "curves": curves,
            "loss": float(curves[:, k].mean()),
            "accuracy": accuracy,
            "f": f,
            "df": df,
        }

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        """Recolour the curves, move the epoch line, swap the function panel (artists reused)."""
        from course_utils.plotting import PALETTE, freeze_layout

        epochs = np.arange(1, self.experiment.config.epochs + 1)
        if not fig.axes:
            ax_c, ax_f = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
            fig.subplots_adjust(left=0.11, right=0.98, bottom=0.2, top=0.88, wspace=0.25)
            for label, curves in self.curves.items():
                ax_c.plot(epochs, curves.mean(axis=0), color="0.75", lw=1.2, label=label)
            n_seeds = next(iter(self.curves.values())).shape[0]
            flat = np.ones(len(epochs))
            self._seed_lines = [ax_c.plot(epochs, flat, color=PALETTE[0], lw=2)[0] for _ in range(n_seeds)]
            self._vline = ax_c.axvline(1, color=PALETTE[1], ls=":", lw=1.5)
            ax_c.set_yscale("log")
            # Few, fixed ticks: tick and text layout dominate the cost of each redraw.
            ax_c.set_yticks([0.03, 0.1, 0.3, 1.0], ["0.03", "0.1", "0.3", "1"])
            ax_c.minorticks_off()
            ax_c.set_xticks([1, 5, 10, 15, 20])
            ax_c.set_xlabel("epoch")
            ax_c.set_ylabel("training loss")
            self._title_c = ax_c.set_title("", fontsize=11)
            (self._f,) = ax_f.plot(_X, result["f"], color=PALETTE[0], label="f")
            (self._df,) = ax_f.plot(_X, result["df"], "--", color=PALETTE[1], label="f'")
            ax_f.set_xlim(_X[0], _X[-1])
            ax_f.set_ylim(-2.0, 3.0)
            ax_f.set_xticks([-5, 0, 5])
            ax_f.set_yticks([-2, 0, 2])
            ax_f.set_xlabel("x")
            ax_f.legend(loc="upper left", fontsize=10)
            self._title_f = ax_f.set_title("", fontsize=11)
            for ax in (ax_c, ax_f):
                freeze_layout(ax, xlabel_y=-0.13, ylabel_x=-0.13)
            self.animate(*self._seed_lines, self._vline, self._f, self._df, self._title_c, self._title_f)
        for line, curve in zip(self._seed_lines, result["curves"], strict=True):
            line.set_ydata(curve)
        self._vline.set_xdata([result["epoch"], result["epoch"]])
        self._f.set_ydata(result["f"])
        self._df.set_ydata(result["df"])
        self._title_c.set_text(f"{result['activation']}: epoch {result['epoch']}, loss {result['loss']:.3f}")
        self._title_f.set_text(f"test accuracy {result['accuracy']:.3f}")
