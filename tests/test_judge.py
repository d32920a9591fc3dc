"""The class grader's judge, probe and wire format, tested without a kernel.

The probe normally runs in a submission's kernel and the judge in the grader; here both run
in this process, talking through the same files, so every path of the round trip is covered
quickly. The real kernel round trip is covered by tests/test_grade.py and
tests/test_grade_attacks.py.
"""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_tools.grader import probe, wire
from course_tools.grader.judge import (
    RemoteFunction,
    is_library_function,
    judge,
    rebuild_exception,
    trusted_source,
)
from course_utils.grading import check


def local_request(namespace: dict[str, Any], channel: Path):
    """A ``request`` that runs the probe here instead of in a kernel."""
    channel.mkdir(parents=True, exist_ok=True)
    probe.install(str(channel), namespace=namespace)
    counter = itertools.count()

    def request(action: str, name: str, message: dict[str, Any] | None) -> dict[str, Any]:
        stem = f"r{next(counter)}"
        if message is not None:
            wire.write_message(channel / f"{stem}.in", message)
        getattr(probe, action)(stem, name)
        return wire.read_message(channel / f"{stem}.out")

    return request


def both_verdicts(tmp_path: Path, exercise: str, name: str, answer: Any, code: str = "") -> tuple[Any, Any]:
    """(check() in this process, the judge through the probe) for one answer."""
    local = check(exercise, answer)
    remote = judge(exercise, local_request({name: answer}, tmp_path), code, seed=None)
    return local, remote


# --- the wire format ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    )
)
def test_arrays_cross_unchanged(tmp_path_factory: pytest.TempPathFactory, array: np.ndarray) -> None:
    """Does every numeric array come back with its dtype, shape and values (NaN included)?"""
    folder = tmp_path_factory.mktemp("wire")
    wire.write_message(folder / "m", {"value": array, "scalar": array.reshape(-1)[:1].sum()})
    back = wire.read_message(folder / "m")
    assert back["value"].dtype == array.dtype and back["value"].shape == array.shape
    np.testing.assert_array_equal(back["value"], array)
    assert isinstance(back["scalar"], np.generic) and back["scalar"].dtype == array.sum().dtype


def test_python_values_keep_their_types(tmp_path: Path) -> None:
    """Do tuples stay tuples, lists lists, sets sets, and non-finite floats floats?"""
    value = {
        "t": (1, 2.5),
        "l": [None, "b"],
        "s": {"a", "c"},
        "f": [float("nan"), float("-inf")],
        "c": 1 + 2j,
    }
    wire.write_message(tmp_path / "m", {"value": value})
    back = wire.read_message(tmp_path / "m")["value"]
    assert back["t"] == (1, 2.5) and back["l"] == [None, "b"] and back["s"] == {"a", "c"}
    assert np.isnan(back["f"][0]) and back["f"][1] == -np.inf and back["c"] == 1 + 2j


def test_unknown_objects_become_named_placeholders(tmp_path: Path) -> None:
    """Does an object that cannot cross arrive as a placeholder named after its type?"""

    class Tensor:
        pass

    wire.write_message(tmp_path / "m", {"value": Tensor()})
    back = wire.read_message(tmp_path / "m")["value"]
    assert isinstance(back, wire.Opaque) and type(back).__name__ == "Tensor"


def test_pickled_and_object_arrays_are_refused(tmp_path: Path) -> None:
    """Is an .npz holding a pickled object array rejected instead of unpickled?"""
    (tmp_path / "m.json").write_text('{"$dict": [["value", {"$array": "a0"}]]}', encoding="utf-8")
    np.savez(tmp_path / "m.npz", a0=np.array([object()], dtype=object))
    with pytest.raises(wire.WireError):
        wire.read_message(tmp_path / "m")


def test_a_pickle_in_place_of_json_is_refused(tmp_path: Path) -> None:
    """Is a reply file holding a pickle refused rather than loaded?"""
    (tmp_path / "m.json").write_bytes(pickle.dumps({"value": 1}))
    with pytest.raises(wire.WireError):
        wire.read_message(tmp_path / "m")


@pytest.mark.parametrize(
    "tree",
    [
        ["Function", [["Symbol", "x", {}]]],
        ["__import__", [["Symbol", "os", {}]]],
        ["Symbol", "x", {"evaluate": "os.system('x')"}],
        ["Integer", "1" * 6000],
        "x + 1",
    ],
)
def test_sympy_trees_outside_the_whitelist_are_refused(tree: Any) -> None:
    """Are unknown SymPy nodes, huge integers and plain text refused (never evaluated)?"""
    if tree[0] == "Symbol":  # an unknown assumption is dropped, not evaluated
        assert wire.build_sympy(tree).assumptions0.get("evaluate") is None
        return
    with pytest.raises(wire.WireError):
        wire.build_sympy(tree)


