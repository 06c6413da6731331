"""The JSON API under the page, stable for scripts and tests (every route needs the access token)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Route

from drafter.serve.drafts import Drafts, Invalid, NotFound
from drafter.serve.jobs import Jobs

MAX_UPLOAD = 20 * 1024 * 1024  # an edited report, charts included, is a few MB at most
MAX_JSON = 2 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


async def _json_body(request: Request) -> dict:
    raw = await _read_limited(request, MAX_JSON)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise Invalid("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise Invalid("the request body must be a JSON object")
    return body


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Invalid(f"the upload is larger than {limit // (1024 * 1024)} MB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Invalid(f"the upload is larger than {limit // (1024 * 1024)} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _text(body: dict, key: str, default: str = "") -> str:
    value = body.get(key, default)
    if not isinstance(value, str):
        raise Invalid(f"{key!r} must be a string")
    return value


def _flag(body: dict, key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise Invalid(f"{key!r} must be true or false")
    return value


def _fallback(body: dict) -> str:
    return "offline" if _flag(body, "offline_fallback") else ""


class Api:
    """The routes, over one working folder's drafts and the app's jobs."""

    def __init__(self, drafts: Drafts, jobs: Jobs) -> None:
        self.drafts, self.jobs = drafts, jobs
        self.proposals: dict[str, object] = {}  # regen job id → its Proposal, until accepted or discarded
        self.scratch = Path(tempfile.mkdtemp(prefix="drafter-serve-"))  # regenerations' scratch copies

    def close(self) -> None:
        """Remove the scratch copies of proposals nobody settled."""
        shutil.rmtree(self.scratch, ignore_errors=True)

    def routes(self) -> list[Route]:
        """Every API route."""
        return [
            Route("/api/drafts", self.list_drafts, methods=["GET"]),
            Route("/api/drafts", self.start_draft, methods=["POST"]),
            Route("/api/drafts/{draft}", self.get_draft, methods=["GET"]),
            Route("/api/drafts/{draft}/sections/{section}", self.save_section, methods=["PUT"]),
            Route("/api/drafts/{draft}/sections/{section}/regen", self.start_regen, methods=["POST"]),
            Route("/api/drafts/{draft}/accept", self.accept_draft, methods=["POST"]),
            Route("/api/drafts/{draft}/report.docx", self.report_docx, methods=["GET"]),
            Route("/api/drafts/{draft}/pull", self.pull, methods=["POST"]),
            Route("/api/jobs/{job}", self.get_job, methods=["GET"]),
            Route("/api/jobs/{job}/accept", self.accept_proposal, methods=["POST"]),
            Route("/api/jobs/{job}/discard", self.discard_proposal, methods=["POST"]),
            Route("/api/data", self.data_check, methods=["GET"]),
        ]

    async def list_drafts(self, request: Request) -> JSONResponse:
        from drafter.serve.runs import kinds

        def listing() -> dict:
            config = self.drafts.config
            return {"drafts": [self.drafts.summary(d) for d in self.drafts.folders()], "kinds": kinds(),
                    "llm": config.llm_enabled, "model": config.llm_model if config.llm_enabled else ""}

        return JSONResponse(await run_in_threadpool(listing))

    async def start_draft(self, request: Request) -> JSONResponse:
        from drafter.serve.runs import new_draft

        body = await _json_body(request)
        writer = _text(body, "writer", "offline")
        if writer not in ("llm", "offline"):
            raise Invalid("'writer' is 'llm' or 'offline'")
        work = new_draft(self.drafts, _text(body, "period"), _text(body, "kind", "annual-summary"), writer == "llm",
                         _flag(body, "force"), _fallback(body))
        return JSONResponse(self.jobs.start("write", work).view(), status_code=202)

    async def get_draft(self, request: Request) -> JSONResponse:
        return JSONResponse(await run_in_threadpool(self.drafts.detail, request.path_params["draft"]))

    async def save_section(self, request: Request) -> JSONResponse:
        body = await _json_body(request)
        result = await run_in_threadpool(self.drafts.save_section, request.path_params["draft"],
                                         request.path_params["section"], _text(body, "markdown"),
                                         _text(body, "base_hash"))
        return JSONResponse(result)

    async def start_regen(self, request: Request) -> JSONResponse:
        from drafter.serve.runs import propose

        body = await _json_body(request)
        draft_id, section_id = request.path_params["draft"], request.path_params["section"]
        note, force, fallback = _text(body, "note"), _flag(body, "force"), _fallback(body)
        folder = self.drafts.folder(draft_id)
        section = self.drafts.find_section((folder / "report.md").read_text(encoding="utf-8"), section_id)
        if section.edited and not force:
            return JSONResponse({"error": "edited", "message": f"section {section_id!r} has hand edits; "
                                 "regenerating would replace them. Confirm (force) to go ahead"}, status_code=409)
        def work(job) -> dict:
            proposal = propose(self.drafts, self.scratch, draft_id, section_id, note, force, fallback, job.say)
            self.proposals[job.id] = proposal
            return proposal.view()

        job = self.jobs.start("regen", work)
        return JSONResponse(job.view(), status_code=202)

    def _proposal(self, job_id: str):
        self.jobs.get(job_id)
        proposal = self.proposals.get(job_id)
        if proposal is None:
            raise NotFound(f"job {job_id!r} has no regenerated section waiting (not finished, or already settled)")
        return proposal

    async def accept_proposal(self, request: Request) -> JSONResponse:
        from drafter.serve.runs import accept

        job_id = request.path_params["job"]
        result = await run_in_threadpool(accept, self.drafts, self._proposal(job_id))
        self.proposals.pop(job_id, None)
        return JSONResponse(result)

    async def discard_proposal(self, request: Request) -> JSONResponse:
        from drafter.serve.runs import discard

        job_id = request.path_params["job"]
        discard(self._proposal(job_id))
        self.proposals.pop(job_id, None)
        return JSONResponse({"discarded": job_id})

    async def get_job(self, request: Request) -> JSONResponse:
        return JSONResponse(self.jobs.get(request.path_params["job"]).view())

    async def accept_draft(self, request: Request) -> JSONResponse:
        from drafter.draft.accept import accept_draft
        from drafter.render import parse_sections

        folder = self.drafts.folder(request.path_params["draft"])

        def run():
            with self.drafts.serial(folder):
                return accept_draft(self.drafts.config, folder)

        result = await run_in_threadpool(run)
        sections = parse_sections((folder / "report.md").read_text(encoding="utf-8"))

        def where(line: int) -> str:
            return next((s.id for s in sections if s.start_line < line <= s.end_line), "")

        payload = {"accepted": result.accepted, "counts": result.counts, "doc_id": result.doc_id,
                   "kind": result.kind, "period": result.period,
                   "blocking": [{**f.model_dump(), "section": where(f.line)} for f in result.blocking]}
        return JSONResponse(payload, status_code=200 if result.accepted else 409)

    async def report_docx(self, request: Request) -> FileResponse:
        from drafter.render.exports import exports_wanted

        draft_id = request.path_params["draft"]
        folder = self.drafts.folder(draft_id)
        if not exports_wanted(folder):
            raise NotFound(f"draft {draft_id!r} was written with --no-exports; it has no report.docx")

        def current() -> Path:
            self.drafts.refresh_exports(folder)
            return folder / "report.docx"

        path = await run_in_threadpool(current)
        if not path.exists():
            raise NotFound(f"draft {draft_id!r} has no report.docx yet")
        return FileResponse(path, filename=f"{draft_id}.docx",
                            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    async def pull(self, request: Request) -> JSONResponse:
        from drafter.draft.pull import pull_docx

        folder = self.drafts.folder(request.path_params["draft"])
        data = await _read_limited(request, MAX_UPLOAD)
        if not data.startswith(ZIP_MAGIC):
            raise Invalid("the upload is not a Word document (.docx); save it as .docx in Word or WPS and retry")

        def run() -> dict:
            with tempfile.TemporaryDirectory(prefix="drafter-upload-") as tmp:
                source = Path(tmp) / "upload.docx"  # a fixed name: the uploader's file name is never used
                source.write_bytes(data)
                with self.drafts.serial(folder):
                    result = pull_docx(self.drafts.config, folder, source)
            return {"changed": [list(c) for c in result.changed], "lost": [list(c) for c in result.lost],
                    "unmarked": result.unmarked, "conflicts": [list(c) for c in result.conflicts],
                    "edited": sorted(result.edited), "counts": result.counts}

        return JSONResponse(await run_in_threadpool(run))

    async def data_check(self, request: Request) -> JSONResponse:
        from drafter.metrics.check import check_folder

        config = self.drafts.config
        result = await run_in_threadpool(check_folder, config.data_dir, config.cache_dir, config.columns,
                                         config.channels, config.categories)
        return JSONResponse(result)
