"""Plots of activation functions in one colour-blind-safe, projector-readable style.

Every function that draws takes ``ax=None`` and returns the Axes it drew on, so plots
compose: pass an Axes to draw into an existing figure. Nothing here calls
``pyplot.show()``; in Jupyter the inline backend shows figures at the end of a cell.

This is the only module of the plotting helpers that imports matplotlib.

Examples
--------
>>> ax = plot_activation("tanh", derivative=True)
>>> ax.get_ylabel()
"$f'(x)$"
>>> close_all()
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

__all__ = [
    "COLORS",
    "PALETTE",
    "activation_gallery",
    "close_all",
    "compare",
    "few_ticks",
    "figure_to_png",
    "freeze_layout",
    "new_figure",
    "plot_activation",
    "plot_with_derivative",
    "resolve",
    "tex_title",
    "use_style",
]

COLORS: dict[str, str] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
"""The Okabe–Ito palette by name (Okabe & Ito 2008, *Color Universal Design*)."""

PALETTE: tuple[str, ...] = tuple(COLORS.values())
"""The eight Okabe–Ito colours, ordered for a colour cycle (yellow, weak on white, late)."""

DEFAULT_X: np.ndarray = np.linspace(-6.0, 6.0, 601)
"""The x grid used when a plot function is given ``x=None``."""

STYLE: dict[str, Any] = {
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "lines.linewidth": 2.5,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "grid.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.constrained_layout.use": True,
    "figure.dpi": 100,
    "savefig.dpi": 100,
}
"""The rcParams that :func:`use_style` sets (plus a colour cycle from :data:`PALETTE`)."""


def use_style() -> None:
    """Set projector-readable matplotlib defaults for the course.

    Font sizes of at least 13 pt, 2.5 pt lines, a light grid, constrained layout and the
    Okabe–Ito colour cycle. Called by every plot function of this module; calling it again
    is harmless.

    Examples
    --------
    >>> use_style()
    >>> import matplotlib
    >>> matplotlib.rcParams["lines.linewidth"]
    2.5
    """
    from cycler import cycler

    matplotlib.rcParams.update(STYLE)
    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=list(PALETTE))


def resolve(name_or_record: Any) -> Any:
    """Return the activation record for a registry name (records pass through).

    Parameters
    ----------
    name_or_record : str or activation record
        A name in ``course_utils.activations.ACTIVATIONS``, or a record: a callable with
        ``.grad`` (and usually ``.name``, ``.params`` and ``.latex``).

    Returns
    -------
    record

    Raises
    ------
    ValueError
        If the name is unknown or the record is not elementwise (the softmax family).
    TypeError
        If ``name_or_record`` is neither a string nor callable.
    """
    if isinstance(name_or_record, str):
        from course_utils import activations

        record = activations.get(name_or_record)
    elif callable(name_or_record):
        record = name_or_record
    else:
        raise TypeError(
            f"name_or_record: expected an activation name or record, got {type(name_or_record).__name__}"
        )
    if not callable(getattr(record, "grad", None)):
        raise ValueError(
            f"name_or_record: {getattr(record, 'name', record)!r} is not an elementwise activation "
            "(the softmax family acts on a whole vector; plot its outputs against the logits instead)"
        )
    return record


@lru_cache(maxsize=256)
def _mathtext_ok(text: str) -> bool:
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(text)
    except (ValueError, RuntimeError):
        return False
    return True


def tex_title(record: Any, prefix: str | None = None, max_len: int = 80) -> str:
    """A title for ``record``: its name and, when matplotlib can typeset it, ``record.latex``.

    Parameters
    ----------
    record : activation record
    prefix : str, optional
        Text before the formula (default: the record's name).
    max_len : int
        Longer formulas are left out (the title is then the name alone).

    Returns
    -------
    str

    Examples
    --------
    >>> class R:
    ...     name, latex = "relu", r"\\max(0, x)"
    >>> tex_title(R())
    'relu: $\\\\max(0, x)$'
    """
    name = prefix if prefix is not None else getattr(record, "name", "f")
    latex = getattr(record, "latex", "") or ""
    latex = latex.strip().strip("$").strip()
    if latex and len(latex) <= max_len and _mathtext_ok(f"${latex}$"):
        return f"{name}: ${latex}$"
    return str(name)


def derivative_title(record: Any) -> str:
    """The title of a derivative's panel: ``"sigmoid′(x)"``.

    A symbol rather than words, so the figure reads the same in every language of the course
    (the code cells that draw it are shared by the English and the translated notebooks).

    >>> derivative_title(resolve("tanh"))
    'tanh′(x)'
    """
    return f"{getattr(record, 'name', 'f')}′(x)"


def _as_x(x: Any) -> np.ndarray:
    if x is None:
        return DEFAULT_X
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"x: expected a 1-D array of at least 2 points, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("x: expected finite values")
    return arr


def _new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax: expected a matplotlib Axes or None, got {type(ax).__name__}")
        return ax
    import matplotlib.pyplot as plt

    _fig, new_ax = plt.subplots(figsize=(6, 4))
    return new_ax


def _label(record: Any, params: Mapping[str, Any]) -> str:
    name = getattr(record, "name", "f")
    defaults = getattr(record, "params", {}) or {}
    changed = {k: v for k, v in params.items() if defaults.get(k) != v}
    if not changed:
        return str(name)
    inner = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in changed.items())
    return f"{name} ({inner})"


def _values(record: Any, x: np.ndarray, derivative: bool, params: Mapping[str, Any]) -> np.ndarray:
    if derivative:
        if not hasattr(record, "grad"):
            raise ValueError(
                f"name_or_record: {getattr(record, 'name', record)!r} has no elementwise derivative"
            )
        return np.asarray(record.grad(x, **params), dtype=float)
    return np.asarray(record(x, **params), dtype=float)


def _zero_lines(ax: Axes) -> None:
    if not getattr(ax, "_course_zero_lines", False):
        ax.axhline(0.0, color="0.4", linewidth=0.8, zorder=0)
        ax.axvline(0.0, color="0.4", linewidth=0.8, zorder=0)
        ax._course_zero_lines = True


def _draw(
    record: Any,
    ax: Axes,
    x: Any,
    derivative: bool,
    label: str | None,
    params: Mapping[str, Any],
    color: str | None = None,
) -> Line2D:
    xs = _as_x(x)
    ys = _values(record, xs, derivative, params)
    text = label if label is not None else _label(record, params)
    style = {"linestyle": "--"} if derivative else {}
    if color is not None:
        style["color"] = color
    (line,) = ax.plot(xs, ys, label=text, **style)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f'(x)$" if derivative else "$f(x)$")
    _zero_lines(ax)
    return line


def plot_activation(
    name_or_record: Any,
    ax: Axes | None = None,
    x: Any = None,
    derivative: bool = False,
    label: str | None = None,
    **params: Any,
) -> Axes:
    """Plot an activation (or its derivative) against x.

    Parameters
    ----------
    name_or_record : str or activation record
        e.g. ``"relu"`` or ``course_utils.activations.relu``.
    ax : Axes, optional
        Where to draw; a new figure when None.
    x : array_like, shape (n_points,), optional
        Points to evaluate at (default 601 points on [-6, 6]).
    derivative : bool
        Plot ``record.grad`` (dashed) instead of the function.
    label : str, optional
        Legend label (default: the name, with any non-default parameters).
    **params
        Parameters of the activation, e.g. ``negative_slope=0.2``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_activation("leaky_relu", negative_slope=0.2)
    >>> ax.get_lines()[0].get_label()
    'leaky_relu (negative_slope=0.2)'
    >>> close_all()
    """
    use_style()
    record = resolve(name_or_record)
    ax = _new_axes(ax)
    _draw(record, ax, x, derivative, label, params)
    if not ax.get_title():
        ax.set_title(
            derivative_title(record) if derivative else tex_title(record),
            fontsize=14,
        )
    return ax


def plot_with_derivative(
    name_or_record: Any,
    axes: Sequence[Axes] | None = None,
    x: Any = None,
    **params: Any,
) -> tuple[Axes, Axes]:
    """Plot an activation (left) beside its derivative (right).

    Parameters
    ----------
    name_or_record : str or activation record
    axes : pair of Axes, optional
        ``(ax_f, ax_df)``; a new 1×2 figure when None.
    x : array_like, shape (n_points,), optional
    **params
        Parameters of the activation.

    Returns
    -------
    (Axes, Axes)
        The function's axes and the derivative's axes.

    Examples
    --------
    >>> ax_f, ax_df = plot_with_derivative("sigmoid")
    >>> ax_df.get_title()
    'sigmoid′(x)'
    >>> close_all()
    """
    use_style()
    record = resolve(name_or_record)
    if axes is None:
        import matplotlib.pyplot as plt

        _fig, pair = plt.subplots(1, 2, figsize=(11, 4))
        ax_f, ax_df = pair
    else:
        if len(axes) != 2:
            raise ValueError(f"axes: expected two Axes (function, derivative), got {len(axes)}")
        ax_f, ax_df = axes
    _draw(record, ax_f, x, False, None, params, color=PALETTE[0])
    _draw(record, ax_df, x, True, None, params, color=PALETTE[1])
    ax_f.set_title(tex_title(record), fontsize=14)
    ax_df.set_title(derivative_title(record), fontsize=14)
    return ax_f, ax_df


def compare(
    names: Iterable[Any],
    ax: Axes | None = None,
    x: Any = None,
    derivative: bool = False,
) -> Axes:
    """Overlay several activations (or their derivatives) on one Axes with a legend.

    Parameters
    ----------
    names : iterable
        Each item a name, a record, or a pair ``(name_or_record, params_dict)``.
    ax : Axes, optional
    x : array_like, shape (n_points,), optional
    derivative : bool
        Compare derivatives instead of the functions.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = compare(["relu", ("leaky_relu", {"negative_slope": 0.1})])
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['relu', 'leaky_relu (negative_slope=0.1)']
    >>> close_all()
    """
    use_style()
    items = list(names)
    if not items:
        raise ValueError("names: expected at least one activation")
    ax = _new_axes(ax)
    for i, item in enumerate(items):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Mapping):
            target, params = item[0], dict(item[1])
        else:
            target, params = item, {}
        _draw(resolve(target), ax, x, derivative, None, params, color=PALETTE[i % len(PALETTE)])
    ax.set_title("derivatives" if derivative else "activations", fontsize=14)
    ax.legend(loc="best")
    return ax


def activation_gallery(names: Iterable[str] | None = None, ncols: int = 4) -> Figure:
    """A grid of activations, each drawn with its derivative dashed on the same axes.

    Parameters
    ----------
    names : iterable of str, optional
        Registry names (default: every entry of ``ACTIVATIONS``).
    ncols : int
        Panels per row.

    Returns
    -------
    Figure

    Examples
    --------
    >>> fig = activation_gallery(["relu", "tanh"], ncols=2)
    >>> len(fig.axes)
    2
    >>> close_all()
    """
    use_style()
    if names is None:
        from course_utils.activations import ACTIVATIONS

        names = list(ACTIVATIONS)
    names = list(names)
    if not names:
        raise ValueError("names: expected at least one activation name")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols: expected a positive integer, got {ncols!r}")
    ncols = min(ncols, len(names))
    nrows = math.ceil(len(names) / ncols)
    import matplotlib.pyplot as plt

    fig, grid = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.9 * nrows), squeeze=False)
    x = np.linspace(-4.0, 4.0, 401)
    for ax, name in zip(grid.flat, names, strict=False):
        record = resolve(name)
        _draw(record, ax, x, False, "$f$", {}, color=PALETTE[0])
        if hasattr(record, "grad"):
            _draw(record, ax, x, True, "$f'$", {}, color=PALETTE[1])
        ax.set_ylabel("")
        ax.set_title(getattr(record, "name", str(name)), fontsize=14)
    for ax in list(grid.flat)[len(names) :]:
        ax.set_visible(False)
    grid.flat[0].legend(loc="upper left")
    fig.suptitle("activations $f$ (solid) and derivatives $f'$ (dashed)", fontsize=16)
    return fig


def new_figure(figsize: tuple[float, float] = (8.0, 3.2), dpi: float = 72, **kwargs: Any) -> Figure:
    """A figure that is not managed by pyplot (nothing leaks; rendered with Agg).

    Used by the widgets, which redraw one figure many times and return PNG bytes.

    Parameters
    ----------
    figsize : (float, float)
        Inches.
    dpi : float
    **kwargs
        Passed to :class:`matplotlib.figure.Figure`.

    Returns
    -------
    Figure

    Examples
    --------
    >>> fig = new_figure()
    >>> figure_to_png(fig)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    use_style()
    kwargs.setdefault("layout", "none")
    fig = Figure(figsize=figsize, dpi=dpi, **kwargs)
    FigureCanvasAgg(fig)
    return fig


def figure_to_png(fig: Figure, dpi: float | None = 80) -> bytes:
    """Render a figure to PNG bytes (fast zlib level; works without a display).

    Parameters
    ----------
    fig : Figure
    dpi : float, optional
        Resolution (default 80); None keeps the figure's own dpi.

    Returns
    -------
    bytes
        A PNG file.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buf = io.BytesIO()
    options = {"pil_kwargs": {"compress_level": 1}}
    if isinstance(fig.canvas, FigureCanvasAgg):
        # Straight to the Agg canvas: ``savefig`` would also work but re-applies the layout
        # engine from rcParams after saving and redraws twice, doubling the cost of a step.
        original = fig.dpi
        if dpi is not None and dpi != original:
            fig.dpi = dpi
        try:
            fig.canvas.print_png(buf, **options)
        finally:
            if fig.dpi != original:
                fig.dpi = original
    else:
        fig.savefig(buf, format="png", dpi=dpi if dpi is not None else fig.dpi, **options)
    return buf.getvalue()


def few_ticks(ax: Axes, nx: int = 5, ny: int = 4) -> Axes:
    """Limit the number of major ticks (cheaper to redraw, calmer on a projector).

    Parameters
    ----------
    ax : Axes
    nx, ny : int
        At most this many intervals between ticks on the x and y axes.

    Returns
    -------
    Axes
    """
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=nx))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=ny))
    return ax


def freeze_layout(ax: Axes, xlabel_y: float = -0.15, ylabel_x: float = -0.16, title_y: float = 1.02) -> Axes:
    """Pin the title and axis labels of ``ax`` to fixed positions (axes coordinates).

    By default matplotlib measures every tick label on each draw to place the title and the
    axis labels; for a figure redrawn on every slider step, pinning them more than halves
    the cost of a draw.

    Parameters
    ----------
    ax : Axes
    xlabel_y : float
        Vertical position of the x label.
    ylabel_x : float
        Horizontal position of the y label.
    title_y : float
        Vertical position of the title.

    Returns
    -------
    Axes
    """
    ax.xaxis.set_label_coords(0.5, xlabel_y)
    ax.yaxis.set_label_coords(ylabel_x, 0.5)
    ax.set_title(ax.get_title(), y=title_y, fontsize=ax.title.get_fontsize())
    return ax


def close_all() -> None:
    """Close every pyplot figure (frees memory in long notebooks and tests)."""
    import matplotlib.pyplot as plt

    plt.close("all")
