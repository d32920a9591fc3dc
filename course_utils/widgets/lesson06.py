"""Lesson 6 (softmax and temperature): the temperature slider.

It draws the toy vocabulary's probabilities and their entropy; the vocabulary and
``softmax_entropy`` live in :mod:`course_utils.experiments.lesson06` and are re-exported here,
where the lesson notebook imports them from.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from course_utils.experiments.lesson06 import VOCAB, VOCAB_LOGITS, softmax_entropy
from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["VOCAB", "VOCAB_LOGITS", "SoftmaxTemperatureWidget", "softmax_entropy"]


@register("softmax_temperature")
class SoftmaxTemperatureWidget(SliderWidget):
    """Slider on the temperature T: the vocabulary's probabilities (bars) and the entropy.

    The left panel shows ``softmax(VOCAB_LOGITS / T)`` as bars (the largest probability in the
    title); the right panel the entropy against T (computed once, over the slider's whole
    range) with a marker at the current T and the uniform maximum ``log 5`` dashed.

    Examples
    --------
    >>> w = SoftmaxTemperatureWidget()
    >>> w.update(temperature=0.1)[:4]
    b'\\x89PNG'
    >>> round(w.result["entropy"], 4)
    0.0402
    """

    ranges: ClassVar[dict[str, tuple[float, float, float]]] = {"temperature": (0.05, 5.0, 0.05)}
    defaults: ClassVar[dict[str, Any]] = {"temperature": 1.0}
    title: ClassVar[str] = "Softmax with temperature: softmax(x / T)"
    figsize: ClassVar[tuple[float, float]] = (8.0, 3.2)

    def __init__(self) -> None:
        lo, hi, step = self.ranges["temperature"]
        self.grid = np.arange(lo, hi + step / 2, step)
        self.grid_entropy = softmax_entropy(VOCAB_LOGITS / self.grid[:, None])
        self.result: dict[str, Any] = {}
        super().__init__()

    def compute(self, temperature: float) -> dict[str, Any]:
        """Probabilities and entropy of the vocabulary at this temperature."""
        from course_utils.activations import softmax

        self.result = {
            "temperature": temperature,
            "probabilities": softmax(VOCAB_LOGITS, temperature=temperature),
            "entropy": softmax_entropy(VOCAB_LOGITS, temperature),
        }
        return self.result

    def draw(self, result: dict[str, Any], fig: Any) -> None:
        """Bars for the probabilities, a marker on the entropy curve (artists reused)."""
        from course_utils.plotting import PALETTE, freeze_layout

        p, H, T = result["probabilities"], result["entropy"], result["temperature"]
        if not fig.axes:
            # Few, fixed ticks: tick and text layout dominate the cost of each redraw.
            ax_p, ax_h = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
            fig.subplots_adjust(left=0.1, right=0.98, bottom=0.2, top=0.88, wspace=0.3)
            self._bars = ax_p.bar(range(len(VOCAB)), p, color=PALETTE[: len(VOCAB)])
            ax_p.set_xticks(range(len(VOCAB)), VOCAB, fontsize=11)
            ax_p.set_ylim(0, 1.05)
            ax_p.set_yticks([0, 0.5, 1])
            ax_p.set_ylabel("probability")
            self._title_p = ax_p.set_title("", fontsize=12)
            ax_h.plot(self.grid, self.grid_entropy, color=PALETTE[0])
            ax_h.axhline(np.log(len(VOCAB)), color=PALETTE[1], ls="--", lw=1.5)
            (self._marker,) = ax_h.plot([T], [H], "o", color=PALETTE[1], ms=9)
            ax_h.set_xlim(0, self.grid[-1])
            ax_h.set_ylim(0, 1.75)
            ax_h.set_xticks([0, 1, 3, 5])
            ax_h.set_yticks([0, 0.8, 1.6])
            ax_h.set_xlabel("temperature T   (- - log 5: uniform)", fontsize=11)
            ax_h.set_ylabel("entropy (nats)")
            self._title_h = ax_h.set_title("", fontsize=12)
            for ax in (ax_p, ax_h):
                freeze_layout(ax, xlabel_y=-0.13, ylabel_x=-0.13)
            self.animate(*self._bars, self._marker, self._title_p, self._title_h)
        for bar, value in zip(self._bars, p, strict=True):
            bar.set_height(value)
        self._marker.set_data([T], [H])
        self._title_p.set_text(f"T = {T:.2f}: p({VOCAB[int(np.argmax(p))]}) = {p.max():.2f}")
        self._title_h.set_text(f"entropy H = {H:.3f} nats")
