"""khparse: Vietnamese government plans (Kế hoạch) to validated structured data."""

__version__ = "0.1.0"
