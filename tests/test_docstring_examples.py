"""Every docstring example runs alone in an empty namespace, with no module globals.

A learner copies one example into a fresh Python session, so it must bring its own imports.
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil
from types import ModuleType

import pytest

PACKAGES = ("scalargrad", "tensorgrad", "nn")
OPTIONS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def modules(package_name: str) -> list[ModuleType]:
    """The package and every module under it."""
    package = importlib.import_module(package_name)
    names = pkgutil.walk_packages(package.__path__, prefix=f"{package_name}.")
    return [package, *(importlib.import_module(info.name) for info in names)]


def docstring_examples() -> list[doctest.DocTest]:
    """One doctest per docstring that has examples, each with empty globals."""
    finder = doctest.DocTestFinder()
    tests = [
        test
        for package_name in PACKAGES
        for module in modules(package_name)
        for test in finder.find(module, globs={})
        if test.examples
    ]
    return sorted(tests, key=lambda test: test.name)


EXAMPLES = docstring_examples()


def test_every_package_has_examples() -> None:
    packages = {test.name.split(".")[0] for test in EXAMPLES}
    assert packages == set(PACKAGES)


@pytest.mark.parametrize("test", [pytest.param(test, id=test.name) for test in EXAMPLES])
def test_example_runs_in_a_fresh_session(test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report = io.StringIO()
    result = runner.run(test, out=report.write)
    if result.failed:
        pytest.fail(
            f"{test.name} fails when run alone in an empty namespace:\n{report.getvalue()}",
            pytrace=False,
        )
