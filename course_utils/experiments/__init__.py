"""The experiments of the lessons, one module per lesson that runs some.

A lesson notebook shows the loop that builds, trains and measures; what it reuses (and what
its sliders and exercise checkers share with it) is here, each lesson's maths in one place
(the sliders of :mod:`course_utils.widgets` only draw):

* :mod:`.lesson01` — why nonlinearity: least-squares sums of shifted ReLUs, the XOR network;
* :mod:`.lesson02` — saturation: the sigmoid/tanh derivative bounds, gradients through depth,
  Keras's hard sigmoid;
* :mod:`.lesson03` — dead ReLU units: training while counting them, PReLU's slope gradient,
  maxout;
* :mod:`.lesson04` — SELU's self-normalisation: the moment map, its fixed point and Jacobian,
  measured beside a deep SELU network;
* :mod:`.lesson05` — GELU and Swish: where Swish is smallest (Lambert W);
* :mod:`.lesson06` — softmax and temperature: the toy vocabulary, the entropy of a softmax;
* :mod:`.lesson07` — the capstone: the data split, the learning-rate sweep, the tables and
  figures that compare activations.

Statistics of deep random networks that several lessons use live in
:mod:`course_utils.deep_networks`.
"""
