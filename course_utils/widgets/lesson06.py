"""Lesson 6 (softmax and temperature): the toy vocabulary, entropy, and the temperature slider.

``softmax_entropy`` is used by the lesson notebook, by its exercise checker and by the
slider, so it lives here rather than in a notebook cell.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from course_utils.widgets import register
from course_utils.widgets.base import SliderWidget

__all__ = ["VOCAB", "VOCAB_LOGITS", "SoftmaxTemperatureWidget", "softmax_entropy"]

VOCAB: tuple[str, ...] = ("cat", "dog", "hamster", "parrot", "banana")
"""Five words a toy language model might put after "The pet is a" (lesson 6's running example)."""

VOCAB_LOGITS: np.ndarray = np.array([3.0, 2.5, 1.0, 0.5, -1.0])
"""The toy model's logits for :data:`VOCAB`, shape (5,)."""
VOCAB_LOGITS.setflags(write=False)


def softmax_entropy(logits: Any, temperature: float = 1.0, axis: int = -1) -> Any:
    """Entropy (nats) of ``softmax(logits / temperature)``, computed from log-softmax.

    Parameters
    ----------
    logits : array_like, shape (..., n)
        Real logits.
    temperature : float
        T > 0.
    axis : int
        The class axis.

    Returns
    -------
    float or ndarray, shape (...)
        :math:`H = -\\sum_i s_i \\log s_i` with :math:`s = \\operatorname{softmax}(x / T)`.

    Notes
    -----
    The logs come from ``log_softmax`` (``x/T - logsumexp(x/T)``), never from ``log(s)``: a
    probability that underflows to 0 then contributes ``0 * (large negative)`` = 0 instead of
    ``0 * -inf`` = nan. H lies between 0 (one-hot) and ``log n`` (uniform) and rises with T.

    Examples
    --------
    >>> round(float(softmax_entropy([3.0, 2.5, 1.0, 0.5, -1.0], 1.0)), 4)
    1.0737
    >>> float(softmax_entropy([0.0, 0.0], 1.0)) == float(np.log(2))
    True
    >>> float(softmax_entropy([0.0, -1e4], 1.0))
    0.0
    """
    from course_utils.activations import log_softmax, softmax

    s = softmax(logits, axis=axis, temperature=temperature)
    log_s = log_softmax(logits, axis=axis, temperature=temperature)
    H = -np.sum(s * log_s, axis=axis)
    H = np.maximum(H, 0.0) + 0.0  # rounding can leave -1e-17 (or -0.0) for a one-hot distribution
    return float(H) if np.ndim(H) == 0 else H


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
