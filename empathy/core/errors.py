"""Use cases. Each takes the database session as `session=` and commits once at its end."""


class ServiceError(Exception):
    """A use case refused: the message is safe to show to the user who asked."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # Members the API's problem document carries besides its detail (e.g. `clashes_with`); JSON values.
        self.extra = extra or {}


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409
