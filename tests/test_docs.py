"""``docs/contracts.md`` says what the code does: exercises, constants and commands.

The page holds tables of ``| `NAME` | `MODULE` | `VALUE` | meaning |``. NAME is a module
attribute (``Limits.memory`` for an attribute's attribute, ``number_checker(atol)`` for a
parameter's default) or a command-line option (``--timeout``, with MODULE the command,
``python -m ...``, whose ``--help`` states the default); MODULE is a module, a package
(the attribute is looked for in it and in every module under it, so constants may move
between modules) or a ``.py`` file of the repository. VALUE is a string, a Python literal
or a number with an optional unit (``10 s``, ``64 MiB``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from course_utils.course import ROOT
from course_utils.grading import LESSON_MODULES, exercises_for_lesson

PAGE = ROOT / "docs" / "contracts.md"
UNITS = {"": 1, "s": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
_ROW = re.compile(r"^\|(.*)\|\s*$")
_CONSTANT_ROW = re.compile(r"^\| `(?P<name>[^`]+)` \| `(?P<module>[^`]+)` \| `(?P<value>[^`]+)` \|", re.M)


def _text() -> str:
    return PAGE.read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The text of the ``## title`` section of the page."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", _text(), re.M | re.S)
    assert match, f"{PAGE.relative_to(ROOT)} has no section '## {title}'"
    return match.group(1)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in _ROW.match(line).group(1).split("|")]


# --------------------------------------------------------------------------- exercises


def _page_exercises() -> dict[str, tuple[list[tuple[str, float]], float]]:
    """Lesson -> ([(id, points), ...], total) as the page's exercise table states them."""
    found = {}
    for line in _section("Exercises and points").splitlines():
        if not re.match(r"^\| \d\d \|", line):
            continue
        lesson, listed, total = _cells(line)
        pairs = re.findall(r"`(\w+)` \(([\d.]+)\)", listed)
        found[lesson] = ([(name, float(points)) for name, points in pairs], float(total))
    return found


def _registry_row(lesson: str) -> str:
    exercises = exercises_for_lesson(lesson)
    listed = ", ".join(f"`{ex.id}` ({ex.points:g})" for ex in exercises)
    return f"| {lesson} | {listed} | {sum(ex.points for ex in exercises):g} |"


def test_exercise_table_is_the_registry() -> None:
    """Does the page list every lesson's exercise ids, in order, with the registry's points?"""
    lessons = [name.removeprefix("lesson") for name in LESSON_MODULES]
    page = _page_exercises()
    expected_rows = "\n".join(_registry_row(lesson) for lesson in lessons)
    assert sorted(page) == lessons, f"the table's lessons differ; the registry's rows:\n{expected_rows}"
    for lesson in lessons:
        listed, total = page[lesson]
        registered = [(ex.id, float(ex.points)) for ex in exercises_for_lesson(lesson)]
        assert listed == registered, f"lesson {lesson} differs; the registry's row:\n{_registry_row(lesson)}"
        assert total == sum(points for _, points in registered), f"lesson {lesson}: wrong total"


# --------------------------------------------------------------------------- constants


def _modules(name: str) -> list[ModuleType]:
    """The module ``name`` and, for a package, every module under it."""
    module = importlib.import_module(name)
    found = [module]
    if hasattr(module, "__path__"):
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{name}."):
            if not info.name.endswith(".__main__"):  # running it would run the program
                found.append(importlib.import_module(info.name))
    return found


_MISSING = object()


def _lookup(owner: Any, reference: str) -> Any:
    """``Limits.memory`` or ``number_checker(atol)`` looked up on ``owner`` (_MISSING if absent)."""
    call = re.fullmatch(r"([\w.]+)\((\w+)\)", reference)
    path = call.group(1) if call else reference
    value = owner
    for part in path.split("."):
        value = getattr(value, part, _MISSING)
        if value is _MISSING:
            return _MISSING
    if call:
        parameter = inspect.signature(value).parameters.get(call.group(2))
        return _MISSING if parameter is None else parameter.default
    return value


@cache
def _help(command: str) -> str:
    module = command.removeprefix("python -m ").strip()
    run = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert run.returncode == 0, f"`{command} --help` exited {run.returncode}:\n{run.stderr[-2000:]}"
    return run.stdout


def _option_default(command: str, option: str) -> str:
    """The ``(default: ...)`` that ``command --help`` states for ``option``."""
    lines = _help(command).splitlines()
    start = next(
        (i for i, line in enumerate(lines) if re.match(rf"^\s+(?:-\w, )?{re.escape(option)}\b", line)), None
    )
    assert start is not None, f"`{command} --help` lists no option {option}"
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^\s+-", lines[i])), len(lines))
    text = " ".join(" ".join(lines[start:end]).split())
    match = re.search(r"\(default: ([^)]*)\)", text)
    assert match, f"`{command} --help` states no default of {option}: {text!r}"
    return match.group(1)


