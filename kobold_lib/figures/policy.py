"""Drawings of policy forests: where the kobold sends every state of a small model.

An optimal policy's graph is a forest (see :mod:`kobold_lib.policy`): every state has one
successor, and following successors ends in a stopping (absorbing) state, the root of
its tree. These functions lay such a forest out deterministically and draw it:

- :func:`forest_layout`: a position for every state, the height being the state's depth
  (accepted flips to its absorbing state) and the trees side by side, each parent centred
  above the span of its children (a "tidy" tree layout, computed here, no randomness).
- :func:`draw_policy_forest`: the drawing itself, with networkx on a matplotlib axes:
  edges coloured (and, for small drawings, labelled) by the flipped spin, uphill flips
  dashed, and the roots marked as ground states or early stops.

The chapter *The policy matrix: projector or not?* uses them for its forest figures and
its widget (the static figure above the widget is :func:`draw_policy_forest` at default
values).

Public names
------------
forest_layout, draw_policy_forest, MAX_DRAWN_STATES.
"""

from __future__ import annotations

import numpy as np

from .._validate import check_policy
from ..ising import IsingModel, energies
from ..policy import chosen_flip_energy_changes, policy_roots, successors, tree_depth

__all__ = ["forest_layout", "draw_policy_forest", "MAX_DRAWN_STATES"]

#: Most states :func:`forest_layout` and :func:`draw_policy_forest` place in one drawing
#: (pass ``roots`` to draw a few trees of a larger model).
MAX_DRAWN_STATES = 4096


def _forest_arrays(policy):
    """Checked policy, N, successors and depths; a ValueError unless it is a forest."""
    policy, n = check_policy(policy, dtype=np.int64)
    succ = successors(policy)
    depth = tree_depth(policy)
    if np.any(depth < 0):
        cyc = np.flatnonzero(depth < 0)
        raise ValueError(
            f"policy must be a forest (every state drains into a stopping state); "
            f"{cyc.size} states never stop, e.g. state {int(cyc[0])}"
        )
    return policy, n, succ, depth


def _selected_states(policy, succ, depth, roots):
    """Sorted roots to draw and the states of their trees."""
    root_of = policy_roots(policy)
    absorbing = np.flatnonzero(policy == 0)
    if roots is None:
        chosen = absorbing
    else:
        chosen = np.unique(np.atleast_1d(np.asarray(roots)))
        if chosen.size == 0:
            raise ValueError("roots must name at least one absorbing state, got an empty list")
        if not np.issubdtype(chosen.dtype, np.integer):
            raise TypeError(f"roots must be state indices (integers), got dtype {chosen.dtype}")
        for r in chosen:
            if not 0 <= r < policy.size:
                raise ValueError(f"roots must be states in [0, {policy.size}), got {int(r)}")
            if policy[r] != 0:
                raise ValueError(
                    f"roots must be absorbing states (action 0) of the policy; state {int(r)} "
                    f"has action {int(policy[r])}"
                )
        chosen = chosen.astype(np.int64)
    states = np.flatnonzero(np.isin(root_of, chosen))
    if states.size > MAX_DRAWN_STATES:
        raise ValueError(
            f"the selected trees hold {states.size} states, more than MAX_DRAWN_STATES = "
            f"{MAX_DRAWN_STATES}; pass roots= to draw fewer trees"
        )
    return chosen, states


