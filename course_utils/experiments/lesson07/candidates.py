"""The capstone's contestants: each main activation with the initialisation that suits it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CANDIDATES", "Candidate", "candidate"]


@dataclass(frozen=True)
class Candidate:
    """One activation set-up of the comparison.

    Attributes
    ----------
    label : str
        Name shown in tables and legends, e.g. ``"Leaky ReLU"``.
    activation : str
        Registry name in :data:`course_utils.activations.ACTIVATIONS`, e.g. ``"leaky_relu"``.
    init : str
        Weight initialisation scheme passed to :class:`course_utils.nets.MLP`
        (``"xavier"``, ``"he"`` or ``"lecun"``).
    params : tuple of (str, float) pairs
        Activation parameters (empty: the registry defaults). A tuple keeps the record
        hashable so that results can be cached.
    """

    label: str
    activation: str
    init: str = "he"
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def params_dict(self) -> dict[str, Any]:
        """The activation parameters as a dict (empty for the registry defaults)."""
        return dict(self.params)


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("sigmoid", "sigmoid", init="xavier"),
    Candidate("tanh", "tanh", init="xavier"),
    Candidate("ReLU", "relu", init="he"),
    Candidate("Leaky ReLU", "leaky_relu", init="he"),
    Candidate("ELU", "elu", init="he"),
    Candidate("SELU", "selu", init="lecun"),
    Candidate("GELU", "gelu", init="he"),
    Candidate("Swish", "swish", init="he"),
)
"""The eight main hidden-layer activations with the initialisation each is usually paired with."""


def candidate(label_or_name: str) -> Candidate:
    """Return the candidate of :data:`CANDIDATES` with this label or registry name.

    Parameters
    ----------
    label_or_name : str
        ``"Leaky ReLU"`` or ``"leaky_relu"`` (case-insensitive).

    Returns
    -------
    Candidate

    Raises
    ------
    ValueError
        If no candidate matches.

    Examples
    --------
    >>> candidate("selu").init
    'lecun'
    """
    key = str(label_or_name).lower()
    for c in CANDIDATES:
        if key in (c.label.lower(), c.activation):
            return c
    known = ", ".join(c.activation for c in CANDIDATES)
    raise ValueError(f"label_or_name: no candidate {label_or_name!r}; known: {known}")
