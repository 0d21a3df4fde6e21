"""kobold_lib: the support library of the book *Kobolds and Coins*.

One module per idea, plain functions over NumPy arrays:

- :mod:`kobold_lib.coins`: coin pools, entropy, temperature as a price, the exact engine.
- :mod:`kobold_lib.ising`: Ising models and the book-wide state convention.
- :mod:`kobold_lib.acceptance`: Glauber and Metropolis acceptance of a single flip.
- :mod:`kobold_lib.policy`: policy matrices, absorbing states, tree depths, policy graphs.
- :mod:`kobold_lib.coin_figures`: typical sets of a coin pool and the coin chapters' figures.
- :mod:`kobold_lib.engine_figures`: efficiency against work for two pools, and its figure.
- :mod:`kobold_lib.bellman`: the kobold's Bellman equation, solved exactly for every state.
- :mod:`kobold_lib.phases`: greedy and wise states, policy statistics, phase diagrams over (beta, gamma).
- :mod:`kobold_lib.trajectories`: energy traces of the kobold against Metropolis and Glauber chains.
- :mod:`kobold_lib.phase_figures`: the figures of the value-landscape and phase-diagram chapters.

Every public name of every module is importable from ``kobold_lib`` itself.
"""

from .coins import *  # noqa: F401,F403
from .ising import *  # noqa: F401,F403
from .policy import *  # noqa: F401,F403
from .acceptance import *  # noqa: F401,F403
from .coin_figures import *  # noqa: F401,F403
from .engine_figures import *  # noqa: F401,F403
from .bellman import *  # noqa: F401,F403

__version__ = "0.1.0"
from .phases import *  # noqa: F401,F403
from .trajectories import *  # noqa: F401,F403
from .phase_figures import *  # noqa: F401,F403
