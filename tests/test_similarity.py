"""Tests of the similarity report on made-up lesson-06 submissions.

The class: ``ada`` writes her own answers; ``bob`` copies them, renames every variable
and rewrites the comments; ``cy`` and ``di`` write correct answers of their own, in other
ways; ``gus`` writes the textbook form, which shares idioms with ada's; ``eve`` and ``fay``
hand in the blank notebook.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from course_tools.grader.similarity import (
    answer_code,
    check_available,
    notebook_answers,
    repeated_pairs,
    similar_pairs,
    similarity_html,
    write_similarity_report,
)
from course_utils.course import ROOT
from course_utils.grading import exercises_for_lesson

TEMPLATE = ROOT / "exercises" / "06-softmax-temperature.ipynb"

needs_copydetect = pytest.mark.skipif(
    importlib.util.find_spec("copydetect") is None,
    reason="copydetect is a teacher's dependency: python -m pip install copydetect",
)

ADA = {
    "softmax_stable": '''def softmax_stable(x, axis=-1):
    # subtract the largest logit so that exp never overflows
    shifted = x - np.max(x, axis=axis, keepdims=True)
    exps = np.exp(shifted)
    total = np.sum(exps, axis=axis, keepdims=True)
    return exps / total
''',
    "softmax_temperature": '''def softmax_temperature(x, T):
    # divide by the temperature first, then the usual max trick
    scaled = np.asarray(x, dtype=float) / T
    scaled = scaled - np.max(scaled, axis=-1, keepdims=True)
    weights = np.exp(scaled)
    return weights / np.sum(weights, axis=-1, keepdims=True)
''',
    "log_softmax_stable": '''def log_softmax_stable(x, axis=-1):
    # log-sum-exp with the maximum pulled out
    biggest = np.max(x, axis=axis, keepdims=True)
    lse = biggest + np.log(np.sum(np.exp(x - biggest), axis=axis, keepdims=True))
    return x - lse
''',
}

BOB = {  # ada's code: every variable renamed, comments rewritten, spacing changed
    "softmax_stable": '''def softmax_stable(x, axis=-1):
    # trick from the lecture: stability
    z = x - np.max(x, axis=axis, keepdims=True)

    e = np.exp(z)   # no overflow now
    s = np.sum(e, axis=axis, keepdims=True)
    return e / s
''',
    "softmax_temperature": '''def softmax_temperature(x, T):
    # temperature scaling
    v = np.asarray(x, dtype=float) / T
    v = v - np.max(v, axis=-1, keepdims=True)
    w = np.exp(v)
    return w / np.sum(w, axis=-1, keepdims=True)
''',
    "log_softmax_stable": '''def log_softmax_stable(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)  # the max
    l = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return x - l
''',
}

CY = {
    "softmax_stable": '''def softmax_stable(x, axis=-1):
    x = np.asarray(x, dtype=float)
    m = x.max(axis=axis, keepdims=True)
    out = np.exp(x - m)
    out /= out.sum(axis=axis, keepdims=True)
    return out
''',
    "softmax_temperature": '''def softmax_temperature(x, T):
    return softmax_stable(np.asarray(x) / T, axis=-1)
''',
    "log_softmax_stable": '''def log_softmax_stable(x, axis=-1):
    x = np.asarray(x, dtype=float)
    top = x.max(axis=axis, keepdims=True)
    return (x - top) - np.log(np.exp(x - top).sum(axis=axis, keepdims=True))
''',
}

DI = {
    "softmax_stable": '''def softmax_stable(x, axis=-1):
    logs = log_softmax_stable(x, axis=axis)
    return np.exp(logs)
''',
    "softmax_temperature": '''def softmax_temperature(x, T):
    z = np.moveaxis(np.asarray(x, dtype=float), -1, 0) / T
    z -= z.max(axis=0)
    p = np.exp(z)
    p /= p.sum(axis=0)
    return np.moveaxis(p, 0, -1)
''',
    "log_softmax_stable": '''def log_softmax_stable(x, axis=-1):
    from scipy.special import logsumexp
    return x - logsumexp(x, axis=axis, keepdims=True)
''',
}

GUS = {  # independent, but the textbook form: shares idioms with ada, not her whole answer
    "softmax_stable": '''def softmax_stable(x, axis=-1):
    x = np.asarray(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
''',
    "softmax_temperature": '''def softmax_temperature(x, T):
    logits = np.asarray(x, dtype=float) / T
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return p / p.sum(axis=-1, keepdims=True)
''',
    "log_softmax_stable": '''def log_softmax_stable(x, axis=-1):
    shift = x - np.max(x, axis=axis, keepdims=True)
    return shift - np.log(np.sum(np.exp(shift), axis=axis, keepdims=True))
''',
}


def template() -> dict[str, Any]:
    return json.loads(TEMPLATE.read_text(encoding="utf-8"))


def filled(answers: dict[str, str]) -> dict[str, Any]:
    """The blank lesson-06 notebook with the cell defining each named function replaced."""
    nb = copy.deepcopy(template())
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for name, code in answers.items():
            if cell["cell_type"] == "code" and source.startswith(f"def {name}("):
                cell["source"] = code
    return nb


@pytest.fixture(scope="module")
def made_up_class(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lesson06")
    notebooks = {}
    students = {"ada": ADA, "bob": BOB, "cy": CY, "di": DI, "gus": GUS, "eve": {}, "fay": {}}
    for student, answers in students.items():
        path = folder / student / "06-softmax-temperature.ipynb"
        path.parent.mkdir()
        path.write_text(json.dumps(filled(answers)), encoding="utf-8")
        notebooks[f"{student}/06-softmax-temperature.ipynb"] = path
    return notebooks


@pytest.fixture(scope="module")
def report(made_up_class: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("report") / "similarity.html"
    pairs = write_similarity_report(made_up_class, out, templates=[TEMPLATE])
    return {"pairs": pairs, "html": out.read_text(encoding="utf-8")}


def test_answer_code_finds_every_lesson06_exercise_in_the_blank_notebook() -> None:
    """Does every check cell of the exercise notebook give its exercise's blank answer code?"""
    answers = answer_code(template())
    assert list(answers) == [ex.id for ex in exercises_for_lesson("06")]
    assert answers["softmax_stable"].startswith("def softmax_stable(x, axis=-1):")
    assert "import numpy" not in answers["softmax_stable"]  # the set-up cell precedes the statement
    assert "entropy_T2 = None" in answers["entropy_at_temperature"]


