"""kobold_lib: the support library of the book *Kobolds and Coins*.

One public module per idea, plain functions over NumPy arrays, grouped here by the part
of the book that introduces them:

Part I, coins and engines
    :mod:`~kobold_lib.coins` (coin pools, entropy, temperature as a price, the exact
    engine), :mod:`~kobold_lib.typical_sets`, :mod:`~kobold_lib.carnot` (work and
    efficiency between two pools), :mod:`~kobold_lib.maxent` (maximum entropy under
    linear constraints).
Ising models and thermal physics
    :mod:`~kobold_lib.ising` (models and the book-wide state convention: state ``x`` in
    ``[0, 2**N)``, spin ``k`` up when bit ``k`` is set), :mod:`~kobold_lib.landscape`,
    :mod:`~kobold_lib.boltzmann`, :mod:`~kobold_lib.acceptance`,
    :mod:`~kobold_lib.kinetics`, :mod:`~kobold_lib.dynamics` (Monte Carlo chains).
Part II, the kobold
    :mod:`~kobold_lib.policy` (policies: 0 = stop, ``k + 1`` = flip spin ``k``),
    :mod:`~kobold_lib.bellman` (the exact solver), :mod:`~kobold_lib.learning`
    (Q-learning), :mod:`~kobold_lib.phases` (wise states, phase diagrams),
    :mod:`~kobold_lib.trajectories` (the kobold against Monte Carlo runs).
Figures
    :mod:`kobold_lib.figures`, one module per part.

Modules whose names start with ``_`` are the library's own plumbing (shared tables and
kernels, validation, memory, worker pools, caches): public modules may use them, users
should not. Every name listed in ``__all__`` below is importable from ``kobold_lib``.
"""

__version__ = "0.1.0"

# Part I: coins, typical sets, engines, maximum entropy
from .carnot import EfficiencyCurve, efficiency_curve, transfer_work_bound
from .coins import (
    arbitrage_gain,
    carnot_efficiency,
    engine_failure_probability,
    engine_success_probability,
    entropy_bits,
    entropy_bound_work,
    equilibrium_price,
    heads_moved_per_work,
    log2_binomial,
    max_work,
    price,
    temperature,
)
from .maxent import MaxEntropyResult, max_entropy
from .typical_sets import TypicalSet, typical_set

# Ising models and thermal physics
from .acceptance import glauber_acceptance, metropolis_acceptance
from .boltzmann import (
    MAX_LEVEL_BARS,
    ThermalAverages,
    boltzmann_distribution,
    exact_energy_histogram,
    log_partition_function,
    thermal_averages,
)
from .dynamics import SITE_ORDERS, MonteCarloTrace, batch_means, monte_carlo
from .ising import (
    MAX_SPINS,
    IsingModel,
    curie_weiss,
    energies,
    energy_of_spins,
    flip_energy_changes,
    from_couplings,
    magnetizations,
    ring,
    spin_glass,
    spins_of_state,
    torus,
    zener,
)
from .kinetics import RULES, entropy_production, evolve_distribution, glauber_transition_matrix, relaxation_time
from .landscape import EnergyLevels, energy_levels, frustrated_triangles, ground_states, local_minima

# Part II: the kobold's policies, its Bellman equation, learning, phases, trajectories
from .bellman import BELLMAN_METHODS, TIE_RTOL, BellmanSolution, bellman_memory_bytes, evaluate_policy, q_values, solve
from .learning import (
    MAX_EPISODES,
    MAX_LEARNING_SPINS,
    QLearningResult,
    one_step_to_retry,
    optimal_action_mask,
    q_learning,
)
from .phases import (
    DE_RTOL,
    PHASE_STATISTICS,
    PhaseDiagram,
    PolicyStatistics,
    book_grid,
    phase_diagram,
    policy_statistics,
    wise_fraction,
)
from .policy import (
    absorbing_states,
    chosen_flip_energy_changes,
    is_forest,
    policy_matrix,
    policy_roots,
    successors,
    transition_matrix,
    tree_depth,
)
from .trajectories import EnergyTraces, kobold_traces, monte_carlo_traces

# Figures (kobold_lib.figures, one module per part)
from .figures import (
    DYNAMICS_COLORS,
    MAX_DRAWN_STATES,
    draw_policy_forest,
    forest_layout,
    plot_efficiency,
    plot_energy_traces,
    plot_entropy_tangent,
    plot_hitting_times,
    plot_mean_values,
    plot_phase_diagram,
    plot_policy_point,
    plot_sorted_values,
    plot_trace_and_histogram,
    plot_typical_set,
)

__all__ = [
    "__version__",
    # Part I: coins, typical sets, engines, maximum entropy
    "entropy_bits",
    "price",
    "temperature",
    "log2_binomial",
    "carnot_efficiency",
    "arbitrage_gain",
    "heads_moved_per_work",
    "entropy_bound_work",
    "engine_success_probability",
    "engine_failure_probability",
    "max_work",
    "equilibrium_price",
    "TypicalSet",
    "typical_set",
    "transfer_work_bound",
    "EfficiencyCurve",
    "efficiency_curve",
    "MaxEntropyResult",
    "max_entropy",
    # Ising models and thermal physics
    "IsingModel",
    "ring",
    "torus",
    "curie_weiss",
    "spin_glass",
    "zener",
    "from_couplings",
    "spins_of_state",
    "energy_of_spins",
    "energies",
    "flip_energy_changes",
    "magnetizations",
    "MAX_SPINS",
    "EnergyLevels",
    "energy_levels",
    "ground_states",
    "local_minima",
    "frustrated_triangles",
    "boltzmann_distribution",
    "log_partition_function",
    "ThermalAverages",
    "thermal_averages",
    "exact_energy_histogram",
    "MAX_LEVEL_BARS",
    "glauber_acceptance",
    "metropolis_acceptance",
    "RULES",
    "glauber_transition_matrix",
    "relaxation_time",
    "entropy_production",
    "evolve_distribution",
    "MonteCarloTrace",
    "monte_carlo",
    "batch_means",
    "SITE_ORDERS",
    # Part II: the kobold
    "successors",
    "policy_matrix",
    "transition_matrix",
    "absorbing_states",
    "tree_depth",
    "is_forest",
    "policy_roots",
    "chosen_flip_energy_changes",
    "BellmanSolution",
    "solve",
    "q_values",
    "evaluate_policy",
    "bellman_memory_bytes",
    "TIE_RTOL",
    "BELLMAN_METHODS",
    "QLearningResult",
    "q_learning",
    "one_step_to_retry",
    "optimal_action_mask",
    "MAX_LEARNING_SPINS",
    "MAX_EPISODES",
    "PolicyStatistics",
    "policy_statistics",
    "wise_fraction",
    "PhaseDiagram",
    "phase_diagram",
    "book_grid",
    "PHASE_STATISTICS",
    "DE_RTOL",
    "EnergyTraces",
    "kobold_traces",
    "monte_carlo_traces",
    # Figures
    "plot_typical_set",
    "plot_entropy_tangent",
    "plot_efficiency",
    "plot_trace_and_histogram",
    "forest_layout",
    "draw_policy_forest",
    "MAX_DRAWN_STATES",
    "plot_sorted_values",
    "plot_mean_values",
    "plot_phase_diagram",
    "plot_policy_point",
    "plot_energy_traces",
    "plot_hitting_times",
    "DYNAMICS_COLORS",
]
