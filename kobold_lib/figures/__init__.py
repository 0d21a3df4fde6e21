"""The book's figures, one module per part; plain Matplotlib functions over the library's results.

- :mod:`kobold_lib.figures.coins`: Part I (typical sets, the entropy tangent, the
  efficiency of a two-pool engine);
- :mod:`kobold_lib.figures.thermal`: a Monte Carlo trace beside the exact energy
  histogram (the Glauber-dynamics chapter);
- :mod:`kobold_lib.figures.policy`: layouts and drawings of policy forests;
- :mod:`kobold_lib.figures.phases`: value landscapes, phase diagrams, kobold against
  Monte Carlo runs (Part II);
- :mod:`kobold_lib.figures.live`: live figures, one call that gives ipywidgets in a
  kernel and a figure that follows its controls in the HTML book (every chapter).

Every name is also importable from ``kobold_lib`` itself.
"""

from . import coins, live, phases, policy, thermal
from .live import (
    FRAMES_VARIABLE,
    PAGE_BUDGET_BYTES,
    LiveFrames,
    choice,
    frames_requested,
    int_slider,
    live_figure,
    log_slider,
    render_frames,
    slider,
)
from .coins import plot_efficiency, plot_entropy_tangent, plot_typical_set
from .phases import (
    DYNAMICS_COLORS,
    plot_energy_traces,
    plot_hitting_times,
    plot_mean_values,
    plot_phase_diagram,
    plot_policy_point,
    plot_sorted_values,
)
from .policy import MAX_DRAWN_STATES, draw_policy_forest, forest_layout
from .thermal import plot_trace_and_histogram

__all__ = [*live.__all__, *coins.__all__, *thermal.__all__, *policy.__all__, *phases.__all__]
