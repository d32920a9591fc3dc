"""The base class of every slider in the course.

A subclass declares its controls and implements two methods:

* ``ranges`` — ``{slider name: (min, max, step)}`` for numeric sliders;
* ``options`` — ``{dropdown name: sequence of choices}`` (optional);
* ``defaults`` — the starting value of every control;
* ``compute(**values)`` — the maths (no drawing), returning anything;
* ``draw(result, fig)`` — update the figure from ``compute``'s result, reusing artists
  (create them on the first call, then ``set_data``).

``update(**values)`` runs one whole step (validate, compute, draw, render to PNG) and returns
the PNG bytes, with or without a browser.

Blitting
--------
A figure has two layers. The *static* layer (axes, ticks, labels, legends, reference curves)
is drawn once and its pixels are cached; the *moving* layer is the artists that a step
changes, which ``draw`` names once with :meth:`SliderWidget.animate`. A step restores the
cached pixels and draws only the moving artists on top, a few milliseconds instead of a
full redraw. A step that changes the static layer (new axis limits, a new panel, a label
that is not animated) says so with :meth:`SliderWidget.static_changed`: that step redraws
everything and caches the new static layer. A widget that animates nothing is fully redrawn
at every step (correct, only slower).

The moving artists of an axes are drawn above its static ones (:meth:`SliderWidget.animate`
raises their z-order above the static artists of their axes, keeping their own order), so a
blitted frame and a full redraw of the same figure are the same pixels;
``tests/test_widgets.py`` checks this for every widget of the course. Keep the static layer
truly static: choose axis limits that fit a slider's whole range rather than rescaling at
every step.

Display
-------
In Jupyter the object is shown as ONE output whose MIME bundle holds the live widget
(``application/vnd.jupyter.widget-view+json``: the controls above an ``ipywidgets.Image``
that each step refreshes, and an ``ipywidgets.Output`` for errors), the figure at its current
values as ``image/png`` and a ``text/plain`` summary. A front end with widgets (JupyterLab,
Notebook 7, VS Code) shows only the live widget; a static renderer (nbconvert without saved
widget state, GitHub) shows the PNG.

Examples
--------
>>> import numpy as np
>>> class Line(SliderWidget):
...     ranges = {"slope": (-2.0, 2.0, 0.1)}
...     defaults = {"slope": 1.0}
...     def compute(self, slope):
...         x = np.linspace(-1, 1, 5)
...         return x, slope * x
...     def draw(self, result, fig):
...         if not fig.axes:
...             ax = fig.add_subplot()
...             ax.set_ylim(-2, 2)  # fixed over the slider's whole range
...             (self.line,) = ax.plot(*result)
...             self.animate(self.line)
...         self.line.set_data(*result)
>>> w = Line()
>>> w.update(slope=0.5)[:4]
b'\\x89PNG'
>>> w.values
{'slope': 0.5}
>>> w.update(slope=-0.5) != w.update(slope=0.5), w.full_redraws
(True, 1)
"""

from __future__ import annotations

import base64
import math
import numbers
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import ipywidgets
import numpy as np

from course_utils.plotting import new_figure

__all__ = ["SliderWidget", "encode_png"]


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(canvas: Any, compress_level: int = 1) -> bytes:
    """The pixels of an Agg canvas, as they are now, as PNG bytes (no redraw).

    Parameters
    ----------
    canvas : matplotlib.backends.backend_agg.FigureCanvasAgg
        A canvas that has been drawn (its RGBA buffer is encoded as it stands).
    compress_level : int
        zlib level 0-9. Level 1 is several times faster than the default 6, for a file a
        little larger: the right trade for an image that lives a fraction of a second.

    Returns
    -------
    bytes
        A PNG file (8-bit RGBA).

    Notes
    -----
    Every scanline uses PNG filter 0 (none): a plot is mostly flat colour, which zlib
    compresses well as it is, and skipping the adaptive filter search that image libraries
    run halves the encoding time (about 1.5 ms for a 576 x 230 figure instead of 3 ms).

    Examples
    --------
    >>> from course_utils.plotting import new_figure
    >>> fig = new_figure(figsize=(1, 1))
    >>> fig.canvas.draw()
    >>> encode_png(fig.canvas)[:4]
    b'\\x89PNG'
    """
    pixels = np.asarray(canvas.buffer_rgba())
    height, width = pixels.shape[:2]
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # a 0 (filter: none) before each row
    rows[:, 1:] = pixels.reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level)),
            _png_chunk(b"IEND", b""),
        )
    )


