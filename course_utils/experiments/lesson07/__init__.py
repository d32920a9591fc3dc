"""The capstone's reusable pieces: data splits, result containers, tables and figures.

Lesson 7 compares activations as a practitioner would: the same architecture, data and
budget; the initialisation that suits each activation (Xavier for sigmoid and tanh, LeCun for
SELU, He for the ReLU family and its smooth relatives); for each activation its own learning
rate from one grid (:data:`LEARNING_RATES`), chosen on a validation split; test accuracy over
several seeds with its range. The lesson's notebook shows the loop that builds, trains and
measures the networks; this package holds what that loop and the lesson's figures reuse, and
the notebook reaches every name as ``capstone.X``
(``from course_utils.experiments import lesson07 as capstone``):

* :mod:`.candidates` — :data:`CANDIDATES`, the activations compared, each with its
  initialisation (:class:`Candidate`, :func:`candidate`);
* :mod:`.comparison` — :func:`load_splits`, the digits cut into training, validation and
  test parts; :class:`Trial` and :class:`Grid`, what one trained network measured and a
  learning-rate × seed grid of them with its summaries (chosen rate, results tables, ties);
* :mod:`.figures` — :func:`plot_rate_sweep`, :func:`plot_accuracy_ranges`, the lesson's two
  result figures;
* :mod:`.tables` — :class:`Table`, and :func:`properties_table`, the registry's properties
  as a table;
* :mod:`.experiment` — the lesson-7 slider's single-rate learning curves
  (:func:`run_experiment` over an :class:`ExperimentConfig`, returning an
  :class:`ExperimentResult` of :class:`Run` records); the slider
  (:mod:`course_utils.widgets.lesson07`) trains them itself, without the notebook.
"""

from __future__ import annotations

from course_utils.experiments.lesson07.candidates import CANDIDATES, Candidate, candidate
from course_utils.experiments.lesson07.comparison import LEARNING_RATES, DigitSplits, Grid, Trial, load_splits
from course_utils.experiments.lesson07.experiment import (
    ExperimentConfig,
    ExperimentResult,
    Run,
    run_experiment,
    train_run,
)
from course_utils.experiments.lesson07.figures import plot_accuracy_ranges, plot_rate_sweep
from course_utils.experiments.lesson07.tables import Table, format_range, properties_table

__all__ = [
    "CANDIDATES",
    "LEARNING_RATES",
    "Candidate",
    "DigitSplits",
    "ExperimentConfig",
    "ExperimentResult",
    "Grid",
    "Run",
    "Table",
    "Trial",
    "candidate",
    "format_range",
    "load_splits",
    "plot_accuracy_ranges",
    "plot_rate_sweep",
    "properties_table",
    "run_experiment",
    "train_run",
]
