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
    :mod:`~kobold_lib.kinetics`, :mod:`~kobold_lib.dynamics` (the one Monte Carlo
    engine: chains, and the kobold's runs against them).
Part II, the kobold
    :mod:`~kobold_lib.policy` (policies: 0 = stop, ``k + 1`` = flip spin ``k``),
    :mod:`~kobold_lib.bellman` (the exact solver), :mod:`~kobold_lib.learning`
    (Q-learning), :mod:`~kobold_lib.phases` (wise states, phase diagrams),
    :mod:`~kobold_lib.information` (what the kobold extracts against what its knowledge costs).
Figures
    :mod:`kobold_lib.figures`, one module per part.

Modules whose names start with ``_`` are the library's own plumbing (shared tables and
kernels, validation, memory, worker pools, caches): public modules may use them, users
should not. Every name listed in ``__all__`` below is importable from ``kobold_lib``.
"""

__version__ = "0.1.0"

from . import (  # noqa: I001 - the modules, for their lists of public names
    acceptance,
    bellman,
    boltzmann,
    carnot,
    coins,
    dynamics,
    figures,
    information,
    ising,
    kinetics,
    landscape,
    learning,
    maxent,
    phases,
    policy,
    typical_sets,
)

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
from .dynamics import (
    SITE_ORDERS,
    EnergyTraces,
    MonteCarloRuns,
    MonteCarloTrace,
    batch_means,
    kobold_traces,
    monte_carlo,
    monte_carlo_traces,
)
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

# Part II: the kobold's policies, its Bellman equation, learning, phases, information
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
from .information import InformationBalance, discounted_gains, information_balance

# Figures (kobold_lib.figures, one module per part)
from .figures import (
    DYNAMICS_COLORS,
    FRAMES_VARIABLE,
    MAX_DRAWN_STATES,
    PAGE_BUDGET_BYTES,
    LiveFrames,
    choice,
    frames_requested,
    int_slider,
    live_figure,
    log_slider,
    render_frames,
    slider,
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

# Everything imported above, and nothing else: the modules' own lists, part by part.
__all__ = [
    "__version__",
    # Part I: coins, typical sets, engines, maximum entropy
    *coins.__all__,
    *typical_sets.__all__,
    *carnot.__all__,
    *maxent.__all__,
    # Ising models and thermal physics
    *ising.__all__,
    *landscape.__all__,
    *boltzmann.__all__,
    *acceptance.__all__,
    *kinetics.__all__,
    *dynamics.__all__,
    # Part II: the kobold
    *policy.__all__,
    *bellman.__all__,
    *learning.__all__,
    *phases.__all__,
    *information.__all__,
    # Figures
    *figures.__all__,
]
