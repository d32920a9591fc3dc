"""Time every activation and its derivative on 10^6 float64 values.

Run: ``python benchmarks/activations.py`` (about 10-20 s). Prints nanoseconds per element
for the registry's value and derivative, beside ``scipy.special`` where it has the same
function and the naive textbook formula (which overflows on large inputs; its warnings
are silenced here because only its speed is measured). The last line is the ratio of the
registry's sigmoid to ``scipy.special.expit``.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.special as sc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_utils.activations import ACTIVATIONS, SOFTMAX_FAMILY  # noqa: E402

N = 1_000_000
REPEAT = 5


def ns_per_element(fn: Callable[[], object], n: int = N) -> float:
    """Best-of-REPEAT wall time of one call, in nanoseconds per element."""
    fn()  # warm-up
    best = min(timeit.repeat(fn, number=1, repeat=REPEAT))
    return best / n * 1e9


def _naive_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# textbook formulas as found in tutorials (no stabilisation)
NAIVE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "log_sigmoid": lambda x: np.log(1 / (1 + np.exp(-x))),
    "tanh": lambda x: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),
    "relu": lambda x: np.maximum(0, x),
    "elu": lambda x: np.where(x >= 0, x, np.exp(x) - 1),
    "selu": lambda x: 1.0507 * np.where(x > 0, x, 1.67326 * (np.exp(x) - 1)),
    "silu": lambda x: x / (1 + np.exp(-x)),
    "swish": lambda x: x / (1 + np.exp(-x)),
    "mish": lambda x: x * np.tanh(np.log(1 + np.exp(x))),
    "softplus": lambda x: np.log(1 + np.exp(x)),
    "gelu": lambda x: 0.5 * x * (1 + sc.erf(x / np.sqrt(2))),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
}
SCIPY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": sc.expit,
    "log_sigmoid": sc.log_expit,
}


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 5.0, N)
    print(f"ns per element, {N:,} float64 values ~ N(0, 5^2), best of {REPEAT}")
    header = f"{'activation':28s} {'value':>8s} {'grad':>8s} {'scipy':>8s} {'naive':>8s}"
    print(header)
    print("-" * len(header))
    cases = [(name, {}) for name in ACTIVATIONS] + [
        ("gelu", {"approximate": "tanh"}),
        ("gelu", {"approximate": "sigmoid"}),
    ]
    for name, params in cases:
        rec = ACTIVATIONS[name]
        label = name + "".join(f"({k}={v!r})" for k, v in params.items())
        t_value = ns_per_element(lambda rec=rec, params=params: rec(x, **params))
        t_grad = ns_per_element(lambda rec=rec, params=params: rec.grad(x, **params))
        t_scipy = ns_per_element(lambda f=SCIPY[name]: f(x)) if name in SCIPY and not params else None
        if name in NAIVE and not params:
            with np.errstate(all="ignore"):
                t_naive = ns_per_element(lambda f=NAIVE[name]: f(x))
        else:
            t_naive = None
        cells = [f"{t:8.2f}" if t is not None else f"{'-':>8s}" for t in (t_scipy, t_naive)]
        print(f"{label:28s} {t_value:8.2f} {t_grad:8.2f} {cells[0]} {cells[1]}")

    logits = x.reshape(1000, 1000)
    print()
    print(f"softmax family on logits of shape {logits.shape} (per element)")
    header = f"{'function':28s} {'value':>8s} {'scipy':>8s} {'naive':>8s}"
    print(header)
    print("-" * len(header))
    for name, rec in SOFTMAX_FAMILY.items():
        t_value = ns_per_element(lambda rec=rec: rec(logits))
        t_scipy = {
            "softmax": lambda: sc.softmax(logits, axis=-1),
            "log_softmax": lambda: sc.log_softmax(logits, axis=-1),
            "softmin": lambda: sc.softmax(-logits, axis=-1),
        }[name]
        naive = {
            "softmax": lambda: _naive_softmax(logits),
            "log_softmax": lambda: np.log(_naive_softmax(logits)),
            "softmin": lambda: _naive_softmax(-logits),
        }[name]
        with np.errstate(all="ignore"):
            t_naive = ns_per_element(naive)
        print(f"{name:28s} {t_value:8.2f} {ns_per_element(t_scipy):8.2f} {t_naive:8.2f}")
    small = rng.normal(size=(10_000, 10))
    t_jac = ns_per_element(lambda: SOFTMAX_FAMILY["softmax"].jacobian(small), n=small.size * 10)
    print(f"{'softmax.jacobian (10^4 x 10)':28s} {t_jac:8.2f}   (per Jacobian entry)")

    # interleave the two so that load from other processes hits both alike
    ours, theirs = [], []
    sigmoid = ACTIVATIONS["sigmoid"]
    for _ in range(3 * REPEAT):
        ours.append(timeit.timeit(lambda: sigmoid(x), number=1))
        theirs.append(timeit.timeit(lambda: sc.expit(x), number=1))
    ratio = min(ours) / min(theirs)
    print()
    print(f"sigmoid/expit time ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
