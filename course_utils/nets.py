"""A small NumPy multilayer perceptron with explicit forward and backward passes.

The hidden layers use any activation of ``course_utils.activations.ACTIVATIONS`` (by name or
record, with ``activation_params``); the output layer is ``"identity"``, ``"softmax"`` or
``"sigmoid"``. Shapes follow the row convention of NumPy code: a batch ``X`` has shape
``(n_samples, n_features)``, a weight matrix ``W`` has shape ``(n_in, n_out)`` and a layer
computes ``Z = X @ W + b``.

The parts the network is built from (initialisation, dropout, the stable logs of the losses,
the records of a run) live in :mod:`course_utils.net_parts`, and the statistics of deep random
networks in :mod:`course_utils.deep_networks`; every public name of both is re-exported here,
so ``nets.init_std``, ``nets.dead_fraction`` or ``nets.deep_forward_stats`` work as before.

Examples
--------
>>> from course_utils.datasets import make_xor
>>> X, y = make_xor(n=200, seed=0)
>>> net = MLP([2, 8, 2], activation="tanh", output="softmax", init="xavier", seed=0)
>>> history = net.fit(X, y, epochs=200, lr=0.5)
>>> history.accuracy[-1] > 0.95
True
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy import special

from course_utils.deep_networks import deep_forward_stats, layer_gradient_norms
from course_utils.net_parts import (
    INITS,
    Gradients,
    History,
    Record,
    _as_float_2d,
    _check_int,
    _check_rate,
    _check_real,
    _resolve_activation,
    _softmax,
    alpha_dropout,
    alpha_dropout_constants,
    dead_fraction,
    dropout,
    init_std,
    init_weights,
    log_sigmoid,
    log_softmax,
    single_threaded_blas,
)

__all__ = [
    "INITS",
    "LOSSES",
    "MLP",
    "OUTPUTS",
    "Gradients",
    "History",
    "Record",
    "alpha_dropout",
    "alpha_dropout_constants",
    "dead_fraction",
    "dropout",
    "deep_forward_stats",
    "init_std",
    "init_weights",
    "layer_gradient_norms",
    "log_sigmoid",
    "log_softmax",
    "single_threaded_blas",
]

OUTPUTS: tuple[str, ...] = ("identity", "softmax", "sigmoid")
LOSSES: tuple[str, ...] = ("mse", "cross_entropy", "bce")
_DEFAULT_LOSS = {"identity": "mse", "softmax": "cross_entropy", "sigmoid": "bce"}

# ----------------------------------------------------------------------------- the network


class MLP:
    """A fully connected network with explicit backpropagation.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``[n_features, hidden_1, ..., n_outputs]`` (at least two entries).
    activation : str or activation record
        Hidden-layer activation from the registry, e.g. ``"relu"`` or
        ``course_utils.activations.gelu``.
    output : {"identity", "softmax", "sigmoid"}
        Output function of the last layer.
    init : {"he", "xavier", "glorot", "lecun", "normal"}
        Weight initialisation (see :func:`init_std`).
    init_scale : float
        Multiplies every initial weight's standard deviation.
    bias_init : float
        Constant initial value of every bias (a positive value keeps ReLUs alive longer).
    dropout : float
        Inverted-dropout rate on hidden activations during training (0 = off).
    alpha_dropout : float
        Alpha-dropout rate for SELU networks (0 = off); not combined with ``dropout``.
    seed : int or None
        Seed of the initialisation and of the dropout masks.
    activation_params : dict, optional
        Parameters of the activation, e.g. ``{"negative_slope": 0.1}``.

    Attributes
    ----------
    weights : list of ndarray, shape (n_in, n_out) each
    biases : list of ndarray, shape (n_out,) each
    record : Record
        Filled by ``forward(..., record=True)`` and the backward pass that follows.

    Examples
    --------
    >>> net = MLP([3, 4, 2], activation="relu", output="softmax")
    >>> net.forward(np.ones((5, 3))).shape
    (5, 2)
    >>> [W.shape for W in net.weights]
    [(3, 4), (4, 2)]
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: Any = "relu",
        *,
        output: str = "identity",
        init: str = "he",
        init_scale: float = 1.0,
        bias_init: float = 0.0,
        dropout: float = 0.0,
        alpha_dropout: float = 0.0,
        seed: int | None = 0,
        activation_params: Mapping[str, Any] | None = None,
    ) -> None:
        if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence) or len(sizes) < 2:
            raise ValueError(f"sizes: expected a sequence of at least two layer widths, got {sizes!r}")
        self.sizes = [_check_int("sizes", s) for s in sizes]
        self.act, self.activation_params = _resolve_activation(activation, activation_params)
        self.activation_name = getattr(self.act, "name", str(activation))
        if output not in OUTPUTS:
            raise ValueError(f"output: expected one of {OUTPUTS}, got {output!r}")
        self.output = output
        if init not in INITS:
            raise ValueError(f"init: expected one of {INITS}, got {init!r}")
        self.init = init
        self.init_scale = _check_real("init_scale", init_scale, minimum=0.0)
        self.bias_init = _check_real("bias_init", bias_init)
        self.dropout = _check_rate("dropout", dropout)
        self.alpha_dropout = _check_rate("alpha_dropout", alpha_dropout)
        if self.dropout and self.alpha_dropout:
            raise ValueError("dropout: use either dropout or alpha_dropout, not both")
        if seed is not None:
            _check_int("seed", seed, minimum=0)
        self.rng = np.random.default_rng(seed)
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            self.weights.append(init_weights(n_in, n_out, init, self.rng, self.init_scale))
            self.biases.append(np.full(n_out, self.bias_init))
        self.record = Record()
        self._cache: dict[str, Any] | None = None
        self._recording = False
        self._velocity: Gradients | None = None

    # -- structure ----------------------------------------------------------

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.weights)

    @property
    def n_params(self) -> int:
        """Number of trainable parameters."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def __repr__(self) -> str:
        params = f", activation_params={self.activation_params}" if self.activation_params else ""
        return (
            f"MLP({self.sizes}, activation={self.activation_name!r}{params}, output={self.output!r}, "
            f"init={self.init!r})"
        )

    # -- forward ------------------------------------------------------------

    def _output_fn(self, z: np.ndarray) -> np.ndarray:
        if self.output == "softmax":
            return _softmax(z)
        if self.output == "sigmoid":
            return special.expit(z)
        return z

    def forward(self, X: Any, train: bool = False, record: bool = False) -> np.ndarray:
        """Run the network on a batch.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        train : bool
            Apply dropout / alpha-dropout (training mode).
        record : bool
            Store every layer's pre-activations and activations in :attr:`record`; the next
            backward pass then stores the gradient norms.

        Returns
        -------
        ndarray, shape (n_samples, n_outputs)
            The output after the output function (probabilities for softmax/sigmoid).
        """
        A = _as_float_2d("X", X)
        if A.shape[1] != self.sizes[0]:
            raise ValueError(f"X: expected {self.sizes[0]} features, got {A.shape[1]}")
        inputs, zs, masks = [], [], []
        if record:
            self.record.clear()
        self._recording = record
        last = self.n_layers - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            inputs.append(A)
            Z = A @ W + b
            zs.append(Z)
            if i == last:
                A = self._output_fn(Z)
                masks.append(None)
            else:
                A = self.act(Z, **self.activation_params)
                if record:
                    self.record.activations.append(A)
                A, mask = self._drop(A, train)
                masks.append(mask)
            if record:
                self.record.pre_activations.append(Z)
        if record:
            self.record.activations.append(A)
        self._cache = {"inputs": inputs, "zs": zs, "masks": masks, "out": A}
        return A

    def _drop(self, A: np.ndarray, train: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Dropout in training mode; returns the output and d(output)/dA (None if off)."""
        if train and self.dropout:
            return dropout(A, self.dropout, self.rng, return_grad=True)
        if train and self.alpha_dropout:
            return alpha_dropout(A, self.alpha_dropout, self.rng, return_grad=True)
        return A, None

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (softmax: argmax; sigmoid: output > 0.5) or raw outputs (identity).

        Returns
        -------
        ndarray, shape (n_samples,) for classifiers with one label per sample, else
        (n_samples, n_outputs)
        """
        out = self.forward(X)
        if self.output == "softmax":
            return out.argmax(axis=1)
        if self.output == "sigmoid":
            labels = (out > 0.5).astype(np.int64)
            return labels[:, 0] if labels.shape[1] == 1 else labels
        return out

    def predict_proba(self, X: Any) -> np.ndarray:
        """The network's output, shape (n_samples, n_outputs)."""
        return self.forward(X)

    # -- backward -----------------------------------------------------------

    def backward(self, dout: Any) -> Gradients:
        """Backpropagate a gradient with respect to the network's *output*.

        Parameters
        ----------
        dout : array_like, shape (n_samples, n_outputs)
            dL/d(output) for the batch of the last :meth:`forward`.

        Returns
        -------
        Gradients
            ``dL/dW`` and ``dL/db`` for every layer.
        """
        if self._cache is None:
            raise RuntimeError("backward: call forward() first")
        out = self._cache["out"]
        dout = np.asarray(dout, dtype=np.float64)
        if dout.shape != out.shape:
            raise ValueError(f"dout: expected shape {out.shape}, got {dout.shape}")
        if self.output == "softmax":
            dz = out * (dout - np.sum(dout * out, axis=1, keepdims=True))
        elif self.output == "sigmoid":
            dz = dout * out * (1.0 - out)
        else:
            dz = dout
        return self._backward_logits(dz)

    def backward_logits(self, dz: Any) -> Gradients:
        """Backpropagate a gradient with respect to the output layer's logits ``Z``.

        Parameters
        ----------
        dz : array_like, shape (n_samples, n_outputs)

        Returns
        -------
        Gradients
        """
        if self._cache is None:
            raise RuntimeError("backward_logits: call forward() first")
        dz = np.asarray(dz, dtype=np.float64)
        if dz.shape != self._cache["out"].shape:
            raise ValueError(f"dz: expected shape {self._cache['out'].shape}, got {dz.shape}")
        return self._backward_logits(dz)

    def _backward_logits(self, dz: np.ndarray) -> Gradients:
        cache = self._cache
        assert cache is not None
        recording = self._recording
        n = self.n_layers
        grads_W: list[np.ndarray] = [np.empty(0)] * n
        grads_b: list[np.ndarray] = [np.empty(0)] * n
        act_norms: list[float] = [0.0] * n
        if recording:
            act_norms[-1] = float(np.linalg.norm(dz))
        for i in range(n - 1, -1, -1):
            grads_W[i] = cache["inputs"][i].T @ dz
            grads_b[i] = dz.sum(axis=0)
            if i == 0:
                break
            dA = dz @ self.weights[i].T  # dL/d(output of layer i-1, after dropout)
            if recording:
                act_norms[i - 1] = float(np.linalg.norm(dA))
            mask = cache["masks"][i - 1]
            if mask is not None:
                dA = dA * mask
            dz = dA * self.act.grad(cache["zs"][i - 1], **self.activation_params)
        if recording:
            self.record.grad_norms = [float(np.linalg.norm(g)) for g in grads_W]
            self.record.bias_grad_norms = [float(np.linalg.norm(g)) for g in grads_b]
            self.record.activation_grad_norms = act_norms
        return Gradients(grads_W, grads_b)

    # -- losses -------------------------------------------------------------

    def _loss_name(self, loss: str | None) -> str:
        loss = _DEFAULT_LOSS[self.output] if loss is None else loss
        if loss not in LOSSES:
            raise ValueError(f"loss: expected one of {LOSSES}, got {loss!r}")
        if loss == "cross_entropy" and self.output != "softmax":
            raise ValueError("loss: 'cross_entropy' needs output='softmax'")
        if loss == "bce" and self.output != "sigmoid":
            raise ValueError("loss: 'bce' needs output='sigmoid'")
        return loss

    def _targets(self, y: Any, n: int, loss: str) -> np.ndarray:
        k = self.sizes[-1]
        arr = np.asarray(y)
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"y: expected numeric targets, got dtype {arr.dtype}")
        if arr.shape[0:1] != (n,):
            raise ValueError(f"y: expected {n} targets (one per row of X), got shape {arr.shape}")
        if arr.ndim == 1:
            if k == 1:
                return arr.astype(np.float64)[:, None]
            labels = arr
            if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
                raise ValueError("y: expected integer class labels for a network with several outputs")
            labels = labels.astype(np.int64)
            if labels.min() < 0 or labels.max() >= k:
                raise ValueError(f"y: class labels must lie in 0..{k - 1}")
            T = np.zeros((n, k))
            T[np.arange(n), labels] = 1.0
            return T
        if arr.shape != (n, k):
            raise ValueError(f"y: expected shape ({n},) or ({n}, {k}), got {arr.shape}")
        return arr.astype(np.float64)

    def _loss_from_cache(self, T: np.ndarray, loss: str) -> tuple[float, np.ndarray]:
        """Loss and dL/dZ_last for the cached forward pass."""
        cache = self._cache
        assert cache is not None
        z = cache["zs"][-1]
        out = cache["out"]
        n = z.shape[0]
        if loss == "cross_entropy":
            value = -float(np.sum(T * log_softmax(z))) / n
            return value, (out - T) / n
        if loss == "bce":
            value = -float(np.sum(T * log_sigmoid(z) + (1.0 - T) * log_sigmoid(-z))) / T.size
            return value, (out - T) / T.size
        diff = out - T
        value = float(np.mean(diff**2))
        dout = 2.0 * diff / diff.size
        if self.output == "softmax":
            return value, out * (dout - np.sum(dout * out, axis=1, keepdims=True))
        if self.output == "sigmoid":
            return value, dout * out * (1.0 - out)
        return value, dout

    def loss(self, X: Any, y: Any, loss: str | None = None) -> float:
        """The loss on ``(X, y)`` in evaluation mode (no dropout).

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,) (labels) or (n_samples, n_outputs) (targets)
        loss : {"mse", "cross_entropy", "bce"}, optional
            Default: cross-entropy for softmax, BCE for sigmoid, MSE for identity outputs.
            Cross-entropy and BCE are computed from the logits (``log_softmax``,
            ``log_sigmoid``), so they stay finite for confident wrong predictions.

        Returns
        -------
        float
        """
        name = self._loss_name(loss)
        out = self.forward(X)
        return self._loss_from_cache(self._targets(y, out.shape[0], name), name)[0]

    def loss_and_grads(
        self, X: Any, y: Any, loss: str | None = None, train: bool = False, record: bool = False
    ) -> tuple[float, Gradients]:
        """Forward, loss and backward in one call.

        Returns
        -------
        (float, Gradients)

        Examples
        --------
        >>> net = MLP([2, 3, 1], activation="tanh", output="sigmoid")
        >>> value, grads = net.loss_and_grads(np.zeros((4, 2)), np.array([0, 1, 0, 1]))
        >>> round(value, 6), grads.weights[0].shape
        (0.693147, (2, 3))
        """
        name = self._loss_name(loss)
        out = self.forward(X, train=train, record=record)
        T = self._targets(y, out.shape[0], name)
        value, dz = self._loss_from_cache(T, name)
        return value, self._backward_logits(dz)

    # -- training -----------------------------------------------------------

    def step(self, grads: Gradients, lr: float, momentum: float = 0.0) -> None:
        """One SGD update, ``v = momentum * v - lr * g; param += v``.

        Parameters
        ----------
        grads : Gradients
        lr : float
            Learning rate (> 0).
        momentum : float
            Heavy-ball momentum in [0, 1) (0 = plain SGD).
        """
        lr = _check_real("lr", lr, minimum=0.0)
        momentum = _check_rate("momentum", momentum)
        if momentum:
            if self._velocity is None:
                self._velocity = Gradients(
                    [np.zeros_like(W) for W in self.weights], [np.zeros_like(b) for b in self.biases]
                )
            for params, grads_list, vel in (
                (self.weights, grads.weights, self._velocity.weights),
                (self.biases, grads.biases, self._velocity.biases),
            ):
                for p, g, v in zip(params, grads_list, vel, strict=True):
                    v *= momentum
                    v -= lr * g
                    p += v
        else:
            for p, g in zip(self.weights, grads.weights, strict=True):
                p -= lr * g
            for p, g in zip(self.biases, grads.biases, strict=True):
                p -= lr * g

    def _accuracy_counts(self, out: np.ndarray, T: np.ndarray) -> float:
        """Number of correct predictions in a batch (NaN for regression)."""
        if self.output == "softmax" or (self.output == "identity" and T.shape[1] > 1):
            return float(np.sum(out.argmax(axis=1) == T.argmax(axis=1)))
        if self.output == "sigmoid" or np.all((T == 0) | (T == 1)):
            return float(np.mean((out > 0.5) == (T > 0.5), axis=1).sum())
        return float("nan")

    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int = 100,
        lr: float = 0.1,
        batch_size: int | None = None,
        loss: str | None = None,
        progress: bool = False,
        callback: Callable[[int, MLP], Any] | None = None,
        seed: int | None = 0,
        momentum: float = 0.0,
    ) -> History:
        """Train with mini-batch SGD.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,) or (n_samples, n_outputs)
        epochs : int
        lr : float
            Learning rate.
        batch_size : int, optional
            Mini-batch size (None = the whole data set each step).
        loss : {"mse", "cross_entropy", "bce"}, optional
            Default depends on ``output`` (see :meth:`loss`).
        progress : bool
            Print a one-line text progress bar (epoch, loss, accuracy), updated in place.
        callback : callable, optional
            ``callback(epoch, net)`` after every epoch (epochs count from 1); returning
            ``True`` stops training.
        seed : int or None
            Seed of the mini-batch shuffling.
        momentum : float
            SGD momentum in [0, 1).

        Returns
        -------
        History
            ``loss`` and ``accuracy`` per epoch.
        """
        X = _as_float_2d("X", X)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X: expected {self.sizes[0]} features, got {X.shape[1]}")
        n = X.shape[0]
        if n == 0:
            raise ValueError("X: expected at least one sample")
        name = self._loss_name(loss)
        T = self._targets(y, n, name)
        epochs = _check_int("epochs", epochs)
        lr = _check_real("lr", lr, minimum=0.0)
        momentum = _check_rate("momentum", momentum)
        if batch_size is None:
            batch_size = n
        batch_size = min(_check_int("batch_size", batch_size), n)
        if callback is not None and not callable(callback):
            raise ValueError("callback: expected a callable callback(epoch, net)")
        rng = np.random.default_rng(seed)
        history = History()
        every = max(1, epochs // 20)
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n) if batch_size < n else np.arange(n)
            total = correct = 0.0
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                Xb, Tb = (X, T) if batch_size == n else (X[idx], T[idx])
                out = self.forward(Xb, train=True)
                value, dz = self._loss_from_cache(Tb, name)
                correct += self._accuracy_counts(out, Tb)
                total += value * len(idx)
                self.step(self._backward_logits(dz), lr, momentum)
            history["loss"].append(total / n)
            history["accuracy"].append(correct / n)
            if not np.isfinite(total):
                if progress:
                    sys.stdout.write("\n")
                raise FloatingPointError(
                    f"lr: training diverged at epoch {epoch} (loss {total / n}); try a smaller lr"
                )
            if progress and (epoch % every == 0 or epoch == epochs):
                _progress_line(epoch, epochs, history)
            if callback is not None and callback(epoch, self) is True:
                break
        if progress:
            sys.stdout.write("\n")
            sys.stdout.flush()
        return history


def _progress_line(epoch: int, epochs: int, history: History) -> None:
    width = 20
    filled = int(round(width * epoch / epochs))
    bar = "#" * filled + "." * (width - filled)
    acc = history.accuracy[-1]
    acc_text = "" if np.isnan(acc) else f"  acc {acc:.3f}"
    counter = f"{epoch:>{len(str(epochs))}}/{epochs}"
    sys.stdout.write(f"\r[{bar}] epoch {counter}  loss {history.loss[-1]:.4f}{acc_text}")
    sys.stdout.flush()
