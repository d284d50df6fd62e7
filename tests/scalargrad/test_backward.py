"""backward(): ordering, reuse, accumulation, very deep graphs, and the seed example."""

import math
import subprocess
import sys
import textwrap

import pytest

from scalargrad import Value

SEED_EXAMPLE = textwrap.dedent(
    """
    from scalargrad import Value

    # Define expression: y = tanh(a*b + c)
    a = Value(2.0)
    b = Value(-3.0)
    c = Value(10.0)

    d = a * b
    e = d + c
    y = e.tanh()

    # Compute gradients for all nodes
    y.backward()

    # Print values and their gradients
    print(f'{a=}')
    print(f'{b=}')
    print(f'{c=}')
    print(f'{y=}')
    """
)


def test_seed_example_prints_the_exact_gradients() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SEED_EXAMPLE], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [
        "a=Value(data=2.0, grad=-0.0040228520490775965)",
        "b=Value(data=-3.0, grad=0.002681901366051731)",
        "c=Value(data=10.0, grad=0.0013409506830258655)",
        "y=Value(data=0.999329299739067, grad=1.0)",
    ]
    # The same numbers from the chain rule by hand: dy/de = 1 - tanh(e)**2, e = a*b + c.
    dy_de = 1.0 - math.tanh(4.0) ** 2
    assert pytest.approx(-3.0 * dy_de, rel=1e-15) == -0.0040228520490775965
    assert pytest.approx(2.0 * dy_de, rel=1e-15) == 0.002681901366051731


def test_intermediate_nodes_get_their_gradients() -> None:
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    d = a * b
    e = d + c
    y = e.tanh()
    y.backward()
    assert y.grad == 1.0
    assert e.grad == d.grad == c.grad == pytest.approx(1.0 - math.tanh(4.0) ** 2)


def test_a_node_used_twice_gets_the_summed_gradient() -> None:
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0

    x = Value(3.0)
    b = x + x
    c = b + b
    c.backward()
    assert x.grad == 4.0
    assert b.grad == 2.0


def test_diamond_graph_processes_each_node_once() -> None:
    x = Value(2.0)
    u = x * 3.0
    v = u.exp()
    w = u.tanh()
    y = v * w + u
    y.backward()
    du = math.exp(6.0) * math.tanh(6.0) + math.exp(6.0) * (1 - math.tanh(6.0) ** 2) + 1.0
    assert u.grad == pytest.approx(du)
    assert x.grad == pytest.approx(3.0 * du)


def test_backward_again_accumulates_in_every_node() -> None:
    a, b = Value(2.0), Value(-3.0)
    d = a * b
    y = d.tanh()
    y.backward()
    first = [a.grad, b.grad, d.grad, y.grad]
    y.backward()
    assert [a.grad, b.grad, d.grad, y.grad] == pytest.approx([2 * g for g in first])


def test_zeroing_grads_between_calls_gives_fresh_gradients() -> None:
    x = Value(1.5)
    y = x * x * x
    y.backward()
    x.grad = 0.0
    y.backward()
    assert x.grad == pytest.approx(3 * 1.5**2)


def test_backward_of_a_leaf_seeds_one() -> None:
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0


def test_a_million_node_chain_needs_no_recursion() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    y.backward()
    assert x.grad == pytest.approx(1.0000001**1_000_000, rel=1e-9)
    assert y.data == pytest.approx(x.grad, rel=1e-9)


def test_a_wide_graph_sums_every_path() -> None:
    x = Value(0.5)
    total = sum((x * float(i) for i in range(1000)), Value(0.0))
    total.backward()
    assert x.grad == pytest.approx(sum(range(1000)))


def test_a_deep_graph_of_diamonds() -> None:
    # Every node is used twice by the next one: the walk meets each node along two paths
    # and must still process it once, after both users.
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = (y + y) * 0.5
    y.backward()
    assert x.grad == 1.0
