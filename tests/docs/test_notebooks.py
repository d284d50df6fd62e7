"""The notebooks that readers download run from top to bottom, away from the repository.

Each executed page of the site offers ``<page>.ipynb`` for download (docs/_ext/downloads.py;
test_browser.py checks that the link serves this very file). Here each one runs in an empty
folder of its own, with the Python that runs these checks: the ``docs_check`` session installs
the three packages (not from the source folders) and what the tutorials draw and load data
with, as a reader does (tutorials/index.md, "Run them on your own machine").

The notebooks run all at once, one per processor, when the first of these checks asks: one at
a time, they take about as long as the notebooks of a cold docs build.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

TIMEOUT = 600  # seconds for one cell, as generous as the build's limit for a whole page


def _run(notebook: Path) -> str | None:
    """Run ``notebook`` in a fresh kernel and an empty folder; what went wrong, or None."""
    import nbclient
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory(prefix="notebook-") as folder:
        client = nbclient.NotebookClient(
            node, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": folder}}
        )
        try:
            client.execute()
        except nbclient.exceptions.CellExecutionError as error:
            return str(error)
    return None


@pytest.fixture(scope="session")
def notebook_runs(request: pytest.FixtureRequest, site_root: Path) -> dict[str, str | None]:
    """What went wrong in each downloadable notebook of the selected checks (None: nothing)."""
    wanted = sorted(
        {
            item.callspec.params["notebook"]
            for item in request.session.items
            if "notebook_runs" in getattr(item, "fixturenames", ()) and hasattr(item, "callspec")
        }
    )
    files = [site_root / Path(page).with_suffix(".ipynb") for page in wanted]
    missing = [str(file) for file in files if not file.is_file()]
    assert not missing, "notebooks missing from the built site: " + ", ".join(missing)
    start = time.perf_counter()
    # Processes, not threads: each kernel client leaves its event loop and sockets to its
    # process, which ends with it (in this one, they would be unclosed resources at exit).
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        problems = dict(zip(wanted, pool.map(_run, files), strict=True))
    print(f"ran {len(files)} notebooks in {time.perf_counter() - start:.0f} s")
    return problems


def test_downloaded_notebook_runs(notebook_runs: dict[str, str | None], notebook: str) -> None:
    problem = notebook_runs[notebook]
    assert problem is None, f"{notebook.removesuffix('.html')}.ipynb failed:\n{problem}"
