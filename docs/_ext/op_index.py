"""The ``op-index`` directive: a table of every tensorgrad op, made from the code at build time.

For each module named in ``tensorgrad.ops.__all__`` and each op in that module's ``__all__``,
the directive runs the op on small sample Values (:data:`SAMPLES`) and reads what the code
says about it:

* its derivative: the first paragraph of the docstring of the backward its node records;
* its tie rule: the paragraph of that docstring that starts with ``Ties:``, if any;
* what its node keeps: ``grad_fn.saved`` holds one entry per operand first (the array, a
  ``Like`` when the backward reads only its shape and dtype, or None), then parameters such
  as an axis;
  ``grad_fn.out`` is the result's array, if the node keeps it.

An op in an ``__all__`` without a sample call (or a sample call for an op that no longer
exists) stops the build, so that the page cannot fall behind the code.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from typing import Any

import numpy as np
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective


class Operands:
    """Makes the sample Values of one call, and remembers the name of each."""

    def __init__(self) -> None:
        self.named: list[tuple[str, Any]] = []
        self._rng = np.random.default_rng(0)

    def __call__(self, name: str, *shape: int) -> Any:
        from tensorgrad import Value

        # Positive and distinct: log, sqrt and ** are defined, and no two elements tie.
        value = Value(self._rng.uniform(0.5, 2.0, size=shape))
        self.named.append((name, value))
        return value


Call = Callable[[Any, Operands], Any]
"""``call(op, v)``: runs ``op`` on Values made with ``v("name", *shape)``."""

SAMPLES: dict[str, dict[str, Call]] = {
    # One call per op; several when what the node keeps depends on the operands (the label
    # says which case the call shows).
    "arithmetic.add": {
        "same shapes": lambda op, v: op(v("a", 2, 3), v("b", 2, 3)),
        "b broadcast": lambda op, v: op(v("a", 2, 3), v("b", 3)),
    },
    "arithmetic.sub": {
        "same shapes": lambda op, v: op(v("a", 2, 3), v("b", 2, 3)),
        "b broadcast": lambda op, v: op(v("a", 2, 3), v("b", 3)),
    },
    "arithmetic.mul": {"": lambda op, v: op(v("a", 2, 3), v("b", 2, 3))},
    "arithmetic.div": {"": lambda op, v: op(v("a", 2, 3), v("b", 2, 3))},
    "arithmetic.pow": {"": lambda op, v: op(v("a", 2, 3), v("b", 2, 3))},
    "arithmetic.neg": {"": lambda op, v: op(v("x", 2, 3))},
    "arithmetic.maximum": {"": lambda op, v: op(v("a", 2, 3), v("b", 2, 3))},
    "arithmetic.minimum": {"": lambda op, v: op(v("a", 2, 3), v("b", 2, 3))},
    "arithmetic.floor_divide": {"": lambda op, v: op(v("a", 2, 3), v("b", 2, 3))},
    "arithmetic.remainder": {"": lambda op, v: op(v("a", 2, 3), v("b", 2, 3))},
    "arithmetic.fmod": {"": lambda op, v: op(v("a", 2, 3), v("b", 2, 3))},
    "arithmetic.lerp": {"": lambda op, v: op(v("input", 2, 3), v("end", 2, 3), v("weight", 3))},
    "unary.abs": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.astype": {"": lambda op, v: op(v("x", 2, 3), np.float32)},
    "unary.clip": {"": lambda op, v: op(v("x", 2, 3), 0.8, 1.5)},
    "unary.exp": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.log": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.relu": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.sigmoid": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.sqrt": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.tanh": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.ceil": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.cos": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.erf": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.exp2": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.expm1": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.floor": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.log1p": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.log2": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.reciprocal": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.rsqrt": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.sign": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.sin": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.square": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.tan": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.trunc": {"": lambda op, v: op(v("x", 2, 3))},
    "unary.round": {"": lambda op, v: op(v("x", 2, 3), decimals=1)},
    "unary.clamp": {
        "number bounds": lambda op, v: op(v("x", 2, 3), 0.8, 1.5),
        "Value bounds": lambda op, v: op(v("x", 2, 3), v("min", 3), v("max", 2, 1)),
    },
    "reduce.argmax": {"": lambda op, v: op(v("x", 2, 3), axis=1)},
    "reduce.max": {"": lambda op, v: op(v("x", 2, 3), axis=1)},
    "reduce.mean": {"": lambda op, v: op(v("x", 2, 3), axis=1)},
    "reduce.min": {"": lambda op, v: op(v("x", 2, 3), axis=1)},
    "reduce.sum": {"": lambda op, v: op(v("x", 2, 3), axis=1)},
    "reduce.all": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.any": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.amax": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.amin": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.argmin": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.cumsum": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.cumprod": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.prod": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.norm": {"": lambda op, v: op(v("x", 2, 3), 2, dim=1)},
    "reduce.var": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "reduce.std": {"": lambda op, v: op(v("x", 2, 3), dim=1)},
    "linalg.linear": {"": lambda op, v: op(v("x", 4, 3), v("weight", 2, 3), v("bias", 2))},
    "linalg.matmul": {"": lambda op, v: op(v("a", 2, 3), v("b", 3, 4))},
    "linalg.outer": {"": lambda op, v: op(v("a", 2), v("b", 3))},
    "normalization.layer_norm": {
        "": lambda op, v: op(v("x", 2, 3), (3,), v("weight", 3), v("bias", 3)),
    },
    "normalization.batch_norm": {
        "training": lambda op, v: op(
            v("x", 4, 3), np.zeros(3), np.ones(3), v("weight", 3), v("bias", 3), training=True
        ),
        "not training": lambda op, v: op(
            v("x", 4, 3), np.zeros(3), np.ones(3), v("weight", 3), v("bias", 3)
        ),
    },
    "normalization.group_norm": {
        "": lambda op, v: op(v("x", 2, 4, 3), 2, v("weight", 4), v("bias", 4)),
    },
    "attention.attention_weights": {
        "": lambda op, v: op(v("query", 2, 3, 4), v("key", 2, 5, 4), is_causal=True),
    },
    "attention.scaled_dot_product_attention": {
        "": lambda op, v: op(v("query", 2, 3, 4), v("key", 2, 5, 4), v("value", 2, 5, 6)),
        "causal, dropout": lambda op, v: op(
            v("query", 2, 3, 4),
            v("key", 2, 5, 4),
            v("value", 2, 5, 6),
            dropout_p=0.1,
            is_causal=True,
            generator=np.random.default_rng(0),
        ),
    },
    "convolution.conv2d": {
        "": lambda op, v: op(v("x", 2, 3, 5, 5), v("weight", 4, 3, 3, 3), v("bias", 4), padding=1),
    },
    "convolution.conv1d": {"": lambda op, v: op(v("x", 2, 3, 8), v("weight", 4, 3, 3))},
    "convolution.conv_transpose2d": {
        "": lambda op, v: op(v("x", 2, 4, 3, 3), v("weight", 4, 3, 2, 2), stride=2),
    },
    "convolution.conv_transpose1d": {
        "": lambda op, v: op(v("x", 2, 4, 5), v("weight", 4, 3, 2), stride=2),
    },
    "convolution.unfold": {"": lambda op, v: op(v("x", 2, 3, 4, 4), 2)},
    "convolution.fold": {"": lambda op, v: op(v("cols", 2, 12, 9), (4, 4), 2)},
    "pooling.max_pool2d": {"": lambda op, v: op(v("x", 2, 3, 4, 4), 2)},
    "pooling.avg_pool2d": {"": lambda op, v: op(v("x", 2, 3, 4, 4), 3, stride=1, padding=1)},
    "pooling.adaptive_avg_pool2d": {
        "divisible": lambda op, v: op(v("x", 2, 3, 4, 4), 2),
        "not divisible": lambda op, v: op(v("x", 2, 3, 5, 5), 2),
    },
    "pooling.max_pool1d": {"": lambda op, v: op(v("x", 2, 3, 8), 3, stride=2)},
    "pooling.avg_pool1d": {"": lambda op, v: op(v("x", 2, 3, 8), 2)},
    "pooling.adaptive_avg_pool1d": {"": lambda op, v: op(v("x", 2, 3, 8), 3)},
    "embedding.embedding": {
        "": lambda op, v: op(np.array([[1, 3, 1], [0, 2, 3]]), v("weight", 4, 2)),
        "padding_idx": lambda op, v: op(np.array([[1, 3, 1], [0, 2, 3]]), v("weight", 4, 2), 0),
    },
    "linalg.einsum": {"": lambda op, v: op("bij,bjk->bik", v("a", 2, 2, 3), v("b", 2, 3, 4))},
    "shape.broadcast_to": {"": lambda op, v: op(v("x", 3), (2, 3))},
    "shape.concatenate": {"": lambda op, v: op([v("a", 2, 3), v("b", 1, 3)], axis=0)},
    "shape.flatten": {"": lambda op, v: op(v("x", 2, 3))},
    "shape.permute": {"": lambda op, v: op(v("x", 2, 3, 4), (2, 0, 1))},
    "shape.reshape": {"": lambda op, v: op(v("x", 2, 3), 3, 2)},
    "shape.squeeze": {"": lambda op, v: op(v("x", 1, 3))},
    "shape.stack": {"": lambda op, v: op([v("a", 2, 3), v("b", 2, 3)], axis=0)},
    "shape.swapaxes": {"": lambda op, v: op(v("x", 2, 3), 0, 1)},
    "shape.transpose": {"": lambda op, v: op(v("x", 2, 3))},
    "shape.unsqueeze": {"": lambda op, v: op(v("x", 2, 3), 0)},
    "shape.pad": {
        "constant": lambda op, v: op(v("x", 2, 3), (1, 1), value=0.5),
        "reflect": lambda op, v: op(v("x", 2, 3), (2, 1), mode="reflect"),
    },
    "shape.flip": {"": lambda op, v: op(v("x", 2, 3), (0, 1))},
    "shape.roll": {"": lambda op, v: op(v("x", 2, 3), 1, 1)},
    "shape.repeat": {"": lambda op, v: op(v("x", 2, 3), 2, 1)},
    "shape.tile": {"": lambda op, v: op(v("x", 2, 3), 2)},
    "shape.repeat_interleave": {
        "one count": lambda op, v: op(v("x", 2, 3), 2, 1),
        "a count per element": lambda op, v: op(v("x", 2, 3), np.array([1, 0, 2]), 1),
    },
    "shape.split": {"a piece": lambda op, v: op(v("x", 4, 3), 2)[0]},
    "shape.chunk": {"a piece": lambda op, v: op(v("x", 4, 3), 2)[1]},
    "shape.unbind": {"a piece": lambda op, v: op(v("x", 2, 3))[0]},
    "index.getitem": {"": lambda op, v: op(v("x", 3), [0, 0, 2])},
    "select.compare": {"": lambda op, v: op(np.greater, ">", v("a", 2, 3), v("b", 2, 3))},
    "select.where": {"": lambda op, v: op(np.array([True, False, True]), v("a", 2, 3), v("b", 3))},
    "select.tril": {"": lambda op, v: op(v("x", 3, 3))},
    "select.triu": {"": lambda op, v: op(v("x", 3, 3), 1)},
    "index.gather": {"": lambda op, v: op(v("x", 2, 3), 1, np.array([[0, 0], [2, 1]]))},
    "index.take_along_axis": {"": lambda op, v: op(v("x", 2, 3), np.array([[-1], [0]]), 1)},
    "index.index_select": {"": lambda op, v: op(v("x", 2, 3), 1, np.array([2, 0, 2]))},
    "index.scatter_add": {
        "": lambda op, v: op(v("x", 2, 3), 0, np.array([[1, 0, 1]]), v("src", 1, 3))
    },
    "index.scatter": {
        "src a Value": lambda op, v: op(v("x", 2, 3), 0, np.array([[1, 0, 1]]), v("src", 1, 3)),
        "src a number": lambda op, v: op(v("x", 2, 3), 0, np.array([[1, 0, 1]]), 0.0),
    },
    "index.masked_fill": {
        "value a number": lambda op, v: op(v("x", 2, 3), np.array([True, False, True]), 0.0),
        "value a Value": lambda op, v: op(v("x", 2, 3), np.array([True, False, True]), v("v")),
    },
    "activation.leaky_relu": {"": lambda op, v: op(v("x", 2, 3), 0.1)},
    "activation.gelu": {
        "exact": lambda op, v: op(v("x", 2, 3)),
        "tanh": lambda op, v: op(v("x", 2, 3), approximate="tanh"),
    },
    "activation.elu": {"": lambda op, v: op(v("x", 2, 3), 0.5)},
    "activation.selu": {"": lambda op, v: op(v("x", 2, 3))},
    "activation.silu": {"": lambda op, v: op(v("x", 2, 3))},
    "activation.softplus": {"": lambda op, v: op(v("x", 2, 3), 2.0, 10.0)},
    "activation.hardtanh": {"": lambda op, v: op(v("x", 2, 3), -1.0, 1.0)},
    "activation.relu6": {"": lambda op, v: op(v("x", 2, 3))},
    "activation.mish": {"": lambda op, v: op(v("x", 2, 3))},
    "activation.logsigmoid": {"": lambda op, v: op(v("x", 2, 3))},
    "activation.softsign": {"": lambda op, v: op(v("x", 2, 3))},
    "softmax.log_softmax": {"": lambda op, v: op(v("x", 2, 3))},
    "softmax.logsumexp": {"": lambda op, v: op(v("x", 2, 3))},
    "softmax.softmax": {"": lambda op, v: op(v("x", 2, 3))},
}


# -- what the code says about one op -------------------------------------------------------------


class Facts:
    """What running an op once shows: its node's formula, and what the node keeps."""

    def __init__(self, result: Any, operands: Operands) -> None:
        from tensorgrad import Value
        from tensorgrad.node import Node
        from tensorgrad.record import Like

        self.graph = isinstance(result, Value) and result.grad_fn is not None
        if not self.graph:
            kind = np.asarray(result).dtype.name
            self.no_graph = f"no gradient: returns a numpy array of {kind}, outside the graph"
            return
        node = result.grad_fn
        self.recorded_as = node.op
        self.backward = node.backward
        names = {id(_node_of(value)): name for name, value in operands.named}
        operand_count = len(node.prev)
        kept = []
        for i, (prev, saved) in enumerate(zip(node.prev, node.saved)):
            name = names.get(id(prev), f"operand {i}")
            if isinstance(saved, np.ndarray):
                kept.append(name)
            elif isinstance(saved, (Like, Node)):  # only the shape and dtype (a node has them)
                kept.append(f"the shape of {name}")
        self.kept_operands = kept
        self.kept_output = node.out is not None
        self.parameters = [_describe(p) for p in node.saved[operand_count:]]

    def keeps(self) -> str:
        parts = [", ".join(self.kept_operands)] if self.kept_operands else []
        if self.kept_output:
            parts.append("the result")
        return " and ".join(parts) if parts else "nothing"


