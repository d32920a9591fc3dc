"""Tests of course_utils.widgets: the builder registry, the SliderWidget base, the explorer."""

from __future__ import annotations

import base64
import importlib
import io
import warnings

import numpy as np
import pytest

from course_utils import widgets
from course_utils.activations import ACTIVATIONS
from course_utils.widgets import BUILDERS, SliderWidget, register
from course_utils.widgets.explorer import ActivationExplorer

PNG = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_every_module_in_MODULES_imports():
    """Does every widgets module listed in _MODULES exist and import?"""
    for name in widgets._MODULES:
        importlib.import_module(f"course_utils.widgets.{name}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        widgets._import_modules()


def test_explorer_is_registered():
    """Is the activation explorer among the builders?"""
    assert BUILDERS["explorer"] is ActivationExplorer


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_builder_gives_a_slider_widget_that_renders_across_its_ranges(name):
    """Zero-argument builder -> object with ranges and update(); PNG bytes over each range?"""
    widget = BUILDERS[name]()
    assert isinstance(widget.ranges, dict) and callable(widget.update)
    for slider, (lo, hi, step) in widget.ranges.items():
        assert lo < hi and step > 0, slider
        for value in (hi, lo):  # both ends of every range (a full sweep is the benchmark's job)
            assert widget.update(**{slider: value}).startswith(PNG)
    for dropdown, choices in getattr(widget, "options", {}).items():
        assert widget.update(**{dropdown: list(choices)[-1]}).startswith(PNG)


def test_explorer_image_changes_with_each_parameter():
    """Does moving a parameter slider change the picture (and dropdowns too)?"""
    w = ActivationExplorer()
    base = w.update(activation="elu", alpha=1.0)
    assert w.update(alpha=2.0) != base
    assert w.update(activation="gelu", approximate="none") != w.update(approximate="tanh")
    first = w.update(activation="swish", beta=1.0)
    assert w.update(beta=5.0) != first
    assert w.update(activation="hard_tanh", min_val=-1.0) != w.update(min_val=-2.0)


def test_explorer_draws_the_registry_values():
    """Are the plotted f and f' exactly the registry's values on the chosen x-range?"""
    w = ActivationExplorer()
    w.update(activation="leaky_relu", negative_slope=0.3, x_min=-2.0, x_max=3.0)
    x, y = w.lines["f"].get_data()
    assert x[0] == -2.0 and x[-1] == 3.0
    assert np.allclose(y, ACTIVATIONS["leaky_relu"](x, negative_slope=0.3))
    assert np.allclose(w.lines["df"].get_ydata(), ACTIVATIONS["leaky_relu"].grad(x, negative_slope=0.3))


def test_explorer_offers_every_activation_and_redraws_in_place():
    """Is every registry activation in the dropdown, and are Figure and lines reused?"""
    w = ActivationExplorer()
    assert set(w.options["activation"]) == set(ACTIVATIONS)
    fig, line = w.fig, None
    for name in ACTIVATIONS:
        assert w.update(activation=name).startswith(PNG)
        line = line or w.lines["f"]
        assert w.fig is fig and w.lines["f"] is line and len(fig.axes) == 2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"gamma": 1.0}, "gamma"),
        ({"alpha": 99.0}, "alpha"),
        ({"alpha": float("nan")}, "alpha"),
        ({"alpha": "big"}, "alpha"),
        ({"activation": "relux"}, "activation"),
        ({"approximate": "erf"}, "approximate"),
    ],
)
def test_bad_update_arguments_raise_value_error_naming_them(kwargs, match):
    """Unknown control, out-of-range or wrong value -> ValueError naming the control?"""
    w = ActivationExplorer()
    before = dict(w.values)
    with pytest.raises(ValueError, match=match):
        w.update(**kwargs)
    assert w.values == before


def test_display_is_one_output_with_the_widget_view_the_png_and_text():
    """Does a widget display as ONE output whose bundle holds the live view, the PNG and text?"""
    from IPython.core.formatters import DisplayFormatter

    w = ActivationExplorer()
    data, _metadata = DisplayFormatter().format(w)
    assert set(data) == {WIDGET_VIEW, "image/png", "text/plain"}
    assert data[WIDGET_VIEW]["model_id"] == w.widget().model_id
    assert base64.b64decode(data["image/png"]) == w.png == w._image.value
    assert data["text/plain"].startswith("ActivationExplorer(")


def test_nbconvert_shows_the_png_of_a_widget_output_without_widget_state():
    """Does a static renderer (nbconvert's HTML exporter) show the figure of a slider cell?"""
    import nbformat
    from nbconvert import HTMLExporter

    w = ActivationExplorer()
    data = w._repr_mimebundle_()
    cell = nbformat.v4.new_code_cell("BUILDERS['explorer']()")
    cell.outputs = [nbformat.v4.new_output("execute_result", data=data, execution_count=1)]
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.v4.new_notebook(cells=[cell]))
    assert f'src="data:image/png;base64,{data["image/png"]}' in html
    assert WIDGET_VIEW not in html


def test_moving_a_control_updates_the_live_image():
    """Does a slider or dropdown change in the UI redraw the image, and update() move the sliders?"""
    w = ActivationExplorer()
    w.widget()
    before = w._image.value
    w._controls["activation"].value = "elu"
    assert w.values["activation"] == "elu" and w._image.value != before
    assert w._controls["negative_slope"].disabled and not w._controls["alpha"].disabled
    w.update(alpha=2.5)
    assert w._controls["alpha"].value == 2.5
    w._controls["alpha"].value = 0.5
    assert w.values["alpha"] == 0.5


