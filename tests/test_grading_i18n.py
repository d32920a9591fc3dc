"""Does a Chinese student get Chinese feedback, and do the two languages stay in step?

The graders' messages are templates looked up by their English text (gettext's msgid) in
``course_utils/grading/locale/zh/course_utils.po``. These tests ask: does every msgid of the
code have a Chinese entry, and every entry a msgid (``xgettext`` run over the code with
:func:`~course_utils.grading.i18n.extract_msgids`)? Does each translation keep its
template's placeholders? Does ``check()`` answer in Chinese for a Chinese notebook — and
still without giving the answer away? Do the class grader's judge and feedback files follow
the submission's language, while English stays exactly as it was?
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from test_grading_feedback import BANK, FORBIDDEN
from test_judge import local_request

from course_tools.grader.exports import feedback_html, write_feedback_html
from course_tools.grader.gradebook import GradeRow, feedback_markdown, write_feedback
from course_tools.grader.judge import judge
from course_utils.grading import EXERCISES, check, hint, i18n, reset_hints, set_language
from course_utils.grading.formatting import fmt

CJK = re.compile(r"[\u4e00-\u9fff]")
X = sp.Symbol("x")
SIGMA = 1 / (1 + sp.exp(-X))


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def stable_sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


@pytest.fixture
def zh():
    """Feedback in Chinese for the test, English again after it."""
    set_language("zh")
    yield
    set_language(None)


@pytest.fixture(autouse=True)
def _automatic_language(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Each test starts from the automatic choice, in a folder that says nothing about language."""
    monkeypatch.delenv(i18n.ENV_VAR, raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    set_language(None)
    yield
    set_language(None)


# ----------------------------------------------------------------------------- the catalogue
def test_every_msgid_of_the_code_has_a_chinese_entry_and_no_entry_is_orphaned():
    """Does the .po file hold exactly the msgids the code uses, each translated?"""
    used = i18n.extract_msgids(i18n.source_files())
    entries = i18n.parse_po(i18n.catalogue_path("zh").read_text(encoding="utf-8"))
    assert len(used) > 600
    missing = {m: where for m, where in used.items() if not entries.get(m, "").strip()}
    orphaned = sorted(set(entries) - set(used))
    assert missing == {}, f"{len(missing)} msgids without a Chinese entry, e.g. {next(iter(missing.items()))}"
    assert orphaned == [], f"{len(orphaned)} Chinese entries no code uses, e.g. {orphaned[0]!r}"


def test_every_translation_keeps_its_templates_placeholders():
    """Does each Chinese template name exactly the placeholders of its English msgid?"""
    wrong = {
        msgid: (sorted(i18n.placeholders(msgid)), sorted(i18n.placeholders(text)))
        for msgid, text in i18n.catalogue("zh").items()
        if i18n.placeholders(msgid) != i18n.placeholders(text)
    }
    assert wrong == {}


def test_the_chinese_entries_are_chinese_and_keep_code_and_numbers():
    """Is every entry that has words in it written in Chinese, keeping the code spans as they are?"""
    for msgid, text in i18n.catalogue("zh").items():
        if re.search(r"[A-Za-z]{4,} [a-z]{2,} [a-z]{3,}", i18n.PLACEHOLDER.sub("", msgid)):
            assert CJK.search(text), (msgid, text)
        for code in re.findall(r"`[^`]+`", msgid):
            assert code in text, (code, text)


def test_the_string_markers_are_found_as_xgettext_would():
    """Are _(), N_(), Lazy(), Mistake messages and hints= tuples extracted, and nothing else?"""
    source = (
        "x = _('a {n}', n=1)\ny = N_('b')\nz = Lazy('c {v}', v=2)\n"
        "m = Mistake(f, 'd')\nregister(hints=('e', 'f'), title='g', checker=h('not me'))\n"
    )
    path = Path("demo.py")
    path.write_text(source, encoding="utf-8")
    assert sorted(i18n.extract_msgids([path])) == ["a {n}", "b", "c {v}", "d", "e", "f", "g"]


def test_the_po_parser_reads_escapes_and_multiline_strings():
    """Does the loader read quotes, backslashes, newlines and continued lines back exactly?"""
    text = 'This is "it"\\ and\na second line'
    po = f"msgid {i18n.po_quote(text)}\nmsgstr {i18n.po_quote('中文 ' + text)}\n"
    assert i18n.parse_po(po) == {text: "中文 " + text}


# ----------------------------------------------------------------------------- choosing the language
def test_english_is_the_default_and_unknown_text_passes_through():
    """Without any setting, is the feedback English, and is a text the catalogue lacks left as it is?"""
    assert i18n.language() == "en"
    assert check("sigmoid_stable", stable_sigmoid).message.startswith("Correct!")
    with i18n.using_language("zh"):
        assert i18n._("not a msgid {x}", x=1) == "not a msgid 1"


def test_set_language_and_the_environment_variable_choose_chinese(monkeypatch):
    """Do set_language('zh') and COURSE_UTILS_LANGUAGE=zh give Chinese, the explicit setting first?"""
    set_language("zh_CN")
    assert i18n.language() == "zh"
    monkeypatch.setenv(i18n.ENV_VAR, "en")
    assert i18n.language() == "zh"
    set_language(None)
    assert i18n.language() == "en"
    monkeypatch.setenv(i18n.ENV_VAR, "zh")
    assert "正确" in check("he_variance", lambda n_in: 2.0 / n_in).message
    with pytest.raises(ValueError, match="lang"):
        set_language("fr")


def _notebook(path: Path, language: str | None) -> Path:
    meta = {"course_utils": {"lesson": "02", "kind": "exercise"}}
    if language:
        meta["course_utils"]["language"] = language
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_the_running_notebooks_metadata_chooses_the_language(monkeypatch, tmp_path):
    """Does a kernel started by jupyter-server for a zh notebook (JPY_SESSION_NAME) answer in Chinese?"""
    notebook = _notebook(tmp_path / "work" / "02.ipynb", "zh")
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    assert i18n.language() == "zh"
    assert check("sigmoid_stable", None).message.startswith("尚未作答")
    _notebook(notebook, None)  # the same notebook, now without a language: English again
    assert i18n.language() == "en"
    monkeypatch.setenv(i18n.ENV_VAR, "en")  # a setting beats the metadata
    _notebook(notebook, "zh")
    assert i18n.language() == "en"


def test_vs_codes_notebook_variable_chooses_the_language(monkeypatch, tmp_path):
    """Does __vsc_ipynb_file__ in the user namespace (VS Code) lead to the notebook's metadata?"""
    import sys
    import types

    notebook = _notebook(tmp_path / "vsc.ipynb", "zh")
    shell = types.SimpleNamespace(user_ns={"__vsc_ipynb_file__": str(notebook)})
    fake = types.SimpleNamespace(get_ipython=lambda: shell)
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert i18n.running_notebook() == notebook
    assert i18n.language() == "zh"


def test_a_working_directory_inside_the_zh_folder_chooses_chinese(monkeypatch, tmp_path):
    """Is a kernel whose working directory is zh/exercises/ of the course answered in Chinese?"""
    folder = tmp_path / "course" / "zh" / "exercises"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    assert i18n.language() == "zh"
    monkeypatch.chdir(tmp_path)
    assert i18n.language() == "en"


# ----------------------------------------------------------------------------- check() and hint() in Chinese
@pytest.mark.usefixtures("zh")
def test_exercise_02_wrong_then_right_in_chinese():
    """Does the student of the zh exercise 02 read Chinese feedback, wrong answers first, then 正确?"""
    naive = check("sigmoid_stable", naive_sigmoid)
    assert naive.status == "failed"
    assert "数值不稳定" in naive.message and "溢出" in naive.message and "第 02 课第 2.6 节" in naive.message
    assert "[未通过]" in str(naive) and "0/1 分" in str(naive)
    itself = check("sigmoid_grad_symbolic", SIGMA)
    assert itself.status == "failed" and "导数" in itself.message
    right = (check("sigmoid_stable", stable_sigmoid), check("sigmoid_grad_symbolic", SIGMA * (1 - SIGMA)))
    for result in right:
        assert result.passed and result.message.startswith("正确！"), result.message
        assert "[通过]" in str(result)


@pytest.mark.usefixtures("zh")
@pytest.mark.parametrize(
    ("exercise_id", "answer", "words"),
    [
        ("linear_collapse", lambda W1, b1, W2, b2: (W1 @ W2, W2 @ b1 + b2), ["顺序", "矩阵"]),
        ("he_variance", lambda n_in: 1.0 / n_in, ["LeCun", "二阶矩", "当 n_in = 3 时"]),
        ("relu_grad", lambda x: np.maximum(x, 0.0), ["ReLU 本身", "斜率"]),
        ("selu_constants", (1.0, 1.05), ["ELU 的默认值"]),
        ("softmax_stable", lambda x, axis=-1: np.exp(x) / np.exp(x).sum(axis=axis, keepdims=True), ["溢出"]),
        ("swish_minimum", 1.2784645, ["符号"]),
        ("tanh_grad_from_output", lambda t: 1.0 - np.tanh(t) ** 2, ["tanh", "前向传播"]),
        ("xor_separable", "a", ["感知机", "直线"]),
        ("vanishing_depth", 11, ["最小"]),
    ],
)
def test_wrong_answers_get_chinese_messages(exercise_id, answer, words):
    """Do wrong answers of several lessons get a Chinese message naming the flaw?"""
    result = check(exercise_id, answer)
    assert result.status == "failed", result.message
    assert len(CJK.findall(result.message)) > 5, result.message
    assert all(w in result.message for w in words), (words, result.message)


@pytest.mark.usefixtures("zh")
def test_the_helpers_speak_chinese_too():
    """Are not-attempted, wrong type, student errors, time limits and unknown ids Chinese?"""
    assert check("he_variance", None).message.startswith("尚未作答")
    assert "应为可以按" in check("sigmoid_stable", 3.0).message
    assert "你的代码抛出了 ZeroDivisionError" in check("he_variance", lambda n: 1 // 0).message

    def forever(x):
        while True:
            pass

    assert check("relu_grad", forever, timeout=0.2).message.startswith("超出时间限制")
    assert "未知的练习编号" in check("sigmoid_stabel", 1).message
    assert "部分得分" in check("linear_collapse", lambda W1, b1, W2, b2: (W2 @ W1, b2)).message


@pytest.mark.usefixtures("zh")
@pytest.mark.parametrize(
    ("exercise_id", "answer", "words"), BANK, ids=lambda v: v if isinstance(v, str) else "x"
)
def test_chinese_feedback_does_not_give_the_answer_away(exercise_id, answer, words):
    """Does every wrong answer of the feedback bank fail in Chinese without the reference?"""
    result = check(exercise_id, answer)
    assert result.status == "failed", result.message
    assert CJK.search(result.message), result.message
    own = fmt(answer) if isinstance(answer, (int, float)) else ""
    rest = result.message.replace(own, "") if own else result.message
    forbidden = FORBIDDEN[exercise_id] + ZH_FORBIDDEN.get(exercise_id, [])
    leaked = [f for f in forbidden if f.lower() in rest.lower()]
    assert not leaked, (leaked, result.message)


ZH_FORBIDDEN: dict[str, list[str]] = {
    "step_gradient": ["斜率为 0", "斜率是 0", "导数为 0", "导数是 0"],
    "xor_separable": ["没有任何一条直线能把这两类分开", "答案是"],
    "vanishing_depth": ["除以 4"],
    "relu_grad": ["导数为 0"],
    "cross_entropy_grad": ["预测减去目标"],
    "output_activation_multiclass": ["答案是"],
}
"""Chinese spellings of answers that a Chinese message must not print either."""


@pytest.mark.usefixtures("zh")
def test_hints_come_in_chinese_one_at_a_time():
    """Are the hints of exercise 02 Chinese, in order, with a Chinese header and footer?"""
    reset_hints()
    first = hint("sigmoid_stable")
    assert first.level == 1 and "np.exp(1000)" in first and CJK.search(first)
    assert "的提示 1/3" in repr(first) and "下一条提示" in repr(first)
    assert hint("sigmoid_grad_symbolic").startswith("先创建符号")
    assert "最后一条提示" in repr(hint("sigmoid_grad_symbolic", level=3))
    zh_entries = i18n.catalogue("zh")
    for exercise in EXERCISES.values():
        for number, english in enumerate(exercise.hints, 1):
            assert str(hint(exercise.id, level=number)) == zh_entries[english], (exercise.id, number)
    reset_hints()


@pytest.mark.usefixtures("zh")
def test_chinese_hints_do_not_print_the_answer_either():
    """Does no Chinese hint spell out an exercise's final answer in code?"""
    answers = {
        "sigmoid_stable": ["np.where(x >= 0, 1 / (1 + z), z / (1 + z))", "(1 + tanh(x/2)) / 2"],
        "tanh_grad_from_output": ["1 − tanh(x)²", "1 − t²"],
        "elu_grad": ["alpha * np.exp(np.minimum(x, 0))", "alpha·exp(x)"],
        "softmax_stable": ["e = np.exp(x - m)"],
        "log_softmax_stable": ["x - m - np.log"],
        "cross_entropy_grad": ["return s - y", "s − y"],
        "fix_elu_snippet": ["np.where(x >= 0, x, alpha * np.expm1"],
    }
    for exercise_id, texts in answers.items():
        hints = " ".join(i18n._(text) for text in EXERCISES[exercise_id].hints)
        assert CJK.search(hints)
        assert not [t for t in texts if t in hints], exercise_id


@pytest.mark.usefixtures("zh")
def test_progress_and_options_are_chinese(tmp_path):
    """Are the progress table's headings and a multiple-choice exercise's options Chinese?"""
    from course_utils.grading import progress

    shown = progress(tmp_path)
    assert "你的学习进度" in str(shown) and "第 01 课" in str(shown)
    assert "<th>状态</th>" in shown._repr_html_()
    assert "感知机" in EXERCISES["xor_separable"].format_options()


def test_english_output_is_unchanged_after_chinese():
    """Does switching to Chinese and back leave the English messages exactly as before?"""
    before = [str(check("sigmoid_stable", naive_sigmoid)), str(check("he_variance", None))]
    with i18n.using_language("zh"):
        check("sigmoid_stable", naive_sigmoid)
    assert [str(check("sigmoid_stable", naive_sigmoid)), str(check("he_variance", None))] == before
    assert before[0].startswith("[FAILED] sigmoid_stable (0/1 point): Not stable: exp overflowed")


# ----------------------------------------------------------------------------- the class grader
@pytest.mark.parametrize(
    ("exercise", "name", "answer"),
    [
        ("sigmoid_stable", "sigmoid_stable", naive_sigmoid),
        ("sigmoid_stable", "sigmoid_stable", stable_sigmoid),
        ("sigmoid_grad_symbolic", "sigmoid_grad", SIGMA),
        ("he_variance", "he_variance", lambda n_in: 1.0 / n_in),
    ],
)
def test_the_judge_answers_in_the_submissions_language(tmp_path, exercise, name, answer):
    """Does judge(language='zh') give check()'s Chinese verdict, and English by default?"""
    zh_record = judge(exercise, local_request({name: answer}, tmp_path / "zh"), "", seed=None, language="zh")
    with i18n.using_language("zh"):
        local = check(exercise, answer)
    assert (zh_record["status"], zh_record["message"]) == (local.status, local.message)
    assert CJK.search(zh_record["message"])
    en_record = judge(exercise, local_request({name: answer}, tmp_path / "en"), "", seed=None)
    assert en_record["message"] == check(exercise, answer).message
    assert i18n.language() == "en"  # the judgement's language does not leak out


def test_a_missing_answer_is_reported_in_chinese(tmp_path):
    """Is a deleted answer cell of a Chinese submission reported in Chinese?"""
    record = judge("sigmoid_stable", local_request({}, tmp_path), "", seed=None, language="zh")
    assert record["status"] == "not_attempted" and "没有找到 `sigmoid_stable`" in record["message"]


def _rows(submission: str, message: str) -> list[GradeRow]:
    return [
        GradeRow(submission, "sigmoid_stable", "failed", 0.0, 1.0, message, lesson="02"),
        GradeRow(submission, "vanishing_depth", "passed", 1.0, 1.0, "正确！", lesson="02"),
    ]


def test_feedback_files_follow_each_submissions_language(tmp_path):
    """Do a Chinese and an English submission of one class get feedback files in their own language?"""
    rows = _rows("zh/ada.ipynb", "数值不稳定：exp 溢出了。") + _rows("en/bob.ipynb", "Not stable.")
    notes = {"zh/ada.ipynb": ["cell 3 raised"]}
    written = write_feedback(tmp_path, rows, notes, languages={"zh/ada.ipynb": "zh"})
    chinese = written["zh/ada.ipynb"].read_text(encoding="utf-8")
    english = written["en/bob.ipynb"].read_text(encoding="utf-8")
    assert chinese.startswith("# `zh/ada.ipynb` 的反馈") and "第 02 课。" in chinese
    assert "**得分：1 / 2**" in chinese and "尚未通过" in chinese and "## 笔记本运行时的情况" in chinese
    assert english == feedback_markdown("en/bob.ipynb", _rows("en/bob.ipynb", "Not stable."))
    assert english.startswith("# Feedback on `en/bob.ipynb`") and "NOT YET" in english
    pages = write_feedback_html(tmp_path, rows, notes, languages={"zh/ada.ipynb": "zh"})
    page = pages["zh/ada.ipynb"].read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and "得分：1 / 2" in page and "尚未通过" in page
    assert "Feedback on" in feedback_html("en/bob.ipynb", _rows("en/bob.ipynb", "x"))


def test_a_check_run_in_the_time_limit_thread_keeps_the_judgements_language(monkeypatch):
    """Where the time limit runs the checker in a thread (no SIGALRM), is the language kept?"""
    from course_utils.grading import timelimit

    monkeypatch.setattr(timelimit, "MODE", "thread")
    with i18n.using_language("zh"):
        result = check("sigmoid_stable", naive_sigmoid, timeout=5)
    assert "数值不稳定" in result.message, result.message