def test_answer_code_keeps_extra_cells_and_code_above_the_check_call() -> None:
    """Are a helper cell the student added and code written in the check cell part of the answer?"""
    nb = filled(ADA)
    index = next(i for i, c in enumerate(nb["cells"]) if "def softmax_stable(" in "".join(c["source"]))
    helper = {"cell_type": "code", "metadata": {}, "source": "def helper(v):\n    return v\n"}
    nb["cells"].insert(index, helper)
    nb["cells"][index + 2]["source"] = 'print(helper(1))\ncheck("softmax_stable", softmax_stable)'
    code = answer_code(nb)["softmax_stable"]
    assert code.startswith("def helper(v):")
    assert "exps / total" in code
    assert code.endswith("print(helper(1))")


@needs_copydetect
def test_the_copied_and_renamed_pair_ranks_first_on_every_exercise(report: dict[str, Any]) -> None:
    """Is ada-bob the top pair of each exercise they copied, at (nearly) full similarity?"""
    for exercise in ADA:
        top = report["pairs"][exercise][0]
        assert {top.first, top.second} == {f"{name}/06-softmax-temperature.ipynb" for name in ("ada", "bob")}
        assert min(top.similarity) > 0.9, (exercise, top.similarity)


@needs_copydetect
def test_independent_correct_answers_rank_below_the_copy(report: dict[str, Any]) -> None:
    """Does every other pair score strictly lower than the copy?"""
    for exercise in ADA:
        pairs = report["pairs"][exercise]
        copy_score = pairs[0].score
        others = [p.score for p in pairs[1:]]
        assert all(score < copy_score - 0.3 for score in others), (exercise, copy_score, others)
    shared_idioms = report["pairs"]["softmax_temperature"][1:]
    assert shared_idioms, "control: the textbook answer should share some code with ada's"
    assert all("gus/" in p.first + p.second for p in shared_idioms)


