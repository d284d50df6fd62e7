"""Sphinx configuration of the AutoGrads documentation.

Build it with ``nox -s docs``, which installs the three packages and
``requirements/docs.txt`` and runs::

    sphinx-build -W --keep-going -n -b html docs docs/_build/html

Pages are MyST Markdown. Pages with a jupytext header are notebooks: MyST-NB runs them
at build time and caches the results under ``docs/_build/.jupyter_cache``, so a rebuild
only re-runs the notebooks whose code changed (or all of them, when the packages' code
changed). The build never uses the network.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import re
import shutil
import sys
from collections.abc import Mapping
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.ext.autodoc._dynamic import _signatures
from sphinx.util.inspect import TypeAliasForwardRef, TypeAliasNamespace
from sphinx.util.typing import stringify_annotation

import scalargrad

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))  # this site's own extensions

# -- Project -------------------------------------------------------------------------------

project = "AutoGrads"
author = "AutoGrads contributors"
copyright = f"2026, {author}"
release = scalargrad.__version__
version = release

# -- General -------------------------------------------------------------------------------

extensions = [
    "myst_nb",  # MyST Markdown pages and executed notebooks (loads myst_parser itself)
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.graphviz",
    "sphinx_copybutton",
    "sphinx_exercise",  # the exercises at the end of each tutorial, and their solutions
    "sphinx_togglebutton",  # the hints and solutions folded behind a button
    "op_index",  # docs/_ext/op_index.py: the op index (api/op-index.md), made from the code
    "exercise_index",  # docs/_ext/exercise_index.py: the list of every exercise (exercises.md)
    "downloads",  # docs/_ext/downloads.py: each executed page as a notebook and as its source
]

exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]

# Every cross-reference must resolve (the build runs with -n -W), except the few targets
# listed here, which have no page to link to in this site.
nitpicky = True
nitpick_ignore = [
    # The standard library: only intersphinx could link to it, and the build stays offline.
    ("py:class", "random.Random"),
    ("py:mod", "random"),
    ("py:class", "collections.abc.Sequence"),
    ("py:class", "collections.abc.Mapping"),
    # What nn.ModuleDict's keys(), values() and items() return, as a dict's do.
    ("py:class", "collections.abc.KeysView"),
    ("py:class", "collections.abc.ValuesView"),
    ("py:class", "collections.abc.ItemsView"),
    # Plain words in the "type" part of NumPy-style parameter lists, which napoleon turns
    # into class references (``sequence of Value``, ``int or float``, ...).
    ("py:class", "sequence"),
    ("py:class", "number"),
    ("py:obj", "True"),
    ("py:obj", "False"),
    # Phrases of the same kind in tensorgrad's docstrings ("array or Value, or a list of them
    # (one per output)", "mapping from Value to str", "numpy floating dtype").
    ("py:class", "array"),
    ("py:class", "a list"),
    ("py:class", "them (one per output)"),
    ("py:class", "mapping from Value"),
    ("py:class", "numpy floating dtype"),
    # numpy's names, in signatures (see autodoc_type_aliases below) and in the "type" part of
    # parameter lists: only intersphinx could link them to numpy's documentation.
    ("py:class", "numpy.ndarray"),
    ("py:class", "numpy.dtype"),
    ("py:class", "numpy.intp"),
    ("py:class", "numpy.bool_"),  # the dtype of what all() and any() return
    ("py:class", "numpy.typing.ArrayLike"),
    ("py:class", "numpy.typing.DTypeLike"),
    ("py:class", "numpy.typing.NDArray"),
    ("py:class", "npt.NDArray"),  # argmax's return annotation, which autodoc leaves as written
    ("py:class", "np.intp"),
    ("py:class", "np.dtype"),  # the annotation of the dtype property
    ("py:class", "ndarray"),
    ("py:class", "array_like"),
    ("py:class", "collections.abc.Callable"),
    ("py:class", "callable"),
    # More of the standard library and numpy, in nn's signatures.
    ("py:class", "collections.abc.Iterable"),
    ("py:class", "collections.abc.Iterator"),
    ("py:class", "os.PathLike"),
    ("py:class", "numpy.random.Generator"),
    ("py:class", "npt.DTypeLike"),  # inside a union, which autodoc leaves as written
    ("py:class", "dtype"),  # numpy's dtype, in a parameter list ("dtype : dtype, optional")
    ("py:exc", "numpy.exceptions.AxisError"),  # raised by tensorgrad.axes.normalize_axes
    # The type of a backward formula, in tensorgrad.node.Node's signature: a Callable alias.
    ("py:class", "BackwardFn"),
    # The named tuple that Module.load_state_dict returns, private as in PyTorch.
    ("py:class", "nn.module._IncompatibleKeys"),
    # Plain words and phrases in the "type" part of nn's parameter lists ("iterable of Value,
    # or of dicts", "mapping of str to array", "str or path-like", "function or list of
    # functions", "(float, float), default (0.9, 0.999)"), which napoleon cuts at each comma
    # into class references.
    ("py:class", "iterable"),
    ("py:class", "of dicts"),
    ("py:class", "mapping"),
    ("py:class", "path-like"),
    ("py:class", "function"),
    ("py:class", "functions"),
    ("py:class", "(float"),
    ("py:class", "float)"),
    ("py:class", "(0.9"),
    ("py:class", "0.999)"),
]

# -- MyST and MyST-NB ----------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3

nb_execution_mode = "cache"
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_timeout = 300
nb_execution_show_tb = True  # print the traceback of a failing cell in the build log
nb_merge_streams = True


def _packages_fingerprint() -> str:
    """A hash of the packages' source code."""
    digest = hashlib.sha256()
    for path in sorted((DOCS.parent / "packages").glob("*/src/**/*.py")):
        digest.update(path.relative_to(DOCS.parent).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


# jupyter-cache knows when a notebook's code changes, not when the code it imports does, and
# the pages print what the packages compute. So start from an empty cache whenever the
# packages' source changed since the cached results were made.
_cache = Path(nb_execution_cache_path)
_fingerprint = _packages_fingerprint()
if _cache.exists() and not (
    (_cache / "packages.sha256").is_file()
    and (_cache / "packages.sha256").read_text() == _fingerprint
):
    shutil.rmtree(_cache)
_cache.mkdir(parents=True, exist_ok=True)
(_cache / "packages.sha256").write_text(_fingerprint)

# -- A quiet build log -----------------------------------------------------------------------
# The log should show progress and problems only. Three things printed more:
#
# * myst-parser and myst-nb print their whole configuration, one long line each, at start-up;
# * accessible-pygments, which provides the dark code style below (furo depends on it), calls
#   logging.basicConfig(level=INFO) when Sphinx loads it, so that every INFO message of the
#   libraries that run the notebooks ("Executing notebook with kernel: python3") reached the
#   log. A handler on the root logger beforehand makes that call do nothing; it prints warnings
#   and errors, as Python does when no handler is set;
# * ipykernel 7 warns "Kernel is running over TCP without encryption" as each page's kernel
#   starts: jupyter_client talks to it over a local socket, and myst-nb gives no way to ask for
#   the encryption keys jupyter_client could provision. docs/_jupyter holds the usual
#   Python kernel's description with one change, the kernel's own log limited to errors, and
#   JUPYTER_PATH makes it the kernel this build starts (the downloaded notebooks use yours).


class _DropConfigurationDumps(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "ParserConfig(" not in record.getMessage()


for _logger in ("sphinx.myst_parser.sphinx_ext.main", "sphinx.myst_nb.sphinx_ext"):
    logging.getLogger(_logger).addFilter(_DropConfigurationDumps())

_warnings_only = logging.StreamHandler()
_warnings_only.setLevel(logging.WARNING)
logging.getLogger().addHandler(_warnings_only)

os.environ["JUPYTER_PATH"] = os.pathsep.join(
    filter(None, [str(DOCS / "_jupyter"), os.environ.get("JUPYTER_PATH")])
)

# -- autodoc, autosummary, napoleon --------------------------------------------------------

autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
# Show numpy's typing aliases by name in signatures, instead of the unions of numpy's private
# classes that they stand for. (The packages annotate lazily, ``from __future__ import
# annotations``, so autodoc sees these names as written.)
autodoc_type_aliases = {
    "npt.ArrayLike": "numpy.typing.ArrayLike",
    "npt.DTypeLike": "numpy.typing.DTypeLike",
    "npt.NDArray": "numpy.typing.NDArray",
    "np.intp": "numpy.intp",
    "np.bool_": "numpy.bool_",
    "np.random.Generator": "numpy.random.Generator",
    "Array": "numpy.ndarray",
    "_Backward": "collections.abc.Callable",  # once_differentiable's TypeVar: a backward
    "_M": "nn.Module",  # the TypeVar of Module's methods that return the module itself
    "Operand": "tensorgrad.Value | numpy.ndarray | float",
    # nn's (nn.functional, nn.loss). A name written in an alias is looked up from the module
    # that uses the alias; ``Value`` alone would be ambiguous from nn or tensorgrad.ops
    # (scalargrad has a Value too), hence the full names.
    "Input": "tensorgrad.Value | numpy.ndarray",
    "Weight": "numpy.typing.ArrayLike | tensorgrad.Value | None",  # nn.loss's
}
# Show the names in signatures without their modules (``Value``, not ``tensorgrad.Value``); the
# link still goes to the right page.
python_use_unqualified_type_names = True
autosummary_generate = False  # the API pages are written by hand

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_preprocess_types = True

# -- graphviz ------------------------------------------------------------------------------

graphviz_output_format = "svg"

# -- Math ----------------------------------------------------------------------------------
# MathJax typesets the formulas ($...$ and $$...$$) in the reader's browser. Sphinx would load
# it from a CDN; this site serves its own copy instead, so that the pages (and the browser test
# in tests/docs) work offline. The copy is MathJax 3.2.2 from the pinned sphinx-mathjax-offline
# package, used only as a source of files: of its 24 MB, the build copies the one
# self-contained file that draws formulas as SVG with every TeX extension built in, so it never
# fetches fonts or extensions at run time.

MATHJAX = Path(
    str(
        distribution("sphinx-mathjax-offline").locate_file(
            "sphinx-mathjax-offline/static/mathjax/tex-svg-full.js"
        )
    )
)
mathjax_path = MATHJAX.name  # served from _static/

# -- HTML ----------------------------------------------------------------------------------

html_theme = "furo"
html_title = "AutoGrads"
html_favicon = "_static/favicon.svg"
pygments_dark_style = "github-dark"  # furo's default dark style underlines module names
html_static_path = [str(MATHJAX), "_static/outputs.css"]
html_css_files = ["outputs.css"]
html_theme_options = {
    "source_repository": "https://github.com/autograds/autograds",
    "source_branch": "main",
    "source_directory": "docs/",
}

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True


# -- Public names re-exported by a package ------------------------------------------------
# The API pages document each public name where users import it (``scalargrad.weighted_sum``,
# ``nn.Linear``), not in the module that defines it (``scalargrad.engine``, ``nn.linear``).
# Classes keep a link to their defining module by themselves (autodoc adds ``:canonical:``),
# functions do not, so a reference written inside ``scalargrad.engine`` to ``weighted_sum`` is
# retried here as ``scalargrad.weighted_sum``. Likewise:
#
# * nn's loss functions and optimizers are documented in their PyTorch homes, nn.functional and
#   nn.optim (as torch.nn.functional and torch.optim), and are importable from nn too: a
#   reference to ``nn.cross_entropy`` or ``SGD`` inside nn is retried in those two modules;
# * nn builds on tensorgrad, and its docstrings say ``Value`` for ``tensorgrad.Value``.
#
# A reference that still does not resolve is reported as usual.

OUR_PACKAGES = {"scalargrad", "tensorgrad", "nn"}
DOCUMENTED_IN = {"nn": ["nn.functional", "nn.optim"]}
"""Per package, the public modules where some of its top-level names are documented."""
BUILT_ON = {"nn": "tensorgrad"}
"""Per package, the package whose names its docstrings use without a module."""


def _public_names(target: str, module: str | None) -> list[str]:
    """Where a reference to ``target``, written inside ``module``, may be documented."""
    head = target.split(".", 1)[0]
    if head in OUR_PACKAGES:
        full = target
    elif module and module.split(".", 1)[0] in OUR_PACKAGES:
        full = f"{module}.{target}"
    else:
        return []
    package, *rest = full.split(".")
    # Drop the leading modules one by one: nn.module.Module.state_dict -> nn.Module.state_dict.
    tails = [".".join(rest[i:]) for i in range(len(rest))]
    candidates = [f"{package}.{tail}" for tail in tails]
    candidates += [f"{home}.{tail}" for home in DOCUMENTED_IN.get(package, []) for tail in tails]
    if package in BUILT_ON:
        candidates += [f"{BUILT_ON[package]}.{tail}" for tail in tails]
    return [name for name in dict.fromkeys(candidates) if name != target]


def resolve_reexported(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    """Resolve ``package.module.name`` (or ``name`` inside it) where it is documented."""
    if node.get("refdomain") != "py":
        return None
    for name in _public_names(node["reftarget"], node.get("py:module")):
        found = env.domains["py"].resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], name, node, contnode
        )
        if found is not None:
            return found
    return None


# -- Type aliases with parameters -----------------------------------------------------------
# An alias of autodoc_type_aliases followed by parameters (``npt.NDArray[Any]``) fails to
# evaluate, and then autodoc gives up on the whole signature and shows every annotation as
# written (``Path`` rather than ``str | os.PathLike``). Let an alias take parameters.


def _alias_with_parameters(alias: TypeAliasForwardRef, item: object) -> TypeAliasForwardRef:
    items = item if isinstance(item, tuple) else (item,)
    names = ", ".join(
        i.name if isinstance(i, TypeAliasForwardRef) else stringify_annotation(i, "fully-qualified")
        for i in items
    )
    return TypeAliasForwardRef(f"{alias.name}[{names}]")


TypeAliasForwardRef.__getitem__ = _alias_with_parameters  # type: ignore[attr-defined]


# -- Type aliases in unions -----------------------------------------------------------------
# Sphinx 9.0 writes an alias of autodoc_type_aliases that stands inside a union or a generic as
# ``TypeAliasForwardRef('numpy.typing.ArrayLike')`` instead of its name: write the name.

_ALIAS_REPR = re.compile(r"TypeAliasForwardRef\('([^']*)'\)")


def unwrap_type_aliases(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: dict[str, object],
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str | None, str | None]:
    """Replace ``TypeAliasForwardRef('X')`` by ``X`` in a signature and its return annotation."""
    return (
        signature and _ALIAS_REPR.sub(r"\1", signature),
        return_annotation and _ALIAS_REPR.sub(r"\1", return_annotation),
    )


# -- Type aliases in overloads ---------------------------------------------------------------
# Sphinx 9.0 evaluates the signatures of an overloaded function (tensorgrad.where) with
# autodoc_type_aliases as a plain namespace, where a dotted alias (``npt.ArrayLike``) never
# matches, so the alias shows as the union of numpy's private classes it stands for. Give the
# overloads the same namespace as every other signature, and write each alias by its name: as
# Sphinx does at the top of an annotation, and as unwrap_type_aliases (above) does inside
# unions and generics, which cannot help here (autodoc-process-signature only sees the first
# overload).

_evaluate_signature = _signatures.evaluate_signature


def _alias_names(annotation: Any) -> Any:
    """``annotation``, with each ``TypeAliasForwardRef('X')`` in it written ``X``."""
    if isinstance(annotation, TypeAliasForwardRef):
        return annotation.name
    if annotation is inspect.Parameter.empty or isinstance(annotation, str):
        return annotation
    text = stringify_annotation(annotation, "fully-qualified-except-typing")
    return _ALIAS_REPR.sub(r"\1", text) if _ALIAS_REPR.search(text) else annotation


def _evaluate_overload(
    sig: inspect.Signature,
    globalns: dict[str, Any] | None = None,
    localns: Mapping[str, Any] | None = None,
) -> inspect.Signature:
    if localns is not None and not isinstance(localns, TypeAliasNamespace):
        localns = TypeAliasNamespace(localns)
    sig = _evaluate_signature(sig, globalns, localns)
    parameters = [p.replace(annotation=_alias_names(p.annotation)) for p in sig.parameters.values()]
    return sig.replace(parameters=parameters, return_annotation=_alias_names(sig.return_annotation))


_signatures.evaluate_signature = _evaluate_overload


# -- A method that is an operation ------------------------------------------------------------
# Value's named methods (``x.exp()``, ``x.sum()``...) hand over to an operation of tensorgrad.ops
# and share its docstring, which the API page shows once, with the operation. The method shows
# the summary line and a link.


def _operations() -> dict[str, str]:
    """The docstring of each operation of tensorgrad.ops, and the operation's full name."""
    import importlib

    import tensorgrad.ops

    found = {}
    for family in tensorgrad.ops.__all__:
        module = importlib.import_module(f"tensorgrad.ops.{family}")
        for name in module.__all__:
            doc = getattr(module, name).__doc__
            if doc:
                found[doc] = f"{module.__name__}.{name}"
    return found


def link_method_to_operation(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Show a method whose docstring is an operation's as its summary line and a link."""
    if what != "method" or not name.startswith("tensorgrad."):
        return
    operation = _operations().get(getattr(obj, "__doc__", None) or "")
    if operation is not None and lines:
        lines[:] = [lines[0], "", f"The operation :func:`{operation}`, with the details."]


def setup(app: Sphinx) -> None:
    app.connect("autodoc-process-docstring", link_method_to_operation, priority=300)
    app.connect("missing-reference", resolve_reexported)
    app.connect("autodoc-process-signature", unwrap_type_aliases)
