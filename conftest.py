"""Check the numbers a lesson's prose quotes against the lesson's own nbval run.

nbval executes every lesson once (one test item per code cell). For a lesson that has a
spec module ``tests/lesson_numbers/lessonNN.py``, one more item, ``prose numbers``, runs
right after the lesson's last cell, in the same kernel: it fetches the variables the spec
names (as JSON) and calls the spec's ``check(values, prose)``. So the regression bounds and
the agreement between prose and computed numbers live in tests, out of the student's view,
and no notebook is executed a second time to check them.

A spec module holds::

    VARIABLES = ("ratio", "thresholds")      # names defined by the lesson's cells

    def check(values, prose):                # values: name -> JSON-decoded value
        assert 1e-10 < values["ratio"] < 1e-9
        prose.quotes(f"{values['ratio']:.2e}")  # the markdown must say exactly this

``prose.quotes(text)`` fails, naming the text and the lesson, when the lesson's markdown no
longer contains ``text`` — which is what happens when a computed number drifts away from
the number written in the prose. A translated lesson (``zh/notebooks/``) runs the same spec;
there the words differ, so ``quotes`` asks only that every number of ``text`` appears in the
translation with the same digits.

A translated lesson is not executed again when that would only repeat its English lesson's
run: when its code cells are the English ones and none calls the graders (the only code
whose output follows the language) or names a relative path
(:func:`course_tools.translation.executes_as_english`), and the English lesson runs in full
in the same session, nbval's items for it are deselected and one item,
``<language>/notebooks/<lesson>.ipynb::runs as the English lesson`` (:class:`RunsAsEnglish`),
stores its executed copy (the English outputs under the translated markdown) and checks its
prose numbers with the values the English lesson's kernel gave. ``zh/notebooks/00-start-here``,
which calls ``check()``, runs in its own kernel; so does any translation run without its
English lesson (``pytest zh/notebooks``).

The same run feeds a store of executed notebooks: once nbval has run every code cell of a
notebook, a copy of it with the outputs nbval's items received (``IPyNbCell.test_outputs``)
is written to ``<session tmp>/executed/<path in the course>``. The session fixture
``executed_notebooks`` returns that folder with every notebook of :data:`STORED_FOLDERS` in
it, executing (two at a time) only those nbval did not run in this session — e.g. when a
single test file is run — so the site and the exercise-notebook tests read outputs instead
of executing notebooks again. Notebook items are collected first, before the tests that
read the store.
"""

from __future__ import annotations

import ast
import asyncio
import copy
import importlib.util
import json
import os
import re
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from course_utils.course import lesson_number

# check() and hint() append to a progress log in the working directory; the test run (and
# the notebooks nbval executes, whose kernels inherit this) must not leave logs in the
# course's folders. The tests of the log switch it back on in their own folders.
os.environ.setdefault("COURSE_UTILS_PROGRESS", "off")

ROOT = Path(__file__).parent
SPEC_DIR = ROOT / "tests" / "lesson_numbers"
FETCH_TIMEOUT = 60
STORED_FOLDERS = ("notebooks", "exercises", "zh/notebooks", "zh/exercises")
"""The folders whose every notebook ``executed_notebooks`` holds, executed."""
STORE_JOBS = 2  # notebooks the fixture executes at once when nbval did not run them
STORE_CELL_TIMEOUT = 300  # seconds per cell in those executions
STORE_WAIT = 1800  # seconds an xdist worker waits for the copies other workers are making
# One JSON document per variable: arrays and NumPy scalars through .tolist().
_FETCH = "__import__('json').dumps({name}, default=lambda o: o.tolist() if hasattr(o, 'tolist') else repr(o))"


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:e[-+]?\d+)?")


