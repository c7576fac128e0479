"""Storage's own errors; callers never see a driver exception."""


class StorageError(Exception):
    """The database could not do what was asked."""


class ConcurrentUpdate(StorageError):
    """Another process changed the same conversation first; reload and try again."""
