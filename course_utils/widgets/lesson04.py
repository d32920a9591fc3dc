"""Lesson 4 (ELU, SELU and self-normalisation): per-layer statistics of a deep SELU network.

The slider ``selu_init_depth`` sets the initial weights' standard deviation (as a multiple
of LeCun's ``1 / sqrt(n_in)``) and the number of layers shown, and draws the measured mean
and variance of every layer's activations beside the prediction of the moment map for random
weights, both from :func:`course_utils.experiments.lesson04.selu_stats`.

Every init-std position is measured when the first widget is built (16 runs of a 64-layer
network, cached by ``selu_stats`` for the session), so a slider step only redraws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.experiments.lesson04 import SELU_STATS_DEPTH, SELU_STATS_WIDTH, selu_stats
from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["SeluInitDepth"]

INIT_STDS: tuple[float, ...] = tuple(np.round(np.arange(0.5, 2.0001, 0.1), 2).tolist())
"""The slider's init-std positions (multiples of LeCun's standard deviation)."""


@register("selu_init_depth")
class SeluInitDepth(SliderWidget):
    """Mean and variance, layer by layer, of a deep SELU network as the init std changes.

    Controls: ``init_std`` -- weight standard deviation times ``sqrt(n_in)`` (1 = LeCun
    normal, 1.41 = He normal); ``depth`` -- layers shown.

    Examples
    --------
    >>> w = SeluInitDepth()
    >>> w.update(init_std=1.5, depth=32)[:4]
    b'\\x89PNG'
    >>> res = w.compute(init_std=1.0, depth=10)
    >>> res["layers"].shape
    (10,)
    """

    ranges = {"init_std": (0.5, 2.0, 0.1), "depth": (1.0, float(SELU_STATS_DEPTH), 1.0)}
    defaults = {"init_std": 1.0, "depth": float(SELU_STATS_DEPTH)}
    title = (
        f"SELU network, width {SELU_STATS_WIDTH}, weight std = init_std / sqrt(n_in): measured (blue) "
        "and the moment map's prediction (dashed)"
    )
    figsize = (8.0, 3.2)

    def __init__(self) -> None:
        for std in INIT_STDS:  # 16 short runs, once per session: every later step only redraws
            selu_stats(std)
        self._shown_std: float | None = None
        super().__init__()

    def compute(self, init_std: float, depth: float) -> dict[str, Any]:
        """The (cached) statistics of the nearest slider position, first ``depth`` layers."""
        key = min(INIT_STDS, key=lambda s: abs(s - init_std))
        d = int(round(depth))
        st = selu_stats(key)
        out: dict[str, Any] = {name: values[:d] for name, values in st.items()}
        out["layers"] = np.arange(1, d + 1)
        out["init_std"] = key
        return out

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        """Two panels: mean and log10 variance by layer, measured (solid) and predicted (dashed).

        The x-axes show all :data:`SELU_STATS_DEPTH` layers and the y-axes fit all of them at this
        init std, so the depth slider only moves the curves; a new init std rescales.
        """
        if not fig.axes:
            from course_utils.plotting import COLORS, few_ticks, freeze_layout

            ax_m, ax_v = fig.subplots(1, 2)
            fig.subplots_adjust(left=0.1, right=0.98, bottom=0.2, top=0.86, wspace=0.32)
            (self._m,) = ax_m.plot([], [], color=COLORS["blue"], lw=2, label="measured")
            (self._mt,) = ax_m.plot([], [], "--", color=COLORS["vermillion"], lw=2, label="moment map")
            (self._v,) = ax_v.plot([], [], color=COLORS["blue"], lw=2)
            (self._vt,) = ax_v.plot([], [], "--", color=COLORS["vermillion"], lw=2)
            ax_m.axhline(0.0, color="grey", lw=1)
            ax_v.axhline(0.0, color="grey", lw=1)
            ax_m.set(xlabel="layer", ylabel="mean", title=" ")
            ax_v.set(xlabel="layer", ylabel="log10 variance", title=" ")
            for ax in (ax_m, ax_v):
                few_ticks(ax, nx=4, ny=3)
                freeze_layout(ax, ylabel_x=-0.17)
                ax.set_xlim(0.5, SELU_STATS_DEPTH + 0.5)
                ax.title.set_fontsize(11)
            self._axes = (ax_m, ax_v)
            self.animate(self._m, self._mt, self._v, self._vt, ax_m.title, ax_v.title)
        ax_m, ax_v = self._axes
        layers = result["layers"]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_var = np.log10(result["var"])
            log_theory = np.log10(result["theory_var"])
        self._m.set_data(layers, result["mean"])
        self._mt.set_data(layers, result["theory_mean"])
        self._v.set_data(layers, log_var)
        self._vt.set_data(layers, log_theory)
        if result["init_std"] != self._shown_std:
            self._shown_std = result["init_std"]
            every = selu_stats(result["init_std"])
            with np.errstate(divide="ignore", invalid="ignore"):
                every_log = [np.log10(every["var"]), np.log10(every["theory_var"])]
            for ax, values, pad in (
                (ax_m, [every["mean"], every["theory_mean"]], 0.2),
                (ax_v, every_log, 0.5),
            ):
                finite = np.concatenate(values)
                finite = finite[np.isfinite(finite)]
                lo, hi = min(float(finite.min()), -pad), max(float(finite.max()), pad)
                ax.set_ylim(lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo))
            self.static_changed()
        last_mean = result["mean"][-1]
        ax_m.title.set_text(f"init_std = {result['init_std']:.2f}: last mean {last_mean:.3g}")
        ax_v.title.set_text(f"last variance {result['var'][-1]:.3g} (0 = variance 1)")
