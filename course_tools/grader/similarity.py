"""The similarity report: which submissions share answer code, exercise by exercise.

For every exercise, the *answer code* of each submission (:func:`answer_code`) is
compared with every other submission's by copydetect's winnowing (the fingerprinting of
MOSS, Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for document
fingerprinting", SIGMOD 2003). Before fingerprinting, copydetect tokenises the code with
Pygments and replaces every variable name with ``V``, function names with ``F`` and
strings with ``S``, and drops comments and white space, so renaming variables or
rewriting comments does not hide a copy. Code that the blank exercise notebook already
contains (the function signatures, ``raise NotImplementedError``, the ``check`` calls,
the imports) is boilerplate and never counts.

A pair's similarity, for each side, is the share of that side's fingerprinted code that
the other side contains too (0 to 1). Pairs are ranked by the larger of the two, then the
smaller, then the number of shared tokens. A high score is a reason to read the two
answers side by side, not proof of copying: short exercises have few ways to be right.

Answer code
-----------
An exercise notebook states each exercise in a Markdown cell that names its id in
backticks (``## 1 · A stable softmax (`softmax_stable`)``), gives one or more code cells
for the answer and ends with a cell ``check("softmax_stable", softmax_stable)``. The
answer code of an exercise is the code of the cells after its statement (or after the
previous ``check`` cell when no statement names it) up to its ``check`` call, including
any code the student wrote above the call in the ``check`` cell itself.

copydetect (MIT licence) is a teacher's dependency, not a student's: it is imported only
when a report is made.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

__all__ = [
    "SimilarPair",
    "answer_code",
    "check_available",
    "course_templates",
    "notebook_answers",
    "repeated_pairs",
    "similar_pairs",
    "similarity_html",
    "write_similarity_report",
]

NOISE = 25
"""copydetect's noise threshold: matches shorter than this (in filtered characters) are ignored."""

GUARANTEE = 25
"""copydetect's guarantee threshold: matches at least this long are always found."""

_CHECK = re.compile(r"""^[ \t]*check\(\s*(["'])(?P<id>[^"'\n]+)\1""", re.MULTILINE)


@dataclass(frozen=True)
class SimilarPair:
    """Two submissions' answers to one exercise and what they share.

    Attributes
    ----------
    exercise : str
    first, second : str
        The submissions' names.
    similarity : tuple of float
        For each side, the share of its fingerprinted code found in the other (0 to 1).
    shared_tokens : int
        Length of the shared code after filtering (names replaced by one letter).
    first_code, second_code : str
        The answer code compared.
    first_spans, second_spans : tuple of (int, int)
        Character ranges of the shared code in ``first_code`` and ``second_code``.
    """

    exercise: str
    first: str
    second: str
    similarity: tuple[float, float]
    shared_tokens: int
    first_code: str
    second_code: str
    first_spans: tuple[tuple[int, int], ...]
    second_spans: tuple[tuple[int, int], ...]

    @property
    def score(self) -> float:
        """The larger of the two similarities."""
        return max(self.similarity)


def check_available() -> None:
    """Raise ImportError, with the command that installs it, if copydetect is missing.

    Call it before a long grading run that ends with a similarity report.
    """
    import importlib.util

    if importlib.util.find_spec("copydetect") is None:
        raise ImportError(
            "the similarity report needs copydetect, a teacher's package: python -m pip install copydetect"
        )


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def answer_code(notebook: Mapping[str, Any]) -> dict[str, str]:
    """The answer code of each exercise of a notebook (see the module's docstring).

    Parameters
    ----------
    notebook : mapping
        A notebook as read from its JSON file (``{"cells": [...], ...}``).

    Returns
    -------
    dict of str to str
        Exercise id -> its answer code (cells joined by a blank line), in notebook order.

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "source": "import numpy as np"},
    ...     {"cell_type": "markdown", "source": "## 1 · Softmax (`softmax_stable`)"},
    ...     {"cell_type": "code", "source": "def softmax_stable(x):\\n    return x"},
    ...     {"cell_type": "code", "source": 'check("softmax_stable", softmax_stable)'},
    ... ]}
    >>> answer_code(nb)
    {'softmax_stable': 'def softmax_stable(x):\\n    return x'}
    """
    if not isinstance(notebook, Mapping) or not isinstance(notebook.get("cells"), list):
        raise ValueError("notebook must be a notebook's JSON object with a list of cells")
    answers: dict[str, str] = {}
    segment: list[tuple[str, str]] = []  # (cell type, source) since the previous check cell
    for cell in notebook["cells"]:
        if not isinstance(cell, Mapping):
            continue
        kind, source = cell.get("cell_type"), _source(cell)
        if kind == "markdown":
            segment.append(("markdown", source))
            continue
        if kind != "code":
            continue
        match = _CHECK.search(source)
        if match is None:
            segment.append(("code", source))
            continue
        exercise = match.group("id")
        start = 0
        for i, (cell_kind, text) in enumerate(segment):
            if cell_kind == "markdown" and f"`{exercise}`" in text:
                start = i + 1
        code = [text for cell_kind, text in segment[start:] if cell_kind == "code" and text.strip()]
        if source[: match.start()].strip():
            code.append(source[: match.start()].rstrip())
        joined = "\n\n".join(code)
        answers[exercise] = f"{answers[exercise]}\n\n{joined}" if answers.get(exercise) else joined
        segment = []
    return answers


