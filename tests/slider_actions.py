"""Slider actions in a JupyterLab page, for the browser tests and ``benchmarks/browser.py``.

On a notebook opened and run with ``browser_helpers``: find the displayed widgets holding a
slider (:func:`tag_slider_widgets`), check each slider cell shows one figure, the live
widget's (:func:`slider_cell_figures`), move a slider with the keyboard and prove from the
DOM that its image changed and settled (:func:`move_slider`), and time key presses to the
painted image (:func:`key_to_pixels`, the benchmark's measurement).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from browser_helpers import TOP_OUTPUTS


def tag_slider_widgets(page: Any) -> list[str]:
    """Mark each displayed widget holding a slider (``data-course-widget="i"``); their names.

    A widget is one cell output holding ``.jupyter-widgets``; its name is the last line of the
    cell's source (e.g. ``BUILDERS["explorer"]()``).
    """
    return page.evaluate(
        """(sel) => {
            const outs = Array.from(document.querySelectorAll('.jp-Notebook ' + sel))
                .filter((el) => el.querySelector('.jupyter-widgets .noUi-handle'));
            return outs.map((el, i) => {
                el.setAttribute('data-course-widget', String(i));
                const cell = el.closest('.jp-Cell');
                const lines = cell ? cell.querySelectorAll('.jp-InputArea-editor .cm-line') : [];
                return lines.length ? lines[lines.length - 1].textContent.trim() : 'widget ' + i;
            });
        }""",
        TOP_OUTPUTS,
    )


_FINGERPRINT = """(root) => {
    const imgs = root.querySelectorAll('img');
    const img = imgs[imgs.length - 1];
    if (!img || !img.complete || !img.naturalWidth) return null;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 0x811c9dc5;
    for (let i = 0; i < data.length; i++) { h ^= data[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return {src: img.src, hash: h, size: [img.naturalWidth, img.naturalHeight]};
}"""


@dataclass
class SliderMove:
    """What moving one slider by one step did."""

    widget: str
    slider: str
    key: str
    value_before: str
    value_after: str
    latency_ms: float
    settle_ms: float
    src_changed: bool
    pixels_changed: bool
    errors: list[str]


def move_slider(page: Any, index: int, name: str, timeout_ms: float, settle_ms: float = 750.0) -> SliderMove:
    """Focus the first enabled slider handle of widget ``index``, press an arrow key, watch its image.

    ArrowRight, or ArrowLeft when the handle is at its maximum. Waits until the ``src`` of
    the widget's last ``<img>`` changed, then until it stayed the same for ``settle_ms``.

    Returns
    -------
    SliderMove
        Values before/after (the readout), time to the first new image (``latency_ms``),
        whether the src and the decoded pixels changed, and error outputs in the widget.

    Raises
    ------
    AssertionError
        If the widget has no enabled slider, if no new image arrives within ``timeout_ms`` (a
        slider that does not redraw) or if the image never settles.
    """
    root = page.locator(f'[data-course-widget="{index}"]')
    sliders = root.locator(".widget-slider")
    for k in range(sliders.count()):
        slider = sliders.nth(k)
        handle = slider.locator(".noUi-handle").first
        disabled = handle.evaluate(
            "(h) => !!h.closest('[disabled]') || h.getAttribute('aria-disabled') === 'true'"
            " || !!h.closest('.mod-disabled')"
        )
        if not disabled:
            break
    else:
        raise AssertionError(f"{name}: no enabled slider to move")
    label = slider.locator(".widget-label").first.text_content() or f"slider {k}"
    readout = slider.locator(".widget-readout").first
    value_before = (readout.text_content() or "").strip()
    handle.scroll_into_view_if_needed(timeout=timeout_ms)
    before = root.evaluate(_FINGERPRINT)
    if before is None:
        raise AssertionError(f"{name}: no loaded <img> in the widget before the move")
    now, top = (float(handle.get_attribute(a) or "nan") for a in ("aria-valuenow", "aria-valuemax"))
    key = "ArrowLeft" if now >= top else "ArrowRight"
    handle.focus()
    t0 = time.perf_counter()
    handle.press(key)
    try:
        page.wait_for_function(
            """([root, src]) => {
                const imgs = root.querySelectorAll('img');
                const img = imgs[imgs.length - 1];
                return !!img && img.src !== src && img.complete && img.naturalWidth > 0;
            }""",
            arg=[root.element_handle(), before["src"]],
            timeout=timeout_ms,
            polling="raf",
        )
    except Exception as exc:  # playwright's TimeoutError: this module does not import playwright
        if type(exc).__name__ != "TimeoutError":
            raise
        shown = (readout.text_content() or "").strip()
        raise AssertionError(
            f"{name}: slider {label.strip()!r} went {value_before} -> {shown} ({key}), but the widget's "
            f"image did not change within {timeout_ms / 1e3:.0f} s"
        ) from exc
    latency = (time.perf_counter() - t0) * 1e3
    # settle: the src must stay the same for settle_ms
    last, since, deadline = None, time.perf_counter(), time.perf_counter() + timeout_ms / 1e3
    while True:
        src = root.evaluate(
            "(r) => { const i = r.querySelectorAll('img'); return i.length ? i[i.length-1].src : ''; }"
        )
        if src != last:
            last, since = src, time.perf_counter()
        elif (time.perf_counter() - since) * 1e3 >= settle_ms:
            break
        if time.perf_counter() > deadline:
            raise AssertionError(f"{name}: the image kept changing for {timeout_ms / 1e3:.0f} s")
        time.sleep(0.1)
    settle = (time.perf_counter() - t0) * 1e3
    after = root.evaluate(_FINGERPRINT)
    value_after = (readout.text_content() or "").strip()
    errors = root.evaluate(
        """(r) => Array.from(r.querySelectorAll('.jp-OutputArea-output'))
              .map((e) => e.textContent).filter((t) => /Traceback|Error/.test(t))"""
    )
    return SliderMove(
        widget=re.sub(r"\s+", " ", name.strip()),
        slider=label.strip(),
        key=key,
        value_before=value_before,
        value_after=value_after,
        latency_ms=latency,
        settle_ms=settle,
        src_changed=after is not None and after["src"] != before["src"],
        pixels_changed=after is not None and after["hash"] != before["hash"],
        errors=errors,
    )


# -- one figure per slider cell, and the user's latency --------------------------------------


_SLIDER_CELL_FIGURES = """(sel) => {
    const cells = new Set();
    for (const out of document.querySelectorAll('.jp-Notebook ' + sel)) {
        if (out.querySelector('.jupyter-widgets .noUi-handle')) cells.add(out.closest('.jp-Cell'));
    }
    return Array.from(cells).map((cell) => {
        const area = cell.querySelector('.jp-Cell-outputArea');
        const images = Array.from(area.querySelectorAll('img'));
        const lines = cell.querySelectorAll('.jp-InputArea-editor .cm-line');
        return {
            name: lines.length ? lines[lines.length - 1].textContent.trim() : '?',
            outputs: area.querySelectorAll(':scope > .jp-OutputArea-child').length,
            figures: images.length,
            in_widget: images.filter((img) => img.closest('.jupyter-widgets')).length,
        };
    });
}"""


def slider_cell_figures(page: Any) -> list[dict[str, Any]]:
    """For each cell showing a slider widget: its outputs and the figures (``<img>``) it shows.

    Returns
    -------
    list of dict
        ``name`` (the last line of the cell's source), ``outputs`` (output areas of the
        cell), ``figures`` (``<img>`` elements in them) and ``in_widget`` (how many of those
        are inside the live widget). One figure, inside the widget, is what a student should see.
    """
    return page.evaluate(_SLIDER_CELL_FIGURES, TOP_OUTPUTS)


_ARM_PAINT_WATCH = """(root, k) => {
    const imgOf = () => { const i = root.querySelectorAll('img'); return i[i.length - 1]; };
    const handle = root.querySelectorAll('.widget-slider')[k].querySelector('.noUi-handle');
    const src = imgOf() ? imgOf().src : '';
    const watch = {key: null, painted: null, error: null};
    window.__courseWatch = watch;
    handle.addEventListener('keydown', (e) => { watch.key = e.timeStamp; }, {capture: true, once: true});
    const observer = new MutationObserver(() => {
        const img = imgOf();
        if (!img || img.src === src) return;
        observer.disconnect();
        img.decode()
            .then(() => requestAnimationFrame(() => { watch.painted = performance.now(); }))
            .catch((e) => { watch.error = String(e); });
    });
    observer.observe(root, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
    watch.stop = () => observer.disconnect();
}"""


def enabled_sliders(page: Any, index: int) -> list[tuple[int, str]]:
    """(position, label) of each enabled slider of widget ``index`` (see :func:`tag_slider_widgets`)."""
    found = page.locator(f'[data-course-widget="{index}"]').evaluate(
        """(root) => Array.from(root.querySelectorAll('.widget-slider')).map((s, k) => {
            const h = s.querySelector('.noUi-handle');
            const off = !h || !!h.closest('[disabled]') || h.getAttribute('aria-disabled') === 'true'
                || !!h.closest('.mod-disabled');
            const label = s.querySelector('.widget-label');
            return off ? null : [k, label ? label.textContent.trim() : 'slider ' + k];
        }).filter((x) => x !== null)"""
    )
    return [(int(k), str(label)) for k, label in found]


def key_to_pixels(
    page: Any, index: int, slider: int, presses: int, timeout_ms: float, pause_ms: float = 100.0
) -> list[float]:
    """Press arrow keys on one slider and time each, from key press to the new image painted.

    Measured in the page (``performance.now()`` time base): from the ``keydown`` event on the
    handle to the first animation frame after the widget's new ``<img>`` has been decoded,
    i.e. the frame that shows it. Keys alternate (right, left, ...; left first at the
    maximum), so the slider moves between two neighbouring values; after each new image the
    next press waits ``pause_ms`` so that presses do not queue.

    Returns
    -------
    list of float
        Milliseconds, one per press.

    Raises
    ------
    AssertionError
        If a press brings no new image within ``timeout_ms``, or the image fails to decode.
    """
    root = page.locator(f'[data-course-widget="{index}"]')
    handle = root.locator(".widget-slider").nth(slider).locator(".noUi-handle").first
    handle.scroll_into_view_if_needed(timeout=timeout_ms)
    now, top = (float(handle.get_attribute(a) or "nan") for a in ("aria-valuenow", "aria-valuemax"))
    keys = ("ArrowLeft", "ArrowRight") if now >= top else ("ArrowRight", "ArrowLeft")
    latencies = []
    for i in range(presses):
        root.evaluate(_ARM_PAINT_WATCH, slider)
        handle.focus()
        handle.press(keys[i % 2])
        try:
            page.wait_for_function(
                "() => { const w = window.__courseWatch; return w.painted !== null || w.error !== null; }",
                timeout=timeout_ms,
                polling=50,
            )
        except Exception as exc:  # playwright's TimeoutError: this module does not import playwright
            if type(exc).__name__ != "TimeoutError":
                raise
            page.evaluate("() => window.__courseWatch.stop()")
            raise AssertionError(
                f"widget {index}, slider {slider}: press {i + 1} ({keys[i % 2]}) brought no new image "
                f"within {timeout_ms / 1e3:.0f} s"
            ) from exc
        watch = page.evaluate("() => { const w = window.__courseWatch; return [w.key, w.painted, w.error]; }")
        watch = dict(zip(("key", "painted", "error"), watch, strict=True))
        if watch["error"] is not None or watch["key"] is None:
            raise AssertionError(f"widget {index}, slider {slider}: press {i + 1}: {watch}")
        latencies.append(float(watch["painted"] - watch["key"]))
        page.wait_for_timeout(pause_ms)
    return latencies
