"""Lesson 1 (why nonlinearity): the sliders ``relu_sum`` and ``xor_boundary``, and the XOR figure.

``relu_sum``: a target curve beside its least-squares fit by ``n`` shifted ReLUs and the max
error against ``n``. Every fit (4 targets x 40 unit counts) is computed when the widget is
built, so a step only redraws.

``xor_boundary``: the decision regions of a 2-16-1 network trained on XOR with an identity,
tanh or ReLU hidden layer, after a chosen number of epochs. The three training runs and the
network's output on a grid after every 10th epoch are precomputed when the widget is built
(well under a second).

The maths (:func:`~course_utils.experiments.lesson01.fit_relu_sum`,
:func:`~course_utils.experiments.lesson01.train_xor`) lives in
:mod:`course_utils.experiments.lesson01`; this module draws. The lesson notebook imports
``XOR_SETTINGS`` and ``fit_relu_sum`` from here with :func:`plot_decision_regions`, so they
are re-exported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.experiments.lesson01 import (
    RELU_SUM_TARGETS,
    X_RANGE,
    XOR_SETTINGS,
    ReluFit,
    fit_relu_sum,
    train_xor,
    xor_grid,
)
from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["XOR_SETTINGS", "ReluSum", "XorBoundary", "fit_relu_sum", "plot_decision_regions"]

MAX_UNITS = 40
"""Largest number of ReLU units on the ``relu_sum`` slider."""


@register("relu_sum")
class ReluSum(SliderWidget):
    """A target curve, its best approximation by ``units`` shifted ReLUs, and the max error.

    Examples
    --------
    >>> w = ReluSum()
    >>> w.update(units=10)[:4]
    b'\\x89PNG'
    >>> r = w.compute(units=40, target="sin(x)")
    >>> bool(r["fit"].max_error < 0.002)
    True
    """

    ranges = {"units": (1.0, float(MAX_UNITS), 1.0)}
    options = {"target": tuple(RELU_SUM_TARGETS)}
    defaults = {"units": 6.0, "target": "sin(2x) + 0.3x"}
    title = "A sum of shifted ReLUs approximating a curve (least-squares output weights)"
    figsize = (8.0, 3.2)

    def __init__(self) -> None:
        self.fits: dict[tuple[str, int], ReluFit] = {
            (name, n): fit_relu_sum(target, n)
            for name, target in RELU_SUM_TARGETS.items()
            for n in range(1, MAX_UNITS + 1)
        }
        self.errors: dict[str, np.ndarray] = {
            name: np.array([self.fits[name, n].max_error for n in range(1, MAX_UNITS + 1)])
            for name in RELU_SUM_TARGETS
        }
        self._artists: dict[str, Any] = {}
        super().__init__()

    def compute(self, units: float, target: str) -> dict[str, Any]:
        """Look up the precomputed fit for this target and number of units."""
        n = int(round(units))
        return {"n": n, "target": target, "fit": self.fits[target, n], "errors": self.errors[target]}

    def _setup(self, fig: Any) -> None:
        from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullLocator

        from course_utils.plotting import COLORS, few_ticks, freeze_layout

        ax_f, ax_e = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1.0]})
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.19, top=0.86, wspace=0.25)
        a = self._artists
        (a["target"],) = ax_f.plot([], [], color=COLORS["black"], lw=2.0, ls="--")
        (a["approx"],) = ax_f.plot([], [], color=COLORS["blue"], lw=2.5)
        (a["kinks"],) = ax_f.plot([], [], "^", color=COLORS["vermillion"], ms=6)
        ax_f.set(xlim=X_RANGE, xlabel="$x$", ylabel="$y$")
        n = np.arange(1, MAX_UNITS + 1)
        (a["errors"],) = ax_e.plot(n, np.ones_like(n, dtype=float), color=COLORS["bluish_green"], lw=2.0)
        (a["current"],) = ax_e.plot([], [], "o", color=COLORS["vermillion"], ms=8)
        ax_e.set(yscale="log", xlim=(0, MAX_UNITS + 1), xlabel="units $n$", ylabel="max |error|")
        # Few ticks and no minor ticks: laying out tick labels is most of the cost of a step.
        ax_e.xaxis.set_major_locator(FixedLocator([1, 10, 20, 30, 40]))
        ax_e.yaxis.set_major_locator(LogLocator(base=10.0, numticks=4))
        ax_e.yaxis.set_minor_locator(NullLocator())
        ax_e.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # no mathtext
        few_ticks(ax_f, ny=3)
        ax_f.xaxis.set_major_locator(FixedLocator([-3, 0, 3]))
        for ax in (ax_f, ax_e):
            ax.set_title(" ", fontsize=11)
        freeze_layout(ax_f, ylabel_x=-0.13)
        freeze_layout(ax_e)
        self._axes = (ax_f, ax_e)
        self._target: str | None = None
        self.animate(a["approx"], a["kinks"], a["current"], ax_f.title, ax_e.title)

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        """Left: target, approximation and kinks; right: max error against n (log-log)."""
        if not self._artists:
            self._setup(fig)
        ax_f, ax_e = self._axes
        fit: ReluFit = result["fit"]
        a = self._artists
        lo, hi = float(fit.target.min()), float(fit.target.max())
        pad = 0.15 * (hi - lo) + 0.05
        errors = result["errors"]
        if result["target"] != self._target:  # a new target: new curve, error curve and limits
            self._target = result["target"]
            a["target"].set_data(fit.x, fit.target)
            ax_f.set_ylim(lo - pad, hi + pad)
            a["errors"].set_ydata(errors)
            ax_e.set_ylim(10 ** np.floor(np.log10(errors.min())), 10 ** np.ceil(np.log10(errors.max())))
            self.static_changed()
        a["approx"].set_data(fit.x, fit.approximation)
        a["kinks"].set_data(fit.kinks, np.full(fit.kinks.shape, lo - 0.6 * pad))
        a["current"].set_data([result["n"]], [fit.max_error])
        ax_f.title.set_text(f"{result['n']} ReLUs (solid) vs target (dashed)")
        ax_e.title.set_text(f"max |error| = {fit.max_error:.4f}")

# --------------------------------------------------------------------------- XOR


def _region_cmap() -> Any:
    """Light blue (P = 0) through white (P = 0.5) to light vermillion (P = 1)."""
    from matplotlib.colors import LinearSegmentedColormap, to_rgb

    from course_utils.plotting import COLORS

    def tint(colour: str, amount: float = 0.55) -> tuple[float, ...]:
        return tuple(c + (1.0 - c) * amount for c in to_rgb(colour))

    return LinearSegmentedColormap.from_list(
        "xor", [tint(COLORS["blue"]), "#ffffff", tint(COLORS["vermillion"])]
    )


def plot_decision_regions(
    predict_proba: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    ax: Any = None,
    limit: float = 2.0,
    resolution: int = 120,
) -> Any:
    """Shade P(class 1) of a classifier over the plane, draw its 0.5 boundary and the data.

    Parameters
    ----------
    predict_proba : callable
        ``(n, 2) -> (n,)`` or ``(n, 1)`` probabilities of class 1.
    X : ndarray, shape (n_samples, 2)
    y : ndarray, shape (n_samples,)
        Labels 0 (blue circles) and 1 (vermillion triangles).
    ax : Axes, optional
    limit : float
        The square ``[-limit, limit]²`` is shaded.
    resolution : int
        Grid points per side.

    Returns
    -------
    Axes
    """
    import matplotlib.pyplot as plt

    from course_utils.plotting import COLORS, use_style

    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 4.0))
    axis, grid = xor_grid(resolution, limit)
    p = np.asarray(predict_proba(grid), dtype=float).reshape(resolution, resolution)
    ax.imshow(p, origin="lower", extent=(-limit, limit, -limit, limit), cmap=_region_cmap(), vmin=0, vmax=1)
    if p.min() < 0.5 < p.max():
        ax.contour(axis, axis, p, levels=[0.5], colors=COLORS["black"], linewidths=2.0)
    X = np.asarray(X)
    y = np.asarray(y)
    ax.scatter(
        *X[y == 0].T, s=22, marker="o", color=COLORS["blue"], edgecolor="k", linewidth=0.5, label="class 0"
    )
    ax.scatter(
        *X[y == 1].T,
        s=26,
        marker="^",
        color=COLORS["vermillion"],
        edgecolor="k",
        linewidth=0.5,
        label="class 1",
    )
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.grid(False)
    return ax


@register("xor_boundary")
class XorBoundary(SliderWidget):
    """Decision regions of a 2-16-1 net on XOR: identity vs tanh vs ReLU, epoch by epoch.

    Examples
    --------
    >>> w = XorBoundary()
    >>> w.update(activation="relu", epoch=300)[:4]
    b'\\x89PNG'
    >>> w.compute(activation="tanh", epoch=300)["accuracy"]
    1.0
    """

    EVERY = 10
    ranges = {"epoch": (0.0, float(XOR_SETTINGS["epochs"]), float(EVERY))}
    options = {"activation": ("identity", "tanh", "relu")}
    defaults = {"epoch": float(XOR_SETTINGS["epochs"]), "activation": "tanh"}
    title = "XOR: decision regions of a 2-16-1 network, epoch by epoch"
    figsize = (8.0, 3.4)
    resolution = 60

    def __init__(self) -> None:
        from course_utils.datasets import make_xor

        self.X, self.y = make_xor(n=XOR_SETTINGS["n"], noise=XOR_SETTINGS["noise"], seed=XOR_SETTINGS["seed"])
        self.axis, grid = xor_grid(self.resolution)
        self.snapshots: dict[str, list[np.ndarray]] = {}
        self.histories: dict[str, Any] = {}
        for activation in self.options["activation"]:
            _, history, snapshots = train_xor(activation, snapshot_every=self.EVERY, grid=grid)
            self.snapshots[activation] = snapshots
            self.histories[activation] = history
        self._artists: dict[str, Any] = {}
        super().__init__()

    def compute(self, epoch: float, activation: str) -> dict[str, Any]:
        """Look up the precomputed output grid, loss and accuracy after ``epoch`` epochs."""
        index = int(round(epoch / self.EVERY))
        history = self.histories[activation]
        n_epoch = index * self.EVERY
        return {
            "activation": activation,
            "epoch": n_epoch,
            "p": self.snapshots[activation][index].reshape(self.resolution, self.resolution),
            "loss": None if n_epoch == 0 else history.loss[n_epoch - 1],
            "accuracy": None if n_epoch == 0 else history.accuracy[n_epoch - 1],
            "losses": history.loss,
        }

    def _setup(self, fig: Any) -> None:
        from course_utils.plotting import COLORS, freeze_layout

        ax_r, ax_l = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.3]})
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.18, top=0.86, wspace=0.3)
        a = self._artists
        a["image"] = ax_r.imshow(
            np.zeros((self.resolution, self.resolution)),
            origin="lower",
            extent=(-2, 2, -2, 2),
            cmap=_region_cmap(),
            vmin=0,
            vmax=1,
            interpolation="bilinear",
        )
        points = []
        for label, marker, color in ((0, "o", COLORS["blue"]), (1, "^", COLORS["vermillion"])):
            xy = self.X[self.y == label]
            points += ax_r.plot(*xy.T, marker, color=color, ms=4, mec="k", mew=0.4)
        ax_r.set(
            xlim=(-2, 2), ylim=(-2, 2), xlabel="$x_1$", ylabel="$x_2$", xticks=[-2, 0, 2], yticks=[-2, 0, 2]
        )
        ax_r.grid(False)
        epochs = np.arange(1, XOR_SETTINGS["epochs"] + 1)
        colours = {"identity": COLORS["black"], "tanh": COLORS["blue"], "relu": COLORS["bluish_green"]}
        for row, (name, history) in enumerate(self.histories.items()):
            (a[name],) = ax_l.plot(epochs, history.loss, color=colours[name], lw=1.2, alpha=0.4)
            # coloured names instead of a legend box: a legend costs ~10 ms per redraw
            ax_l.text(
                0.97,
                0.9 - 0.1 * row,
                name,
                color=colours[name],
                ha="right",
                fontsize=11,
                transform=ax_l.transAxes,
            )
        (a["marker"],) = ax_l.plot([], [], "o", color=COLORS["vermillion"], ms=8)
        ax_l.set(xlabel="epoch", ylabel="loss (BCE)", xlim=(0, XOR_SETTINGS["epochs"] + 8), ylim=(0, 0.8))
        ax_l.set(xticks=[0, 100, 200, 300], yticks=[0, 0.4, 0.8])
        for ax in (ax_r, ax_l):
            ax.set_title(" ", fontsize=11)
            freeze_layout(ax)
        self._axes = (ax_r, ax_l)
        # the data points and the axis lines lie on the moving image: they move with it
        on_image = [*points, ax_r.spines["left"], ax_r.spines["bottom"]]
        curves = [a[name] for name in self.histories]  # the chosen activation's curve is emphasised
        self.animate(a["image"], *on_image, *curves, a["marker"], ax_r.title, ax_l.title)

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        """Left: P(class 1) shaded over the plane with the data; right: the loss curves."""
        if not self._artists:
            self._setup(fig)
        ax_r, ax_l = self._axes
        a = self._artists
        a["image"].set_data(result["p"])
        for name in self.histories:
            a[name].set_linewidth(2.5 if name == result["activation"] else 1.2)
            a[name].set_alpha(1.0 if name == result["activation"] else 0.4)
        if result["epoch"] == 0:
            a["marker"].set_data([], [])
            ax_r.title.set_text(f"{result['activation']}: before training")
        else:
            a["marker"].set_data([result["epoch"]], [result["loss"]])
            ax_r.title.set_text(f"{result['activation']}: accuracy {result['accuracy']:.1%}")
        ax_l.title.set_text(f"epoch {result['epoch']}")
