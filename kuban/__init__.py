"""The Kuban industry dashboard."""

__version__ = "0.20.0"      # the program; the formats of what it writes are versioned apart (kuban/data/formats.py)
