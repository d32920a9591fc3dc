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

The navigation cells (ids ``nav-top``/``nav-bottom``) are generated in the edition's language
and link inside it (``zh/notebooks`` to ``zh/exercises`` and ``zh/README.md``); the exercise
notebooks of an edition (``zh/exercises/``) are generated from its solutions (``zh/solutions/``)
exactly as ``exercises/`` is generated from ``solutions/``.

Command line::

    python -m course_tools.translation sync [LANG]       # code cells, new/removed cells, nav, exercises
    python -m course_tools.translation status [LANG]     # per notebook: translated cells, stale cells
    python -m course_tools.translation check [LANG]      # exit 1 when anything is stale or untranslated
    python -m course_tools.translation skeleton zh 02 [--kind solutions]
    python -m course_tools.translation plan 3            # the marker of a translated TEACHING.md plan

``skeleton`` writes a new translated notebook from the English one with every markdown cell
still in English and marked as not yet translated (its hash is recorded only once the cell is
translated); ``sync`` creates such skeletons for any English notebook that has none yet. A
translator edits only markdown cells and sets ``translates`` to the English cell's
:func:`source_hash` (``python -m course_tools.translation hash zh/notebooks/02-...ipynb ID``
prints it).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from course_tools import notebooks as nbtools
from course_utils.course import LESSONS_BY_NUMBER, ROOT, Lesson, lesson_number

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


def _is_nav(cell: dict[str, Any]) -> bool:
    return nbtools.NAV_TAG in nbtools.cell_tags(cell)


