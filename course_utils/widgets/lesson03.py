"""Lesson 3 (ReLU and dead neurons): the dead-unit grid slider and the Leaky-ReLU slope slider.

Training runs are far too slow for a slider step, so :class:`DeadUnitsSlider` reads a grid
of runs that :func:`course_utils.experiments.lesson03.dead_fraction_grid` computes once (about a
second, then cached for the session).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.experiments import lesson03 as dead_units
from course_utils.plotting import COLORS
from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["DeadUnitsSlider", "LeakySlopeSlider"]


def _nearest(values: tuple[float, ...], value: float) -> int:
    return int(np.argmin(np.abs(np.asarray(values) - value)))


class DeadUnitsSlider(SliderWidget):
    """Learning rate and initial bias → share of dead hidden units during training.

    A 2-32-32-2 ReLU MLP (He init) trained with SGD (batch 20) on two moons for 30 epochs;
    the left panel shows the dead share after each epoch for the chosen pair (thin lines:
    the other learning rates at the same bias), the right panel the final share over the
    whole grid with the chosen cell marked.
    """

    ranges = {
        "log10_lr": (dead_units.GRID_LOG10_LRS[0], dead_units.GRID_LOG10_LRS[-1], 0.5),
        "bias_init": (dead_units.GRID_BIAS_INITS[0], dead_units.GRID_BIAS_INITS[-1], 0.5),
    }
    defaults = {"log10_lr": 0.5, "bias_init": 0.0}
    title = "Learning rate and bias init → dead ReLU units (precomputed grid of training runs)"
    figsize = (9.5, 3.6)

    def __init__(self) -> None:
        self.grid = dead_units.dead_fraction_grid()
        super().__init__()

    def compute(self, log10_lr: float, bias_init: float) -> dict[str, Any]:
        i = _nearest(dead_units.GRID_LOG10_LRS, log10_lr)
        j = _nearest(dead_units.GRID_BIAS_INITS, bias_init)
        return {"i": i, "j": j, "curve": self.grid[i, j], "others": self.grid[:, j]}

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        i, j = result["i"], result["j"]
        epochs = np.arange(self.grid.shape[2])
        lr = 10.0 ** dead_units.GRID_LOG10_LRS[i]
        bias = dead_units.GRID_BIAS_INITS[j]
        if not fig.axes:
            fig.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.84, wspace=0.3)
            ax, heat = fig.subplots(1, 2, width_ratios=[1.3, 1.0])
            self._others = [ax.plot(epochs, curve, color=COLORS["sky_blue"], lw=1.0)[0]
                            for curve in result["others"]]
            (self._curve,) = ax.plot(epochs, result["curve"], color=COLORS["vermillion"], lw=3)
            ax.set_ylim(-0.02, 1.02)
            ax.set_xticks([0, 10, 20, 30])
            ax.set_xlabel("epoch")
            ax.set_ylabel("dead share of hidden units")
            ax.set_yticks([0.0, 0.5, 1.0])
            final = self.grid[:, :, -1]
            heat.imshow(final, origin="lower", cmap="cividis", vmin=0.0, vmax=1.0, aspect="auto",
                        interpolation="nearest")
            # no colour bar (its axis would double the drawing time): the title names the scale
            heat.set_title("dead after 30 epochs:\nblue 0 → yellow 1", fontsize=12, y=1.0)
            heat.set_xticks(range(0, len(dead_units.GRID_BIAS_INITS), 2),
                            [f"{b:g}" for b in dead_units.GRID_BIAS_INITS[::2]])
            heat.set_yticks(range(0, len(dead_units.GRID_LOG10_LRS), 2),
                            [f"{10.0**v:.2g}" for v in dead_units.GRID_LOG10_LRS[::2]])
            heat.set_xlabel("bias init")
            heat.set_ylabel("learning rate")
            heat.grid(False)
            (self._marker,) = heat.plot([j], [i], "s", ms=18, mfc="none", mec=COLORS["vermillion"], mew=3)
            ax.set_title(" ", fontsize=13, y=1.0)
            self._ax = ax
            self.animate(*self._others, self._curve, self._marker, ax.title)
        for line, curve in zip(self._others, result["others"], strict=True):
            line.set_ydata(curve)
        self._curve.set_ydata(result["curve"])
        self._marker.set_data([j], [i])
        self._ax.title.set_text(f"lr = {lr:.2g}, bias init = {bias:g}: {result['curve'][-1]:.0%} dead")


class LeakySlopeSlider(SliderWidget):
    """Negative slope → Leaky ReLU and its derivative, with the maxout pieces ``x`` and ``a x``.

    For ``0 <= a <= 1``, ``max(x, a x)`` (a maxout unit with two linear pieces) *is* the Leaky
    ReLU; the dashed lines show the two pieces it takes the maximum of.
    """

    ranges = {"negative_slope": (0.0, 1.0, 0.01)}
    defaults = {"negative_slope": 0.1}
    title = "Leaky ReLU slope a: f(x) = max(x, a·x)"
    figsize = (9.0, 3.2)
    x = np.linspace(-4.0, 4.0, 161)

    def compute(self, negative_slope: float) -> dict[str, np.ndarray]:
        from course_utils.activations import leaky_relu

        a = float(negative_slope)
        return {
            "a": np.array(a),
            "f": leaky_relu(self.x, negative_slope=a),
            "df": leaky_relu.grad(self.x, negative_slope=a),
            "piece": a * self.x,
        }

    def draw(self, result: dict[str, np.ndarray], fig: Any) -> None:
        if not fig.axes:
            fig.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.87, wspace=0.28)
            ax_f, ax_df = fig.subplots(1, 2)
            ax_f.plot(self.x, self.x, ":", color=COLORS["black"], lw=1.5, label="$x$")
            (self._piece,) = ax_f.plot(self.x, result["piece"], "--", color=COLORS["bluish_green"], lw=1.5,
                                       label="$a x$")
            (self._f,) = ax_f.plot(self.x, result["f"], color=COLORS["blue"], label="max")
            (self._df,) = ax_df.plot(self.x, result["df"], color=COLORS["vermillion"])
            ax_f.set_ylim(-4.2, 4.2)
            ax_df.set_ylim(-0.05, 1.1)
            for ax in (ax_f, ax_df):
                ax.set_xticks([-4, 0, 4])
                ax.set_xlabel("x")
            ax_f.set_yticks([-4, 0, 4])
            ax_df.set_yticks([0, 0.5, 1])
            ax_f.set_ylabel("f(x)")
            ax_df.set_ylabel("f'(x)")
            ax_f.legend(loc="upper left", fontsize=11)
            # a fixed title position (y=1.0) spares matplotlib a layout pass on every full redraw
            ax_f.set_title(" ", fontsize=13, y=1.0)
            ax_df.set_title(" ", fontsize=13, y=1.0)
            self._axes = (ax_f, ax_df)
            self.animate(self._piece, self._f, self._df, ax_f.title, ax_df.title)
        self._piece.set_ydata(result["piece"])
        self._f.set_ydata(result["f"])
        self._df.set_ydata(result["df"])
        a = float(result["a"])
        self._axes[0].title.set_text(f"leaky_relu, a = {a:.2f}")
        self._axes[1].title.set_text(f"derivative: {a:.2f} for x < 0, 1 for x > 0")


register("lesson03_dead_units")(DeadUnitsSlider)
register("lesson03_leaky")(LeakySlopeSlider)
