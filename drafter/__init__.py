"""drafter: drafts an e-commerce operations team's periodic reports, every figure verified."""

__version__ = "0.1.0"
