"""Tests of course_utils.nets (with its net_parts and deep_networks): gradients, initialisation,
dropout, training, hooks, deep random networks, errors."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import nets
from course_utils.activations import ACTIVATIONS
from course_utils.datasets import make_moons, make_xor
from course_utils.nets import MLP

SMOOTH = sorted(name for name, record in ACTIVATIONS.items() if record.properties["smooth"])
PARAM_VARIANTS = {
    "elu": {"alpha": 1.0},
    "celu": {"alpha": 0.7},
    "swish": {"beta": 1.7},
    "softplus": {"beta": 2.0},
}


def _flat(grads: nets.Gradients) -> np.ndarray:
    return np.concatenate([g.ravel() for g in [*grads.weights, *grads.biases]])


def numeric_grads(net: MLP, loss_fn, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of loss_fn() over every weight and bias of net."""
    out = []
    for param in [*net.weights, *net.biases]:
        grad = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            old = param[idx]
            param[idx] = old + eps
            up = loss_fn()
            param[idx] = old - eps
            down = loss_fn()
            param[idx] = old
            grad[idx] = (up - down) / (2 * eps)
        out.append(grad.ravel())
    return np.concatenate(out)


def rel_err(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def _data(n=6, d=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, k, n)


@pytest.mark.parametrize("name", SMOOTH)
def test_backprop_matches_finite_differences_for_every_smooth_activation(name):
    """Does the explicit backward pass agree with central differences (rel err < 1e-5)?"""
    X, y = _data()
    net = MLP([3, 4, 3, 3], name, output="softmax", init="xavier", seed=1,
              activation_params=PARAM_VARIANTS.get(name))
    _, grads = net.loss_and_grads(X, y)
    numeric = numeric_grads(net, lambda: net.loss(X, y))
    assert rel_err(_flat(grads), numeric) < 1e-5


@pytest.mark.parametrize("form", ["none", "tanh", "sigmoid"])
def test_backprop_for_every_gelu_form(form):
    """Is every GELU form differentiated correctly through the net?"""
    X, y = _data()
    net = MLP([3, 5, 3], "gelu", output="softmax", seed=2, activation_params={"approximate": form})
    _, grads = net.loss_and_grads(X, y)
    assert rel_err(_flat(grads), numeric_grads(net, lambda: net.loss(X, y))) < 1e-5


@pytest.mark.parametrize(
    ("output", "loss", "k"),
    [
        ("identity", "mse", 2),
        ("sigmoid", "bce", 1),
        ("sigmoid", "bce", 3),
        ("sigmoid", "mse", 2),
        ("softmax", "mse", 3),
        ("softmax", "cross_entropy", 3),
    ],
)
def test_backprop_for_every_output_and_loss(output, loss, k):
    """Are all output/loss pairs (fused and chained) differentiated correctly?"""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((5, 3))
    if loss == "cross_entropy" or (output == "softmax"):
        y = rng.integers(0, k, 5)
    elif loss == "bce":
        y = rng.integers(0, 2, (5, k)).astype(float) if k > 1 else rng.integers(0, 2, 5)
    else:
        y = rng.standard_normal((5, k))
    net = MLP([3, 4, k], "tanh", output=output, seed=4)
    _, grads = net.loss_and_grads(X, y, loss=loss)
    assert rel_err(_flat(grads), numeric_grads(net, lambda: net.loss(X, y, loss=loss))) < 1e-5


def test_backward_of_an_arbitrary_output_gradient():
    """Does backward(dout) give the gradient of sum(dout * output)?"""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((4, 3))
    dout = rng.standard_normal((4, 3))
    net = MLP([3, 5, 3], "silu", output="softmax", seed=6)
    net.forward(X)
    grads = net.backward(dout)
    numeric = numeric_grads(net, lambda: float(np.sum(dout * net.forward(X))))
    assert rel_err(_flat(grads), numeric) < 1e-5


@pytest.mark.parametrize(("kind", "rate"), [("dropout", 0.3), ("alpha_dropout", 0.2)])
def test_backprop_through_dropout_with_a_fixed_mask(kind, rate):
    """With the dropout mask held fixed, is the gradient still exact?"""
    X, y = _data()
    net = MLP([3, 6, 3], "selu" if kind == "alpha_dropout" else "tanh", output="softmax",
              init="lecun", seed=7, **{kind: rate})

    def loss_fixed_mask():
        net.rng = np.random.default_rng(99)
        return net.loss_and_grads(X, y, train=True)

    _, grads = loss_fixed_mask()
    numeric = numeric_grads(net, lambda: loss_fixed_mask()[0])
    assert rel_err(_flat(grads), numeric) < 1e-5


def test_losses_are_stable_for_extreme_logits():
    """Do cross-entropy and BCE stay finite (computed from logits) when the net is very wrong?"""
    net = MLP([1, 2], "identity", output="softmax", seed=0)
    net.weights[0][:] = [[1000.0, -1000.0]]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = net.loss(np.array([[1.0]]), np.array([1]))
    assert value == pytest.approx(2000.0)
    net = MLP([1, 1], "identity", output="sigmoid", seed=0)
    net.weights[0][:] = 1000.0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert net.loss(np.array([[1.0]]), np.array([0])) == pytest.approx(1000.0)


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [("he", 2 / 400), ("xavier", 2 / 700), ("glorot", 2 / 700), ("lecun", 1 / 400), ("normal", 1.0)],
)
def test_init_variances(scheme, expected):
    """He 2/n_in, Xavier 2/(n_in+n_out), LeCun 1/n_in — within 2 %?"""
    W = nets.init_weights(400, 300, scheme, rng=0)
    assert W.shape == (400, 300)
    assert abs(W.mean()) < 0.01 * np.sqrt(expected) * 10
    assert W.var() == pytest.approx(expected, rel=0.02)


