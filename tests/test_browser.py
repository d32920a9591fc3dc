"""Do the lessons' sliders work in a real JupyterLab: shown, live, and redrawing their figure?

One JupyterLab server on loopback (every Jupyter folder in a temporary directory, no token,
autosave off, a ``python3`` kernelspec running this test's own Python) serves each lesson
reduced to what the browser adds to nbval's run: its set-up cell and its slider cells
(:func:`slider_notebook`). The suite runs each notebook once — nbval executes every cell
of every lesson and fails on any error; running the whole lesson again here would only
repeat its training loops. Headless Chromium (Debian's ``/usr/bin/chromium``, driven by
Playwright) opens each lesson in its own page, runs all its cells and fails on any
traceback or error output. Each slider cell must show exactly one figure: the live widget's image (not a
static copy beside it). Then, in every displayed slider widget, it focuses a slider handle,
presses an arrow key and proves from the DOM that the widget's image changed (new ``src``,
different decoded pixels, new readout) and then settled. Every topic lesson (01-07) must
show at least one slider. A summary of the sliders moved is printed at the end of the run.

Nothing here is timed against a limit. How long a student waits from an arrow key to the
new figure (key-to-pixels latency, per slider) is measured by ``benchmarks/browser.py`` with
the same server, browser, reduced notebooks and helpers; ``benchmarks/widgets.py`` times the
widgets' Python steps alone.

A last test drives a known-bad notebook (a traceback on stderr, an exception, a slider
whose figure never changes, a cell showing a static copy of the figure beside the widget)
to prove that these checks can fail, and that :func:`slider_actions.key_to_pixels`, the
benchmark's measurement, fails on a press that brings no new image.

Run: ``python -m pytest -o addopts="" -p no:cacheprovider tests/test_browser.py -v -s``
(about 80 s for eight lessons on 2 cores, more under load). Skips without
Chromium; with Chromium but without Playwright it skips, except under ``CI=true``, where it
fails.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import pytest
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    KERNEL_DISPLAY_NAME,
    LabServer,
    error_outputs,
    open_notebook,
    run_all,
    slider_notebook,
    wait_for_widgets,
)
from slider_actions import (
    SliderMove,
    enabled_sliders,
    key_to_pixels,
    move_slider,
    slider_cell_figures,
    tag_slider_widgets,
)

from course_utils.course import LESSONS, ROOT, Lesson

pytestmark = pytest.mark.browser

OPEN_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 180_000  # a lesson runs in < 30 s alone; the browser and the load add to it
WIDGET_TIMEOUT_MS = 30_000
MOVE_TIMEOUT_MS = 30_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _require_browser() -> Any:
    """The Playwright sync API module, or skip (fail under CI=true when Chromium exists)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium): the browser test needs it")
    try:
        import playwright.sync_api as sync_api
    except ImportError as exc:
        message = f"playwright is not importable ({exc}); pip install playwright (never `playwright install`)"
        if _in_ci():
            pytest.fail(f"CI=true and {CHROMIUM} exists, but {message}")
        pytest.skip(message)
    return sync_api


@pytest.fixture(scope="module")
def sync_api() -> Any:
    return _require_browser()


@dataclass
class LessonRun:
    """What one lesson did in the browser (for the summary)."""

    slug: str
    seconds: dict[str, float] = field(default_factory=dict)
    moves: list[SliderMove] = field(default_factory=list)
    attempts: int = 1


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest) -> Iterator[list[LessonRun]]:
    """Every lesson driven in this module; a summary (sliders moved, phases) is printed at the end."""
    done: list[LessonRun] = []
    started = time.perf_counter()
    yield done
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or not done:
        return
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    lines = [
        f"browser: moved {sum(len(run.moves) for run in done)} sliders in {len(done)} lessons, "
        f"{time.perf_counter() - started:.0f} s in all (server and browser start included); "
        f"load average {load}"
    ]
    for run in done:
        phases = ", ".join(f"{name} {sec:.1f} s" for name, sec in run.seconds.items())
        retry = " (after a retry)" if run.attempts > 1 else ""
        lines.append(f"  {run.slug}{retry}: {phases}")
        for move in run.moves:
            lines.append(
                f"    {move.widget} {move.slider} {move.value_before} -> {move.value_after} ({move.key}): "
                f"new image after {move.latency_ms:.0f} ms, settled after {move.settle_ms:.0f} ms"
            )
    lines.append("key-to-pixels latency of every slider (median, p95): python benchmarks/browser.py")
    with capture.global_and_fixture_disabled() if capture else nullcontext():
        reporter.write_line("")
        for line in lines:
            reporter.write_line(line)