def test_register_refuses_a_second_builder_under_the_same_name():
    """Can two different builders silently share a name? (They must not.)"""

    def other() -> SliderWidget:
        raise AssertionError

    with pytest.raises(ValueError, match="explorer"):
        register("explorer")(other)
    assert BUILDERS["explorer"] is ActivationExplorer


def test_a_subclass_without_defaults_is_refused():
    """Does a widget whose control lacks a default fail at construction, naming it?"""

    class Broken(SliderWidget):
        ranges = {"k": (0.0, 1.0, 0.1)}

    with pytest.raises(TypeError, match="k"):
        Broken()


def test_explorer_parameter_steps_blit_and_a_new_activation_rescales():
    """Do parameter steps keep the static layer, while a new activation or x-range redraws it?"""
    w = ActivationExplorer()
    w.update(activation="elu", alpha=1.0)
    start = w.full_redraws
    limits = w._axes[0].get_ylim()
    for alpha in (0.1, 1.5, 3.0):
        w.update(alpha=alpha)
    assert w.full_redraws == start and w._axes[0].get_ylim() == limits
    assert limits[0] < -3.0  # the axes fit alpha = 3: elu(-5) = 3 (e^-5 - 1) < -2.9
    w.update(activation="sigmoid")
    assert w.full_redraws == start + 1
    w.update(x_min=-2.0)
    assert w.full_redraws == start + 2 and w._axes[0].get_xlim()[0] == -2.0


# -- blitting: a blitted frame is the same picture as a full redraw -------------------------


def _positions(lo: float, hi: float, step: float, n: int = 5) -> list[float]:
    """``n`` slider positions on the slider's own grid, both ends included."""
    k = np.unique(np.round(np.linspace(0, round((hi - lo) / step), n)).astype(int))
    return [min(hi, round(lo + int(i) * step, 12)) for i in k]


def _sweep(widget: SliderWidget) -> list[dict]:
    """Control changes moving every slider through its range (ends included), both ways.

    Then each dropdown choice in turn, moving the sliders that choice uses: those that only
    some choices use (e.g. the explorer's ``alpha``) to both ends and back, those that every
    choice uses (e.g. its x-range) to one end (alternately the high and the low one).
    """
    steps: list[dict] = []
    for name, (lo, hi, step) in widget.ranges.items():
        positions = _positions(lo, hi, step)
        steps += [{name: v} for v in positions + positions[-2::-1]] + [{name: widget.defaults[name]}]
    for dropdown, choices in widget.options.items():
        off = {choice: widget.disabled({**widget.defaults, dropdown: choice}) for choice in choices}
        live = {choice: [n for n in widget.ranges if n not in off[choice]] for choice in choices}
        always = set.intersection(*(set(names) for names in live.values()))
        for c, choice in enumerate(choices):
            steps.append({dropdown: choice})
            for name in live[choice]:
                lo, hi, _ = widget.ranges[name]
                if name in always:
                    steps.append({name: hi if c % 2 == 0 else lo})
                else:
                    steps += [{name: hi}, {name: lo}, {name: widget.defaults[name]}]
        steps.append({dropdown: widget.defaults[dropdown]})
    return steps


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGBA"))


def _full_redraw(widget: SliderWidget) -> np.ndarray:
    """The figure in its current state drawn from scratch (every artist, by z-order), RGBA."""
    canvas = widget.fig.canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_blitted_frames_equal_full_redraws_across_every_range(name):
    """Is every blitted step the same picture, pixel for pixel, as a full redraw at those values?

    Stale ticks, ghost lines, missing labels or a moving artist drawn in the wrong order would
    each make pixels differ. Every fourth step is also compared with a second widget that
    jumps straight to the same values (a picture must not depend on the path the sliders
    took). Also: does the widget blit at all (some step not fully redrawn)?
    """
    widget = BUILDERS[name]()
    widget.render()
    shadow = BUILDERS[name]()
    assert widget._moving, f"{name}: animates nothing, so every step is a full redraw"
    blitted = 0
    for i, values in enumerate(_sweep(widget)):
        before = widget.full_redraws
        frame = _pixels(widget.update(**values))
        blitted += widget.full_redraws == before
        references = {"a full redraw": _full_redraw(widget)}
        if i % 4 == 0:
            shadow.update(**widget.values)
            references["a widget that jumped there"] = _pixels(shadow.render(full=True))
        for what, reference in references.items():
            assert frame.shape == reference.shape, (name, values, what)
            differ = np.any(frame != reference, axis=-1)
            if differ.any():
                rows, cols = np.nonzero(differ)
                pytest.fail(
                    f"{name}: after update({values}) -> {widget.values}, {int(differ.sum())} pixels "
                    f"differ from {what}, within rows {rows.min()}-{rows.max()} and columns "
                    f"{cols.min()}-{cols.max()}"
                )
    assert blitted > 0, f"{name}: every step redrew the static layer"


def test_a_step_that_forgets_to_say_the_static_layer_changed_is_caught():
    """Would the frame comparison notice a stale static layer? (A widget that rescales silently.)"""

    class Silent(SliderWidget):
        ranges = {"top": (1.0, 3.0, 1.0)}
        defaults = {"top": 1.0}

        def compute(self, top):
            return top

        def draw(self, result, fig):
            if not fig.axes:
                (self.line,) = fig.add_subplot().plot([0, 1], [0, 1])
                self.animate(self.line)
            fig.axes[0].set_ylim(0, result)  # new ticks, but no static_changed()

    widget = Silent()
    widget.render()
    frame = _pixels(widget.update(top=3.0))
    assert np.any(frame != _full_redraw(widget))