def _translates(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata", {}).get("course_utils", {})
    return meta.get("translates") if isinstance(meta, dict) else None


def stale_cells(
    english: dict[str, Any], translated: dict[str, Any], *, untranslated: bool = True
) -> list[str]:
    """Problems that keep ``translated`` from being a faithful, current translation.

    Parameters
    ----------
    english, translated : dict
        The English notebook and its translation (JSON dicts or ``NotebookNode``).
    untranslated : bool, optional
        Also report markdown cells that were never translated (default). With False only
        what went wrong is reported: structure, code, and translated cells gone stale.

    Returns
    -------
    list of str
        One line per problem, naming the cell by number, id and first English line: a cell
        added, removed or moved; a code cell that differs; a markdown cell whose English
        source changed since it was translated (or that was never translated). Navigation
        cells are generated, so only their place is checked. Empty when in step.
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
        elif _is_nav(en):
            continue
        elif en["cell_type"] == "code":
            if "".join(en["source"]) != "".join(tr["source"]):
                problems.append(f"{where}: the code differs from the English cell (run `sync`)")
        else:
            recorded = _translates(tr)
            if recorded is None:
                if untranslated:
                    problems.append(f"{where}: not translated yet")
            elif recorded != source_hash(en["source"]):
                problems.append(f"{where}: the English cell changed since it was translated")
    return problems


def sync_notebook(english: Any, translated: Any, lesson: str, kind: str, language: str) -> Any:
    """The translated notebook brought in step with its English source (a new notebook).

    Parameters
    ----------
    english, translated : nbformat.NotebookNode
        The English notebook and its current translation.
    lesson : str
        Two-digit lesson number.
    kind : {"lesson", "solution"}
        Which notebook of the lesson.
    language : str
        The edition's language, a key of :data:`LANGUAGES`.

    Returns
    -------
    nbformat.NotebookNode
        The English cells in the English order: code cells copied (outputs stripped), each
        markdown cell's translation kept (source, attachments and its ``translates`` hash)
        over the English cell's other metadata, English markdown cells that have no
        translation yet copied and marked untranslated; cells the English no longer has are
        dropped; notebook metadata from the English plus the language; fresh navigation.
    """
    source = nbtools.strip_notebook(english)
    kept = {cell.get("id"): cell for cell in translated.cells}
    cells = []
    for cell in source.cells:
        cell = copy.deepcopy(cell)
        old = kept.get(cell.get("id"))
        if cell.cell_type == "markdown":
            cell.metadata["course_utils"] = {}
            if old is not None and old.cell_type == "markdown" and not _is_nav(cell):
                cell.source = old.source
                if "attachments" in old:
                    cell["attachments"] = copy.deepcopy(old["attachments"])
                if _translates(old) is not None:
                    cell.metadata["course_utils"] = {"translates": _translates(old)}
        cells.append(cell)
    source.cells = cells
    source.metadata.setdefault("course_utils", {})["language"] = language
    return nbtools.apply_nav(source, lesson, kind, language)


LANGUAGE_DEPENDENT = re.compile(r"\bgrading\b|\b(?:check|hint|progress)\s*\(")
"""Code whose output may follow the notebook's language: the graders (``course_utils.grading``,
``check``, ``hint``, ``progress``), the only part of the course that speaks the language."""
FOLDER_DEPENDENT = re.compile(r"\bopen\s*\(|\.\./|\bPath\s*\(|\bos\.|\bgetcwd\b|__file__")
"""Code that may read or write by a path relative to the notebook's folder, which differs
between an edition and the English course."""


def _code(nb: Any) -> list[tuple[Any, str]]:
    return [(c.get("id"), "".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"]


def executes_as_english(english: Any, translated: Any) -> str | None:
    """Why executing ``translated`` could give other outputs than executing ``english``; None if not.

    A translation executes exactly as its English notebook when its code cells are the English
    ones (same ids, same sources, same order), none calls the graders (:data:`LANGUAGE_DEPENDENT`:
    nothing else in the course reads the language) and none names a file by a path relative to
    the notebook's folder (:data:`FOLDER_DEPENDENT`). Its executed copy is then the English
    outputs under the translated markdown (:func:`with_english_outputs`).

    Parameters
    ----------
    english, translated : dict
        The English notebook and its translation (JSON dicts or ``NotebookNode``).

    Returns
    -------
    str or None
        The first reason found, naming the code cell (numbered from 0, as nbval does).
    """
    en, tr = _code(english), _code(translated)
    if en != tr:
        return "its code cells are not the English ones (run `python -m course_tools.translation sync`)"
    for number, (_, source) in enumerate(en):
        if LANGUAGE_DEPENDENT.search(source):
            return f"code cell {number} calls the graders, whose feedback follows the language"
        if FOLDER_DEPENDENT.search(source):
            return f"code cell {number} may use a path relative to the notebook's folder"
    return None


def with_english_outputs(translated: Any, english_executed: Any) -> Any:
    """A copy of ``translated`` holding, in each code cell, the executed English cell's outputs.

    Parameters
    ----------
    translated : NotebookNode
        A translation for which :func:`executes_as_english` found no reason against.
    english_executed : NotebookNode
        The English notebook after execution.

    Returns
    -------
    NotebookNode
        ``translated`` (deep-copied) with the outputs and execution counts of the English
        code cells, matched by cell id, and the ``language_info`` the English kernel recorded
        (what highlights the code when the notebook is shown).

    Raises
    ------
    ValueError
        If the code cells of the two notebooks are not the same.
    """
    if _code(translated) != _code(english_executed):
        raise ValueError("english_executed: expected the English notebook of this translation, executed")
    done = {c.get("id"): c for c in english_executed["cells"] if c["cell_type"] == "code"}
    copied = copy.deepcopy(translated)
    for cell in copied["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = copy.deepcopy(done[cell.get("id")]["outputs"])
            cell["execution_count"] = done[cell.get("id")]["execution_count"]
    if "language_info" in english_executed.get("metadata", {}):
        copied["metadata"]["language_info"] = copy.deepcopy(english_executed["metadata"]["language_info"])
    return copied


def editions(language: str, root: Path = ROOT) -> list[tuple[Path, Path, Lesson, str]]:
    """The hand-translated notebooks of one edition, as ``(english, translated, lesson, kind)``.

    One entry per English notebook of :data:`KINDS`, whether or not its translation exists.
    """
    found = []
    for path, lesson, kind in nbtools.course_notebooks(root):
        if lesson is not None and path.parent.name in KINDS:
            found.append((path, translated_path(path, language, root), lesson, kind))
    return found


def sync(language: str, root: Path = ROOT) -> list[Path]:
    """Bring an edition in step with the English notebooks; regenerate its exercises.

    Missing translations are created as skeletons; ``LANG/exercises/`` is generated from
    ``LANG/solutions/`` (:func:`course_tools.notebooks.generate_exercise`).

    Returns
    -------
    list of Path
        The files written (unchanged files are not rewritten).
    """
    changed = []
    for english, target, lesson, kind in editions(language, root):
        source = nbtools.read_notebook(english)
        current = nbtools.read_notebook(target) if target.exists() else skeleton(source, language)
        if nbtools.write_notebook(sync_notebook(source, current, lesson.number, kind, language), target):
            changed.append(target)
    edition = root / language
    for path, lesson, kind in nbtools.course_notebooks(edition):
        if kind == "solution" and lesson is not None:
            exercise = nbtools.generate_exercise(nbtools.read_notebook(path), lesson.number)
            if nbtools.write_notebook(exercise, edition / "exercises" / path.name):
                changed.append(edition / "exercises" / path.name)
    return changed


def report(language: str, root: Path = ROOT, *, untranslated: bool = True) -> dict[str, list[str]]:
    """Everything that keeps an edition from being complete and current, per notebook.

    Returns
    -------
    dict
        Path relative to ``root`` -> problems: :func:`stale_cells` for each hand-translated
        notebook (or "missing"), then :func:`course_tools.notebooks.find_problems` of the
        edition (metadata, stored outputs, navigation, exercises generated from solutions).
    """
    found: dict[str, list[str]] = {}
    pairs = editions(language, root)
    for english, target, _, _ in pairs:
        name = target.relative_to(root).as_posix()
        if not target.exists():
            found[name] = ["missing; run `sync`"]
            continue
        en, tr = nbtools.read_notebook(english), nbtools.read_notebook(target)
        found[name] = stale_cells(en, tr, untranslated=untranslated)
    lessons = sorted({lesson.number for _, _, lesson, _ in pairs})
    for line in nbtools.find_problems(root / language, lessons, language):
        name, _, problem = line.partition(": ")
        for command in ("`nav`", "`exercises`", "`strip`"):
            problem = problem.replace(command, "`python -m course_tools.translation sync`")
        found.setdefault(f"{language}/{name}", []).append(problem)
    return found


def translated_share(english: Any, translated: Any) -> tuple[int, int]:
    """``(translated, total)`` markdown cells, navigation cells left out."""
    pairs = [
        (en, tr)
        for en, tr in zip(english["cells"], translated["cells"], strict=False)
        if en["cell_type"] == "markdown" and not _is_nav(en)
    ]
    done = sum(1 for en, tr in pairs if _translates(tr) == source_hash(en["source"]))
    return done, len(pairs)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; 0 on success, 1 when ``check`` finds a problem, 2 on a usage error."""
    parser = argparse.ArgumentParser(prog="python -m course_tools.translation")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("sync", "regenerate code cells, cell list, navigation and LANG/exercises from the English"),
        ("status", "per notebook: markdown cells translated, and what is stale"),
        ("check", "exit 1 and list what is stale or untranslated"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("language", nargs="?", choices=sorted(LANGUAGES))
    make = sub.add_parser("skeleton", help="start a translation: the English notebook, marked untranslated")
    make.add_argument("language", choices=sorted(LANGUAGES))
    make.add_argument("lesson", help="two-digit lesson number, e.g. 02")
    make.add_argument("--kind", choices=KINDS, default="notebooks")
    plan = sub.add_parser(
        "plan", help="print the comment a translated lesson plan of TEACHING.md starts with"
    )
    plan.add_argument("lesson", help="lesson number, e.g. 3")
    show = sub.add_parser("hash", help="print the hash a translated markdown cell records")
    show.add_argument("notebook", type=Path, help="a translated notebook, e.g. zh/notebooks/02-....ipynb")
    show.add_argument("cell_id")
    args = parser.parse_args(argv)
    if args.command == "skeleton":
        lesson = LESSONS_BY_NUMBER.get(lesson_number(args.lesson) or "")
        if lesson is None or (args.kind == "solutions" and not lesson.has_exercises):
            parser.error(f"lesson: no lesson {args.lesson!r} with {args.kind}")
        english = ROOT / args.kind / lesson.filename
        target = translated_path(english, args.language)
        if target.exists():
            parser.error(f"{target} exists already; edit it instead")
        source = nbtools.read_notebook(english)
        kind = nbtools.KINDS[args.kind]
        nbtools.write_notebook(
            sync_notebook(source, skeleton(source, args.language), lesson.number, kind, args.language), target
        )
        print(target)
        return 0
    if args.command == "plan":
        from course_tools.translated_guide import GUIDE, lesson_plans, marker

        english = (ROOT / GUIDE).read_text(encoding="utf-8")
        number = lesson_number(args.lesson)
        plan_key = None if number is None else str(int(number))  # the guide writes "Lesson 3"
        if plan_key not in lesson_plans(english):
            parser.error(f"lesson: {GUIDE} has no plan for lesson {args.lesson!r}")
        print(marker(plan_key, english))
        return 0
    if args.command == "hash":
        relative = args.notebook.resolve().relative_to(ROOT)
        english = ROOT.joinpath(*relative.parts[1:])
        cells = [c for c in nbtools.read_notebook(english).cells if c.get("id") == args.cell_id]
        if not cells:
            parser.error(f"cell_id: no cell {args.cell_id!r} in {english}")
        print(source_hash(cells[0].source))
        return 0
    languages = [args.language] if args.language else sorted(LANGUAGES)
    failed = False
    for language in languages:
        if args.command == "sync":
            for path in sync(language):
                print(f"wrote {path.relative_to(ROOT).as_posix()}")
            continue
        for name, problems in report(language).items():
            english = ROOT / Path(name).relative_to(language)
            target = ROOT / name
            if target.exists() and english.exists():
                done, total = translated_share(nbtools.read_notebook(english), nbtools.read_notebook(target))
                print(f"{name}: {done}/{total} markdown cells translated and current")
            elif problems:
                print(f"{name}:")
            for problem in problems:
                print(f"  {problem}")
            failed = failed or bool(problems)
        from course_tools.translated_guide import GUIDE, guide_report

        plans = guide_report(language)
        print(f"{language}/{GUIDE}:" + ("" if plans else " every lesson plan translated and current"))
        for problem in plans:
            print(f"  {problem}")
        failed = failed or bool(plans)
    if args.command == "check" and failed:
        print(
            "Fix with: python -m course_tools.translation sync, then translate the cells listed",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
