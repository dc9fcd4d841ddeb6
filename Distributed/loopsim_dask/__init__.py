"""Run LoopSim's sharded runs and sweeps as tasks on a Dask cluster.

The driver (``loopsim-dask``) resolves the scenario with the local ``loopsim`` binary,
submits one task per shard or per sweep run, and merges the outputs with ``loopsim merge``
or ``loopsim sweep --combine``. Workers only run ``loopsim run`` on the scenario text that
each task carries.
"""

__version__ = "0.1.0"
