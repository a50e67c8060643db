"""learnloop: a local-first coach for learning machine learning top-down, one short loop at a time."""

__version__ = "0.1.0"
