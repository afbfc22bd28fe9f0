"""Exceptions shared across the stages."""


class AuditError(Exception):
    """Base class: an error the CLI turns into one line on stderr and exit code 2."""


class ConfigError(AuditError):
    """Bad configuration or command-line input. The message names the key or value."""


class PluginError(AuditError):
    """A check or reporter plugin could not be loaded or is invalid. The message names the plugin."""


class StoreError(AuditError):
    """The store cannot be opened, is newer than this version, or a run does not exist."""


class StoreWriteError(StoreError):
    """The store could not be written (disk full, read-only, file size limit): nothing of the
    failed batch was kept, everything committed before it is intact."""


class NotConfigured(Exception):
    """Raised by a check's from_config() to switch itself off (as in Scrapy)."""
