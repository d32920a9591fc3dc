"""Feedback in the student's language: the message catalogue of the graders.

Every student-facing string of the graders is a *template* with named placeholders, looked
up by its English text (the msgid, as GNU gettext does) and then formatted with its values::

    _("Time limit exceeded: checking your answer took longer than {limit:g} s.", limit=10)

Why the English text as the id, not explicit ids: the code stays readable (a reader sees the
message where it is raised), the English catalogue *is* the code's templates, and a changed
English message becomes a new msgid, so the test of the catalogue (``tests/test_grading_i18n.py``)
names the Chinese entry that must be retranslated instead of letting a stale one through.

Catalogues are gettext ``.po`` files, one per language, in ``locale/<language>/course_utils.po``
beside this module — plain, reviewable text that any translator (and Poedit, Weblate …) reads.
This module parses them itself (a few lines; stdlib ``gettext`` reads only compiled ``.mo``
files, and a compiled copy would be one more file to keep in step).

Marking strings (what :func:`extract_msgids` finds, as ``xgettext --keyword`` does):

* ``_("template", **values)`` translates and formats now;
* ``N_("template")`` only marks a string translated later, where it is shown (``_(text)``);
* the message (second argument) of ``Mistake(...)``, and each string of the ``hints=`` and
  ``what=`` / ``rule=`` / ``*_advice=`` keyword arguments of the exercise records, are
  msgids as they stand;
* :class:`Lazy` is a message with values, translated when it is shown.

The language (:func:`language`), in order: :func:`using_language` (the class grader's
judgement), :func:`set_language`, the environment variable ``COURSE_UTILS_LANGUAGE``, the
running notebook's ``metadata.course_utils.language``, a working directory inside a ``zh``
folder of the course; else English.

>>> with using_language("zh"):
...     _("Correct!")
'正确！'
>>> _("Correct!")
'Correct!'
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""The languages of the feedback; ``"en"`` is the source (the templates in the code)."""

ENV_VAR = "COURSE_UTILS_LANGUAGE"
"""Environment variable choosing the language (``en`` or ``zh``), below :func:`set_language`."""

LOCALE_DIR = Path(__file__).with_name("locale")
"""Where the catalogues live: ``locale/<language>/course_utils.po``."""

_OVERRIDE: contextvars.ContextVar[str | None] = contextvars.ContextVar("course_utils_language", default=None)
_EXPLICIT: list[str | None] = [None]


def normalise(lang: Any) -> str | None:
    """``"zh"`` for ``"zh"``, ``"zh_CN"``, ``"zh-Hans"``, ``"ZH"``; ``"en"`` likewise; else None.

    >>> normalise("zh_CN.UTF-8"), normalise("en-GB"), normalise("fr")
    ('zh', 'en', None)
    """
    if not isinstance(lang, str):
        return None
    code = re.split(r"[-_.@]", lang.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else None


def set_language(lang: str | None) -> None:
    """Choose the language of ``check()`` and ``hint()`` for this session (None: automatic).

    Parameters
    ----------
    lang : str or None
        ``"zh"`` or ``"en"`` (``"zh_CN"`` and the like are accepted); None goes back to the
        automatic choice (environment, notebook metadata, folder).

    Raises
    ------
    ValueError
        For a language the course has no feedback in.
    """
    if lang is None:
        _EXPLICIT[0] = None
        return
    code = normalise(lang)
    if code is None:
        raise ValueError(f"lang: expected one of {LANGUAGES}, got {lang!r}")
    _EXPLICIT[0] = code


@contextlib.contextmanager
def using_language(lang: str | None) -> Iterator[None]:
    """Within this block the feedback is in ``lang`` (the class grader's judgement); None: no change."""
    token = _OVERRIDE.set(normalise(lang) or "en" if lang is not None else _OVERRIDE.get())
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def language() -> str:
    """The language of the feedback now: ``"en"`` or ``"zh"`` (see the module's docstring)."""
    for choice in (_OVERRIDE.get(), _EXPLICIT[0], normalise(os.environ.get(ENV_VAR))):
        if choice:
            return choice
    try:
        found = notebook_language(running_notebook()) or folder_language(Path.cwd())
    except Exception:  # noqa: BLE001 - the language never stops a check
        found = None
    return found or "en"


def running_notebook() -> Path | None:
    """The notebook this kernel runs, where the front end says so, else None.

    jupyter-server sets ``JPY_SESSION_NAME`` (the notebook's path) in the kernels it starts;
    VS Code puts ``__vsc_ipynb_file__`` in the user namespace.
    """
    name = os.environ.get("JPY_SESSION_NAME")
    if name and name.endswith(".ipynb"):
        path = Path(name)
        if not path.is_absolute():
            path = Path.cwd() / path.name if not path.exists() else path.resolve()
        return path
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython else None
    user_ns = getattr(shell, "user_ns", None) or {}
    vsc = user_ns.get("__vsc_ipynb_file__")
    return Path(vsc) if isinstance(vsc, str) and vsc else None


def notebook_language(path: Path | None) -> str | None:
    """``metadata.course_utils.language`` of the notebook at ``path`` (cached), or None."""
    if path is None:
        return None
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    return _metadata_language(str(path), stamp)


@lru_cache(maxsize=16)
def _metadata_language(path: str, stamp: int) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            meta = json.load(handle).get("metadata", {})
        return normalise(meta.get("course_utils", {}).get("language"))
    except (OSError, ValueError, AttributeError):
        return None


def folder_language(cwd: Path) -> str | None:
    """``"zh"`` when ``cwd`` lies inside a ``zh`` folder of the course (``zh/exercises/``)."""
    for folder in (cwd, *cwd.parents):
        if folder.name == "zh" and any(
            (folder / sub).is_dir() for sub in ("exercises", "solutions", "notebooks")
        ):
            return "zh"
    return None


# ----------------------------------------------------------------------------- catalogues
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    body = text.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted .po string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body[1:-1])


