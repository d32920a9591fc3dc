"""Tests of course_utils.widgets: the builder registry, the SliderWidget base, the explorer."""

from __future__ import annotations

import importlib
import time
import warnings

import numpy as np
import pytest

from course_utils import widgets
from course_utils.activations import ACTIVATIONS
from course_utils.widgets import BUILDERS, SliderWidget, register
from course_utils.widgets.explorer import ActivationExplorer

PNG = b"\x89PNG\r\n\x1a\n"


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


def test_display_shows_a_static_image_then_the_live_ui(monkeypatch):
    """Does displaying give an ordinary PNG output and the ipywidgets UI with an image inside?"""
    import IPython.display
    import ipywidgets

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    w = ActivationExplorer()
    w._ipython_display_()
    assert isinstance(shown[0], IPython.display.Image) and shown[0].data.startswith(PNG)
    assert isinstance(shown[1], ipywidgets.VBox) and w._image in shown[1].children
    assert w._image.value == w.png


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


def test_explorer_step_is_fast():
    """Is one explorer step (compute + draw + PNG) quick? (Loose guard; the target is < 50 ms.)"""
    w = ActivationExplorer()
    w.update()
    times = []
    for i in range(15):
        start = time.perf_counter()
        w.update(alpha=0.5 + 0.1 * i, activation=("elu", "celu", "gelu")[i % 3])
        times.append(time.perf_counter() - start)
    assert np.median(times) < 0.2