class SliderWidget:
    """Sliders and dropdowns wired to a figure that is redrawn in place (blitted).

    Attributes
    ----------
    ranges : dict[str, tuple[float, float, float]]
        Numeric controls: name -> (min, max, step).
    options : dict[str, Sequence]
        Dropdown controls: name -> choices.
    defaults : dict[str, Any]
        Initial values (a value for every control).
    title : str
        Shown above the controls.
    figsize : tuple[float, float]
        Figure size in inches.
    dpi : float
        Rendering resolution; kept low so that one step takes a few milliseconds.
    fig : matplotlib.figure.Figure
        The one figure (not managed by pyplot) that every step redraws.
    values : dict[str, Any]
        The current value of every control.
    png : bytes
        The last rendered image.
    full_redraws : int
        How many renders redrew the static layer (the first render, and each step that
        called :meth:`static_changed`); every other render was blitted.
    """

    ranges: ClassVar[dict[str, tuple[float, float, float]]] = {}
    options: ClassVar[dict[str, Sequence[Any]]] = {}
    defaults: ClassVar[dict[str, Any]] = {}
    title: ClassVar[str] = ""
    figsize: ClassVar[tuple[float, float]] = (8.0, 3.2)
    dpi: ClassVar[float] = 72

    def __init__(self) -> None:
        names = set(self.ranges) | set(self.options)
        missing = names - set(self.defaults)
        if missing:
            raise TypeError(f"defaults: {type(self).__name__} has no default for {sorted(missing)}")
        overlap = set(self.ranges) & set(self.options)
        if overlap:
            raise TypeError(f"ranges: {sorted(overlap)} are both sliders and dropdowns")
        self.fig = new_figure(figsize=self.figsize, dpi=self.dpi)
        self.values: dict[str, Any] = {}
        self.values = self._validate(dict(self.defaults), full=True)
        self.png: bytes = b""
        self.full_redraws = 0
        self._moving: list[Any] = []
        self._draw_order: list[Any] = []
        self._background: Any = None
        self._static_stale = True
        self._controls: dict[str, Any] | None = None
        self._image: Any = None
        self._output: Any = None
        self._ui: Any = None
        self._syncing = False

    # -- to implement ---------------------------------------------------------

    def compute(self, **values: Any) -> Any:
        """Compute what the figure shows from the control values (no drawing)."""
        raise NotImplementedError

    def draw(self, result: Any, fig: Any) -> None:
        """Update ``fig`` from ``result``; reuse artists (``set_data``) after the first call.

        Name the artists that steps change with :meth:`animate` (once, when creating them);
        call :meth:`static_changed` in a step that changes anything else.
        """
        raise NotImplementedError

    def disabled(self, values: Mapping[str, Any]) -> set[str]:
        """Names of controls that have no effect for these values (greyed out in the UI)."""
        return set()

    # -- the two layers ---------------------------------------------------------

    def animate(self, *artists: Any) -> None:
        """Put ``artists`` in the moving layer: redrawn at every step over the cached static layer.

        Parameters
        ----------
        *artists : matplotlib.artist.Artist
            Lines, patches, images, texts (an axes title: ``ax.title``)... that a step
            changes. Anything a step changes must be animated, or the step must call
            :meth:`static_changed`.

        Notes
        -----
        At the next full redraw the moving artists of each axes are lifted above its static
        artists (their z-order is raised by one common offset, so their own order is kept),
        which is the order in which blitting draws them.
        """
        for artist in artists:
            if artist not in self._moving:
                self._moving.append(artist)
        self._static_stale = True

    def static_changed(self) -> None:
        """Say that this step changed the static layer: the render redraws the whole figure."""
        self._static_stale = True

    def _lift_moving_artists(self) -> None:
        """Raise each axes' moving artists above its static ones; fix the order of drawing them."""
        moving = set(self._moving)
        order: list[Any] = []
        for ax in sorted(self.fig.axes, key=lambda a: a.get_zorder()):
            children = [a for a in ax.get_children() if a is not ax.patch]
            mine = [a for a in children if a in moving]
            if not mine:
                continue
            static = [a.get_zorder() for a in children if a not in moving]
            offset = max(static, default=0.0) - min(a.get_zorder() for a in mine) + 1.0
            if offset > 0:
                for artist in mine:
                    artist.set_zorder(artist.get_zorder() + offset)
            order += sorted(mine, key=lambda a: a.get_zorder())  # stable, as Axes.draw sorts
        # figure-level artists (fig.text, legends of the figure) come after every axes
        placed = set(order)
        order += sorted((a for a in self._moving if a not in placed), key=lambda a: a.get_zorder())
        self._draw_order = order

    def _render(self) -> bytes:
        """Draw the figure (blitted when the static layer is cached) and encode it as PNG."""
        canvas = self.fig.canvas
        if self._static_stale or self._background is None or not self._moving:
            self._lift_moving_artists()
            shown = [(artist, artist.get_visible()) for artist in self._moving]
            for artist, _ in shown:
                artist.set_visible(False)
            try:
                canvas.draw()
            finally:
                for artist, visible in shown:
                    artist.set_visible(visible)
            self._background = canvas.copy_from_bbox(self.fig.bbox) if self._moving else None
            self._static_stale = False
            self.full_redraws += 1
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self._draw_order:
            artist.draw(renderer)
        return encode_png(canvas)

    # -- the step -------------------------------------------------------------

    def _validate(self, values: Mapping[str, Any], full: bool = False) -> dict[str, Any]:
        clean = {}
        for name, value in values.items():
            if name in self.ranges:
                lo, hi, step = self.ranges[name]
                if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                    raise ValueError(f"{name}: expected a number in [{lo}, {hi}], got {value!r}")
                tol = 1e-9 * max(1.0, abs(lo), abs(hi))
                if not lo - tol <= value <= hi + tol:
                    raise ValueError(f"{name}: {value!r} is outside the slider range [{lo}, {hi}]")
                clean[name] = float(min(max(value, lo), hi))
            elif name in self.options:
                choices = list(self.options[name])
                if value not in choices:
                    raise ValueError(f"{name}: expected one of {choices}, got {value!r}")
                clean[name] = value
            else:
                known = sorted(set(self.ranges) | set(self.options))
                raise ValueError(f"{name}: not a control of {type(self).__name__}; the controls are {known}")
        return clean

    def update(self, **values: Any) -> bytes:
        """One whole step: validate, compute, update the artists, render (blitted) to PNG.

        Parameters
        ----------
        **values
            New values for some controls (the others keep their current values).

        Returns
        -------
        bytes
            The figure as PNG; when the UI is shown, its image is refreshed too.

        Raises
        ------
        ValueError
            Naming the control, for an unknown control or a value outside its range/choices.
        """
        new = {**self.values, **self._validate(values)}
        result = self.compute(**new)
        self.values = new
        n_axes = len(self.fig.axes)
        self.draw(result, self.fig)
        if len(self.fig.axes) != n_axes:  # a new panel is a change of the static layer
            self._static_stale = True
        self.png = self._render()
        if self._image is not None:
            self._image.value = self.png
            self._sync_controls()
        return self.png

    def render(self, full: bool = False) -> bytes:
        """The figure at the current values as PNG bytes (computes it if never drawn).

        Parameters
        ----------
        full : bool
            Redraw the static layer too (what every step would cost without blitting); the
            picture is the same.

        Returns
        -------
        bytes
            A PNG file.
        """
        if not self.png:
            return self.update()
        if full:
            self.static_changed()
            self.png = self._render()
        return self.png

    # -- the UI ---------------------------------------------------------------

    def _make_control(self, name: str) -> Any:
        style = {"description_width": "initial"}
        layout = ipywidgets.Layout(width="320px")
        if name in self.options:
            return ipywidgets.Dropdown(
                options=list(self.options[name]),
                value=self.values[name],
                description=name,
                style=style,
                layout=layout,
            )
        lo, hi, step = self.ranges[name]
        decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 2
        return ipywidgets.FloatSlider(
            value=self.values[name],
            min=lo,
            max=hi,
            step=step,
            description=name,
            continuous_update=True,
            readout_format=f".{decimals}f",
            style=style,
            layout=layout,
        )

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        name = change["owner"].description
        try:
            self.update(**{name: change["new"]})
        except Exception:
            # Shown in the widget's Output (entering it costs two messages to the browser,
            # so a step enters it only to show an error).
            with self._output:
                raise
        else:
            if self._output.outputs:
                self._output.clear_output()

    def _sync_controls(self) -> None:
        if self._controls is None:
            return
        self._syncing = True
        try:
            off = self.disabled(self.values)
            for name, control in self._controls.items():
                if control.value != self.values[name]:
                    control.value = self.values[name]
                control.disabled = name in off
        finally:
            self._syncing = False

    def widget(self) -> Any:
        """The live UI: the controls, the figure (an ``ipywidgets.Image``) and an Output for errors.

        Built once; every step replaces the image's PNG bytes in place.
        """
        if self._ui is None:
            self.render()
            self._controls = {name: self._make_control(name) for name in [*self.options, *self.ranges]}
            for control in self._controls.values():
                control.observe(self._on_change, names="value")
            # Natural pixel size: a stretched PNG looks soft on a projector.
            natural_size = ipywidgets.Layout(align_self="flex-start", max_width="100%")
            self._image = ipywidgets.Image(value=self.png, format="png", layout=natural_size)
            self._output = ipywidgets.Output()  # shows errors raised by a step
            controls = list(self._controls.values())
            half = (len(controls) + 1) // 2
            boxes = ipywidgets.HBox([ipywidgets.VBox(controls[:half]), ipywidgets.VBox(controls[half:])])
            children = [boxes, self._image, self._output]
            if self.title:
                children.insert(0, ipywidgets.HTML(f"<b>{self.title}</b>"))
            self._ui = ipywidgets.VBox(children)
            self._sync_controls()
        return self._ui

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """One output for Jupyter: the live widget, the figure as PNG and a text summary.

        A front end with widgets renders the widget view (and nothing else); a static renderer
        (nbconvert without saved widget state, GitHub) falls back to ``image/png``.
        """
        bundle = dict(self.widget()._repr_mimebundle_())
        bundle["image/png"] = base64.b64encode(self.render()).decode("ascii")
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"{type(self).__name__}({inner})"