def parse_po(text: str) -> dict[str, str]:
    """The msgid -> msgstr entries of a gettext ``.po`` file (the header and empty msgstr left out).

    >>> parse_po('msgid "Hi {name}"\\nmsgstr ""\\n"你好 {name}"\\n')
    {'Hi {name}': '你好 {name}'}
    """
    entries: dict[str, str] = {}
    field: str | None = None
    current: dict[str, str] = {}

    def flush() -> None:
        msgid, msgstr = current.get("msgid"), current.get("msgstr")
        if msgid and msgstr:
            entries[msgid] = msgstr
        current.clear()

    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            if stripped.startswith("msgid "):
                flush()
                field = "msgid"
                current[field] = _unquote(stripped[6:])
            elif stripped.startswith("msgstr "):
                field = "msgstr"
                current[field] = _unquote(stripped[7:])
            elif stripped.startswith('"') and field:
                current[field] += _unquote(stripped)
            else:
                raise ValueError(f"unexpected text {stripped[:40]!r}")
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    flush()
    return entries


def po_quote(text: str) -> str:
    """``text`` as a ``.po`` string literal (one line per ``\\n``)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    parts = [f"{line}\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def catalogue_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / lang / "course_utils.po"


@lru_cache(maxsize=4)
def catalogue(lang: str) -> Mapping[str, str]:
    """The translations of ``lang`` (msgid -> template); empty for English, the source."""
    if lang == "en":
        return {}
    try:
        return parse_po(catalogue_path(lang).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class _Keep(dict):
    """Leaves a placeholder without a value as it is (``{section}`` is filled in later)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with its placeholders filled in from ``values`` (the missing ones kept)."""
    if not values:
        return template
    try:
        return template.format_map(_Keep(values))
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return template


_SPACE_AFTER_FULL_WIDTH = re.compile(r"(?<=[。！？；：，、）])[ ]+")


def tidy(text: str) -> str:
    """Composed Chinese text without the spaces English puts between its sentences.

    >>> tidy("数值不稳定。 见第 2.6 节。")
    '数值不稳定。见第 2.6 节。'
    """
    return _SPACE_AFTER_FULL_WIDTH.sub("", text)


class Lazy(str):
    """A message with its values, translated when it is shown: ``_(lazy)``.

    It is the English text (a ``str``) wherever it is used as one.

    >>> note = Lazy("at x = {x} it is {y}", x=1, y=2)
    >>> str(note), note.template
    ('at x = 1 it is 2', 'at x = {x} it is {y}')
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Lazy:
        obj = super().__new__(cls, render(template, values))
        obj.template = template
        obj.values = values
        return obj


def gettext(msgid: str, lang: str | None = None) -> str:
    """The translation of ``msgid`` in ``lang`` (default: :func:`language`), or ``msgid`` itself."""
    lang = lang or language()
    if lang == "en":
        return msgid
    return catalogue(lang).get(msgid, msgid)


def _(msgid: str, /, **values: Any) -> str:
    """``msgid`` translated to the current language and formatted with ``values``.

    ``msgid`` may be a :class:`Lazy` message (its own values are used) or any other text,
    which is returned unchanged when the catalogue does not know it. Values that are
    themselves :class:`Lazy` are translated too.
    """
    lang = language()
    if isinstance(msgid, Lazy):
        values = {**msgid.values, **values}
        msgid = msgid.template
    if not isinstance(msgid, str):
        return str(msgid)
    if lang != "en":
        values = {k: (_(v) if isinstance(v, Lazy) else v) for k, v in values.items()}
    return render(gettext(msgid, lang), values)


