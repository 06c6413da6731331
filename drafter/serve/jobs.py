"""Long runs (a new draft, a section's regeneration) on worker threads, with progress the page polls."""

from __future__ import annotations

import re
import secrets
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from drafter.serve.drafts import NotFound

Say = Callable[[str], None]
_COUNT = re.compile(r"\((\d+)/(\d+)\)")  # "writing sections (3/7)": one step per finished section


@dataclass
class Job:
    """One run: its kind, what it is doing now, every step so far, and its result or error."""

    id: str
    kind: str
    state: str = "running"  # running, done or failed
    step: str = ""
    steps: list[dict] = field(default_factory=list)
    done: int = 0
    total: int = 0
    result: dict = field(default_factory=dict)
    error: str = ""
    started: float = field(default_factory=time.time)

    def say(self, message: str) -> None:
        """A progress message from the pipeline; section counts become the progress bar."""
        count = _COUNT.search(message)
        if count:
            # sections finish on several threads, so their messages may arrive out of order
            self.done, self.total = max(self.done, int(count[1])), int(count[2])
        self.step = message
        self.steps.append({"at": round(time.time() - self.started, 2), "message": message})

    def view(self) -> dict:
        """The job as GET /api/jobs/{id} shows it."""
        return {"id": self.id, "kind": self.kind, "state": self.state, "step": self.step, "steps": self.steps,
                "done": self.done, "total": self.total, "result": self.result, "error": self.error}


class Jobs:
    """The app's jobs by id (random, so one job's id tells nothing about another's)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, work: Callable[[Job], dict]) -> Job:
        """Run work(job) on a thread (it reports through job.say); its dict is the job's result, a UserError
        its error."""
        job = Job(secrets.token_hex(8), kind)
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, work), daemon=True).start()
        return job

    def _run(self, job: Job, work: Callable[[Job], dict]) -> None:
        from drafter.errors import UserError

        try:
            job.result = work(job)
            job.state = "done"
        except UserError as exc:
            job.error, job.state = str(exc), "failed"
        except Exception as exc:  # a bug must still end the job, visibly, rather than leave the page polling
            traceback.print_exc()
            job.error, job.state = f"internal error: {type(exc).__name__}: {exc}", "failed"

    def get(self, job_id: str) -> Job:
        """The job with this id (NotFound otherwise)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        return job