def notebook_answers(path: str | os.PathLike[str]) -> dict[str, str]:
    """:func:`answer_code` of the notebook file at ``path``; ``{}`` if it cannot be read as one."""
    try:
        with open(path, encoding="utf-8") as fh:
            return answer_code(json.load(fh))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError):
        return {}


def course_templates() -> list[Path]:
    """The course's blank exercise notebooks (``exercises/*.ipynb``), the default boilerplate."""
    from course_utils.course import LESSONS, ROOT

    paths = [ROOT / "exercises" / lesson.filename for lesson in LESSONS if lesson.has_exercises]
    return [path for path in paths if path.is_file()]


def _template_code(templates: Iterable[str | os.PathLike[str]]) -> str:
    parts = []
    for path in templates:
        try:
            with open(path, encoding="utf-8") as fh:
                cells = json.load(fh).get("cells", [])
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
            raise ValueError(f"template {os.fspath(path)!r} is not a readable notebook: {exc}") from None
        parts.extend(_source(c) for c in cells if isinstance(c, Mapping) and c.get("cell_type") == "code")
    return "\n\n".join(parts)


def _spans(slices: Any) -> tuple[tuple[int, int], ...]:
    if len(slices) == 0 or len(slices[0]) == 0:
        return ()
    return tuple((int(a), int(b)) for a, b in zip(slices[0], slices[1], strict=True))


def similar_pairs(
    answers: Mapping[str, Mapping[str, str]],
    boilerplate: str = "",
    *,
    noise: int = NOISE,
    guarantee: int = GUARANTEE,
) -> dict[str, list[SimilarPair]]:
    """Compare every two submissions' answer code, exercise by exercise.

    Parameters
    ----------
    answers : mapping
        Submission name -> (exercise id -> answer code), e.g. from :func:`notebook_answers`.
    boilerplate : str
        Code whose fingerprints never count (the blank exercise notebooks' code).
    noise, guarantee : int
        copydetect's thresholds (filtered characters); ``guarantee >= noise >= 1``.

    Returns
    -------
    dict of str to list of SimilarPair
        Exercise id -> the pairs sharing any code, most similar first; exercises in
        sorted order.
    """
    if isinstance(noise, bool) or not isinstance(noise, int) or noise < 1:
        raise ValueError(f"noise must be a whole number >= 1, got {noise!r}")
    if isinstance(guarantee, bool) or not isinstance(guarantee, int) or guarantee < noise:
        raise ValueError(f"guarantee must be a whole number >= noise ({noise}), got {guarantee!r}")
    from copydetect import CodeFingerprint, compare_files  # a teacher's dependency, imported on use

    window = guarantee - noise + 1

    def fingerprint(name: str, code: str, skip: Sequence[int] = ()) -> Any:
        return CodeFingerprint(
            f"{name}.py", noise, window, boilerplate=list(skip), fp=io.StringIO(code), language="python"
        )

    skip: list[int] = []
    if boilerplate.strip():  # every k-gram of the template (window 1), not only the winnowed ones
        template = CodeFingerprint("template.py", noise, 1, fp=io.StringIO(boilerplate), language="python")
        skip = sorted(template.hashes)
    by_exercise: dict[str, dict[str, str]] = {}
    for submission, its_answers in answers.items():
        for exercise, code in its_answers.items():
            if code.strip():
                by_exercise.setdefault(exercise, {})[submission] = code
    report: dict[str, list[SimilarPair]] = {}
    for exercise in sorted(by_exercise):
        codes = by_exercise[exercise]
        prints = {name: fingerprint(name, code, skip) for name, code in sorted(codes.items())}
        pairs = []
        for first, second in combinations(prints, 2):
            if not prints[first].hashes or not prints[second].hashes:
                continue
            shared, similarity, slices = compare_files(prints[first], prints[second])
            if shared <= 0:
                continue
            pairs.append(
                SimilarPair(
                    exercise, first, second, (float(similarity[0]), float(similarity[1])), int(shared),
                    codes[first], codes[second], _spans(slices[0]), _spans(slices[1]),
                )
            )
        pairs.sort(key=lambda p: (-p.score, -min(p.similarity), -p.shared_tokens, p.first, p.second))
        report[exercise] = pairs
    return report


