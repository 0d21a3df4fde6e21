"""kobold_lib: the support library of the book *Kobolds and Coins*.

One module per idea, plain functions over NumPy arrays:

- :mod:`kobold_lib.coins`: coin pools, entropy, temperature as a price, the exact engine.
- :mod:`kobold_lib.maxent`: maximum entropy under linear constraints, through its convex dual.
- :mod:`kobold_lib.ising`: Ising models and the book-wide state convention.
- :mod:`kobold_lib.acceptance`: Glauber and Metropolis acceptance of a single flip.
- :mod:`kobold_lib.policy`: policy matrices, absorbing states, tree depths, policy graphs.
- :mod:`kobold_lib.coin_figures`: typical sets of a coin pool and the coin chapters' figures.
- :mod:`kobold_lib.engine_figures`: efficiency against work for two pools, and its figure.
- :mod:`kobold_lib.bellman`: the kobold's Bellman equation, solved exactly for every state.
- :mod:`kobold_lib.policy_figures`: layouts and drawings of policy forests.
- :mod:`kobold_lib.learning`: a kobold that learns by tabular Q-learning, measured against the exact solution.
- :mod:`kobold_lib.landscape`: energy levels, ground states and frustration.
- :mod:`kobold_lib.boltzmann`: the exact Boltzmann distribution and thermal averages.
- :mod:`kobold_lib.kinetics`: exact single-flip transition matrices, entropy production.
- :mod:`kobold_lib.dynamics`: seeded, jitted Glauber and Metropolis Monte Carlo chains.
- :mod:`kobold_lib.thermal_plots`: a Monte Carlo trace beside the exact energy histogram.
- :mod:`kobold_lib.phases`: greedy and wise states, policy statistics, phase diagrams over (beta, gamma).
- :mod:`kobold_lib.trajectories`: energy traces of the kobold against Metropolis and Glauber chains.
- :mod:`kobold_lib.phase_figures`: the figures of the value-landscape and phase-diagram chapters.

Every public name of every module is importable from ``kobold_lib`` itself.
"""

from .coins import *  # noqa: F401,F403
from .maxent import *  # noqa: F401,F403
from .ising import *  # noqa: F401,F403
from .policy import *  # noqa: F401,F403
from .acceptance import *  # noqa: F401,F403
from .coin_figures import *  # noqa: F401,F403
from .engine_figures import *  # noqa: F401,F403
from .bellman import *  # noqa: F401,F403
from .policy_figures import *  # noqa: F401,F403
from .learning import *  # noqa: F401,F403
from .landscape import *  # noqa: F401,F403
from .boltzmann import *  # noqa: F401,F403
from .kinetics import *  # noqa: F401,F403
from .dynamics import *  # noqa: F401,F403
from .thermal_plots import *  # noqa: F401,F403
from .student_edition import *  # noqa: F401,F403

__version__ = "0.1.0"
from .phases import *  # noqa: F401,F403
from .trajectories import *  # noqa: F401,F403
from .phase_figures import *  # noqa: F401,F403
from .information import *  # noqa: F401,F403