class Prose:
    """The markdown of one lesson, for checking the numbers it quotes."""

    def __init__(self, notebook: Path) -> None:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        self.translated = nb.get("metadata", {}).get("course_utils", {}).get("language", "en") != "en"
        cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
        self.name = notebook.name
        self.text = "\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells
        )
        self._flat = re.sub(r"\s+", " ", self.text)

    def quotes(self, text: str) -> None:
        """Assert the lesson's markdown contains ``text`` (whitespace-insensitive).

        In a translation, every number of ``text`` must appear (the words are translated).
        """
        if self.translated:
            missing = [n for n in _NUMBER.findall(text) if n not in self._flat]
            if missing:
                raise AssertionError(
                    f"{self.name} (translation): the prose no longer quotes {missing} from {text!r}, "
                    "numbers the lesson computes now — update the translation."
                )
            return
        if re.sub(r"\s+", " ", text) not in self._flat:
            raise AssertionError(
                f"{self.name}: the prose no longer quotes {text!r}, the number the lesson computes "
                "now — update the prose (or find why the computation changed)."
            )


def _spec_for(path: Path) -> ModuleType | None:
    number = lesson_number(path)
    if path.parent.name != "notebooks" or number is None:  # notebooks/ and zh/notebooks/
        return None
    spec_path = SPEC_DIR / f"lesson{number}.py"
    if not spec_path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"lesson_numbers_{number}", spec_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ProseNumbers(pytest.Item):
    """After a lesson's last cell: its numbers, fetched from the same kernel, checked by its spec."""

    def __init__(self, *, spec: ModuleType, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        kernel = self.parent.kernel
        if kernel is None or not kernel.is_alive():
            raise AssertionError("the lesson's kernel is not running: an earlier cell failed?")
        names = tuple(self.spec.VARIABLES)
        msg_id = kernel.kc.execute(
            "",
            silent=False,
            store_history=False,
            user_expressions={name: _FETCH.format(name=name) for name in names},
        )
        while True:
            reply = kernel.get_message(stream="shell", timeout=FETCH_TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        found = reply["content"].get("user_expressions", {})
        values: dict[str, Any] = {}
        for name in names:
            result = found.get(name, {})
            if result.get("status") != "ok":
                raise AssertionError(
                    f"{self.parent.path.name}: variable {name!r} could not be read "
                    f"({result.get('ename', 'missing')}: {result.get('evalue', '')})"
                )
            values[name] = json.loads(ast.literal_eval(result["data"]["text/plain"]))
        relative = _relative(self.parent.path)
        if relative is not None:  # for a translation that is checked from this run (RunsAsEnglish)
            _write_text(json.dumps(values), _values_path(_store(self.config), relative))
        self.spec.check(values, Prose(Path(self.parent.path)))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.parent.path, 0, f"{self.parent.path.name}: prose numbers"


def _is_notebook_item(item: pytest.Item) -> bool:
    """Is ``item`` one of nbval's cells of a notebook (or the prose numbers after them)?"""
    return type(item.parent).__name__ == "IPyNbFile"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Order the run; add a ``prose numbers`` item after the last cell of each lesson with a spec.

    The browser tests (a long file) come first, then the notebooks, then the rest, each
    group keeping its order: the store of executed notebooks is filled before the tests
    reading it run, and under pytest-xdist (``--dist loadfile``, files handed out in this
    order) no worker is left alone with the browser tests at the end.
    """
    items[:] = sorted(
        items,
        key=lambda item: 0 if item.get_closest_marker("browser") else (1 if _is_notebook_item(item) else 2),
    )
    last_index: dict[Any, int] = {}
    for index, item in enumerate(items):
        if _is_notebook_item(item):
            last_index[item.parent] = index
    for parent, index in sorted(last_index.items(), key=lambda kv: -kv[1]):
        spec = _spec_for(Path(parent.path))
        if spec is not None:
            items.insert(index + 1, ProseNumbers.from_parent(parent, name="prose numbers", spec=spec))


# ----------------------------------------------------------------------------- executed notebooks
_STORE_KEY = pytest.StashKey[Path]()
_RAN_KEY = pytest.StashKey[dict[Any, list[Any]]]()
_COMING_KEY = pytest.StashKey[set[Path]]()
UNFINISHED = ".unfinished"  # beside a notebook nbval did not run in full: the fixture runs it
CLAIMED = ".claimed"  # beside a notebook one fixture (of one xdist worker) is executing


def _in_worker(config: pytest.Config) -> bool:
    """Is this one of pytest-xdist's workers?"""
    return hasattr(config, "workerinput")


def _store(config: pytest.Config) -> Path:
    """The session's folder of executed notebooks (created on first use), shared by xdist's workers."""
    if _STORE_KEY not in config.stash:
        base = config._tmp_path_factory.getbasetemp()  # the tmp_path_factory fixture's
        folder = (base.parent if _in_worker(config) else base) / "executed"  # a worker's is <run>/gwN
        folder.mkdir(parents=True, exist_ok=True)
        config.stash[_STORE_KEY] = folder
    return config.stash[_STORE_KEY]


def _write(nb: Any, target: Path) -> None:
    """Write notebook ``nb`` to ``target`` at once (see :func:`_write_text`)."""
    import nbformat

    _write_text(nbformat.writes(nb) + "\n", target)


def _write_text(text: str, target: Path) -> None:
    """Write ``text`` to ``target`` at once (a reader of the store never sees half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    unfinished = target.with_name(target.name + ".writing")
    unfinished.write_text(text, encoding="utf-8")
    os.replace(unfinished, target)


def _values_path(store: Path, relative: Path) -> Path:
    """Where a lesson's ``prose numbers`` item leaves the values it read (JSON)."""
    return store / f"{relative.as_posix()}.values.json"


def _mark(target: Path, suffix: str) -> bool:
    """Create the marker ``target + suffix``; False if it exists already."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(str(target) + suffix, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note the notebooks whose every code cell nbval runs in this session (their copies will come)."""
    cells: dict[Any, set[int]] = {}
    for item in session.items:
        if hasattr(item, "test_outputs"):
            cells.setdefault(item.parent, set()).add(item.cell_num)
    coming = set()
    for parent, numbers in cells.items():
        relative = _relative(parent.path)
        nb = getattr(parent, "nb", None)
        if relative is not None and nb is not None and sorted(numbers) == _code_cell_numbers(nb):
            coming.add(relative)
    coming |= {_relative(item.path) for item in session.items if isinstance(item, RunsAsEnglish)}
    session.config.stash[_COMING_KEY] = coming


def _code_cell_numbers(nb: Any) -> list[int]:
    """The numbers nbval gives the code cells of ``nb``: 0, 1, ... in order."""
    return list(range(sum(cell.cell_type == "code" for cell in nb.cells)))


def _relative(path: Path) -> Path | None:
    """``path`` relative to the course's root, or None for a notebook outside the course."""
    try:
        return Path(path).resolve().relative_to(ROOT.resolve())
    except ValueError:
        return None


def executed_copy(nb: Any, cells: list[Any]) -> Any:
    """A copy of notebook ``nb`` with the outputs nbval's cell items received.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook as nbval read it.
    cells : list of nbval.plugin.IPyNbCell
        Its cell items that ran, in any order.

    Returns
    -------
    nbformat.NotebookNode
        Every code cell that ran holds its outputs and an execution count (1, 2, ... in the
        order of the cells); the others keep no output.
    """
    ran = {item.cell_num: item.test_outputs for item in cells if item.test_outputs is not None}
    executed = copy.deepcopy(nb)
    code_cells = [cell for cell in executed.cells if cell.cell_type == "code"]
    count = 0
    for number, cell in enumerate(code_cells):
        outputs = ran.get(number)
        cell.outputs, cell.execution_count = [], None
        if outputs is None:
            continue
        count += 1
        cell.execution_count = count
        for output in copy.deepcopy(outputs):
            if output.get("output_type") == "execute_result":
                output["execution_count"] = count
            cell.outputs.append(output)
    return executed


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a notebook's last item: store its executed copy, if nbval ran every code cell of it."""
    if not _is_notebook_item(item):
        return
    ran = item.config.stash.setdefault(_RAN_KEY, {})
    if hasattr(item, "test_outputs"):
        ran.setdefault(item.parent, []).append(item)
    if nextitem is not None and nextitem.parent is item.parent:
        return
    cells = ran.pop(item.parent, [])
    nb, relative = getattr(item.parent, "nb", None), _relative(item.parent.path)
    if nb is None or relative is None:
        return
    target = _store(item.config) / relative
    if sorted(c.cell_num for c in cells if c.test_outputs is not None) != _code_cell_numbers(nb):
        _mark(target, UNFINISHED)  # deselected, skipped or stopped cells: the fixture runs it in full
        return
    _write(executed_copy(nb, cells), target)


def _stored_notebooks() -> Iterator[Path]:
    for folder in STORED_FOLDERS:
        yield from sorted((ROOT / folder).glob("*.ipynb"))


async def _execute(paths: list[Path], store: Path) -> list[str]:
    """Execute ``paths`` into ``store``, :data:`STORE_JOBS` at a time; return the problems met."""
    import nbformat

    from course_tools.execution import execute_notebook_async

    slots = asyncio.Semaphore(STORE_JOBS)

    async def one(path: Path) -> list[str]:
        async with slots:
            nb = nbformat.read(str(path), as_version=4)
            problems = await execute_notebook_async(nb, path.parent, timeout=STORE_CELL_TIMEOUT)
            _write(nb, store / path.relative_to(ROOT))
            return [f"{path.relative_to(ROOT).as_posix()}: {problem}" for problem in problems]

    found = await asyncio.gather(*(one(path) for path in paths))
    return [problem for problems in found for problem in problems]


@pytest.fixture(scope="session")
def executed_notebooks(pytestconfig: pytest.Config) -> Path:
    """The folder of executed notebooks, laid out as the course (``executed/zh/exercises/01-....ipynb``).

    Holds every notebook of :data:`STORED_FOLDERS`: the copies nbval's run of this session
    wrote, and, executed now, those it did not run. Under pytest-xdist the folder is shared:
    a worker waits for the copies another worker's nbval items or fixture are making
    (at most :data:`STORE_WAIT` seconds). Fails if a notebook executed here raises.
    """
    from course_tools.execution import run_coroutine

    store = _store(pytestconfig)
    coming = pytestconfig.stash.get(_COMING_KEY, set()) if _in_worker(pytestconfig) else set()
    deadline = time.monotonic() + STORE_WAIT

    def to_execute_here(relative: Path) -> bool:
        """Not coming from nbval (or nbval did not finish it), and no other worker is executing it."""
        target = store / relative
        if time.monotonic() > deadline:
            return True
        awaited = relative in coming and not Path(f"{target}{UNFINISHED}").exists()
        return not awaited and _mark(target, CLAIMED)

    while True:
        missing = [path for path in _stored_notebooks() if not (store / path.relative_to(ROOT)).is_file()]
        if not missing:
            return store
        mine = [path for path in missing if to_execute_here(path.relative_to(ROOT))]
        if not mine:
            time.sleep(1)
            continue
        problems = run_coroutine(partial(_execute, mine, store))
        if problems:
            pytest.fail("executing notebooks for the store:\n  " + "\n  ".join(problems), pytrace=False)


# ------------------------------------------------------------- translations checked from the English run
class RunsAsEnglish(pytest.Item):
    """A translated lesson that executes exactly as its English lesson, checked from that run.

    Its code cells are the English ones and none reads the language or a relative path
    (:func:`course_tools.translation.executes_as_english`), so a second kernel would only
    repeat the English run. The item waits for the English lesson's executed copy, stores the
    translation's (the English outputs under the translated markdown), and checks the
    translation's prose numbers with the values the English lesson's kernel gave.
    """

    def __init__(self, *, english: Path, spec: ModuleType | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.english = english
        self.spec = spec

    def runtest(self) -> None:
        import nbformat

        from course_tools.translation import with_english_outputs

        store = _store(self.config)
        english, translated = _relative(self.english), _relative(self.path)
        assert english is not None and translated is not None
        try:
            done = nbformat.read(str(self._wait_for(store / english)), as_version=4)
            nb = nbformat.read(str(self.path), as_version=4)
            _write(with_english_outputs(nb, done), store / translated)
        except BaseException:
            _mark(store / translated, UNFINISHED)  # executed_notebooks then runs it itself
            raise
        code = [cell for cell in done.cells if cell.cell_type == "code"]
        raised = [n for n, cell in enumerate(code) if any(o.output_type == "error" for o in cell.outputs)]
        if raised:
            raise AssertionError(f"{english.as_posix()} raised in code cell {raised[0]} (so would this)")
        if self.spec is not None:
            values = _values_path(store, english)
            if not values.is_file():
                raise AssertionError(
                    f"{english.as_posix()}: its prose numbers were not read (see that lesson's failure)"
                )
            self.spec.check(json.loads(values.read_text(encoding="utf-8")), Prose(self.path))

    def _wait_for(self, copy_path: Path) -> Path:
        """The English executed copy, once written (by this or another xdist worker)."""
        deadline = time.monotonic() + STORE_WAIT
        while not copy_path.is_file():
            if Path(f"{copy_path}{UNFINISHED}").exists():
                raise AssertionError(f"{self.english.name}: the English lesson did not run in full")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.english.name}: no executed copy after {STORE_WAIT} s")
            time.sleep(0.5)
        return copy_path

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, AssertionError):  # the message says it all
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: runs as {_relative(self.english)}"


class TranslationsFromTheEnglishRun:
    """Replace nbval's run of a translated lesson by :class:`RunsAsEnglish` where that is sound.

    Runs after every other collection hook (after ``-k``/``-m`` deselection): a translation is
    replaced only when its English lesson is run in full in this session (every code cell,
    and its ``prose numbers`` item when it has a spec). Otherwise nbval runs it like any
    notebook — e.g. ``pytest zh/notebooks``.
    """

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list
    ) -> None:
        from course_tools.translation import executes_as_english

        files: dict[Path, Any] = {}
        cells: dict[Path, set[int]] = {}
        prose: dict[Path, ModuleType] = {}  # lesson -> the spec its ``prose numbers`` item checks
        for item in items:
            if isinstance(item, ProseNumbers):
                prose[Path(item.parent.path)] = item.spec
            elif _is_notebook_item(item) and hasattr(item, "cell_num"):
                files[Path(item.parent.path)] = item.parent
                cells.setdefault(Path(item.parent.path), set()).add(item.cell_num)

        def run_in_full(path: Path) -> bool:
            nb = getattr(files.get(path), "nb", None)
            complete = nb is not None and sorted(cells[path]) == _code_cell_numbers(nb)
            return complete and (path in prose or _spec_for(path) is None)

        replaced: dict[Path, RunsAsEnglish] = {}
        for path, parent in files.items():
            relative = _relative(path)
            if relative is None or len(relative.parts) != 3 or relative.parts[1] != "notebooks":
                continue  # a translated lesson is <language>/notebooks/<lesson>.ipynb
            english = ROOT / "notebooks" / relative.name
            if english not in files or not run_in_full(english) or not run_in_full(path):
                continue
            if executes_as_english(files[english].nb, parent.nb) is not None:
                continue
            replaced[path] = RunsAsEnglish.from_parent(
                parent.parent,
                name=f"{relative.name}::runs as the English lesson",
                nodeid=f"{relative.as_posix()}::runs as the English lesson",
                path=path,
                english=english,
                spec=prose.get(path),  # run_in_full: a lesson with a spec has its item here
            )
        if not replaced:
            return

        def dropped(item: pytest.Item) -> bool:
            return _is_notebook_item(item) and Path(item.parent.path) in replaced

        config.hook.pytest_deselected(items=[item for item in items if dropped(item)])
        kept = [item for item in items if not dropped(item)]
        # after the notebooks (the English lessons they wait for), before the tests reading the store
        first_group = [_is_notebook_item(item) or item.get_closest_marker("browser") for item in kept]
        at = max((i + 1 for i, first in enumerate(first_group) if first), default=0)
        items[:] = [*kept[:at], *replaced.values(), *kept[at:]]


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(TranslationsFromTheEnglishRun(), "translations-from-the-english-run")
