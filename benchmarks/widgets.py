"""Time every slider of the course: build, then one ``update()`` step per slider position.

Run: ``python benchmarks/widgets.py`` (one to three minutes on 2 cores). Builds each widget
in :data:`course_utils.widgets.BUILDERS`, then drives every slider of its ``.ranges`` through
its range (about 20 positions on the slider's own grid, low to high, then back to the
default) and every dropdown of its ``.options`` through its choices. One step is what a
student waits for after moving a control: ``update()`` = validate + compute + draw (blitted:
the cached static layer restored and only the moving artists drawn, unless the step changed
the static layer) + encode to PNG. After each step, the same figure is rendered again with
a full redraw (``render(full=True)``: every artist drawn, what a step cost before blitting),
so the gain stays visible.

The sweep is repeated (``--repeat``, default 3) on the same widget. Per widget it prints the
build time (constructor plus the first figure, which is what displaying the widget costs),
the number of steps per sweep and how many of them redrew the static layer (``full``: a new
activation, target or axis range), then, for the sweep with the lowest median (the one
least disturbed by other processes on a shared machine), the median and 95th-percentile step
in wall-clock milliseconds and that sweep's median and 95th-percentile CPU time per step
(CPU time of this process: close to the wall time on an idle machine, and still meaningful on
a loaded one).
``max`` is the slowest step of all sweeps; ``redraw med``/``redraw cpu`` are the full
redraw's wall and CPU medians over the same sweep; ``cmp med`` times ``compute()`` alone
over all sweeps. The target is a median under 20 ms and a p95 under 40 ms for every widget;
the load average is printed before and after because timings on a loaded machine are
pessimistic. The last line is ``slowest median step: N ms``.

Options: ``--only NAME`` (repeatable) times only those widgets; ``--steps N`` positions per
slider (default 20); ``--repeat R`` sweeps; ``--strict`` exits with status 1 when a widget
misses the target. A widget whose build or step raises is reported as FAILED (the others
are still timed) and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_utils.widgets import BUILDERS, SliderWidget  # noqa: E402

MEDIAN_TARGET_MS = 20.0
P95_TARGET_MS = 40.0


def slider_positions(lo: float, hi: float, step: float, n: int = 20) -> list[float]:
    """About ``n`` positions from ``lo`` to ``hi`` that a slider with this ``step`` can take.

    Parameters
    ----------
    lo, hi, step : float
        The slider's range and step.
    n : int
        Wanted number of positions (fewer when the slider has fewer).

    Returns
    -------
    list of float
        Increasing, starting at ``lo`` and ending at ``hi``, each ``lo + k * step``.

    Examples
    --------
    >>> slider_positions(0.0, 1.0, 0.5)
    [0.0, 0.5, 1.0]
    >>> len(slider_positions(0.0, 10.0, 0.01)), slider_positions(0.0, 10.0, 0.01)[-1]
    (20, 10.0)
    """
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and step > 0):
        raise ValueError(f"range: expected lo < hi and step > 0, got ({lo}, {hi}, {step})")
    n_steps = round((hi - lo) / step)
    ks = np.unique(np.round(np.linspace(0, n_steps, min(n, n_steps + 1))).astype(int))
    return [min(hi, round(lo + int(k) * step, 12)) for k in ks]


def moves(widget: SliderWidget, n: int) -> Iterator[tuple[str, Any]]:
    """Every control change of the sweep, as (control name, new value)."""
    for name, (lo, hi, step) in widget.ranges.items():
        for value in slider_positions(lo, hi, step, n):
            yield name, value
        yield name, widget.defaults[name]
    for name, choices in getattr(widget, "options", {}).items():
        for choice in choices:
            yield name, choice
        yield name, widget.defaults[name]


def time_widget(name: str, builder: Callable[[], SliderWidget], n: int, repeat: int = 1) -> dict[str, Any]:
    """Build one widget and time each step of its sweep, ``repeat`` times over.

    Returns
    -------
    dict
        ``build_ms``; ``sweeps``, one dict per sweep with ``steps`` (wall-clock ms per step),
        ``cpu`` (CPU ms of this process per step), ``full`` (how many steps redrew the
        static layer), ``redraw`` and ``redraw_cpu`` (wall and CPU ms of a full redraw of the
        same figure after each step) and ``worst`` (the control change of the sweep's
        slowest step); ``compute`` (wall-clock ms spent in ``compute()``, every step of every
        sweep, so first-visit costs of lazy caches show).
    """
    t0 = time.perf_counter()
    widget = builder()
    widget.render()
    build_ms = (time.perf_counter() - t0) * 1e3

    compute_ms: list[float] = []
    compute = widget.compute

    def timed_compute(**values: Any) -> Any:
        c0 = time.perf_counter()
        try:
            return compute(**values)
        finally:
            compute_ms.append((time.perf_counter() - c0) * 1e3)

    widget.compute = timed_compute  # type: ignore[method-assign]  # instance attribute shadows the method
    sweeps = []
    for _ in range(repeat):
        steps: list[float] = []
        cpu: list[float] = []
        redraw: list[float] = []
        redraw_cpu: list[float] = []
        full = 0
        worst: tuple[float, str] = (-1.0, "")
        for control, value in moves(widget, n):
            before = widget.full_redraws
            c0, s0 = time.process_time(), time.perf_counter()
            png = widget.update(**{control: value})
            ms = (time.perf_counter() - s0) * 1e3
            cpu.append((time.process_time() - c0) * 1e3)
            full += widget.full_redraws > before
            if not png.startswith(b"\x89PNG"):
                raise RuntimeError(f"{name}: update({control}={value!r}) did not return a PNG")
            steps.append(ms)
            if ms > worst[0]:
                worst = (ms, f"{control}={value!r}")
            c0, s0 = time.process_time(), time.perf_counter()
            widget.render(full=True)
            redraw.append((time.perf_counter() - s0) * 1e3)
            redraw_cpu.append((time.process_time() - c0) * 1e3)
        sweeps.append(
            {"steps": steps, "cpu": cpu, "full": full, "redraw": redraw, "redraw_cpu": redraw_cpu,
             "worst": worst[1]}
        )
    return {"build_ms": build_ms, "sweeps": sweeps, "compute": compute_ms}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="time only this widget (repeatable)")
    parser.add_argument("--steps", type=int, default=20, help="positions per slider (default 20)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="sweeps per widget; the best is shown (default 3)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a widget misses the target")
    args = parser.parse_args(argv)
    names = list(BUILDERS) if not args.only else args.only
    unknown = [name for name in names if name not in BUILDERS]
    if unknown:
        parser.error(f"--only: unknown widget(s) {unknown}; known: {sorted(BUILDERS)}")

    import matplotlib

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(
        f"{len(names)} widgets; Python {platform.python_version()}, matplotlib {matplotlib.__version__}, "
        f"{os.cpu_count()} CPUs, load average before: {load}"
    )
    print(
        f"target: median < {MEDIAN_TARGET_MS:.0f} ms and p95 < {P95_TARGET_MS:.0f} ms per step; "
        f"median, p95, cpu, redraw: the sweep with the lowest median of {args.repeat}; max, cmp: all sweeps"
    )
    header = (
        f"{'widget':22s} {'build ms':>8s} {'steps':>5s} {'full':>4s} {'median':>7s} {'p95':>7s} {'max':>7s} "
        f"{'cpu med':>7s} {'cpu p95':>7s} {'redraw med':>10s} {'redraw cpu':>10s} {'cmp med':>7s}  "
        f"{'':4s} slowest step"
    )
    print(header)
    print("-" * len(header))
    slowest = ("", 0.0)
    missed = []
    failed = []
    for name in names:
        try:
            r = time_widget(name, BUILDERS[name], args.steps, args.repeat)
        except Exception as exc:  # report the broken widget, time the others
            failed.append(name)
            print(f"{name:22s} FAILED: {type(exc).__name__}: {exc}", flush=True)
            continue
        best = min(r["sweeps"], key=lambda sweep: float(np.median(sweep["steps"])))
        steps = np.asarray(best["steps"])
        median, p95 = float(np.median(steps)), float(np.percentile(steps, 95))
        largest = max(max(sweep["steps"]) for sweep in r["sweeps"])
        ok = median < MEDIAN_TARGET_MS and p95 < P95_TARGET_MS
        if not ok:
            missed.append(name)
        if median > slowest[1]:
            slowest = (name, median)
        print(
            f"{name:22s} {r['build_ms']:8.0f} {steps.size:5d} {best['full']:4d} {median:7.1f} {p95:7.1f} "
            f"{largest:7.1f} {float(np.median(best['cpu'])):7.1f} "
            f"{float(np.percentile(best['cpu'], 95)):7.1f} "
            f"{float(np.median(best['redraw'])):10.1f} "
            f"{float(np.median(best['redraw_cpu'])):10.1f} {float(np.median(r['compute'])):7.1f}  "
            f"{'ok' if ok else 'SLOW':4s} {best['worst']}",
            flush=True,
        )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"load average after: {load}; missed the target: {', '.join(missed) or 'none'}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    print(f"slowest widget: {slowest[0]}")
    print(f"slowest median step: {slowest[1]:.0f} ms")
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
