"""Crosscheck: tensorgrad (and later nn) against PyTorch, value and gradient, op by op.

Not part of the default test run: ``nox -s crosscheck`` installs ``torch==2.13.0`` (CPU)
and runs this folder; ``nox -s tests`` ignores it. Without torch installed, a plain
``pytest`` skips the folder and says so in its header.

Writing a crosscheck test (see ``_torch_helpers.py`` for the details)::

    from crosscheck._torch_helpers import SETTINGS, Domain, check, draw, shapes

    @SETTINGS
    @given(shape=shapes(), data=st.data())
    def test_tanh(shape, data):
        (x,) = draw(data, [shape], Domain(-3.0, 3.0))
        check(lambda ops, v: v.tanh(), x)  # value, then gradient with a random cotangent

``fn(ops, *inputs)`` runs once with ``ops = TG`` on tensorgrad Values and once with
``ops = TH`` on torch leaf tensors; operators and the methods both libraries share are
written directly, everything named differently goes through ``ops`` (``ops.max`` is
``torch.amax``, ``ops.clip`` is ``torch.clamp``, ``ops.sum(x, axis, keepdims)``...).
Tolerances: ``F64`` (rtol 1e-10) and ``F32`` (rtol 1e-5), justified where defined.

Hypothesis settings come from ``tests/conftest.py`` (no deadline; ``HYPOTHESIS_PROFILE=ci``
derandomizes); each test here also limits its examples with ``SETTINGS``.
"""

from __future__ import annotations

import importlib.util

import pytest

HAVE_TORCH = importlib.util.find_spec("torch") is not None

if HAVE_TORCH:
    # Show both sides' values when a helper's assert fails, as in a test module.
    pytest.register_assert_rewrite("crosscheck._torch_helpers")
else:
    collect_ignore_glob = ["test_*.py"]


def pytest_report_header() -> str:
    if not HAVE_TORCH:
        return "crosscheck: torch is not installed, tests/crosscheck skipped (nox -s crosscheck)"
    import torch

    return f"crosscheck: torch {torch.__version__}, {torch.get_num_threads()} threads"
