"""Numbers quoted in lesson 01's prose, checked against the lesson's own run (see conftest.py)."""

VARIABLES = ("best_accuracy", "ratio")


def check(values, prose):
    """Is XOR's best line still 75 %, and is the ReLU-sum error still falling about 4x per doubling?"""
    assert values["best_accuracy"] == 0.75
    prose.quotes(f"**{values['best_accuracy']:.0%}**".replace("%", " %"))
    assert 3.5 < values["ratio"] < 4.5