def test_init_scale_and_bias_init():
    """Does init_scale multiply the standard deviation and bias_init fill the biases?"""
    net = MLP([300, 300, 2], init="lecun", init_scale=0.5, bias_init=0.1, seed=0)
    assert net.weights[0].var() == pytest.approx(0.25 / 300, rel=0.03)
    assert all(np.all(b == 0.1) for b in net.biases)


def test_dropout_keeps_the_mean():
    """Does inverted dropout keep each unit's expected value?"""
    x = np.full((400, 500), 3.0)
    out = nets.dropout(x, 0.4, rng=0)
    assert np.mean(out == 0) == pytest.approx(0.4, abs=0.01)
    assert out.mean() == pytest.approx(3.0, rel=0.01)
    assert set(np.unique(out)) == {0.0, 5.0}


@pytest.mark.parametrize("rate", [0.05, 0.1, 0.3])
def test_alpha_dropout_keeps_mean_zero_and_variance_one(rate):
    """Klambauer et al.'s affine correction: mean 0 and variance 1 for N(0, 1) input?"""
    x = np.random.default_rng(0).standard_normal(1_000_000)
    out = nets.alpha_dropout(x, rate, rng=1)
    assert abs(out.mean()) < 0.01
    assert out.var() == pytest.approx(1.0, abs=0.01)
    alpha_p, a, b = nets.alpha_dropout_constants(rate)
    assert alpha_p == pytest.approx(-1.7580993408473766)


def test_dropout_only_in_training_mode():
    """Is the forward pass deterministic at evaluation time even with dropout?"""
    net = MLP([4, 16, 2], "relu", dropout=0.5, seed=0)
    X = np.ones((3, 4))
    assert np.array_equal(net.forward(X), net.forward(X))
    assert not np.array_equal(net.forward(X, train=True), net.forward(X, train=True))


def test_xor_is_solved_by_a_two_layer_tanh_net():
    """Can a 2-8-1 tanh net learn XOR (which no linear model can)?"""
    X, y = make_xor(n=200, noise=0.1, seed=0)
    net = MLP([2, 8, 1], "tanh", output="sigmoid", init="xavier", seed=0)
    history = net.fit(X, y, epochs=300, lr=1.0)
    assert history.accuracy[-1] > 0.97
    assert np.mean(net.predict(X) == y) > 0.97
    assert history.loss[-1] < history.loss[0]


def test_fit_with_minibatches_momentum_and_history():
    """Do mini-batches and momentum train, and does History record one entry per epoch?"""
    X, y = make_moons(n=300, noise=0.1, seed=0)
    net = MLP([2, 32, 2], "relu", output="softmax", seed=0)
    history = net.fit(X, y, epochs=40, lr=0.1, batch_size=32, momentum=0.9)
    assert len(history) == 40 and len(history["accuracy"]) == 40
    assert history.accuracy[-1] > 0.95
    assert isinstance(history, dict) and history["loss"] is history.loss


def test_fit_callback_progress_and_early_stop(capsys):
    """Is the callback called each epoch, can it stop training, and is progress printed?"""
    X, y = make_xor(n=40, seed=0)
    seen = []

    def callback(epoch, net):
        seen.append(epoch)
        return epoch == 5

    net = MLP([2, 4, 2], "tanh", output="softmax")
    history = net.fit(X, y, epochs=50, lr=0.1, progress=True, callback=callback)
    assert seen == [1, 2, 3, 4, 5] and len(history) == 5
    out = capsys.readouterr().out
    assert "epoch" in out and "loss" in out and out.endswith("\n")


def test_regression_history_has_nan_accuracy():
    """Does an identity-output regression report NaN accuracy but a falling loss?"""
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (200, 1))
    y = np.sin(X)
    history = MLP([1, 16, 1], "tanh", init="xavier").fit(X, y, epochs=100, lr=0.1)
    assert np.isnan(history.accuracy[-1])
    assert history.loss[-1] < 0.5 * history.loss[0]


