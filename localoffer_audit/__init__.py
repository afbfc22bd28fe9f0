"""localoffer-audit: audit SEND Local Offer websites."""

__version__ = "0.1.0"
