"""Tables of the capstone: a :class:`Table` that prints as text and HTML, and the registry's
properties of the compared activations (:func:`properties_table`)."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from course_utils.experiments.lesson07.candidates import CANDIDATES

__all__ = ["Table", "format_range", "properties_table"]


class Table:
    """A small table that prints as text and displays as HTML in Jupyter.

    Parameters
    ----------
    columns : sequence of str
        Column headings.
    rows : sequence of sequences
        Cell values, one sequence per row, in column order.
    formats : dict, optional
        Column heading -> format spec (e.g. ``".3f"``) used when displaying numbers.

    Examples
    --------
    >>> t = Table(["name", "x"], [["a", 1.5], ["b", 2.25]], formats={"x": ".2f"})
    >>> t.column("x")
    [1.5, 2.25]
    >>> print(t)
    name  x
    ----  ----
    a     1.50
    b     2.25
    """

    def __init__(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        formats: dict[str, str] | None = None,
    ) -> None:
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        for i, r in enumerate(self.rows):
            if len(r) != len(self.columns):
                raise ValueError(f"rows: row {i} has {len(r)} cells, expected {len(self.columns)}")
        self.formats = dict(formats or {})

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        """The values of one column, in row order."""
        try:
            j = self.columns.index(name)
        except ValueError:
            raise KeyError(f"name: no column {name!r}; columns are {self.columns}") from None
        return [r[j] for r in self.rows]

    def row(self, key: Any) -> dict[str, Any]:
        """The first row whose first cell equals ``key``, as a dict column -> value."""
        for r in self.rows:
            if r[0] == key:
                return dict(zip(self.columns, r, strict=True))
        raise KeyError(f"key: no row starts with {key!r}")

    def _cell(self, column: str, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool) or isinstance(value, np.bool_):
            return "yes" if value else "no"
        spec = self.formats.get(column)
        if spec and isinstance(value, (int, float, np.integer, np.floating)):
            return format(value, spec)
        return str(value)

    def _text_rows(self) -> list[list[str]]:
        return [[self._cell(c, v) for c, v in zip(self.columns, r, strict=True)] for r in self.rows]

    def __str__(self) -> str:
        body = self._text_rows()
        widths = [max([len(c)] + [len(r[j]) for r in body]) for j, c in enumerate(self.columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in body]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def to_markdown(self) -> str:
        """The table as GitHub-flavoured Markdown."""
        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(r) + " |" for r in self._text_rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in self._text_rows()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def format_range(output_range: tuple[float, float]) -> str:
    """Format an activation's output range (its infimum and supremum) with ∞ symbols.

    Examples
    --------
    >>> format_range((0.0, float("inf")))
    '0 … ∞'
    >>> format_range((-1.7580993408473766, float("inf")))
    '-1.758 … ∞'
    """

    def fmt(v: float) -> str:
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        return f"{v:.4g}"

    lo, hi = (float(v) for v in output_range)
    return f"{fmt(lo)} … {fmt(hi)}"


def _saturation(props: dict[str, Any]) -> str:
    left, right = bool(props["saturates_left"]), bool(props["saturates_right"])
    return {(True, True): "both", (True, False): "left", (False, True): "right"}.get((left, right), "no")


def properties_table(names: Iterable[str] | None = None) -> Table:
    """The properties of activations, read from the registry.

    Parameters
    ----------
    names : iterable of str, optional
        Registry names (default: the activations of :data:`CANDIDATES`).

    Returns
    -------
    Table
        Columns: name, range, zero-centred, saturates (left/right/both/no), monotonic,
        smooth (C¹), cost (what one evaluation needs).

    Examples
    --------
    >>> t = properties_table(["relu", "tanh"])
    >>> t.row("relu")["saturates"], t.row("tanh")["zero-centred"]
    ('left', True)
    """
    from course_utils.activations import get

    names = [c.activation for c in CANDIDATES] if names is None else list(names)
    rows = []
    for name in names:
        props = get(name).properties
        rows.append(
            [
                name,
                format_range(props["output_range"]),
                bool(props["zero_centred"]),
                _saturation(props),
                bool(props["monotonic"]),
                bool(props["smooth"]),
                props["cost"],
            ]
        )
    return Table(["name", "range", "zero-centred", "saturates", "monotonic", "smooth", "cost"], rows)
