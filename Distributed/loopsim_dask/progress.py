"""Progress lines on standard error: tasks done, failed and retried."""

import sys
import threading
import time


class Progress:
    """Counts task outcomes and prints one line per event of interest.

    Attempts are counted from the "started" events that tasks send. A task that starts
    again after an attempt that sent "failed" was retried after an error. A task that
    starts again without a "failed" event was rescheduled after its worker was lost.
    """

    def __init__(self, total: int, quiet: bool, stream=None):
        self.total = total
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.failed = 0
        self.retried = 0
        self.lost = 0
        self._attempts: dict[str, int] = {}
        self._last_failed: dict[str, bool] = {}
        self._lock = threading.Lock()
        self._start = time.monotonic()

    def handle_event(self, event) -> None:
        """Handle one event from the scheduler's log: a (timestamp, message) pair."""
        _, message = event
        if not isinstance(message, dict) or "task" not in message:
            return
        name = message["task"]
        label = message.get("label", name)
        worker = message.get("worker", "a worker")
        with self._lock:
            if message.get("event") == "started":
                attempt = self._attempts.get(name, 0) + 1
                self._attempts[name] = attempt
                if attempt > 1:
                    self.retried += 1
                    if self._last_failed.get(name):
                        reason = "after an error"
                    else:
                        reason = "after its worker was lost"
                        self.lost += 1
                    self._print(f"{label} retried on {worker} (attempt {attempt}, {reason})")
                self._last_failed[name] = False
            elif message.get("event") == "failed":
                self._last_failed[name] = True
                attempt = self._attempts.get(name, 1)
                error = _without_label(message.get("error", ""), label)
                self._print(f"{label} attempt {attempt} failed: {error}")

    def task_done(self, label: str, worker: str) -> None:
        with self._lock:
            self.done += 1
            self._print(f"{label} done on {worker}")

    def task_failed(self, label: str, error: str) -> None:
        with self._lock:
            self.failed += 1
            self._print(f"{label} failed every try: {_without_label(error, label)}")

    def summary(self) -> str:
        seconds = time.monotonic() - self._start
        return (f"{self.done} of {self.total} tasks done, {self.failed} failed, "
                f"{self.retried} retried ({self.lost} after a lost worker) in {seconds:.1f} s")

    def _print(self, text: str) -> None:
        if self.quiet:
            return
        counts = f"[{self.done}/{self.total} done, {self.failed} failed, {self.retried} retried]"
        print(f"loopsim-dask: {counts} {text}", file=self.stream, flush=True)


def _without_label(error: str, label: str) -> str:
    """Drop a task error's leading "LABEL: ", which the progress line already shows."""
    return error.removeprefix(f"{label}: ")
