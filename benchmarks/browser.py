"""Time every slider of the course in a real JupyterLab: from an arrow key to the new figure painted.

Run: ``python benchmarks/browser.py`` (one to two minutes for the eight lessons on 2 cores).
Needs Debian's Chromium (``/usr/bin/chromium``; ``apt-get install chromium``) and the
``playwright`` package of ``requirements-dev.txt`` -- never ``playwright install``; the
script exits with status 2 and says what is missing.

It starts the browser test's set-up (``tests/browser_helpers.py``, imported with ``tests/``
put on ``sys.path``): one JupyterLab server on loopback, every Jupyter folder in a temporary
directory, a ``python3`` kernelspec running this Python with this checkout first on its
``PYTHONPATH``, and headless Chromium driven by Playwright. Each lesson is reduced to its
set-up cell and its slider cells (``browser_helpers.slider_notebook``, the test's reduction),
opened in its own page and run. Then, on every enabled slider of every slider widget,
``--presses`` arrow keys (default 8, alternating right and left, so the slider moves between
two neighbouring values) are timed in the page by ``slider_actions.key_to_pixels``: from the
``keydown`` event on the handle to the animation frame that shows the new image, decoded --
what a student waits for: the browser sends the new value, the kernel computes and renders
the step, the PNG comes back and is painted. ``benchmarks/widgets.py`` times the kernel's
share (the Python step) alone.

Per slider it prints the number of presses and the median, 95th percentile and largest
latency in milliseconds. The load average is printed before and after, because timings on
a loaded machine are pessimistic; the last line is ``slowest median: N ms``.

Options: ``--only LESSON_SLUG`` (repeatable) times only those lessons; ``--presses N``. A
lesson that fails to run, shows an error or whose slider brings no new image is reported as
FAILED (the others are still timed) and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    LabServer,
    error_outputs,
    open_notebook,
    run_all,
    slider_notebook,
    wait_for_widgets,
)
from slider_actions import enabled_sliders, key_to_pixels, tag_slider_widgets  # noqa: E402

from course_utils.course import LESSONS, Lesson  # noqa: E402

OPEN_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 180_000
WIDGET_TIMEOUT_MS = 30_000
PRESS_TIMEOUT_MS = 30_000
WIDGET_WIDTH = 34  # BUILDERS["lesson03_dead_units"]() and a space


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, or ``n/a`` where the system has none."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def time_lesson(
    context: Any, lab: LabServer, lesson: Lesson, presses: int
) -> list[tuple[str, str, list[float]]]:
    """Open the lesson's slider notebook in a new page, run it, and time every enabled slider.

    Returns
    -------
    list of (str, str, list of float)
        Per slider: the widget's name (the last line of its cell), the slider's label and the
        key-to-pixels latency of each press, in milliseconds.

    Raises
    ------
    AssertionError
        If the notebook shows an error output, has no slider, or a press brings no new image.
    """
    import nbformat

    nbformat.write(
        slider_notebook(ROOT / "notebooks" / lesson.filename), lab.root_dir / "notebooks" / lesson.filename
    )
    page = context.new_page()
    try:
        open_notebook(page, f"{lab.url}lab/tree/notebooks/{lesson.filename}", OPEN_TIMEOUT_MS)
        run_all(page, RUN_TIMEOUT_MS)
        errors = error_outputs(page)
        if errors:
            raise AssertionError("error output after Run All: " + errors[0][-500:])
        wait_for_widgets(page, WIDGET_TIMEOUT_MS)
        names = tag_slider_widgets(page)
        if not names:
            raise AssertionError("no slider rendered")
        timed = []
        for index, name in enumerate(names):
            for k, label in enabled_sliders(page, index):
                timed.append((name, label, key_to_pixels(page, index, k, presses, PRESS_TIMEOUT_MS)))
        errors = error_outputs(page)
        if errors:
            raise AssertionError("error output after the presses: " + errors[0][-500:])
        return timed
    finally:
        page.close()
        lab.shutdown_kernels()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    slugs = [lesson.slug for lesson in LESSONS]
    parser.add_argument(
        "--only", action="append", metavar="LESSON_SLUG", help="time only this lesson (repeatable)"
    )
    parser.add_argument("--presses", type=int, default=8, help="timed arrow keys per slider (default 8)")
    args = parser.parse_args(argv)
    unknown = [slug for slug in args.only or [] if slug not in slugs]
    if unknown:
        parser.error(f"--only: unknown lesson(s) {unknown}; known: {slugs}")
    if args.presses < 1:
        parser.error("--presses: at least 1")
    lessons = [lesson for lesson in LESSONS if not args.only or lesson.slug in args.only]

    if not CHROMIUM.is_file():
        print(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        print(
            f"playwright is not importable ({exc}): python -m pip install -r requirements-dev.txt "
            "(never `playwright install`: the script drives the system's Chromium)",
            file=sys.stderr,
        )
        return 2

    # the kernels import this checkout's course_utils, whatever the environment has installed
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    started = time.perf_counter()
    failed = []
    slowest = ("", 0.0)
    with tempfile.TemporaryDirectory(prefix="browser-bench-") as tmp:
        lab = LabServer(Path(tmp) / "root", Path(tmp) / "home")
        (lab.root_dir / "notebooks").mkdir(parents=True)
        manager = sync_playwright().start()
        try:
            lab.start()
            browser = manager.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
            )
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            print(
                f"{len(lessons)} lessons, {args.presses} presses per slider; Python "
                f"{platform.python_version()}, playwright {version('playwright')}, Chromium "
                f"{browser.version}, {os.cpu_count()} CPUs, load average before: {load_average()}"
            )
            print("key-to-pixels latency in ms: keydown on the handle -> the frame showing the new image")
            header = (
                f"{'lesson':30s} {'widget':{WIDGET_WIDTH}s} {'slider':16s} {'n':>3s} "
                f"{'median':>7s} {'p95':>7s} {'max':>7s}"
            )
            print(header)
            print("-" * len(header))
            for lesson in lessons:
                try:
                    timed = time_lesson(context, lab, lesson, args.presses)
                except (AssertionError, PlaywrightError) as exc:  # report the lesson, time the others
                    failed.append(lesson.slug)
                    lines = str(exc).strip().splitlines() or [type(exc).__name__]
                    print(f"{lesson.slug:30s} FAILED: {lines[0]}", flush=True)
                    print("".join(f"    {line}\n" for line in lines[1:20]), end="", flush=True)
                    continue
                for widget, slider, values in timed:
                    ms = np.asarray(values)
                    median = float(np.median(ms))
                    if median > slowest[1]:
                        slowest = (f"{lesson.slug} {widget} {slider}", median)
                    print(
                        f"{lesson.slug:30s} {widget:{WIDGET_WIDTH}s} {slider:16s} {ms.size:3d} "
                        f"{median:7.0f} {np.percentile(ms, 95):7.0f} {ms.max():7.0f}",
                        flush=True,
                    )
            browser.close()
        finally:
            manager.stop()
            lab.stop()
    print(f"load average after: {load_average()}; {time.perf_counter() - started:.0f} s in all")
    if failed:
        print(f"failed: {', '.join(failed)}")
    print(f"slowest slider: {slowest[0] or 'none'}")
    print(f"slowest median: {slowest[1]:.0f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