def _lines_with_marks(code: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[int]]:
    """The code as HTML lines, shared ranges in <mark>, and the numbers of the lines they touch."""
    out, touched, offset = [], [], 0
    for number, line in enumerate(code.split("\n"), start=1):
        start, end = offset, offset + len(line)
        cuts = sorted((max(a, start), min(b, end)) for a, b in spans if a < end and b > start)
        pieces, at = [], start
        for a, b in cuts:
            if a < at:
                a = at
            if a >= b:
                continue
            pieces.append(html.escape(code[at:a]))
            pieces.append(f"<mark>{html.escape(code[a:b])}</mark>")
            at = b
        pieces.append(html.escape(code[at:end]))
        if cuts and code[start:end].strip():
            touched.append(number)
        out.append(f'<span class="n">{number:>3}</span> {"".join(pieces)}')
        offset = end + 1
    return "\n".join(out), touched


def _ranges(numbers: Sequence[int]) -> str:
    if not numbers:
        return "none"
    parts, first, last = [], numbers[0], numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == last + 1:
            last = n
            continue
        parts.append(f"{first}" if first == last else f"{first}–{last}")
        if n is not None:
            first = last = n
    return ", ".join(parts)


_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.4}
table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
.pair{display:flex;gap:1rem}.pair>div{flex:1;min-width:0}
pre{background:#f6f6f6;padding:.5rem;overflow-x:auto}
mark{background:#fdb863}.n{color:#999;user-select:none}"""


FLAG = 0.8
"""A pair at or above this similarity on an exercise counts towards the report's overview."""


def repeated_pairs(
    report: Mapping[str, Sequence[SimilarPair]], flag: float = FLAG
) -> list[tuple[str, str, list[str]]]:
    """The pairs of submissions similar (score >= ``flag``) on at least two exercises.

    Returns
    -------
    list of (str, str, list of str)
        ``(first, second, exercises)``, the pairs with the most such exercises first.

    Examples
    --------
    >>> pair = lambda ex, a, b, s: SimilarPair(ex, a, b, (s, s), 30, "", "", (), ())
    >>> repeated_pairs({"e1": [pair("e1", "ada", "bob", 1.0)], "e2": [pair("e2", "ada", "bob", 0.9)],
    ...                 "e3": [pair("e3", "ada", "cy", 1.0)]})
    [('ada', 'bob', ['e1', 'e2'])]
    """
    if not 0 < flag <= 1:
        raise ValueError(f"flag must be in (0, 1], got {flag!r}")
    found: dict[tuple[str, str], list[str]] = {}
    for exercise, pairs in report.items():
        for pair in pairs:
            if pair.score >= flag:
                found.setdefault((pair.first, pair.second), []).append(exercise)
    repeated = [(a, b, exercises) for (a, b), exercises in found.items() if len(exercises) >= 2]
    return sorted(repeated, key=lambda item: (-len(item[2]), item[0], item[1]))


def similarity_html(
    report: Mapping[str, Sequence[SimilarPair]],
    top: int = 10,
    title: str = "Similarity report",
    flag: float = FLAG,
) -> str:
    """The report as one standalone HTML page: per exercise, the ``top`` most similar pairs.

    It opens with the pairs similar (at least ``flag``) on two exercises or more
    (:func:`repeated_pairs`). Every name and every line of code is HTML-escaped; the
    shared code is highlighted and its line numbers are listed for each side.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a whole number >= 1, got {top!r}")
    repeated = repeated_pairs(report, flag)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<p>Answer code compared exercise by exercise with copydetect's winnowing; variable and "
        "function names, comments and white space do not count, nor does the blank notebook's own "
        "code. Similarity: the share of each answer found in the other. A high score is a reason "
        "to read both answers, not proof of copying.</p>",
    ]
    if not report:
        out.append("<p>No answer code to compare.</p>")
    else:
        out.append(f"<h2>Pairs similar on several exercises (at least {100 * flag:.0f}% on each)</h2>")
        if repeated:
            out.append("<table><tr><th>submission</th><th>submission</th><th>exercises</th></tr>")
            out.extend(
                f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td>"
                f"<td>{len(exercises)}: {html.escape(', '.join(exercises))}</td></tr>"
                for a, b, exercises in repeated
            )
            out.append("</table>")
        else:
            out.append("<p>None.</p>")
    for exercise, pairs in report.items():
        out.append(f"<h2><code>{html.escape(exercise)}</code></h2>")
        shown = list(pairs)[:top]
        if not shown:
            out.append("<p>No two answers share code beyond the blank notebook's.</p>")
            continue
        out.append("<table><tr><th>#</th><th>submission</th><th>submission</th><th>similarity</th>"
                   "<th>shared tokens</th></tr>")
        for rank, pair in enumerate(shown, start=1):
            out.append(
                f'<tr><td><a href="#{html.escape(exercise)}-{rank}">{rank}</a></td>'
                f"<td>{html.escape(pair.first)}</td><td>{html.escape(pair.second)}</td>"
                f"<td>{100 * pair.similarity[0]:.0f}% / {100 * pair.similarity[1]:.0f}%</td>"
                f"<td>{pair.shared_tokens}</td></tr>"
            )
        out.append("</table>")
        for rank, pair in enumerate(shown, start=1):
            left, left_lines = _lines_with_marks(pair.first_code, pair.first_spans)
            right, right_lines = _lines_with_marks(pair.second_code, pair.second_spans)
            out.append(
                f'<h3 id="{html.escape(exercise)}-{rank}">{rank}. {html.escape(pair.first)} and '
                f"{html.escape(pair.second)}: {100 * pair.score:.0f}%</h3>"
            )
            out.append('<div class="pair">')
            for name, body, lines in ((pair.first, left, left_lines), (pair.second, right, right_lines)):
                out.append(
                    f"<div><p><strong>{html.escape(name)}</strong> - shared lines {_ranges(lines)}</p>"
                    f"<pre>{body}</pre></div>"
                )
            out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_similarity_report(
    notebooks: Mapping[str, str | os.PathLike[str]],
    path: str | os.PathLike[str],
    *,
    templates: Iterable[str | os.PathLike[str]] | None = None,
    top: int = 10,
    flag: float = FLAG,
    noise: int = NOISE,
    guarantee: int = GUARANTEE,
) -> dict[str, list[SimilarPair]]:
    """Compare the submitted notebooks and write the HTML report to ``path``.

    Parameters
    ----------
    notebooks : mapping
        Submission name (as in the gradebook) -> notebook file. Unreadable files are
        skipped (the gradebook already says why).
    path : path-like
        The HTML file to write (UTF-8).
    templates : iterable of path-like, optional
        Blank exercise notebooks whose code is boilerplate; by default the course's own
        (:func:`course_templates`).
    top : int
        Pairs shown per exercise.
    flag : float
        Similarity from which a pair counts towards the overview (:func:`repeated_pairs`).
    noise, guarantee : int
        copydetect's thresholds (see :func:`similar_pairs`).

    Returns
    -------
    dict of str to list of SimilarPair
        Every pair found, per exercise (not only the ``top`` shown).
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a whole number >= 1, got {top!r}")
    if not 0 < flag <= 1:
        raise ValueError(f"flag must be in (0, 1], got {flag!r}")
    boilerplate = _template_code(course_templates() if templates is None else templates)
    answers = {name: notebook_answers(file) for name, file in notebooks.items()}
    report = similar_pairs(answers, boilerplate, noise=noise, guarantee=guarantee)
    Path(path).write_text(similarity_html(report, top=top, flag=flag), encoding="utf-8")
    return report
