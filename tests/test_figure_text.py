"""Do the course's figures render for every reader, in either language, without tofu boxes?

Figures are drawn by code cells, which are identical in the English and the Chinese
notebooks, and by the figure modules of ``course_utils``. Their text is kept
language-neutral: symbols, numbers and short English labels ("epoch", "loss", "layer"),
as in most Chinese deep-learning texts, with each figure's caption in the prose translated.
So no figure needs a CJK font (which a student on Windows, macOS or Linux may lack for
matplotlib), and every character a figure can show is in DejaVu Sans, the font that ships
inside matplotlib itself.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from course_utils.course import ROOT

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def figure_sources() -> dict[str, str]:
    """Name -> Python source of everything that draws: notebook code cells, modules using matplotlib."""
    sources = {}
    for path in sorted(ROOT.glob("**/*.ipynb")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in ("tests", "release", "_site") or any(
            p.startswith(".") for p in relative.parts
        ):
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells, start=1):
            if cell["cell_type"] == "code":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                sources[f"{relative.as_posix()} cell {number}"] = source
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "matplotlib" in text or "course_utils.plotting" in text:
            sources[path.relative_to(ROOT).as_posix()] = text
    return sources


def string_literals(source: str) -> list[str]:
    """Every string constant of a code cell or module that a figure could show.

    Cells with IPython magics are skipped, and so are the messages of ``raise`` statements
    (the wrong-kernel guard speaks both languages, as text in a traceback, not in a figure).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    raised = {
        id(node)
        for statement in ast.walk(tree)
        if isinstance(statement, ast.Raise)
        for node in ast.walk(statement)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in raised
    ]


SOURCES = figure_sources()


def test_no_figure_text_needs_a_cjk_font() -> None:
    """Is every string a figure could show free of Chinese characters (so no CJK font is needed)?"""
    found = {
        name: sorted(set(_CJK.findall(text)))
        for name, source in SOURCES.items()
        for text in string_literals(source)
        if _CJK.search(text)
    }
    assert not found, f"CJK text in figure code (keep figures language-neutral): {found}"


def test_every_character_a_figure_can_show_is_in_the_bundled_font() -> None:
    """Does DejaVu Sans (shipped with matplotlib) have a glyph for every non-ASCII character used?"""
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=False)
    assert Path(path).is_relative_to(Path(matplotlib.get_data_path())), path
    glyphs = set(ft2font.FT2Font(path).get_charmap())
    used = {
        ch for source in SOURCES.values() for text in string_literals(source) for ch in text if ord(ch) > 127
    }
    assert used, "expected symbols such as σ, β or − in the figure code"
    missing = sorted(ch for ch in used if ord(ch) not in glyphs)
    assert not missing, f"characters without a glyph in DejaVu Sans (tofu boxes): {missing}"