@needs_copydetect
def test_the_templates_code_alone_gives_no_similarity(report: dict[str, Any]) -> None:
    """Do the two blank notebooks share nothing, with each other or with anyone?"""
    for pairs in report["pairs"].values():
        for pair in pairs:
            assert "eve/" not in pair.first + pair.second
            assert "fay/" not in pair.first + pair.second
    assert report["pairs"].get("entropy_at_temperature", []) == []


@needs_copydetect
def test_without_the_template_the_blanks_would_match() -> None:
    """Control: is it the boilerplate that hides the blanks' shared code?"""
    blank = notebook_answers(TEMPLATE)
    pairs = similar_pairs({"eve": blank, "fay": blank}, boilerplate="")
    assert any(p.score == 1.0 for found in pairs.values() for p in found)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@needs_copydetect
def test_report_shows_the_top_pair_with_its_shared_lines(report: dict[str, Any]) -> None:
    """Does the HTML list ada and bob first, with the shared code highlighted and its lines named?"""
    page = report["html"]
    section = page[page.index("<h2><code>softmax_stable</code></h2>"):]
    first_row = section[section.index("<tr><td>"):section.index("</tr>", section.index("<tr><td>"))]
    assert "ada/06-softmax-temperature.ipynb" in first_row and "bob/06-softmax-temperature.ipynb" in first_row
    assert "<mark>" in section
    assert "shared lines 1–6" in section  # ada's answer: the signature to the return


@needs_copydetect
def test_the_overview_names_the_pair_similar_on_every_exercise(report: dict[str, Any]) -> None:
    """Does the report open with ada-bob, similar on all three exercises, and no independent pair?"""
    assert repeated_pairs(report["pairs"]) == [
        ("ada/06-softmax-temperature.ipynb", "bob/06-softmax-temperature.ipynb",
         ["log_softmax_stable", "softmax_stable", "softmax_temperature"]),
    ]
    page = report["html"]
    overview = page[page.index("Pairs similar on several exercises"):page.index("<h2><code>")]
    assert "ada/06-softmax-temperature.ipynb" in overview and "gus/" not in overview


@needs_copydetect
def test_report_escapes_names_and_code() -> None:
    """Do a hostile submission name and code with < and & appear as text, running nothing?"""
    code = "def f(a, b):\n    return [v for v in a if v < b and v & 1 > 0]  # <script>\n"
    pairs = similar_pairs({"<script>x</script>.ipynb": {"e": code}, "b&b.ipynb": {"e": code}})
    page = similarity_html(pairs)
    parser = _Text()
    parser.feed(page)
    assert "script" not in parser.tags
    text = "".join(parser.text)
    assert "<script>x</script>.ipynb" in text
    assert "v < b and v & 1 > 0" in text


@needs_copydetect
def test_unreadable_notebooks_are_skipped(tmp_path: Path, made_up_class: dict[str, Path]) -> None:
    """Does a corrupt file leave the report to the readable submissions?"""
    bad = tmp_path / "corrupt.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    assert notebook_answers(bad) == {}
    pairs = write_similarity_report(
        {**made_up_class, "zed/corrupt.ipynb": bad}, tmp_path / "r.html", templates=[TEMPLATE]
    )
    assert all("zed/" not in p.first + p.second for found in pairs.values() for p in found)


def test_bad_arguments_name_themselves(tmp_path: Path) -> None:
    """Are bad thresholds, a bad top and a non-notebook refused by name?"""
    with pytest.raises(ValueError, match="guarantee"):
        similar_pairs({}, noise=25, guarantee=10)
    with pytest.raises(ValueError, match="noise"):
        similar_pairs({}, noise=0)
    with pytest.raises(ValueError, match="top"):
        similarity_html({}, top=0)
    with pytest.raises(ValueError, match="flag"):
        repeated_pairs({}, flag=1.5)
    with pytest.raises(ValueError, match="notebook"):
        answer_code({"cells": "nope"})
    bad = tmp_path / "t.ipynb"
    bad.write_text("[", encoding="utf-8")
    with pytest.raises(ValueError, match="template"):
        write_similarity_report({}, tmp_path / "r.html", templates=[bad])


def test_check_available_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without copydetect, does the early check say how to install it?"""
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "copydetect" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ImportError, match="pip install copydetect"):
        check_available()