def test_record_hooks():
    """Does record=True store per-layer pre-activations, activations and gradient norms?"""
    X, y = _data(n=10)
    net = MLP([3, 5, 4, 3], "relu", output="softmax")
    net.loss_and_grads(X, y, record=True)
    rec = net.record
    assert [z.shape for z in rec.pre_activations] == [(10, 5), (10, 4), (10, 3)]
    assert [a.shape for a in rec.activations] == [(10, 5), (10, 4), (10, 3)]
    assert np.allclose(rec.activations[0], np.maximum(rec.pre_activations[0], 0))
    assert len(rec.grad_norms) == 3 and len(rec.activation_grad_norms) == 3
    assert all(g >= 0 for g in rec.grad_norms)
    _, grads = net.loss_and_grads(X, y)
    assert rec.grad_norms == pytest.approx([np.linalg.norm(g) for g in grads.weights])
    net.forward(X)  # without record the record is left alone
    assert len(rec.pre_activations) == 3


def test_dead_fraction():
    """Is a unit dead only when it outputs 0 on every sample, and is bad input refused?"""
    A = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0]])
    assert nets.dead_fraction(A) == 0.5
    assert nets.dead_fraction(np.ones((3, 2))) == 0.0
    with pytest.raises(ValueError, match="activations"):
        nets.dead_fraction(np.zeros(3))
    with pytest.raises(ValueError, match="activations"):
        nets.dead_fraction(np.zeros((2, 2, 2)))


def test_nets_reexports_every_public_name_of_its_parts():
    """Does ``nets.X`` reach every public name of net_parts and deep_networks (the same object)?"""
    from course_utils import deep_networks, net_parts

    for module in (net_parts, deep_networks):
        for name in module.__all__:
            assert name in nets.__all__, name
            assert getattr(nets, name) is getattr(module, name), name


def test_deep_forward_stats_show_self_normalisation():
    """SELU+LeCun keeps mean≈0/var≈1 over 64 layers; tanh+Xavier shrinks; sigmoid mean≈0.5?"""
    selu = nets.deep_forward_stats("selu", depth=64, width=100, init="lecun", n=500)
    assert selu["mean"].shape == (64,) and selu["var"].shape == (64,)
    assert abs(selu["mean"][-1]) < 0.15 and abs(selu["var"][-1] - 1) < 0.2
    tanh = nets.deep_forward_stats("tanh", depth=64, width=100, init="xavier", n=500)
    assert tanh["var"][-1] < 0.5 * tanh["var"][0]
    sig = nets.deep_forward_stats("sigmoid", depth=16, width=100, init="xavier", n=500)
    assert sig["mean"][-1] == pytest.approx(0.5, abs=0.05)


def test_layer_gradient_norms_vanish_for_sigmoid():
    """Are the first layers' gradients tiny in a deep sigmoid net but not with ReLU + He?"""
    sig = nets.layer_gradient_norms("sigmoid", depth=12, width=64, init="xavier")
    assert sig["weight"].shape == (13,) and sig["activation"].shape == (12,)
    assert sig["ratio"][0] < 1e-3
    relu = nets.layer_gradient_norms("relu", depth=12, width=64, init="he")
    assert relu["ratio"][0] > 1e-2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sizes": [3]}, "sizes"),
        ({"sizes": [3, 0, 2]}, "sizes"),
        ({"activation": "relux"}, "activation"),
        ({"activation": "softmax"}, "activation"),
        ({"activation": "leaky_relu", "activation_params": {"slope": 0.1}}, "activation_params"),
        ({"output": "tanh"}, "output"),
        ({"init": "kaiming"}, "init"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": 0.1, "alpha_dropout": 0.1}, "dropout"),
        ({"init_scale": -1.0}, "init_scale"),
    ],
)
def test_bad_constructor_arguments_raise(kwargs, match):
    """Is each bad constructor argument refused with a ValueError naming it?"""
    args = {"sizes": [3, 4, 2], **kwargs}
    sizes = args.pop("sizes")
    with pytest.raises(ValueError, match=match):
        MLP(sizes, **args)


def test_bad_data_raises():
    """Are wrong shapes, labels and loss/output mismatches refused with clear errors?"""
    net = MLP([3, 4, 2], "relu", output="softmax")
    X, y = _data(k=2)
    with pytest.raises(ValueError, match="X"):
        net.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="X"):
        net.forward(np.ones(3))
    with pytest.raises(ValueError, match="y"):
        net.fit(X, np.full(len(X), 5), epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="y"):
        net.fit(X, y[:-1], epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="loss"):
        net.fit(X, y, epochs=1, lr=0.1, loss="bce")
    with pytest.raises(ValueError, match="epochs"):
        net.fit(X, y, epochs=0, lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        net.fit(X, y, epochs=1, lr=float("nan"))
    with pytest.raises(ValueError, match="batch_size"):
        net.fit(X, y, epochs=1, lr=0.1, batch_size=0)
    with pytest.raises(RuntimeError, match="forward"):
        MLP([2, 2]).backward(np.ones((1, 2)))


def test_divergence_is_reported():
    """Does a learning rate that blows the loss up raise a FloatingPointError naming lr?"""
    X, y = make_xor(n=50)
    net = MLP([2, 16, 1], "relu", init="normal", init_scale=10.0)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="lr"):
        net.fit(X, y.astype(float) * 1e3, epochs=50, lr=10.0)