def test_sympy_expressions_are_rebuilt_equal() -> None:
    """Does σ'(x), with assumptions on x, cross as an equal expression?"""
    import sympy as sp

    x = sp.Symbol("x", real=True)
    expr = sp.exp(-x) / (1 + sp.exp(-x)) ** 2 + sp.Rational(1, 3) * sp.Float("0.5") + sp.pi
    tree, arrays = wire.encode(expr)
    back = wire.decode(tree, arrays)
    assert back == expr and next(iter(back.free_symbols)).is_real


# --- the judge agrees with check() -------------------------------------------------------------


def sigmoid_naive(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_split(x):
    x = np.asarray(x, dtype=float)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def softmax_in_place(x, axis=-1):
    x -= np.max(x, axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_right(x, axis=-1):
    z = np.asarray(x, dtype=float) - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def raises_value_error(x):
    raise ValueError("boom")


def blank(x):
    raise NotImplementedError


def relu_grad_ok(x):
    return (np.asarray(x) > 0).astype(float)


@pytest.mark.parametrize(
    ("exercise", "name", "answer"),
    [
        ("sigmoid_stable", "sigmoid_stable", sigmoid_naive),
        ("sigmoid_stable", "sigmoid_stable", sigmoid_split),
        ("sigmoid_stable", "sigmoid_stable", raises_value_error),
        ("sigmoid_stable", "sigmoid_stable", blank),
        ("softmax_stable", "softmax_stable", softmax_in_place),
        ("softmax_stable", "softmax_stable", softmax_right),
        ("relu_grad", "relu_grad", relu_grad_ok),
        ("relu_grad", "relu_grad", np.sign),
        ("he_variance", "he_variance", lambda n_in: 2.0 / n_in),
        ("he_variance", "he_variance", lambda n_in: 1.0 / n_in),
        ("selu_constants", "selu_constants", (1.6732632423543772, 1.0507009873554805)),
        ("selu_constants", "selu_constants", [1.0507009873554805, 1.6732632423543772]),
        ("xor_separable", "xor_choice", "b"),
        ("xor_separable", "xor_choice", "a"),
        ("step_gradient", "step_grad_w", np.float32(0.0)),
        ("step_gradient", "step_grad_w", object()),
    ],
)
def test_judge_and_check_agree(tmp_path: Path, exercise: str, name: str, answer: Any) -> None:
    """Does the judge (answer behind the probe) reach check()'s verdict and message, word for word?"""
    local, remote = both_verdicts(tmp_path, exercise, name, answer)
    assert (remote["status"], remote["message"]) == (local.status, local.message)
    assert remote["points"] == local.points


def test_sympy_answers_agree(tmp_path: Path) -> None:
    """Is a SymPy answer judged like check() judges it, right and wrong?"""
    import sympy as sp

    x = sp.Symbol("x")
    sigma = 1 / (1 + sp.exp(-x))
    for answer in (sigma * (1 - sigma), sigma, sp.Symbol("y") * 0 + sigma.subs(x, sp.Symbol("y"))):
        local, remote = both_verdicts(tmp_path, "sigmoid_grad_symbolic", "sigmoid_grad", answer)
        assert (remote["status"], remote["message"]) == (local.status, local.message)


def test_a_missing_answer_is_not_attempted(tmp_path: Path) -> None:
    """Is an answer name missing from the notebook reported as not attempted, saying what to do?"""
    record = judge("he_variance", local_request({}, tmp_path), "", seed=None)
    assert record["status"] == "not_attempted" and "was not found" in record["message"]


def test_in_place_changes_reach_the_checker(tmp_path: Path) -> None:
    """Does a function that modifies its argument modify the checker's array too, as a local call would?"""
    remote = RemoteFunction(local_request({"f": softmax_in_place}, tmp_path), "f", {"name": "f"}, "")
    x = np.array([1.0, 2.0, 3.0])
    remote(x)
    assert x.max() == 0.0


def test_student_exceptions_are_rebuilt_with_their_line() -> None:
    """Is a builtin exception rebuilt as its own type, a custom one by name, each with the line?"""
    exc = rebuild_exception(
        {
            "type": "ZeroDivisionError",
            "builtin": True,
            "text": "division by zero",
            "line": "line 2: return 1 / 0",
            "through_student": True,
        }
    )
    assert isinstance(exc, ZeroDivisionError) and exc.remote_line == "line 2: return 1 / 0"
    custom = rebuild_exception({"type": "MyError", "builtin": False, "text": "x"})
    assert type(custom).__name__ == "MyError" and isinstance(custom, Exception)
    assert not isinstance(rebuild_exception({"type": "SystemExit", "builtin": True}), SystemExit)


def test_the_source_judged_is_the_notebooks_not_the_kernels_claim(tmp_path: Path) -> None:
    """Is a function's source read from the submitted notebook, whatever the kernel claims?"""
    request = local_request({}, tmp_path)
    claim = {"name": "f", "module": "__main__", "source": "def f(x):\n    return x\n"}
    honest = RemoteFunction(request, "f", claim, "def f(x):\n    return x\n")
    forged = RemoteFunction(
        request, "f", claim, "import numpy as np\ndef f(x):\n    return 1/(1+np.exp(-x))\n"
    )
    assert honest.__student_source__.strip() == "def f(x):\n    return x"
    assert "np.exp" in forged.__student_source__ and "return x\n" not in forged.__student_source__


def test_a_claim_hidden_in_a_string_is_not_taken_for_code() -> None:
    """Does a clean source planted as a string literal fail to vouch for a function built by exec?"""
    notebook = (
        'CLEAN = """def hat(x):\n    return relu(x + 1) - 2 * relu(x) + relu(x - 1)"""\n'
        "exec('def hat(x):\\n    return np.maximum(0, 1 - np.abs(x))')\n"
    )
    claim = "def hat(x):\n    return relu(x + 1) - 2 * relu(x) + relu(x - 1)"
    assert trusted_source(claim, "hat", notebook) == notebook


def test_a_helper_the_answer_calls_is_part_of_its_source() -> None:
    """Is a rule broken in a helper seen: the helper's definition joins the answer's source?"""
    notebook = "_bump = lambda x: np.maximum(0.0, 1.0 - np.abs(x))\n\n\ndef hat(x):\n    return _bump(x)\n"
    source = trusted_source(None, "hat", notebook)
    assert "np.maximum" in source and "def hat" in source


def test_a_claimed_library_must_really_have_the_function() -> None:
    """Is a student's function that claims to live in scipy.special treated as the student's own?"""
    assert is_library_function("scipy.special", "expit")
    assert not is_library_function("scipy.special", "sigmoid_stable")
    assert not is_library_function("os", "system") and not is_library_function("evil module", "x")


def test_a_planted_symlink_is_not_followed(tmp_path: Path) -> None:
    """Can a kernel redirect the grader's next write by planting a symlink under the expected name?"""
    target = tmp_path / "grader-file.txt"
    target.write_text("untouched", encoding="utf-8")
    channel = tmp_path / "channel"
    channel.mkdir()
    (channel / "r7.in.tmp").symlink_to(target)
    (channel / "r7.in.npz").symlink_to(target)
    with pytest.raises(FileExistsError):
        wire.write_message(channel / "r7.in", {"args": [np.zeros(3)]})
    assert target.read_text(encoding="utf-8") == "untouched"
    (channel / "r8.out.json").symlink_to(target)
    with pytest.raises(wire.WireError):
        wire.read_message(channel / "r8.out")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Is an .npz whose arrays would inflate past the limit refused without loading them?"""
    monkeypatch.setattr(wire, "MAX_ARRAY_BYTES", 100_000)
    (tmp_path / "m.json").write_text('{"$dict": [["value", {"$array": "a0"}]]}', encoding="utf-8")
    np.savez_compressed(tmp_path / "m.npz", a0=np.zeros(1_000_000))
    assert (tmp_path / "m.npz").stat().st_size < wire.MAX_ARRAY_BYTES
    with pytest.raises(wire.WireError, match="too much"):
        wire.read_message(tmp_path / "m")


# --- the whole bank: every wrong and right answer, judged both ways ------------------------------

import test_grading_feedback as bank  # noqa: E402 - the bank of right and wrong answers

from course_utils.grading import EXERCISES  # noqa: E402

BANK_SOURCE = Path(bank.__file__).read_text(encoding="utf-8")
CASES = [(ex, answer) for ex, answer, _ in bank.BANK] + sorted(bank.RIGHT_FUNCTIONS.items())


@pytest.mark.parametrize(("exercise", "answer"), CASES, ids=[f"{ex}-{i}" for i, (ex, _) in enumerate(CASES)])
def test_the_class_grader_and_check_agree_on_the_whole_bank(
    tmp_path: Path, exercise: str, answer: Any
) -> None:
    """Does the judge, with every answer behind the probe, give check()'s status, message and points?"""
    name = EXERCISES[exercise].answer_name
    local = check(exercise, answer)
    remote = judge(exercise, local_request({name: answer}, tmp_path), BANK_SOURCE, seed=None)
    assert (remote["status"], remote["message"], remote["points"]) == (
        local.status,
        local.message,
        local.points,
    )


def test_hidden_inputs_catch_an_answer_that_is_right_only_on_the_public_grid(tmp_path: Path) -> None:
    """Does an answer hard-coded to the public inputs pass check() but fail the hidden ones?"""
    public = np.union1d(np.arange(-80, 81) / 10.0, np.random.default_rng(40).uniform(-8.0, 8.0, 40))
    known = dict(zip(public.tolist(), (public > 0).astype(float).tolist(), strict=True))

    def relu_grad(x):  # a lookup table of the public points: 0.5 anywhere else
        x = np.asarray(x, dtype=float)
        return np.array(
            [known.get(v, 1.0 if v > 0 else 0.0) if abs(v) <= 3 or v in known else 0.5 for v in x.ravel()]
        ).reshape(x.shape)

    local = check("relu_grad", relu_grad)
    first = judge("relu_grad", local_request({"relu_grad": relu_grad}, tmp_path / "a"), "", seed=7)
    again = judge("relu_grad", local_request({"relu_grad": relu_grad}, tmp_path / "b"), "", seed=7)
    assert local.status == "passed"
    assert first["status"] == "failed" and first == again


def test_a_sympy_power_bomb_is_refused_before_it_is_computed() -> None:
    """Is 3**(2*10**8), sent unevaluated, refused instead of computed in the grader?"""
    import sympy as sp

    bomb = sp.Pow(sp.Integer(3), sp.Integer(2 * 10**8), evaluate=False)
    tree, arrays = wire.encode(bomb)
    with pytest.raises(wire.WireError, match="power"):
        wire.decode(tree, arrays)
    huge = sp.Max(*[sp.Mul(i, sp.Symbol("x"), evaluate=False) for i in range(1, 3000)], evaluate=False)
    tree, arrays = wire.encode(huge)
    with pytest.raises(wire.WireError, match="parts"):
        wire.decode(tree, arrays)


def test_malformed_values_are_wire_errors_not_crashes() -> None:
    """Do an unhashable set and an oversized array become WireErrors (the exercise's error row)?"""
    with pytest.raises(wire.WireError):
        wire.decode({"$set": [{"$set": ["a"]}]}, {})
    with pytest.raises(wire.WireError, match="elements"):
        wire.decode({"$array": "a0"}, {"a0": np.zeros(wire.MAX_ELEMENTS + 1, dtype=bool)})


@pytest.mark.parametrize(
    "source",
    [
        "def f(x):\n    return x  # é ü 中文\n\n@dec(1)\n@other\ndef g(y): return 'ä'\nz = [1,\n  2]\n",
        "w: int = 3\r\nv = 1\rq = 2\n",
        "x = 'é'; y = 2\nclass A: pass\ndef h():\n\tpass",
        "a = 1\n\fb = 2\n\x0cdef k():\n    return 1\n",
        "",
        BANK_SOURCE,
    ],
    ids=["unicode-decorators", "line-endings", "no-final-newline", "form-feeds", "empty", "bank"],
)
def test_definition_sources_are_the_standard_librarys_segments(source: str) -> None:
    """Does the judge's line-window reading give ``ast.get_source_segment``'s text for every node?"""
    import ast

    from course_tools.grader.judge import _LINE, _segment

    lines = _LINE.findall(source)
    assert "".join(lines) == source
    tree = ast.parse(source)
    nodes = [n for n in ast.walk(tree) if getattr(n, "end_lineno", None) is not None]
    if len(nodes) > 2000:  # the reference re-splits the source per node: what the judge reads
        nodes = [*tree.body, *(d for n in tree.body for d in getattr(n, "decorator_list", []))]
    for node in nodes:
        for padded in (False, True):
            expected = ast.get_source_segment(source, node, padded=padded) or ""
            assert _segment(lines, node, padded=padded) == expected
