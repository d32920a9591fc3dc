"""The base class of every slider in the course.

A subclass declares its controls and implements two methods:

* ``ranges`` — ``{slider name: (min, max, step)}`` for numeric sliders;
* ``options`` — ``{dropdown name: sequence of choices}`` (optional);
* ``defaults`` — the starting value of every control;
* ``compute(**values)`` — the maths (no drawing), returning anything;
* ``draw(result, fig)`` — update the figure from ``compute``'s result, reusing artists
  (create lines on the first call, then ``set_data``).

``update(**values)`` runs one whole step (validate, compute, draw, render to PNG) and returns
the PNG bytes, with or without a browser. In Jupyter the object shows the figure at its
current values (the defaults, for a freshly built widget) as an ordinary image output, so
static renderings show it, followed by the live UI: the controls above an
``ipywidgets.Image`` that each step refreshes in place (and an ``ipywidgets.Output`` that
shows any error a step raises).

Keep a step fast (the course's target: median < 50 ms): draw once and move artists with
``set_data``, and pin labels with :func:`course_utils.plotting.freeze_layout` and
:func:`course_utils.plotting.few_ticks`, which more than halve the cost of a redraw.

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
...             (self.line,) = ax.plot(*result)
...             ax.set_ylim(-2, 2)
...         self.line.set_data(*result)
>>> w = Line()
>>> w.update(slope=0.5)[:4]
b'\\x89PNG'
>>> w.values
{'slope': 0.5}
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import ipywidgets

from course_utils.plotting import figure_to_png, new_figure

__all__ = ["SliderWidget"]


class SliderWidget:
    """Sliders and dropdowns wired to a figure that is redrawn in place.

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
        Rendering resolution; kept low so that one step takes a few tens of milliseconds.
    fig : matplotlib.figure.Figure
        The one figure (not managed by pyplot) that every step redraws.
    values : dict[str, Any]
        The current value of every control.
    png : bytes
        The last rendered image.
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
        """Update ``fig`` from ``result``; reuse artists (``set_data``) after the first call."""
        raise NotImplementedError

    def disabled(self, values: Mapping[str, Any]) -> set[str]:
        """Names of controls that have no effect for these values (greyed out in the UI)."""
        return set()

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
        """One whole step: validate, compute, redraw the figure in place and render it.

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
        self.draw(result, self.fig)
        self.png = figure_to_png(self.fig, dpi=None)
        if self._image is not None:
            self._image.value = self.png
            self._sync_controls()
        return self.png

    def render(self) -> bytes:
        """The figure at the current values as PNG bytes (computes it if never drawn)."""
        return self.png if self.png else self.update()

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
        with self._output:
            self.update(**{name: change["new"]})

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

    def _ipython_display_(self) -> None:
        """Show the figure as an ordinary image output, then the live UI."""
        from IPython.display import Image, display

        display(Image(data=self.render(), format="png"))
        display(self.widget())

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"{type(self).__name__}({inner})"
