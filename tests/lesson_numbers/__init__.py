"""Per-lesson specs of the numbers each lesson's prose quotes (used by the root conftest.py)."""
