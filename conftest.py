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
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
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
        self.spec.check(values, Prose(Path(self.parent.path)))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.parent.path, 0, f"{self.parent.path.name}: prose numbers"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Insert a ``prose numbers`` item after the last nbval cell of each lesson with a spec."""
    last_index: dict[Any, int] = {}
    for index, item in enumerate(items):
        if type(item.parent).__name__ == "IPyNbFile":
            last_index[item.parent] = index
    for parent, index in sorted(last_index.items(), key=lambda kv: -kv[1]):
        spec = _spec_for(Path(parent.path))
        if spec is not None:
            items.insert(index + 1, ProseNumbers.from_parent(parent, name="prose numbers", spec=spec))
