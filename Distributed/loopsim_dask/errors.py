"""Errors of the driver, each carrying the exit status that the command line returns."""

# Exit statuses shared with the loopsim command line.
EXIT_SUCCESS = 0
EXIT_TASKS_FAILED = 1
EXIT_INVALID_INPUT = 2
EXIT_RUNTIME_FAILURE = 3
EXIT_INTERRUPTED = 130


class DriverError(Exception):
    """A failure that ends the command with a message and an exit status."""

    exit_status = EXIT_RUNTIME_FAILURE

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DriverError):
    """Invalid user input: a bad option, scenario or output folder (exit status 2)."""

    exit_status = EXIT_INVALID_INPUT


class LoopsimRejected(InvalidInput):
    """Input that ``loopsim`` rejected; its message is printed as loopsim wrote it."""


class RuntimeFailure(DriverError):
    """A failure of the machinery: the scheduler, a file system, loopsim itself (exit 3)."""

    exit_status = EXIT_RUNTIME_FAILURE


class TasksFailed(DriverError):
    """Tasks that failed every try, so part of the results is missing (exit status 1)."""

    exit_status = EXIT_TASKS_FAILED


class TaskError(Exception):
    """Raised inside a task when its ``loopsim run`` fails; Dask retries the task."""
