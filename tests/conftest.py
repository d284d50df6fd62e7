"""Settings shared by every test.

Hypothesis runs without deadlines (shared machines are noisy, and speed is measured by
the benchmarks, not by tests) and, under the ``ci`` profile, derandomized so that CI
is reproducible. Select it with ``HYPOTHESIS_PROFILE=ci``.
"""

import os

from hypothesis import settings

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
