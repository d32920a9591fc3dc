"""Lesson 2 (sigmoid and tanh saturation): the initial-scale and depth sliders.

The maths lives in :mod:`course_utils.experiments.lesson02`; these classes only wire sliders to it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from course_utils.experiments import lesson02 as saturation
from course_utils.plotting import COLORS
from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["DepthGradientSlider", "InitScaleSlider"]

_NAMES = ("sigmoid", "tanh")
_COLOURS = {"sigmoid": COLORS["blue"], "tanh": COLORS["vermillion"], "relu": COLORS["bluish_green"]}


@cache
def _layer_histograms(key: int) -> dict[str, tuple[np.ndarray, float]]:
    """Histogram (share per bin) and saturated share of layer 3 at ``weight_std = key * 0.02``."""
    out = {}
    for name in _NAMES:
        z, a = saturation.hidden_layer_activations(name, key * 0.02, depth=3, width=64)
        counts, _ = np.histogram(a, bins=InitScaleSlider.bins[name])
        out[name] = (counts / a.size, saturation.saturated_fraction(z, name))
    return out


class InitScaleSlider(SliderWidget):
    """Weight scale → histogram of a hidden layer's activations and the share saturated.

    Three hidden layers of 64 units, standard-normal inputs, every weight from
    ``N(0, weight_std²)``; the histograms show the third layer's activations for sigmoid
    and tanh, the titles the share of its units whose derivative is below 5 % of its peak
    (:func:`course_utils.experiments.lesson02.saturated_fraction`). Xavier/Glorot for these square
    layers is ``weight_std = 1/8 = 0.125``.
    """

    ranges = {"weight_std": (0.02, 1.0, 0.02)}
    defaults = {"weight_std": 0.5}
    title = "Weight scale at initialisation → saturated units (layer 3 of 64-unit layers)"
    figsize = (9.0, 3.2)
    bins = {"sigmoid": np.linspace(0.0, 1.0, 41), "tanh": np.linspace(-1.0, 1.0, 41)}

    def __init__(self) -> None:
        # every slider position at build time (cached), so that a step only draws
        lo, hi, step = self.ranges["weight_std"]
        self.table = {key: _layer_histograms(key) for key in range(round(lo / step), round(hi / step) + 1)}
        super().__init__()

    def compute(self, weight_std: float) -> dict[str, Any]:
        return self.table[round(weight_std / self.ranges["weight_std"][2])]

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        if not fig.axes:
            fig.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.85, wspace=0.25)
            axes = fig.subplots(1, 2)
            self._stairs = {}
            for ax, name in zip(axes, _NAMES, strict=True):
                self._stairs[name] = ax.stairs(np.zeros(40), self.bins[name], fill=True,
                                               color=_COLOURS[name], alpha=0.8)
                ax.set_ylim(0.0, 1.0)
                ax.set_yticks([0.0, 0.5, 1.0])
                ax.set_xticks(self.bins[name][::20])
                ax.set_xlabel(f"{name} activation")
            axes[0].set_ylabel("share of units")
            self._axes = dict(zip(_NAMES, axes, strict=True))
            for name in _NAMES:
                self._axes[name].set_title(" ", fontsize=14, y=1.0)
                self.animate(self._stairs[name], self._axes[name].title)
        for name in _NAMES:
            share, saturated = result[name]
            self._stairs[name].set_data(share)
            self._axes[name].title.set_text(f"{name}: {saturated:.0%} saturated")


class DepthGradientSlider(SliderWidget):
    """Depth → per-layer weight-gradient norms (relative to the last hidden layer).

    One backward pass through ``depth`` hidden layers of 64 units (sigmoid and tanh with
    Xavier, ReLU with He initialisation; :func:`course_utils.experiments.lesson02.gradient_norms_by_depth`),
    drawn on a log scale beside ``0.25**(L - l)``, the bound of the sigmoid-derivative factor.
    The axes fit the deepest network, so that depths can be compared at a glance.
    """

    ranges = {"depth": (2.0, 30.0, 1.0)}
    defaults = {"depth": 15.0}
    title = "Depth → gradient norm per layer (relative to the last hidden layer)"
    figsize = (8.0, 3.6)

    def __init__(self) -> None:
        # one backward pass per depth, all at build time (cached), so a step only draws
        lo, hi, _ = self.ranges["depth"]
        self.table = {depth: self._relative(depth) for depth in range(int(lo), int(hi) + 1)}
        # axis limits that fit every depth: a step moves the curves, never the axes
        self.ylim = (
            min(float(np.min(v)) for r in self.table.values() for v in r.values()) / 10.0,
            max(float(np.max(v)) for r in self.table.values() for v in r.values()) * 10.0,
        )
        super().__init__()

    @staticmethod
    def _relative(depth: int) -> dict[str, np.ndarray]:
        norms = saturation.gradient_norms_by_depth(("sigmoid", "tanh", "relu"), depth=depth)
        out = {name: values / values[-1] for name, values in norms.items()}
        out["bound"] = saturation.sigmoid_factor_bound(depth)
        return out

    def compute(self, depth: float) -> dict[str, np.ndarray]:
        return self.table[int(round(depth))]

    def draw(self, result: dict[str, np.ndarray], fig: Any) -> None:
        layers = np.arange(1, len(result["bound"]) + 1)
        if not fig.axes:
            fig.subplots_adjust(left=0.12, right=0.98, bottom=0.17, top=0.9)
            ax = fig.add_subplot()
            self._lines = {}
            for name in ("sigmoid", "tanh", "relu"):
                (self._lines[name],) = ax.semilogy(layers, result[name], "o-", ms=4, color=_COLOURS[name],
                                                   label=name)
            (self._lines["bound"],) = ax.semilogy(layers, result["bound"], "--", color=COLORS["black"],
                                                  lw=1.8, label=r"$0.25^{L-l}$")
            ax.set_xlabel("layer $l$ (1 = next to the input)")
            ax.set_ylabel(r"$\|\partial L/\partial W_l\|$ / last")
            ax.legend(loc="lower right", fontsize=11, ncol=2)
            ax.yaxis.set_major_locator(LogLocator(numticks=5))
            ax.yaxis.set_minor_locator(NullLocator())
            ax.set_xlim(0.5, self.ranges["depth"][1] + 0.5)
            ax.set_ylim(*self.ylim)
            self._ax = ax
            self.animate(*self._lines.values())
        for name, line in self._lines.items():
            line.set_data(layers, result[name])


register("lesson02_saturation")(InitScaleSlider)
register("lesson02_depth")(DepthGradientSlider)