def forest_layout(policy, roots=None, gap: float = 1.0) -> dict[int, tuple[float, float]]:
    """Deterministic positions for drawing a policy forest, one tree beside the next.

    Parameters
    ----------
    policy : (2**N,) int array
        A forest policy: 0 = stop, ``k + 1`` = attempt to flip spin ``k``; every state must
        drain into a stopping state (true of every optimal policy).
    roots : int or sequence of int, optional
        Absorbing states whose trees to lay out. Default: all of them.
    gap : float
        Empty horizontal slots between neighbouring trees (``>= 0``).

    Returns
    -------
    dict
        ``{state: (x, y)}`` for every state of the selected trees. ``y`` is the state's
        depth (accepted flips to its absorbing state: roots at ``y = 0``). Leaves (states
        no state flips into) take consecutive integer ``x`` slots in depth-first order,
        children in increasing state order; a parent sits at the midpoint of its first
        and last child. Trees are ordered by their root's index.

    Raises
    ------
    ValueError
        If the policy is not a forest, a root is not an absorbing state, ``gap`` is
        negative, or the trees hold more than :data:`MAX_DRAWN_STATES` states.
    """
    if isinstance(gap, bool) or not isinstance(gap, (int, float, np.integer, np.floating)):
        raise TypeError(f"gap must be a real number, got {type(gap).__name__}")
    if not (np.isfinite(gap) and gap >= 0):
        raise ValueError(f"gap must be a finite number >= 0, got {gap}")
    policy, _, succ, depth = _forest_arrays(policy)
    chosen, states = _selected_states(policy, succ, depth, roots)
    children: dict[int, list[int]] = {int(s): [] for s in states}
    for s in states:  # ascending, so each list of children is sorted
        t = int(succ[s])
        if t != s:
            children[t].append(int(s))
    pos: dict[int, tuple[float, float]] = {}
    cursor = 0.0
    for r in chosen:
        # iterative post-order walk: a node is placed after all of its children
        stack = [(int(r), False)]
        while stack:
            node, expanded = stack.pop()
            kids = children[node]
            if not kids:
                pos[node] = (cursor, float(depth[node]))
                cursor += 1.0
            elif expanded:
                x = 0.5 * (pos[kids[0]][0] + pos[kids[-1]][0])
                pos[node] = (x, float(depth[node]))
            else:
                stack.append((node, True))
                stack.extend((k, False) for k in reversed(kids))
        cursor += float(gap)
    return pos


