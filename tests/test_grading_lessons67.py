"""Do the extra exercises of lessons 06 and 07 pass right answers and explain wrong ones?"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.grading import EXERCISES, check, exercises_for_lesson


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def test_do_lessons_06_and_07_have_at_least_four_exercises_each():
    ids06 = [e.id for e in exercises_for_lesson("06")]
    ids07 = [e.id for e in exercises_for_lesson("07")]
    assert {"softmax_stable", "softmax_temperature", "softmax_jacobian"} <= set(ids06)
    assert {"log_softmax_stable", "cross_entropy_grad", "entropy_at_temperature"} <= set(ids06)
    assert len(ids07) >= 4


# ----------------------------------------------------------------------------- log_softmax_stable
def log_softmax_right(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def test_does_a_stable_log_softmax_pass():
    assert check("log_softmax_stable", log_softmax_right).passed


def test_is_log_of_softmax_recognised():
    result = check("log_softmax_stable", lambda x, axis=-1: np.log(_softmax(x, axis)))
    assert result.status == "failed" and "log(softmax(x))" in result.message


def test_is_an_unshifted_logsumexp_not_stable():
    result = check(
        "log_softmax_stable", lambda x, axis=-1: x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))
    )
    assert result.status == "failed" and "stable" in result.message.lower()


def test_are_probabilities_instead_of_logs_recognised():
    result = check("log_softmax_stable", lambda x, axis=-1: _softmax(x, axis))
    assert result.status == "failed" and "probabilities" in result.message


def test_is_an_ignored_axis_a_failure():
    result = check("log_softmax_stable", lambda x, axis=-1: log_softmax_right(x, -1))
    assert result.status == "failed" and "axis=0" in result.message


def test_is_a_blank_log_softmax_not_attempted():
    def blank(x, axis=-1):
        raise NotImplementedError("your code here")

    assert check("log_softmax_stable", blank).status == "not_attempted"


# ----------------------------------------------------------------------------- cross_entropy_grad
def test_does_softmax_minus_target_pass():
    assert check("cross_entropy_grad", lambda x, y: _softmax(x) - y).passed


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (lambda x, y: y - _softmax(x), "Sign error"),
        (lambda x, y: _softmax(x), "does not depend on the target"),
        (lambda x, y: x - y, "logits"),
    ],
)
def test_are_classic_gradient_mistakes_explained(wrong, words):
    result = check("cross_entropy_grad", wrong)
    assert result.status == "failed" and words in result.message


def test_does_a_naive_softmax_fail_on_large_logits():
    def naive(x, y):
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True) - y

    result = check("cross_entropy_grad", naive)
    assert result.status == "failed" and "1000" in result.message


# ----------------------------------------------------------------------------- entropy_at_temperature
def test_is_the_entropy_reference_the_lessons_helper():
    from course_utils.experiments.lesson06 import VOCAB_LOGITS, softmax_entropy

    assert check("entropy_at_temperature", softmax_entropy(VOCAB_LOGITS, 2.0)).passed


def test_does_the_entropy_at_T2_pass_and_bits_fail():
    assert check("entropy_at_temperature", 1.4071694860671742).passed
    bits = check("entropy_at_temperature", 1.4071694860671742 / np.log(2))
    assert bits.status == "failed" and "bits" in bits.message
    at_one = check("entropy_at_temperature", 1.073693503347271)
    assert at_one.status == "failed" and "T = 1" in at_one.message
    assert check("entropy_at_temperature", "1.4").status == "error"
    assert check("entropy_at_temperature", None).status == "not_attempted"


# ----------------------------------------------------------------------------- lesson 07 choices
@pytest.mark.parametrize(
    ("exercise_id", "right", "wrong"),
    [("output_activation_multiclass", "b", "a"), ("selu_init", "c", "a"), ("not_zero_centred", "b", "a")],
)
def test_do_choice_exercises_pass_the_right_letter_only(exercise_id, right, wrong):
    assert check(exercise_id, right).passed
    assert check(exercise_id, f"({right.upper()})").passed
    result = check(exercise_id, wrong)
    assert result.status == "failed" and result.message.startswith(f"Not {wrong}")
    assert check(exercise_id, None).status == "not_attempted"
    assert check(exercise_id, 2).status == "error"


def test_does_the_zero_centred_answer_agree_with_the_registry():
    from course_utils.activations import get

    options = EXERCISES["not_zero_centred"].options
    not_centred = [letter for letter, name in options.items() if not get(name).properties["zero_centred"]]
    assert not_centred == ["b"]


# ----------------------------------------------------------------------------- properties_monotonic
MONOTONIC = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu"]


def test_do_the_monotonic_names_pass_in_any_order_and_spelling():
    assert check("properties_monotonic", MONOTONIC).passed
    assert check("properties_monotonic", tuple(reversed(MONOTONIC))).passed
    assert check("properties_monotonic", {"Sigmoid", "tanh", "ReLU", "LeakyReLU", "elu", "selu"}).passed


def test_is_a_non_monotonic_activation_named():
    result = check("properties_monotonic", [*MONOTONIC, "gelu", "swish"])
    assert result.status == "failed" and "Not monotonic: gelu" in result.message and "dip" in result.message
    assert "1 more of your names" in result.message


def test_are_missing_names_reported():
    result = check("properties_monotonic", ["sigmoid", "tanh"])
    assert result.status == "failed" and "misses 4 monotonic activations" in result.message
    assert "leaky_relu" not in result.message  # counted, not listed: that would be the answer


def test_are_bad_entries_errors_or_failures():
    assert check("properties_monotonic", "relu").status == "error"
    assert check("properties_monotonic", [1, 2]).status == "error"
    unknown = check("properties_monotonic", ["sigmoid", "rleu"])
    assert unknown.status == "failed" and "rleu" in unknown.message
    outside = check("properties_monotonic", [*MONOTONIC, "softplus"])
    assert outside.status == "failed" and "softplus" in outside.message


# ----------------------------------------------------------------------------- leaky_relu_default
def test_is_pytorchs_slope_the_answer_and_other_frameworks_named():
    from course_utils.activations import leaky_relu

    assert check("leaky_relu_default", leaky_relu.params["negative_slope"]).passed
    keras = check("leaky_relu_default", 0.3)
    assert keras.status == "failed" and "Keras" in keras.message
    tf = check("leaky_relu_default", 0.2)
    assert tf.status == "failed" and "tf.nn" in tf.message


# ----------------------------------------------------------------------------- fix_elu_snippet
def test_does_the_fixed_elu_pass():
    def elu_fixed(x, alpha=1.0):
        return np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0.0)))

    assert check("fix_elu_snippet", elu_fixed).passed


def test_is_the_verbatim_snippet_an_error_that_names_the_missing_star():
    α = 1.0

    def elu_snippet(x):
        return np.where(x >= 0, x, α(np.exp(x) - 1))

    result = check("fix_elu_snippet", elu_snippet)
    assert result.status == "error" and "forgot a `*`" in result.message


def test_does_the_snippet_with_the_star_fail_on_overflow():
    def elu_star(x, alpha=1.0):
        return np.where(x >= 0, x, alpha * (np.exp(x) - 1))

    result = check("fix_elu_snippet", elu_star)
    assert result.status == "failed" and "overflow" in result.message and "np.where" in result.message


def test_is_a_constant_negative_branch_explained():
    result = check("fix_elu_snippet", lambda x, alpha=1.0: np.where(x >= 0, x, 1.0))
    assert result.status == "failed" and "not a constant" in result.message
