"""Lesson 5 (GELU and Swish): the slider ``swish_beta``.

Swish ``x * sigmoid(beta * x)`` is the line ``x / 2`` at ``beta = 0`` and tends to ReLU as
``beta`` grows. The slider draws it (left) beside its derivative (right), with both limits
as thin references and the minimum marked: by the scaling ``swish_beta(x) = swish_1(beta x)
/ beta`` it sits at ``x* / beta`` with value ``-W(1/e) / beta``, where ``x* = -(1 + W(1/e))``
(:func:`course_utils.experiments.lesson05.swish_minimum`, re-exported here: the lesson
notebook calls it as ``cu.widgets.lesson05.swish_minimum``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.experiments.lesson05 import swish_minimum
from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["SwishBeta", "swish_minimum"]

X_GRID: np.ndarray = np.linspace(-5.0, 5.0, 401)
"""The x values the slider draws."""


@register("swish_beta")
class SwishBeta(SliderWidget):
    """Swish ``x * sigmoid(beta x)`` and its derivative as ``beta`` goes from 0 to 10.

    Examples
    --------
    >>> w = SwishBeta()
    >>> w.update(beta=0.0)[:4]
    b'\\x89PNG'
    >>> r = w.compute(beta=0.0)
    >>> bool(np.allclose(r["f"], X_GRID / 2) and r["minimum"] is None)
    True
    """

    ranges = {"beta": (0.0, 10.0, 0.1)}
    defaults = {"beta": 1.0}
    title = (
        "Swish x·σ(βx) (blue) and its derivative: β = 0 is x/2 (dash-dot), large β approaches ReLU (dotted)"
    )
    figsize = (8.0, 3.2)

    def compute(self, beta: float) -> dict[str, Any]:
        """Swish and its derivative on :data:`X_GRID`, and the minimum (None for beta = 0)."""
        from course_utils.activations import swish

        return {
            "beta": beta,
            "f": swish(X_GRID, beta=beta),
            "df": swish.grad(X_GRID, beta=beta),
            "minimum": swish_minimum(beta) if beta > 0 else None,
        }

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        """Left: the function, with ReLU (dotted) and x/2 (dash-dotted) for reference; right: f'."""
        if not fig.axes:
            from course_utils.plotting import COLORS, few_ticks, freeze_layout

            ax_f, ax_d = fig.subplots(1, 2)
            fig.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.86, wspace=0.28)
            grey = dict(color="grey", lw=1.2)
            ax_f.plot(X_GRID, np.maximum(X_GRID, 0.0), ls=":", **grey)
            ax_f.plot(X_GRID, X_GRID / 2, ls="-.", **grey)
            ax_d.plot(X_GRID, (X_GRID > 0).astype(float), ls=":", **grey)
            ax_d.axhline(0.5, ls="-.", **grey)
            (self._f,) = ax_f.plot([], [], color=COLORS["blue"], lw=2.5)
            (self._min,) = ax_f.plot([], [], "o", color=COLORS["vermillion"], ms=7)
            (self._d,) = ax_d.plot([], [], color=COLORS["vermillion"], lw=2.5)
            ax_f.set(xlim=(-5, 5), ylim=(-1.0, 5.0), xlabel="x", ylabel="x·σ(βx)")
            ax_d.set(xlim=(-5, 5), ylim=(-0.3, 1.3), xlabel="x", ylabel="derivative")
            ax_f.set_title(" ", fontsize=11)
            ax_d.set_title(" ", fontsize=11)
            for ax in (ax_f, ax_d):
                few_ticks(ax, nx=4, ny=3)
                freeze_layout(ax, ylabel_x=-0.12)
            self._axes = (ax_f, ax_d)
            self.animate(self._f, self._min, self._d, ax_f.title, ax_d.title)
        ax_f, ax_d = self._axes
        self._f.set_data(X_GRID, result["f"])
        self._d.set_data(X_GRID, result["df"])
        if result["minimum"] is None:
            self._min.set_data([], [])
            ax_f.title.set_text(f"β = {result['beta']:.1f}: the line x/2, no minimum")
        else:
            x_min, f_min = result["minimum"]
            self._min.set_data([x_min], [f_min])
            ax_f.title.set_text(f"β = {result['beta']:.1f}: minimum {f_min:.3f} at x = {x_min:.3f}")
        ax_d.title.set_text(f"max of the derivative {float(np.max(result['df'])):.3f}")