def draw_policy_forest(
    policy,
    model: IsingModel | None = None,
    ax=None,
    *,
    roots=None,
    edge_labels: bool | None = None,
    node_labels: bool | None = None,
    title: str | None = None,
    ground_atol: float = 1e-9,
):
    """Draw the trees of a policy: depth upwards, each edge the flip the policy chooses.

    Parameters
    ----------
    policy : (2**N,) int array
        A forest policy (every optimal policy is one), e.g. ``solve(...).policy``.
    model : IsingModel, optional
        With a model, roots are marked as ground states (energy within ``ground_atol`` of
        the lowest energy of the model) or early stops, and uphill flips (``dE > 0``,
        the "wise" moves) are dashed.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure (10 x 4.5 inches) if omitted.
    roots : int or sequence of int, optional
        Draw only the trees of these absorbing states. Default: every tree.
    edge_labels : bool, optional
        Write the flipped spin on each edge. Default: when at most 64 edges are drawn.
    node_labels : bool, optional
        Write the state index beside each node. Default: when at most 24 states are drawn.
    title : str, optional
        Axes title. Default: the model's name and the number of trees and their depth.
    ground_atol : float
        Energy tolerance (energy units, relative to ``max(1, |E_min|)``) of "ground state".

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. Node collections carry the labels ``"ground state"``,
        ``"early stop"`` (or ``"absorbing state"`` without a model) and ``"other states"``.

    Raises
    ------
    ValueError
        If the policy is not a forest, a root is not absorbing, the model's size does not
        match the policy, or more than :data:`MAX_DRAWN_STATES` states would be drawn.
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    policy, n, succ, depth = _forest_arrays(policy)
    if model is not None:
        if not isinstance(model, IsingModel):
            raise TypeError(f"model must be an IsingModel or None, got {type(model).__name__}")
        if model.n != n:
            raise ValueError(f"policy has length 2**{n} but the model has N = {model.n} spins")
    if not (np.isfinite(ground_atol) and ground_atol >= 0):
        raise ValueError(f"ground_atol must be a finite number >= 0, got {ground_atol}")
    pos = forest_layout(policy, roots=roots)
    nodes = np.array(sorted(pos), dtype=np.int64)
    is_root = policy[nodes] == 0
    edges = [(int(x), int(succ[x])) for x in nodes[~is_root]]
    spins = {e: int(policy[e[0]]) - 1 for e in edges}

    graph = nx.DiGraph()
    graph.add_nodes_from(int(x) for x in nodes)
    graph.add_edges_from(edges)

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    many = len(nodes) > 150
    node_size = float(np.clip(6000.0 / len(nodes), 6.0, 160.0))
    root_size = max(3.0 * node_size, 60.0)

    # edges, coloured by the flipped spin; uphill flips dashed
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    colour_of = {k: cmap(k % cmap.N) for k in range(n)}
    uphill = set()
    if model is not None:
        dE = chosen_flip_energy_changes(model, policy)
        scale = max(1.0, float(np.abs(model.J).sum()) / 2 + float(np.abs(model.h).sum()))
        uphill = {e for e in edges if dE[e[0]] > 1e-12 * scale}
    level_or_down = [e for e in edges if e not in uphill]
    for style, group in (("solid", level_or_down), ("dashed", [e for e in edges if e in uphill])):
        if group:
            arrow_kwargs = {"arrows": False} if many else {"arrows": True, "arrowsize": 8}
            nx.draw_networkx_edges(
                graph,
                pos,
                edgelist=group,
                edge_color=[colour_of[spins[e]] for e in group],
                style=style,
                width=0.8 if many else 1.4,
                node_size=node_size,
                ax=ax,
                **arrow_kwargs,
            )

    # nodes: ordinary states, then roots by kind
    others = [int(x) for x in nodes[~is_root]]
    if others:
        nx.draw_networkx_nodes(
            graph, pos, nodelist=others, node_size=node_size, node_color="0.45", label="other states", ax=ax
        )
    root_nodes = [int(x) for x in nodes[is_root]]
    n_ground = n_early = 0
    if model is not None:
        energy = energies(model)
        e_min = float(energy.min())
        tol = ground_atol * max(1.0, abs(e_min))
        ground = [r for r in root_nodes if energy[r] <= e_min + tol]
        early = [r for r in root_nodes if energy[r] > e_min + tol]
        n_ground, n_early = len(ground), len(early)
        kinds = (("ground state", ground, "C2", "s"), ("early stop", early, "C3", "D"))
    else:
        kinds = (("absorbing state", root_nodes, "k", "s"),)
    for label, group, colour, marker in kinds:
        if group:
            nx.draw_networkx_nodes(
                graph,
                pos,
                nodelist=group,
                node_size=root_size,
                node_color=colour,
                node_shape=marker,
                edgecolors="k",
                linewidths=0.8,
                label=label,
                ax=ax,
            )

    if edge_labels if edge_labels is not None else len(edges) <= 64:
        nx.draw_networkx_edge_labels(
            graph,
            pos,
            edge_labels={e: str(spins[e]) for e in edges},
            font_size=7,
            rotate=False,
            label_pos=0.3,  # nearer the child (the source), where sibling edges are apart
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
            ax=ax,
        )
    if node_labels if node_labels is not None else len(nodes) <= 24:
        for x in nodes:
            px, py = pos[int(x)]
            ax.annotate(str(int(x)), (px, py), xytext=(5, -9), textcoords="offset points", fontsize=7)

    # axes, legend and title
    d_max = int(depth[nodes].max())
    ax.set_ylim(-0.6, d_max + 0.6)
    ax.set_yticks(range(d_max + 1))
    ax.tick_params(axis="y", left=True, labelleft=True)
    ax.tick_params(axis="x", bottom=False, labelbottom=False)
    ax.set_ylabel("depth (accepted flips to the root)")
    ax.set_xlabel("states, one tree (basin of attraction) beside the next")
    handles, labels = [], []
    if others:
        handles.append(Line2D([], [], ls="", marker="o", ms=5, mfc="0.45", mec="0.45"))
        labels.append("other states")
    for label, group, colour, marker in kinds:
        if group:
            handles.append(Line2D([], [], ls="", marker=marker, ms=7, mfc=colour, mec="k"))
            labels.append(label)
    used = sorted(set(spins.values()))
    handles += [Line2D([], [], color=colour_of[k], lw=2) for k in used]
    labels += [f"flip spin {k}" for k in used]
    if uphill:
        handles.append(Line2D([], [], color="0.3", lw=1.4, ls="--"))
        labels.append("uphill flip (dE > 0)")
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    if title is None:
        trees = f"{int(is_root.sum())} trees, deepest {d_max}"
        if model is None:
            title = trees
        else:
            title = f"{model.name}: {trees}; roots: {n_ground} ground states, {n_early} early stops"
    ax.set_title(title, fontsize=10)
    for spine in ("top", "right", "bottom"):
        ax.spines[spine].set_visible(False)
    return ax
