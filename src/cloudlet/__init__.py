"""cloudlet: a data-engineering cloud on one machine that speaks the real AWS wire protocols."""

__version__ = "0.1.0"
