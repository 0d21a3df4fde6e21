"""kobold_lib.figures.policy: forest layouts checked against explicit walks, and drawings."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kobold_lib as kl  # noqa: E402
from kobold_lib import draw_policy_forest, forest_layout  # noqa: E402


def walk(policy, x):
    """States visited from x to its absorbing state, by following the flips one by one."""
    path = [x]
    while policy[path[-1]] != 0:
        path.append(path[-1] ^ (1 << (int(policy[path[-1]]) - 1)))
    return path


def random_forest(n, rng):
    """A random forest policy: stops at random states, every other state flips a spin that
    leads to a state with a smaller random rank (so no cycles)."""
    size = 1 << n
    rank = rng.permutation(size)
    policy = np.zeros(size, dtype=np.int64)
    for x in range(size):
        lower = [k for k in range(n) if rank[x ^ (1 << k)] < rank[x]]
        if lower and rng.random() > 0.15:
            policy[x] = int(rng.choice(lower)) + 1
    return policy


POLICIES = [random_forest(n, np.random.default_rng(seed)) for seed, n in enumerate([1, 2, 3, 4, 5, 6, 7, 8])]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: f"N={p.size.bit_length() - 1}")
def test_layout_heights_are_depths_and_trees_do_not_overlap(policy):
    pos = forest_layout(policy)
    assert sorted(pos) == list(range(policy.size))
    roots = {x: walk(policy, x)[-1] for x in range(policy.size)}
    for x, (px, py) in pos.items():
        assert py == len(walk(policy, x)) - 1  # depth by brute force
    # parents sit between their first and last child; each depth row has distinct x
    children = {}
    for x in range(policy.size):
        if policy[x] != 0:
            children.setdefault(x ^ (1 << (int(policy[x]) - 1)), []).append(x)
    for parent, kids in children.items():
        xs = [pos[k][0] for k in kids]
        assert min(xs) <= pos[parent][0] <= max(xs)
        assert pos[parent][0] == pytest.approx(0.5 * (pos[min(kids)][0] + pos[max(kids)][0]))
    for depth in {py for _, py in pos.values()}:
        row = [px for px, py in pos.values() if py == depth]
        assert len(set(row)) == len(row)
    # the trees occupy disjoint x intervals, ordered by their roots
    spans = {}
    for x, (px, _) in pos.items():
        lo, hi = spans.get(roots[x], (np.inf, -np.inf))
        spans[roots[x]] = (min(lo, px), max(hi, px))
    ordered = [spans[r] for r in sorted(spans)]
    for (_, hi), (lo, _) in zip(ordered, ordered[1:]):
        assert hi < lo


def test_layout_of_selected_roots_is_their_basins():
    model = kl.spin_glass(7, 4)
    policy = np.asarray(kl.solve(model, 1.0, 0.3).policy, dtype=np.int64)
    stops = kl.absorbing_states(policy)
    assert stops.size >= 2
    chosen = [int(stops[-1])]
    pos = forest_layout(policy, roots=chosen)
    basin = {x for x in range(policy.size) if walk(policy, x)[-1] == chosen[0]}
    assert set(pos) == basin
    assert pos[chosen[0]][1] == 0


def test_a_chain_is_laid_out_vertically():
    # 0 -> 1 -> 3 (flip spin 0, then spin 1), 3 stops; 2 -> 3 (flip spin 0)
    policy = np.array([1, 2, 1, 0])
    pos = forest_layout(policy)
    assert pos[3] == (0.5, 0.0)
    assert pos[1] == (0.0, 1.0) and pos[0] == (0.0, 2.0) and pos[2] == (1.0, 1.0)


def test_layout_rejects_bad_inputs():
    with pytest.raises(ValueError, match="forest"):
        forest_layout(np.array([1, 1, 0, 0]))  # 0 <-> 1 forever
    with pytest.raises(ValueError, match="roots must be absorbing"):
        forest_layout(np.array([1, 2, 1, 0]), roots=[1])
    with pytest.raises(ValueError, match="roots"):
        forest_layout(np.array([1, 2, 1, 0]), roots=[7])
    with pytest.raises(TypeError, match="integers"):
        forest_layout(np.zeros(4))
    with pytest.raises(ValueError, match="gap"):
        forest_layout(np.array([1, 2, 1, 0]), gap=-1)
    with pytest.raises(ValueError, match="MAX_DRAWN_STATES"):
        forest_layout(np.zeros(1 << 13, dtype=np.int64))


def collection(ax, label):
    found = [c for c in ax.collections if c.get_label() == label]
    return found[0] if found else None


def test_drawing_marks_ground_states_and_early_stops():
    model = kl.spin_glass(5, 3)
    policy = np.asarray(kl.solve(model, 1.0, 0.5).policy, dtype=np.int64)
    energy = kl.energy_of_spins(model, kl.spins_of_state(np.arange(32), 5))
    stops = kl.absorbing_states(policy)
    ground = stops[np.isclose(energy[stops], energy.min())]
    early = stops[~np.isclose(energy[stops], energy.min())]
    assert ground.size >= 1 and early.size >= 1  # this model stops early at gamma = 0.5
    ax = draw_policy_forest(policy, model)
    try:
        assert len(collection(ax, "ground state").get_offsets()) == ground.size
        assert len(collection(ax, "early stop").get_offsets()) == early.size
        assert len(collection(ax, "other states").get_offsets()) == 32 - stops.size
        # 32 - stops edges, small enough to be labelled with the flipped spin
        texts = sorted(t.get_text() for t in ax.texts if t.get_text().isdigit())
        expected = sorted(str(int(policy[x]) - 1) for x in range(32) if policy[x] != 0)
        assert texts == expected
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "early stop" in legend and "ground state" in legend
        assert f"{ground.size} ground states, {early.size} early stops" in ax.get_title()
        assert "depth" in ax.get_ylabel()
    finally:
        plt.close("all")


def test_drawing_without_model_and_selected_roots():
    policy = np.array([1, 2, 1, 0])
    fig, ax = plt.subplots()
    try:
        out = draw_policy_forest(policy, ax=ax, node_labels=True, title="chain")
        assert out is ax and ax.get_title() == "chain"
        assert len(collection(ax, "absorbing state").get_offsets()) == 1
        assert {t.get_text() for t in ax.texts} >= {"0", "1", "2", "3"}
    finally:
        plt.close(fig)
    model = kl.ring(6)
    policy = np.asarray(kl.solve(model, 1.0, 0.9).policy, dtype=np.int64)
    root = int(kl.absorbing_states(policy)[0])
    ax = draw_policy_forest(policy, model, roots=root, edge_labels=False)
    try:
        assert len(collection(ax, "ground state").get_offsets()) == 1
        assert not [t for t in ax.texts if t.get_text().isdigit()]
    finally:
        plt.close("all")


def test_drawing_rejects_bad_inputs():
    with pytest.raises(ValueError, match="N = 3 spins"):
        draw_policy_forest(np.array([1, 2, 1, 0]), kl.ring(3))
    with pytest.raises(TypeError, match="model"):
        draw_policy_forest(np.array([1, 2, 1, 0]), "ring")
    with pytest.raises(ValueError, match="forest"):
        draw_policy_forest(np.array([1, 1, 0, 0]))
    plt.close("all")