def _node_of(value: Any) -> Any:
    from tensorgrad.record import node_of

    return node_of(value)


def _describe(parameter: Any) -> str:
    """A short description of a saved parameter (an axis, a mask, an index...)."""
    if isinstance(parameter, np.ndarray):
        return f"{parameter.dtype.name} array {parameter.shape}"
    if isinstance(parameter, type):
        return parameter.__name__
    text = repr(parameter)
    return text if len(text) <= 24 else f"a {type(parameter).__name__}"


def _paragraphs(function: Callable[..., Any]) -> list[str]:
    doc = inspect.getdoc(function)
    if not doc:
        raise ExtensionError(f"op-index: {function.__qualname__} has no docstring")
    return [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]


def derivative_and_ties(backward: Callable[..., Any]) -> tuple[str, str | None]:
    """The first paragraph of a backward's docstring, and its ``Ties:`` paragraph (or None)."""
    paragraphs = _paragraphs(backward)
    ties = next((p for p in paragraphs[1:] if p.startswith("Ties:")), None)
    return paragraphs[0], ties.removeprefix("Ties:").strip() if ties else None


# -- the directive -----------------------------------------------------------------------------


class OpIndex(SphinxDirective):
    """``op-index``: one section per module of ``tensorgrad.ops``, one table row per op."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        import tensorgrad.ops

        missing = []
        used = set()
        sections: list[nodes.Node] = []
        for module_name in tensorgrad.ops.__all__:
            module = importlib.import_module(f"tensorgrad.ops.{module_name}")
            if module.__file__:
                self.env.note_dependency(module.__file__)
            rows = []
            for name in module.__all__:
                key = f"{module_name}.{name}"
                if key not in SAMPLES:
                    missing.append(key)
                    continue
                used.add(key)
                rows.append(self._row(module, name, SAMPLES[key]))
            sections.append(self._section(module, rows))
        if missing:
            raise ExtensionError(
                f"op-index: no sample call for {', '.join(missing)}: add one to SAMPLES in "
                f"{__file__}, so that the op index lists every op"
            )
        stale = sorted(set(SAMPLES) - used)
        if stale:
            raise ExtensionError(
                f"op-index: sample calls for ops that are in no __all__ of tensorgrad.ops: "
                f"{', '.join(stale)} (remove them from SAMPLES in {__file__})"
            )
        return sections

    def _row(self, module: Any, name: str, calls: dict[str, Call]) -> nodes.row:
        op = getattr(module, name)
        facts = {}
        for label, call in calls.items():
            operands = Operands()
            try:
                result = call(op, operands)
            except Exception as error:
                raise ExtensionError(
                    f"op-index: the sample call of {module.__name__}.{name} failed: {error!r}"
                ) from error
            facts[label] = Facts(result, operands)
        first = next(iter(facts.values()))

        op_cell = [nodes.paragraph("", "", self._xref(f"{module.__name__}.{name}", name))]
        if not first.graph:
            return _table_row(
                op_cell, [nodes.paragraph(text=first.no_graph)], [nodes.paragraph(text="no node")]
            )
        if first.recorded_as != name:
            note = nodes.paragraph("", "records ")
            note += nodes.literal(text=first.recorded_as)
            op_cell.append(note)

        derivative, ties = derivative_and_ties(first.backward)
        formula = [nodes.paragraph("", "", nodes.literal(text=derivative))]
        if ties:
            rule = nodes.paragraph()
            rule += nodes.strong(text="Ties: ")
            rule += nodes.Text(ties)
            formula.append(rule)

        keeps = []
        for label, fact in facts.items():
            paragraph = nodes.paragraph()
            if label:
                paragraph += nodes.emphasis(text=f"{label}: ")
            paragraph += nodes.Text(fact.keeps())
            if fact.parameters:
                paragraph += nodes.Text(
                    "; parameters " if len(fact.parameters) > 1 else "; parameter "
                )
                for k, parameter in enumerate(fact.parameters):
                    if k:
                        paragraph += nodes.Text(", ")
                    paragraph += nodes.literal(text=parameter)
            keeps.append(paragraph)
        return _table_row(op_cell, formula, keeps)

    def _section(self, module: Any, rows: list[nodes.row]) -> nodes.section:
        title = module.__name__
        section = nodes.section(ids=[nodes.make_id(f"op-index-{title}")], names=[title])
        heading = nodes.title()
        heading += nodes.literal(text=title)
        section += heading
        intro = self._inline_rst(_paragraphs(module)[0], module.__name__)
        intro += nodes.Text(" (")
        intro += self._xref(title, "in the API reference", role="mod", literal=False)
        intro += nodes.Text(")")
        section += intro
        section += _table(rows)
        self.state.document.note_implicit_target(section, section)
        return section

    def _xref(
        self,
        target: str,
        text: str,
        role: str = "func",
        literal: bool = True,
        module: str | None = None,
    ) -> addnodes.pending_xref:
        content = nodes.literal(text=text) if literal else nodes.inline(text=text)
        content["classes"] += ["xref", "py", f"py-{role}"]
        xref = addnodes.pending_xref(
            "",
            content,
            refdomain="py",
            reftype=role,
            reftarget=target,
            refexplicit=True,
            refwarn=True,
            refdoc=self.env.docname,
        )
        xref["py:module"] = module
        return xref

    def _inline_rst(self, text: str, module: str) -> nodes.paragraph:
        """A paragraph of a docstring, with its ``literals`` and :role:`references`."""
        paragraph = nodes.paragraph()
        for k, part in enumerate(_INLINE.split(text)):
            if k % 2 == 0:
                paragraph += nodes.Text(part)
            elif part.startswith("``"):
                paragraph += nodes.literal(text=part[2:-2])
            else:
                role, target = _ROLE.fullmatch(part).groups()  # type: ignore[union-attr]
                shown = target.lstrip("~").rsplit(".", 1)[-1] if "~" in target else target
                target = target.lstrip("~")
                if role == "func":
                    shown += "()"
                paragraph += self._xref(target, shown, role=role, module=module)
        return paragraph


_INLINE = re.compile(r"(``[^`]+``|:[a-z]+:`[^`]+`)")
"""A ``literal`` or a :role:`target` in a docstring."""
_ROLE = re.compile(r":([a-z]+):`([^`]+)`")


def _table_row(*cells: list[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for content in cells:
        entry = nodes.entry()
        entry += content
        row += entry
    return row


HEADERS = ("Op", "Derivative", "Its node keeps")
WIDTHS = (22, 50, 28)  # percent of the page's width, the same for every module's table


def _table(rows: list[nodes.row]) -> nodes.table:
    table = nodes.table(classes=["op-index", "colwidths-given"], width="100%")
    group = nodes.tgroup(cols=len(HEADERS))
    table += group
    for width in WIDTHS:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += _table_row(*([nodes.paragraph(text=h)] for h in HEADERS))
    group += head
    body = nodes.tbody()
    body += rows
    group += body
    return table


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("op-index", OpIndex)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
