"""The deterministic synthetic corpus behind ``qatui generate`` (benchmarks, never the sample)."""

DEFAULT_SEED = 1
"""The seed ``qatui generate`` uses unless told otherwise."""
