"""Write the student release of the course: everything a student needs, no solutions.

Command line::

    python -m course_tools.release --out release/activation-course          # a folder
    python -m course_tools.release --out release/activation-course --zip    # ... and a .zip of it
    python -m course_tools.release --out release/kurs-zh --lang zh          # the Chinese edition only

``--lang both`` (the default) ships every edition: the English notebooks and, under ``zh/``,
the Chinese ones (``zh/notebooks/``, ``zh/exercises/``, ``zh/README.md``) — the same course
the site publishes. ``--lang en`` or ``--lang zh`` ships one edition, and the README keeps
only that edition's set-up sections (:data:`README_LANGUAGE_SECTIONS`).

The bundle holds ``notebooks/``, ``exercises/``, ``course_utils/`` (the whole package:
``check()`` needs the exercise records and their checkers), ``README.md``, ``LICENSE``,
``requirements.txt``, ``pyproject.toml`` and ``.gitignore`` — ready to zip, or to push to a
class repository that students clone (or pull with nbgitpuller). It leaves out
``solutions/``, ``course_tools/`` (the teacher's and maintainers' tools), ``tests/``,
``benchmarks/``, ``.ci/`` and ``TEACHING.md``.

Only ``requirements.txt`` (what students need) is shipped, not ``requirements-dev.txt`` (the
maintainers' tests and tools). Two files are adapted on the way: the bundle's README loses the
sections that describe what is not shipped (:data:`README_DROPPED_SECTIONS`: the tests, the
site/slides/release tools, teachers' and maintainers' notes), so that every sentence of it is
true of the bundle, and the ``testpaths`` and package ``include`` of its ``pyproject.toml`` keep
only the folders that exist. Notebooks are written without outputs.

A used checkout holds more than the course: JupyterLab's ``.ipynb_checkpoints/`` (which may
hold a worked copy of an exercise), ``.virtual_documents/``, a gradebook, feedback files, a
built site, slides or an earlier release. The copy skips every hidden file or folder and the
names in :data:`SKIPPED_NAMES`, so the bundle is the same as from a fresh clone.

The bundle is then verified (:func:`verify_bundle`): no solution marker line
(``### BEGIN SOLUTION``) or solution-only cell anywhere, no stored outputs, no excluded
file, ``requirements.txt``'s ``-e .`` resolving to the bundle's ``pyproject.toml``, and every
relative link of the README and of the notebooks naming a file of the bundle.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from course_tools.notebooks import (
    BEGIN,
    END,
    MD_BEGIN,
    MD_END,
    SOLUTION_ONLY_TAG,
    read_notebook,
    strip_notebook,
    write_notebook,
)
from course_utils.course import ROOT

__all__ = [
    "EXCLUDED",
    "INCLUDED",
    "MARKERS",
    "EDITIONS",
    "LANGS",
    "README_DROPPED_SECTIONS",
    "README_LANGUAGE_SECTIONS",
    "SKIPPED_NAMES",
    "Release",
    "build_release",
    "main",
    "verify_bundle",
]

INCLUDED: tuple[str, ...] = (
    "notebooks",
    "exercises",
    "course_utils",
    "README.md",
    "LICENSE",
    "requirements.txt",
    "pyproject.toml",
    ".gitignore",
)
"""What the bundle holds (top-level files and folders of the course root)."""

EDITIONS: dict[str, tuple[str, ...]] = {
    "en": ("notebooks", "exercises"),
    "zh": ("zh/notebooks", "zh/exercises", "zh/README.md"),
}
"""What each language edition adds to the bundle (paths relative to the course root)."""

LANGS: tuple[str, ...] = (*EDITIONS, "both")
"""Choices of ``--lang``: one edition, or ``both`` (every edition)."""

EXCLUDED: tuple[str, ...] = (
    "solutions",
    "course_tools",
    "tests",
    "benchmarks",
    ".ci",
    "TEACHING.md",
    "zh/solutions",
    "zh/TEACHING.md",
)
"""What must never be in the bundle."""

MARKERS: tuple[str, ...] = (BEGIN, END, MD_BEGIN, MD_END)
"""Solution-region markers; a bundle line starting with one of them is a leak."""

README_DROPPED_SECTIONS: tuple[str, ...] = (
    "Run the tests",
    "Site, slides and student release",
    "For teachers",
    "For maintainers",
    "运行测试",
)
"""README sections (``## ...`` headings) left out of the bundle: they describe files it lacks."""

README_LANGUAGE_SECTIONS: dict[str, tuple[str, ...]] = {
    "en": ("Set up and start", "The lessons", "Sliders do not show?"),
    "zh": ("中文版",),
}
"""README sections that belong to one edition, left out of a bundle without it."""

SKIPPED_NAMES: frozenset[str] = frozenset(
    {"__pycache__", "grades.csv", "feedback", "_site", "_slides", "release", "node_modules"}
)
"""Names never copied into the bundle, at any depth (besides every name starting with ``.``):
what using the course leaves in a checkout (gradebook, feedback, built site and slides, an
earlier release) and Python's caches."""

_SKIPPED_SUFFIXES = (".pyc", ".pyo", ".egg-info", "-checkpoint.ipynb")
_MD_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_LINK = re.compile(r"""\b(?:href|src)=["']([^"']+)["']""")


@dataclass
class Release:
    """A written bundle.

    Attributes
    ----------
    path : Path
        The bundle folder.
    files : list of str
        Every file in it, relative and POSIX, sorted.
    archive : Path or None
        The ``.zip`` when one was written.
    problems : list of str
        What :func:`verify_bundle` found (empty for a good bundle).
    """

    path: Path
    files: list[str]
    archive: Path | None
    problems: list[str]

    def summary(self) -> str:
        """Top-level entries with their file counts, and any problem."""
        counts: dict[str, int] = {}
        for name in self.files:
            top = name.split("/", 1)[0] + ("/" if "/" in name else "")
            counts[top] = counts.get(top, 0) + 1
        lines = [f"{self.path}: {len(self.files)} files"]
        lines += [f"  {top:<20} {count:>4}" for top, count in sorted(counts.items())]
        if self.archive is not None:
            lines.append(f"archive: {self.archive}")
        lines += [f"PROBLEM: {problem}" for problem in self.problems]
        return "\n".join(lines)


def _skipped(path: Path) -> bool:
    name = path.name
    return name.startswith(".") or name in SKIPPED_NAMES or name.endswith(_SKIPPED_SUFFIXES)


def _copy_tree(source: Path, destination: Path) -> None:
    for item in sorted(source.iterdir()):
        if _skipped(item):
            continue
        target = destination / item.name
        if item.is_dir():
            _copy_tree(item, target)
        elif item.suffix == ".ipynb":
            _write_stripped_notebook(item, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item, target)


def _write_stripped_notebook(source: Path, target: Path) -> None:
    write_notebook(strip_notebook(read_notebook(source)), target)


def student_readme(text: str, dropped: Sequence[str] = README_DROPPED_SECTIONS) -> str:
    """The README without the ``## `` sections named in ``dropped``.

    Parameters
    ----------
    text : str
        The README's Markdown.
    dropped : sequence of str
        Section titles to leave out (the text after ``## ``, compared case-insensitively).

    Returns
    -------
    str

    Examples
    --------
    >>> student_readme("# C\\n\\nhi\\n\\n## For teachers\\n\\ngrade\\n\\n## Licence\\n\\nMIT\\n")
    '# C\\n\\nhi\\n\\n## Licence\\n\\nMIT\\n'
    """
    unwanted = {title.strip().lower() for title in dropped}
    parts = re.split(r"(?m)^(?=## )", text)
    kept = [
        part
        for part in parts
        if not (part.startswith("## ") and part[3:].splitlines()[0].strip().lower() in unwanted)
    ]
    return "".join(kept)


def _student_pyproject(text: str, bundle: Path) -> str:
    """``pyproject.toml`` with ``testpaths`` and the packages' ``include`` reduced to the bundle.

    A test path is kept when it exists in the bundle, a package pattern (``course_utils*``)
    when its package does: the maintainers' ``course_tools`` is not shipped.
    """

    def keep(match: re.Match[str]) -> str:
        entries = re.findall(r'"([^"]+)"', match.group(2))
        present = [entry for entry in entries if (bundle / entry.rstrip("*")).exists()]
        return match.group(1) + "[" + ", ".join(f'"{entry}"' for entry in present) + "]"

    for key in ("testpaths", "include"):
        text = re.sub(rf"(?m)^({key}\s*=\s*)\[([^\]]*)\]", keep, text, count=1)
    return text


def _relative_links(text: str) -> list[str]:
    links = _MD_LINK.findall(text) + _HTML_LINK.findall(text)
    found = []
    for url in links:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or url.startswith(("/", "#")):
            continue
        found.append(unquote(parts.path))
    return found


def _notebook_problems(path: Path, relative: str, bundle: Path) -> list[str]:
    problems = []
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [f"{relative}: not a readable notebook ({error})"]
    folder = posixpath.dirname(relative)
    for index, cell in enumerate(nb.get("cells", [])):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        where = f"{relative} cell {index}"
        if any(line.strip().startswith(MARKERS) for line in source.splitlines()):
            problems.append(f"{where}: holds a solution marker")
        if SOLUTION_ONLY_TAG in cell.get("metadata", {}).get("tags", []):
            problems.append(f"{where}: a solution-only cell")
        if cell.get("cell_type") == "code" and (
            cell.get("outputs") or cell.get("execution_count") is not None
        ):
            problems.append(f"{where}: stored with outputs or an execution count")
        if cell.get("cell_type") == "markdown":
            for link in _relative_links(source):
                target = posixpath.normpath(posixpath.join(folder, link))
                if target.startswith("..") or not (bundle / target).exists():
                    problems.append(f"{where}: link {link!r} names no file of the bundle")
    if nb.get("metadata", {}).get("widgets"):
        problems.append(f"{relative}: stores widget state")
    return problems


def verify_bundle(bundle: str | Path) -> list[str]:
    """Everything wrong with a student bundle (an empty list for a good one).

    Parameters
    ----------
    bundle : str or Path
        The bundle folder.

    Returns
    -------
    list of str
        One line per problem: an excluded file present, a progress log
        (``.course_progress/``), a solution marker line or solution-only cell, a notebook
        stored with outputs, a ``-e .`` requirement without a ``pyproject.toml``, a link of a
        README (the course's or an edition's, such as ``zh/README.md``) or of a notebook that
        names no file of the bundle.
    """
    bundle = Path(bundle)
    problems = []
    for name in EXCLUDED:
        if (bundle / name).exists():
            problems.append(f"{name}: must not be in a student release")
    for log in sorted(p for p in bundle.rglob(".course_progress") if p.is_dir()):
        problems.append(
            f"{log.relative_to(bundle).as_posix()}: a student's progress log must not be in a release"
        )
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        relative = path.relative_to(bundle).as_posix()
        if path.suffix == ".ipynb":
            problems += _notebook_problems(path, relative, bundle)
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files hold no source text
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip().startswith(MARKERS):
                problems.append(f"{relative}:{number}: a solution marker line")
    requirements = bundle / "requirements.txt"
    if requirements.is_file():
        for line in requirements.read_text(encoding="utf-8").splitlines():
            parts = line.split("#", 1)[0].split()
            if parts[:1] in (["-e"], ["--editable"]) and len(parts) > 1:
                project = bundle / parts[1]
                if not (project / "pyproject.toml").is_file() and not (project / "setup.py").is_file():
                    problems.append(f"requirements.txt: {line.strip()!r} names no project in the bundle")
    for readme in sorted(bundle.rglob("README.md")):
        relative = readme.relative_to(bundle).as_posix()
        for link in _relative_links(readme.read_text(encoding="utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), link))
            if target.startswith("..") or not (bundle / target).exists():
                problems.append(f"{relative}: link {link!r} names no file of the bundle")
    return problems


def shipped(lang: str = "both") -> tuple[str, ...]:
    """The paths (relative to the course root) a bundle of ``lang`` copies.

    >>> shipped("zh")[:3]
    ('course_utils', 'README.md', 'LICENSE')
    >>> "zh/exercises" in shipped("both") and "zh/exercises" not in shipped("en")
    True
    """
    if lang not in LANGS:
        raise ValueError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    editions = list(EDITIONS) if lang == "both" else [lang]
    common = tuple(name for name in INCLUDED if name not in EDITIONS["en"])
    return common + tuple(name for edition in editions for name in EDITIONS[edition])


def _readme_dropped(lang: str) -> tuple[str, ...]:
    kept = set(EDITIONS) if lang == "both" else {lang}
    others = [
        title
        for edition, titles in README_LANGUAGE_SECTIONS.items()
        if edition not in kept
        for title in titles
    ]
    return (*README_DROPPED_SECTIONS, *others)


def build_release(
    out: str | Path,
    *,
    root: str | Path = ROOT,
    zip_archive: bool = False,
    force: bool = False,
    lang: str = "both",
) -> Release:
    """Write the student bundle into ``out`` and verify it.

    Parameters
    ----------
    out : str or Path
        The bundle folder; it must not exist yet or be empty (or ``force``).
    root : str or Path
        The course root.
    zip_archive : bool
        Also write ``out`` + ``.zip`` (one top-level folder named like ``out``).
    force : bool
        Replace an existing, non-empty ``out``.
    lang : {"both", "en", "zh"}
        The language editions to ship (:func:`shipped`); ``"both"`` ships every edition the
        course root holds, a single language requires its edition.

    Returns
    -------
    Release

    Raises
    ------
    ValueError
        If ``out`` is inside the course root's shipped folders or holds the course root,
        or exists and is not empty (without ``force``), or a shipped part is missing.
    """
    parts = shipped(lang)
    root = Path(root).resolve()
    out = Path(out).resolve()
    if out == root or root.is_relative_to(out):
        raise ValueError(f"out: {out} holds the course itself; choose a new folder")
    if any(out.is_relative_to(root / name) for name in (*INCLUDED, *parts)):
        raise ValueError(f"out: {out} is inside a folder that the bundle copies; choose another folder")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise ValueError(f"out: {out} exists and is not empty (use --force to replace it)")
        shutil.rmtree(out)
    if lang == "both":  # every edition the course has
        parts = tuple(name for name in parts if name.split("/")[0] not in EDITIONS or (root / name).exists())
    missing = [name for name in parts if not (root / name).exists() and name != ".gitignore"]
    if missing:
        raise ValueError(f"root: {root} lacks {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    for name in parts:
        source = root / name
        if source.is_dir():
            _copy_tree(source, out / name)
        elif source.is_file():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, out / name)
    readme = out / "README.md"
    readme.write_text(
        student_readme(readme.read_text(encoding="utf-8"), _readme_dropped(lang)), encoding="utf-8"
    )
    pyproject = out / "pyproject.toml"
    pyproject.write_text(_student_pyproject(pyproject.read_text(encoding="utf-8"), out), encoding="utf-8")
    archive = None
    if zip_archive:
        archive = Path(shutil.make_archive(str(out), "zip", root_dir=out.parent, base_dir=out.name))
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return Release(path=out, files=files, archive=archive, problems=verify_bundle(out))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m course_tools.release``."""
    parser = argparse.ArgumentParser(
        prog="python -m course_tools.release",
        description=(
            "Write the student release: lessons, blank exercise notebooks, the course_utils package "
            "and the set-up files, without solutions, tests or the teacher's guide; then verify it."
        ),
    )
    parser.add_argument("--out", required=True, help="bundle folder to create")
    parser.add_argument("--zip", action="store_true", help="also write OUT.zip")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument(
        "--lang", choices=LANGS, default="both", help="language editions to ship (default: both)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional

    Returns
    -------
    int
        0 for a verified bundle, 1 when verification found a problem, 2 for a usage error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        release = build_release(args.out, zip_archive=args.zip, force=args.force, lang=args.lang)
    except ValueError as error:
        parser.error(str(error))
    print(release.summary())
    return 1 if release.problems else 0


if __name__ == "__main__":
    sys.exit(main())
