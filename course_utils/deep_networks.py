"""Deep random networks: how the signal's statistics and the gradients change with depth.

* :func:`deep_forward_stats` -- mean and variance of every layer's (pre-)activations, e.g.
  SELU with LeCun initialisation keeping mean 0 and variance 1 (lesson 3 measures ReLU with
  He against LeCun initialisation with it; lesson 4's slider, SELU);
* :func:`layer_gradient_norms` -- the gradient norm of every layer after one backward pass,
  vanishing for sigmoid (lesson 2's gradients through depth, lesson 7's initial scales).

Several lessons use them, so they live here rather than in one lesson's experiments; students
call them as ``course_utils.nets.deep_forward_stats`` and ``nets.layer_gradient_norms``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from course_utils.net_parts import INITS, _as_float_2d, _check_int, _resolve_activation, init_weights

__all__ = ["deep_forward_stats", "layer_gradient_norms"]


def _deep_input(x: Any, n: int, width: int, rng: np.random.Generator) -> np.ndarray:
    if x is None:
        return rng.standard_normal((n, width))
    arr = _as_float_2d("x", x)
    if arr.shape[1] != width:
        raise ValueError(f"x: expected {width} columns (the width), got {arr.shape[1]}")
    return arr


def deep_forward_stats(
    activation: Any,
    depth: int,
    width: int,
    init: str,
    n: int = 1000,
    seed: int | None = 0,
    activation_params: Mapping[str, Any] | None = None,
    x: Any = None,
    init_scale: float = 1.0,
) -> dict[str, np.ndarray]:
    """Mean and variance of the activations, layer by layer, in a deep random network.

    ``depth`` layers of ``width`` units, zero biases, weights drawn with ``init``; the input is
    standard normal (or ``x``). Used to show which activation/initialisation pairs keep the
    signal's statistics (SELU + LeCun: mean ≈ 0, var ≈ 1) and which do not.

    Parameters
    ----------
    activation : str or activation record
    depth : int
        Number of layers.
    width : int
        Units per layer (and input features).
    init : {"he", "xavier", "glorot", "lecun", "normal"}
    n : int
        Number of input samples.
    seed : int or None
    activation_params : dict, optional
    x : array_like, shape (n_samples, width), optional
        Input to use instead of standard normal samples.
    init_scale : float

    Returns
    -------
    dict
        ``"mean"``, ``"var"`` (of the activations) and ``"pre_mean"``, ``"pre_var"`` (of the
        pre-activations), each an ndarray of shape (depth,), layer 1 first; ``"input_mean"``
        and ``"input_var"`` (floats).

    Examples
    --------
    >>> stats = deep_forward_stats("selu", depth=32, width=100, init="lecun", n=500)
    >>> bool(abs(stats["mean"][-1]) < 0.2 and abs(stats["var"][-1] - 1) < 0.2)
    True
    """
    record, params = _resolve_activation(activation, activation_params)
    depth = _check_int("depth", depth)
    width = _check_int("width", width)
    n = _check_int("n", n)
    if init not in INITS:
        raise ValueError(f"init: expected one of {INITS}, got {init!r}")
    rng = np.random.default_rng(seed)
    A = _deep_input(x, n, width, rng)
    out = {key: np.empty(depth) for key in ("mean", "var", "pre_mean", "pre_var")}
    input_mean, input_var = float(A.mean()), float(A.var())
    for layer in range(depth):
        Z = A @ init_weights(width, width, init, rng, init_scale)
        A = np.asarray(record(Z, **params), dtype=np.float64)
        out["pre_mean"][layer], out["pre_var"][layer] = Z.mean(), Z.var()
        out["mean"][layer], out["var"][layer] = A.mean(), A.var()
    result: dict[str, Any] = dict(out)
    result["input_mean"], result["input_var"] = input_mean, input_var
    return result


def layer_gradient_norms(
    activation: Any,
    depth: int,
    width: int,
    init: str,
    n: int = 256,
    seed: int | None = 0,
    activation_params: Mapping[str, Any] | None = None,
    x: Any = None,
    init_scale: float = 1.0,
) -> dict[str, np.ndarray]:
    """Per-layer gradient norms of one backward pass through a deep random network.

    The network has ``depth`` hidden layers of ``width`` units and one linear output unit;
    the loss is the MSE against standard-normal targets. Shows vanishing (sigmoid) or
    preserved (ReLU + He) gradients layer by layer.

    Parameters
    ----------
    activation : str or activation record
    depth : int
        Number of hidden layers.
    width : int
    init : {"he", "xavier", "glorot", "lecun", "normal"}
    n : int
        Batch size.
    seed : int or None
    activation_params : dict, optional
    x : array_like, shape (n_samples, width), optional
    init_scale : float

    Returns
    -------
    dict
        ``"weight"``: ndarray, shape (depth + 1,) — ``||dL/dW||`` per layer, input side first;
        ``"activation"``: ndarray, shape (depth,) — ``||dL/dA||`` of each hidden layer's output;
        ``"ratio"``: ndarray, shape (depth,) — ``weight[i] / weight[-1]``, the gradient of layer
        i relative to the last layer's.

    Examples
    --------
    >>> g = layer_gradient_norms("sigmoid", depth=10, width=32, init="xavier")
    >>> bool(g["weight"][0] < 1e-3 * g["weight"][-1])
    True
    """
    from course_utils.nets import MLP  # nets re-exports this module: import it when called

    depth = _check_int("depth", depth)
    width = _check_int("width", width)
    n = _check_int("n", n)
    net = MLP(
        [width] * (depth + 1) + [1],
        activation,
        output="identity",
        init=init,
        init_scale=init_scale,
        seed=seed,
        activation_params=activation_params,
    )
    rng = np.random.default_rng(None if seed is None else seed + 1)
    X = _deep_input(x, n, width, rng)
    y = rng.standard_normal(X.shape[0])
    net.loss_and_grads(X, y, loss="mse", record=True)
    weight = np.array(net.record.grad_norms)
    return {
        "weight": weight,
        "activation": np.array(net.record.activation_grad_norms[:-1]),
        "ratio": weight[:-1] / weight[-1] if weight[-1] > 0 else np.full(depth, np.nan),
    }