def N_(msgid: str, /) -> str:  # noqa: N802 - gettext's name for "mark only"
    """Mark ``msgid`` for the catalogue without translating it now (it is translated where shown)."""
    return msgid


# ----------------------------------------------------------------------------- extraction
CALL_KEYWORDS: dict[str, int] = {"_": 0, "N_": 0, "Lazy": 0, "Mistake": 1, "Part": 0}
"""Function name -> index of the positional argument that is a msgid (xgettext's ``--keyword``)."""

ARGUMENT_KEYWORDS: frozenset[str] = frozenset(
    {
        "hints",
        "what",
        "rule",
        "stability_advice",
        "relative_advice",
        "message",
        "pass_message",
        "options",
        "feedback",
        "reference_name",
        "title",
    }
)
"""Keyword arguments whose string values (or tuples of strings) are msgids."""


def _strings(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.Tuple | ast.List):
        for item in node.elts:
            yield from _strings(item)
    elif isinstance(node, ast.Dict):
        for item in node.values:
            yield from _strings(item)


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def extract_msgids(paths: Iterable[Path]) -> dict[str, list[str]]:
    """The msgids marked in the given source files -> where they are (``file:line``).

    Finds the first argument of ``_``, ``N_`` and ``Lazy``, the message of ``Mistake``, the
    name of ``Part``, and the strings (or tuples, lists and dict values of strings) given as
    the keyword arguments in :data:`ARGUMENT_KEYWORDS` — what ``xgettext --keyword=...``
    would find.
    """
    found: dict[str, list[str]] = {}
    for path in paths:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            values: list[ast.AST] = []
            index = CALL_KEYWORDS.get(_callee(node))
            if index is not None and len(node.args) > index:
                values.append(node.args[index])
            values.extend(k.value for k in node.keywords if k.arg in ARGUMENT_KEYWORDS)
            for value in values:
                for text in _strings(value):
                    if text.strip():
                        found.setdefault(text, []).append(f"{Path(path).name}:{node.lineno}")
    return found


def source_files() -> list[Path]:
    """The modules whose student-facing strings the catalogue covers: the graders, the class
    grader's judge, its feedback files and the notes of its runs."""
    here = Path(__file__).parent
    own = sorted(p for p in here.glob("*.py") if p.name not in {"i18n.py"})
    # the class grader is a maintainer's tool (not in the student release): its modules when present
    grader = here.parent.parent / "course_tools" / "grader"
    return [*own, *sorted(grader.glob("*.py"))]


PO_HEADER = (
    "# Chinese feedback of the course's graders: check() messages, hints, progress().\n"
    "# msgid is the English template in the code; keep every {placeholder} of it, and leave\n"
    "# numbers, formulas and code as they are. Terms follow the README's glossary.\n"
    "# After changing the code, list new msgids here with\n"
    "#   python -c \"from course_utils.grading.i18n import update_catalogue; update_catalogue('zh')\"\n"
    'msgid ""\n'
    'msgstr ""\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Language: {lang}\\n"\n'
)


def update_catalogue(lang: str, translations: Mapping[str, str] | None = None) -> Path:
    """Rewrite the ``.po`` file of ``lang`` with every msgid of the code (as ``msgmerge`` does).

    Entries keep their translations (``translations`` adds or replaces some); a msgid the code
    no longer uses is dropped; a new one gets an empty ``msgstr`` for the translator.
    Returns the path written.
    """
    path = catalogue_path(lang)
    known = dict(catalogue(lang)) if path.exists() else {}
    known.update(translations or {})
    blocks = [PO_HEADER.replace("{lang}", lang)]
    found = extract_msgids(source_files())
    order = {path.name: i for i, path in enumerate(source_files())}

    def first_use(item: tuple[str, list[str]]) -> tuple[int, int]:
        name, line = item[1][0].rsplit(":", 1)
        return order.get(name, len(order)), int(line)

    for msgid, where in sorted(found.items(), key=first_use):
        refs = " ".join(dict.fromkeys(where))
        blocks.append(f"#: {refs}\nmsgid {po_quote(msgid)}\nmsgstr {po_quote(known.get(msgid, ''))}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(blocks), encoding="utf-8")
    catalogue.cache_clear()
    return path


PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}")
"""A named placeholder ``{name}`` or ``{name:.6g}`` of a template."""


def placeholders(template: str) -> set[str]:
    """The names of the placeholders of ``template``.

    >>> sorted(placeholders("at {arg} = {x:.3g}, see {section}"))
    ['arg', 'section', 'x']
    """
    return set(PLACEHOLDER.findall(template))


__all__ = [
    "ENV_VAR",
    "LANGUAGES",
    "Lazy",
    "N_",
    "_",
    "catalogue",
    "extract_msgids",
    "gettext",
    "language",
    "parse_po",
    "placeholders",
    "set_language",
    "tidy",
    "using_language",
]
