"""Storage's own errors; callers never see a driver exception."""


class StorageError(Exception):
    """The database could not do what was asked."""


class ConcurrentUpdate(StorageError):
    """Another process changed the same conversation first; reload and try again."""


class DatabaseUnusable(StorageError):
    """No write can succeed until someone acts: the database is read-only or full, or its
    file was deleted or replaced under a running sva. Retrying will not help; the message is
    one line for the person and the operator."""


class DatabaseGone(DatabaseUnusable):
    """The SQLite file sva opened is no longer the one at its path (deleted or replaced):
    whatever is written now would go to a file nobody will read again."""


class DatabaseProblem(StorageError):
    """The database cannot be used; the message is one line for the operator."""


class DatabaseUnreachable(DatabaseProblem):
    """The server did not answer: worth trying again later (unlike a refused password)."""


class DatabaseMissing(DatabaseProblem):
    """No database where the configuration points: `sva db init` makes one."""
