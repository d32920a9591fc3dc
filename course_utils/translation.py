"""Translated editions of the notebooks, kept in step with the English ones.

A translated notebook (``zh/notebooks/02-sigmoid-tanh-saturation.ipynb`` for Chinese) has
the same cells, in the same order and with the same cell ids, as its English source:

* code cells are *identical* to the English ones — :func:`sync` copies them, nobody edits
  them by hand;
* each markdown cell holds the translation and records, in
  ``metadata["course_utils"]["translates"]``, the :func:`source_hash` of the English cell it
  translates. When the English cell changes, the hash no longer matches and
  :func:`stale_cells` names the cell, so a translation can never silently fall behind;
* the notebook's ``metadata["course_utils"]["language"]`` says its language (``"zh"``),
  which ``check()``'s feedback follows.

``python -m course_utils.translation skeleton zh 02`` writes a new translated notebook from
the English one with every markdown cell still in English and marked as not yet translated
(its hash is recorded only once the cell is translated).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from course_utils.course import LESSONS, ROOT

LANGUAGES: dict[str, str] = {"zh": "中文"}
"""Translated editions: language code -> its name in that language."""

KINDS: tuple[str, ...] = ("notebooks", "solutions")
"""Folders that are translated by hand; exercises/ is generated from solutions/ in each language."""


def source_hash(source: str | list[str]) -> str:
    """A short fingerprint of an English cell's source (16 hex digits of its SHA-256).

    >>> source_hash("# 02 · Sigmoid")
    'e2a9c5fd8f845a19'
    """
    text = "".join(source) if isinstance(source, list) else source
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def translated_path(english: Path, language: str, root: Path = ROOT) -> Path:
    """Where the translation of ``english`` (a file under ``root``) lives."""
    return root / language / english.relative_to(root)


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(nb: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def skeleton(english: dict[str, Any], language: str) -> dict[str, Any]:
    """A translated notebook to fill in: the English cells, the language in the metadata."""
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {sorted(LANGUAGES)}, got {language!r}")
    nb = copy.deepcopy(english)
    nb.setdefault("metadata", {}).setdefault("course_utils", {})["language"] = language
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell.setdefault("metadata", {}).setdefault("course_utils", {}).pop("translates", None)
    return nb


def stale_cells(english: dict[str, Any], translated: dict[str, Any]) -> list[str]:
    """Problems that keep ``translated`` from being a faithful, current translation.

    Returns one line per problem: a cell added, removed or moved; a code cell that differs;
    a markdown cell whose English source changed since it was translated (or that was never
    translated). Empty when the translation is in step.
    """
    problems = []
    en_ids = [c.get("id") for c in english["cells"]]
    tr_ids = [c.get("id") for c in translated["cells"]]
    if en_ids != tr_ids:
        missing = [i for i in en_ids if i not in tr_ids]
        extra = [i for i in tr_ids if i not in en_ids]
        problems.append(f"cells differ from the English ones (missing {missing}, extra {extra}, or moved)")
        return problems
    for number, (en, tr) in enumerate(zip(english["cells"], translated["cells"], strict=True), start=1):
        first = "".join(en["source"]).strip().splitlines()[:1]
        where = f"cell {number} (id {en.get('id')}, `{first[0][:60] if first else ''}`)"
        if en["cell_type"] != tr["cell_type"]:
            problems.append(f"{where}: a {en['cell_type']} cell in English, {tr['cell_type']} here")
        elif en["cell_type"] == "code":
            if "".join(en["source"]) != "".join(tr["source"]):
                problems.append(f"{where}: the code differs from the English cell (run `sync`)")
        else:
            recorded = tr.get("metadata", {}).get("course_utils", {}).get("translates")
            if recorded is None:
                problems.append(f"{where}: not translated yet")
            elif recorded != source_hash(en["source"]):
                problems.append(f"{where}: the English cell changed since it was translated")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course_utils.translation skeleton LANG NN [--kind notebooks|solutions]``."""
    parser = argparse.ArgumentParser(prog="python -m course_utils.translation")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("skeleton", help="start a translation: the English notebook, marked untranslated")
    make.add_argument("language", choices=sorted(LANGUAGES))
    make.add_argument("lesson", help="two-digit lesson number, e.g. 02")
    make.add_argument("--kind", choices=KINDS, default="notebooks")
    args = parser.parse_args(argv)
    lesson = next((lesson for lesson in LESSONS if lesson.number == args.lesson.zfill(2)), None)
    if lesson is None:
        parser.error(f"lesson: no lesson {args.lesson!r}")
    english = ROOT / args.kind / lesson.filename
    target = translated_path(english, args.language)
    if target.exists():
        parser.error(f"{target} exists already; edit it instead")
    _write(skeleton(_read(english), args.language), target)
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
