"""The activation explorer: any registry activation beside its derivative, with its parameters.

A dropdown picks the activation (every entry of ``ACTIVATIONS``); sliders set its numeric
parameters (``negative_slope``, ``alpha``, ``beta``, ``min_val``/``max_val``), a dropdown
GELU's ``approximate`` form, and two sliders the x-range. Controls the chosen activation does
not use are greyed out.

The y-axes fit the chosen activation over its parameters' whole slider ranges (not the
current values), so moving a parameter slider moves only the curves: the change is visible
against fixed axes, and the step is a blit. Choosing another activation or x-range rescales.

Examples
--------
>>> explorer = ActivationExplorer()
>>> explorer.update(activation="leaky_relu", negative_slope=0.2)[:4]
b'\\x89PNG'
>>> float(explorer.lines["f"].get_ydata()[0])  # f(-5) = 0.2 * -5
-1.0
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from course_utils.plotting import PALETTE, few_ticks, freeze_layout, tex_title
from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["ActivationExplorer"]

_N_POINTS = 400
_PARAMS = ("negative_slope", "alpha", "beta", "min_val", "max_val", "approximate")


def _activation_names() -> tuple[str, ...]:
    from course_utils.activations import ACTIVATIONS

    return tuple(ACTIVATIONS)


def _limits(y: np.ndarray) -> tuple[float, float]:
    """Padded (low, high) of the finite values of ``y`` (any shape)."""
    finite = y[np.isfinite(y)]
    if finite.size == 0:
        return -1.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo
    if span < 1e-9:
        return lo - 1.0, hi + 1.0
    return lo - 0.08 * span, hi + 0.08 * span


_ENVELOPE_POINTS = 9
"""Values per parameter slider sampled for the axis limits (the ends included)."""


@lru_cache(maxsize=128)
def axis_limits(
    activation: str, x_min: float, x_max: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis y-limits of f and f' on ``[x_min, x_max]`` that fit every value of the parameters.

    Parameters
    ----------
    activation : str
        A name in ``ACTIVATIONS``.
    x_min, x_max : float
        The x-range.

    Returns
    -------
    (f_limits, df_limits) : tuple of (float, float)
        Padded limits covering f and f' for every parameter of ``activation`` over its slider
        range (:data:`_ENVELOPE_POINTS` values each, all combinations) and every GELU form.

    Examples
    --------
    >>> (f_lo, f_hi), _ = axis_limits("leaky_relu", -5.0, 5.0)  # slope up to 0.5: f(-5) = -2.5
    >>> bool(f_lo < -2.5 and f_hi > 5.0)
    True
    """
    from itertools import product

    from course_utils.activations import ACTIVATIONS

    record = ACTIVATIONS[activation]
    grids = []
    for name in record.params:
        if name in ActivationExplorer.ranges:
            lo, hi, _ = ActivationExplorer.ranges[name]
            grids.append([(name, float(v)) for v in np.linspace(lo, hi, _ENVELOPE_POINTS)])
        elif name in ActivationExplorer.options:
            grids.append([(name, v) for v in ActivationExplorer.options[name]])
    x = np.linspace(x_min, x_max, _N_POINTS)
    ys, dys = [], []
    for combination in product(*grids):
        params = dict(combination)
        ys.append(np.asarray(record(x, **params), dtype=float))
        dys.append(np.asarray(record.grad(x, **params), dtype=float))
    return _limits(np.concatenate(ys)), _limits(np.concatenate(dys))


@register("explorer")
class ActivationExplorer(SliderWidget):
    """Explore any activation and its derivative: f on the left, f' on the right."""

    ranges = {
        "x_min": (-10.0, -0.5, 0.5),
        "x_max": (0.5, 10.0, 0.5),
        "negative_slope": (0.0, 0.5, 0.01),
        "alpha": (0.1, 3.0, 0.05),
        "beta": (0.1, 10.0, 0.1),
        "min_val": (-3.0, -0.1, 0.1),
        "max_val": (0.1, 6.0, 0.1),
    }
    options = {
        "activation": _activation_names(),
        "approximate": ("none", "tanh", "sigmoid"),
    }
    defaults = {
        "activation": "relu" if "relu" in options["activation"] else options["activation"][0],
        "approximate": "none",
        "x_min": -5.0,
        "x_max": 5.0,
        "negative_slope": 0.01,
        "alpha": 1.0,
        "beta": 1.0,
        "min_val": -1.0,
        "max_val": 1.0,
    }
    title = "Activation explorer"
    figsize = (8.0, 3.0)
    dpi = 72

    def __init__(self) -> None:
        self.lines: dict[str, Any] = {}
        self._axes: tuple[Any, Any] | None = None
        self._scale: tuple[str, float, float] | None = None
        super().__init__()

    def disabled(self, values: dict[str, Any]) -> set[str]:
        from course_utils.activations import ACTIVATIONS

        used = set(ACTIVATIONS[values["activation"]].params)
        return {name for name in _PARAMS if name not in used}

    def compute(self, **values: Any) -> dict[str, Any]:
        """f and f' on the x-range for the chosen activation and its parameters."""
        from course_utils.activations import ACTIVATIONS

        record = ACTIVATIONS[values["activation"]]
        params = {name: values[name] for name in record.params if name in values}
        x = np.linspace(values["x_min"], values["x_max"], _N_POINTS)
        return {
            "record": record,
            "params": params,
            "scale": (values["activation"], values["x_min"], values["x_max"]),
            "x": x,
            "y": np.asarray(record(x, **params), dtype=float),
            "dy": np.asarray(record.grad(x, **params), dtype=float),
        }

    def _setup(self, fig: Any) -> tuple[Any, Any]:
        ax_f = fig.add_subplot(1, 2, 1)
        ax_df = fig.add_subplot(1, 2, 2)
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.18, top=0.86, wspace=0.28)
        for ax, key, label, color, style in (
            (ax_f, "f", "$f(x)$", PALETTE[0], "-"),
            (ax_df, "df", "$f'(x)$", PALETTE[1], "--"),
        ):
            ax.axhline(0.0, color="0.5", linewidth=0.8, zorder=0)
            ax.axvline(0.0, color="0.5", linewidth=0.8, zorder=0)
            (self.lines[key],) = ax.plot([], [], color=color, linestyle=style, linewidth=2.5)
            ax.set_xlabel("$x$", fontsize=13)
            ax.set_ylabel(label, fontsize=13)
            ax.set_title(" ", fontsize=11)
            ax.tick_params(labelsize=11)
            # Few ticks: laying out tick labels is most of the cost of a step.
            few_ticks(ax)
            freeze_layout(ax)
        self.animate(self.lines["f"], self.lines["df"], ax_f.title, ax_df.title)
        return ax_f, ax_df

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        """Move the two lines to the new data; rescale only for a new activation or x-range."""
        if self._axes is None:
            self._axes = self._setup(fig)
        ax_f, ax_df = self._axes
        x = result["x"]
        record = result["record"]
        for key, y in (("f", result["y"]), ("df", result["dy"])):
            self.lines[key].set_data(x, y)
        if result["scale"] != self._scale:
            self._scale = result["scale"]
            for ax, limits in zip(self._axes, axis_limits(*self._scale), strict=True):
                ax.set_xlim(x[0], x[-1])
                ax.set_ylim(*limits)
            self.static_changed()
        params = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in result["params"].items()
        )
        ax_f.title.set_text(tex_title(record, max_len=40))
        ax_df.title.set_text(f"derivative at {params}" if params else "derivative")