def _actual(name: str, module: str) -> Any:
    """What the code says of the row ``name`` / ``module``."""
    if module.startswith("python -m "):
        return _option_default(module, name)
    if module.endswith(".py"):
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value is not None:
                return ast.literal_eval(node.value)
        pytest.fail(f"{module} assigns no {name}")
    values = [value for mod in _modules(module) if (value := _lookup(mod, name)) is not _MISSING]
    assert values, f"{name} is defined nowhere in {module}"
    assert all(value == values[0] for value in values), f"{name} differs between modules of {module}"
    return values[0]


def _number(text: str) -> float:
    match = re.fullmatch(r"([-+\d._e]+)\s*([A-Za-z]*)", text.strip())
    assert match and match.group(2) in UNITS, f"{text!r}: expected a number with a unit of {sorted(UNITS)}"
    return float(match.group(1)) * UNITS[match.group(2)]


def _rows() -> list[tuple[str, str, str]]:
    return [(m["name"], m["module"], m["value"]) for m in _CONSTANT_ROW.finditer(_text())]


ROWS = _rows()


def test_the_page_has_constant_tables() -> None:
    """Are the tables found (a page whose format drifted would otherwise check nothing)?"""
    names = {name for name, _, _ in ROWS}
    assert {"JUDGE_TIMEOUT", "CALL_TIMEOUT", "DEFAULT_RTOL", "Limits.memory", "MAX_NODES", "BEGIN"} <= names


@pytest.mark.parametrize(("name", "module", "value"), ROWS, ids=[f"{m}:{n}" for n, m, _ in ROWS])
def test_constant_is_what_the_page_says(name: str, module: str, value: str) -> None:
    """Does the named constant, parameter default or option default exist with the quoted value?"""
    actual = _actual(name, module)
    if isinstance(actual, str) and not module.startswith("python -m "):
        assert value == actual, f"{module} {name} is {actual!r}; the page says {value!r}"
    elif isinstance(actual, (dict, list, tuple)):
        assert ast.literal_eval(value) == actual, f"{module} {name} is {actual!r}; the page says {value}"
    else:
        assert _number(value) == _number(str(actual)), f"{module} {name} is {actual!r}; the page says {value}"


def test_no_nbval_cell_timeout_is_set() -> None:
    """Does pyproject.toml set no nbval cell timeout, as the page says?"""
    assert "nbval-cell-timeout" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "sets no nbval cell timeout" in " ".join(_section("Time limits").split())


# --------------------------------------------------------------------------- commands


def _commands() -> dict[str, list[str]]:
    """Command -> subcommands, from the page's command table."""
    found = {}
    for line in _section("Commands").splitlines():
        match = re.match(r"^\| `(python -m [\w.]+)` \|", line)
        if match:
            found[match.group(1)] = re.findall(r"`(\w+)`", _cells(line)[1])
    return found


COMMANDS = _commands()


def _programs() -> set[str]:
    """Every ``python -m course_tools...`` (and ``python -m course_utils...``) the repository can run."""
    found = set()
    for path in [*(ROOT / "course_tools").rglob("*.py"), *(ROOT / "course_utils").rglob("*.py")]:
        dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if path.name == "__main__.py":
            found.add("python -m " + dotted.removesuffix(".__main__"))
        elif re.search(r"^if __name__ == .__main__.:", path.read_text(encoding="utf-8"), re.M):
            found.add("python -m " + dotted)
    return found


def test_every_command_is_on_the_page() -> None:
    """Does the command table list every program of the repository, and only those?"""
    assert set(COMMANDS) == _programs()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_help_exits_0_and_knows_its_subcommands(command: str) -> None:
    """Does ``--help`` exit 0 and offer every subcommand the page names?"""
    usage = _help(command)
    offered = re.search(r"\{([\w,]+)\}", usage)
    subcommands = COMMANDS[command]
    if subcommands:
        assert offered, f"`{command} --help` offers no subcommands"
        assert set(subcommands) == set(offered.group(1).split(",")), usage[:500]


def test_every_python_m_on_the_page_is_in_the_command_table() -> None:
    """Is every ``python -m course_tools...`` quoted in the page's prose a listed command?"""
    quoted = set(re.findall(r"python -m (course_tools[\w.]*)", _text()))
    assert {"python -m " + name for name in quoted} <= set(COMMANDS)


def test_page_cites_no_file_outside_the_repository() -> None:
    """Does every path the page quotes (``docs/…``, ``course_utils/…``) exist in the repository?"""
    for path in re.findall(r"`((?:course_utils|course_tools|tests|docs)/[\w/.]+\.\w+)`", _text()):
        assert (ROOT / Path(path.replace("NN", "01"))).exists(), path
