"""The experiments of the lessons, one module per lesson that runs some.

A lesson notebook shows the loop that builds, trains and measures; what it reuses (and what
its sliders and exercise checkers share with it) is here, each lesson's maths in one place:

* :mod:`.lesson02` — saturation: the sigmoid/tanh derivative bounds, gradients through depth,
  Keras's hard sigmoid;
* :mod:`.lesson03` — dead ReLU units: training while counting them, PReLU's slope gradient,
  maxout;
* :mod:`.lesson04` — SELU's self-normalisation: the moment map, its fixed point and Jacobian;
* :mod:`.lesson07` — the capstone: the data split, the learning-rate sweep, the tables and
  figures that compare activations.
"""
