"""The Kuban industry dashboard."""
from kuban.paths import VERSION as __version__  # noqa: F401