@pytest.fixture(scope="module")
def lab(sync_api: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A JupyterLab server serving a temporary folder; killed by PID afterwards."""
    home = tmp_path_factory.mktemp("lab-home")
    root = tmp_path_factory.mktemp("lab-root")
    (root / "notebooks").mkdir()
    server = LabServer(root, home)
    try:
        server.start()
        specs = server.api("api/kernelspecs")
        spec = specs["kernelspecs"]["python3"]["spec"]
        assert spec["argv"][0] == sys.executable and spec["display_name"] == KERNEL_DISPLAY_NAME, (
            f"Lab does not use the test's kernelspec: {spec}"
        )
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(sync_api: Any) -> Iterator[Any]:
    """A context of headless Debian Chromium driven by Playwright (one page per lesson).

    One context for all lessons, so that Lab's scripts are loaded from the HTTP cache after
    the first lesson; each page opens its notebook with ``?reset`` (a fresh workspace).
    """
    manager = sync_api.sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield chromium.new_context(viewport={"width": 1400, "height": 1000})
        finally:
            chromium.close()
    finally:
        manager.stop()


def _drive(page: Any, url: str, lesson: Lesson, run: LessonRun) -> None:
    """Open, run all, check outputs, move one slider per slider widget (recorded in ``run``)."""
    t0 = time.perf_counter()
    open_notebook(page, url, OPEN_TIMEOUT_MS)
    t1 = time.perf_counter()
    run_all(page, RUN_TIMEOUT_MS)
    t2 = time.perf_counter()
    run.seconds = {"open": t1 - t0, "run all": t2 - t1}
    errors = error_outputs(page)
    assert not errors, f"{lesson.filename}: error output(s) after Run All:\n" + "\n---\n".join(
        text[-1500:] for text in errors
    )
    wait_for_widgets(page, WIDGET_TIMEOUT_MS)
    errors = error_outputs(page)
    assert not errors, f"{lesson.filename}: widget error(s):\n" + "\n---\n".join(
        text[-1500:] for text in errors
    )
    titles = tag_slider_widgets(page)
    if lesson.has_exercises:
        assert titles, f"{lesson.filename}: no slider rendered (every topic lesson has a live slider)"
    for cell in slider_cell_figures(page):
        assert cell["figures"] == 1 and cell["in_widget"] == 1, (
            f"{lesson.filename}, cell {cell['name']!r}: shows {cell['figures']} figure(s), "
            f"{cell['in_widget']} of them in the live widget ({cell['outputs']} outputs); "
            "expected one, the widget's"
        )
    run.moves = []
    for index, name in enumerate(titles):
        move = move_slider(page, index, name, MOVE_TIMEOUT_MS)
        where = f"{lesson.filename}, widget {move.widget!r}, slider {move.slider!r} ({move.key})"
        assert not move.errors, f"{where}: the step raised:\n" + "\n".join(move.errors)
        assert move.value_after != move.value_before, f"{where}: the readout stayed {move.value_before}"
        assert move.src_changed, f"{where}: the image src did not change"
        assert move.pixels_changed, f"{where}: a new image arrived, but its pixels are the same"
        run.moves.append(move)
    run.seconds["sliders"] = time.perf_counter() - t2
    errors = error_outputs(page)
    assert not errors, f"{lesson.filename}: error output(s) after moving sliders:\n" + "\n---\n".join(
        text[-1500:] for text in errors
    )


def test_the_slider_notebooks_hold_every_slider_of_the_course() -> None:
    """Does the reduction keep every slider of every lesson, in order, besides the set-up cell?"""
    import re

    import nbformat

    def builders(text: str) -> list[str]:
        return re.findall(r"BUILDERS\[\s*[\"']([\w-]+)[\"']\s*\]\s*\(", text)

    for lesson in LESSONS:
        full = nbformat.read(ROOT / "notebooks" / lesson.filename, as_version=4)
        reduced = slider_notebook(ROOT / "notebooks" / lesson.filename).cells
        expected = [name for cell in full.cells if cell.cell_type == "code" for name in builders(cell.source)]
        assert [name for cell in reduced for name in builders(cell.source)] == expected, lesson.filename
        assert reduced[0].source == next(c.source for c in full.cells if c.cell_type == "code")
        if lesson.has_exercises:
            assert expected, f"{lesson.filename}: no slider (every topic lesson has one)"


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_lesson_sliders_run_clean_in_jupyterlab_and_redraw(
    lesson: Lesson, lab: LabServer, browser: Any, sync_api: Any, runs: list[LessonRun]
) -> None:
    """Do the lesson's slider cells run without errors in Lab, and does each slider redraw the figure?"""
    import nbformat

    nbformat.write(
        slider_notebook(ROOT / "notebooks" / lesson.filename), lab.root_dir / "notebooks" / lesson.filename
    )
    url = f"{lab.url}lab/tree/notebooks/{lesson.filename}"
    run = LessonRun(lesson.slug)
    for attempt in (1, 2):  # one retry, on a timeout only
        run.attempts = attempt
        page = browser.new_page()
        try:
            _drive(page, url, lesson, run)
            break
        except sync_api.TimeoutError:
            if attempt == 2:
                raise
            print(f"{lesson.filename}: timed out, retrying once")
        finally:
            page.close()
            lab.shutdown_kernels()
    runs.append(run)
    for move in run.moves:
        print(
            f"{move.widget} {move.slider}: {move.value_before} -> {move.value_after}, "
            f"image after {move.latency_ms:.0f} ms"
        )


SELF_TEST_CELLS = (
    '''from course_utils.widgets import SliderWidget


class Frozen(SliderWidget):
    """A slider whose figure never changes."""

    ranges = {"k": (0.0, 1.0, 0.1)}
    defaults = {"k": 0.5}

    def compute(self, k):
        return None

    def draw(self, result, fig):
        if not fig.axes:
            fig.add_subplot().plot([0, 1], [0, 1])


class Live(Frozen):
    """A slider whose title shows its value."""

    def compute(self, k):
        return k

    def draw(self, result, fig):
        super().draw(result, fig)
        fig.axes[0].set_title(f"k = {result:.1f}")''',
    "Frozen()",
    "Live()",
    "from IPython.display import Image, display\n\ntwice = Live()\ndisplay(Image(twice.render()))\n"
    "display(twice.widget())",
    'import sys\nprint("Traceback (most recent call last): a fake one on stderr", file=sys.stderr)',
    'raise ValueError("a deliberate error")',
)


def test_the_checks_catch_errors_and_a_slider_that_does_not_redraw(
    lab: LabServer, browser: Any, sync_api: Any, tmp_path: Any
) -> None:
    """Would this test notice a traceback, an error output and a frozen figure? (A known-bad notebook.)"""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in SELF_TEST_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": KERNEL_DISPLAY_NAME, "language": "python"}
    nbformat.write(nb, lab.root_dir / "notebooks" / "zz-self-test.ipynb")
    page = browser.new_page()
    try:
        open_notebook(page, f"{lab.url}lab/tree/notebooks/zz-self-test.ipynb", OPEN_TIMEOUT_MS)
        run_all(page, RUN_TIMEOUT_MS)
        errors = error_outputs(page)
        assert len(errors) == 2, errors
        assert "a fake one on stderr" in errors[0] and "a deliberate error" in errors[1], errors
        wait_for_widgets(page, WIDGET_TIMEOUT_MS)
        assert tag_slider_widgets(page) == ["Frozen()", "Live()", "display(twice.widget())"]
        figures = {cell["name"]: (cell["figures"], cell["in_widget"]) for cell in slider_cell_figures(page)}
        assert figures == {"Frozen()": (1, 1), "Live()": (1, 1), "display(twice.widget())": (2, 1)}, figures
        live = move_slider(page, 1, "Live()", MOVE_TIMEOUT_MS)
        assert live.src_changed and live.pixels_changed and live.value_after == "0.6", live
        assert enabled_sliders(page, 1) == [(0, "k")]
        assert len(key_to_pixels(page, 1, 0, 2, MOVE_TIMEOUT_MS)) == 2
        with pytest.raises(AssertionError, match=r"'k' went 0\.5 -> 0\.6 .*did not change"):
            move_slider(page, 0, "Frozen()", 5_000)
        with pytest.raises(AssertionError, match="brought no new image"):
            key_to_pixels(page, 0, 0, 1, 3_000)
    finally:
        page.close()
        lab.shutdown_kernels()
