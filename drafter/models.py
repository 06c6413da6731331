"""The data types that flow between pipeline stages."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

FactKind = Literal["computed", "target", "manual", "cited"]
Verdict = Literal["verified", "mismatch", "unsupported", "claim_error"]
DocKind = Literal["summary", "plan", "review", "other"]


def text_hash(text: str, length: int = 16) -> str:
    """Stable short hash of a text (content addressing, section markers)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def fact_id(metric: str, measure: str, period: str, dimension: str = "") -> str:
    """Canonical fact id: gmv.2025, gmv.yoy.2025, gmv.share.2025[channel=抖音]."""
    middle = "" if measure == "value" else f".{measure}"
    suffix = f"[{dimension}]" if dimension else ""
    return f"{metric}{middle}.{period}{suffix}"


# A target measure → the measure of the actual it is held against, and of the gap between them (actual − target).
TARGET_ACTUAL = {"target": "value", "target_yoy": "yoy", "target_share": "share"}
TARGET_GAP = {"target": "gap", "target_yoy": "gap_yoy", "target_share": "gap_share"}
# What follows the metric's label when a target is named: 复购率, GMV同比增速, 抖音GMV占比.
TARGET_NAMES = {"target": "", "target_yoy": "同比增速", "target_share": "占比"}


class Fact(BaseModel):
    """One number a draft may state, with its provenance."""

    id: str
    metric: str
    label: str
    measure: str = "value"
    value: float
    unit: str = ""
    period: str = ""
    dimension: str = ""
    aliases: list[str] = Field(default_factory=list)
    kind: FactKind = "computed"
    formula: str = ""
    source: str = ""
    status: str = ""


class Document(BaseModel):
    """A cleaned past report."""

    id: str
    title: str
    kind: DocKind = "other"
    period: str = ""
    source: str = ""
    text: str
    removed: dict[str, int] = Field(default_factory=dict)
    # What cleaning took out, as (reason, line); sentences addressing a reader or model, never indexed.
    removed_lines: list[tuple[str, str]] = Field(default_factory=list)
    suspicious: list[str] = Field(default_factory=list)


class Chunk(BaseModel):
    """A passage of a document, with the metadata retrieval needs to cite it."""

    id: str
    doc_id: str
    text: str
    title: str = ""
    kind: DocKind = "other"
    period: str = ""
    heading: str = ""
    score: float = 0.0

    def citation(self) -> str:
        """Human-readable citation: the report title and heading path."""
        where = f"“{self.heading}”" if self.heading else ""
        return f"《{self.title}》{where}"


class Section(BaseModel):
    """One drafted section of a report."""

    id: str
    title: str
    text: str = ""
    fact_ids: list[str] = Field(default_factory=list)
    sources: list[Chunk] = Field(default_factory=list)
    writer: str = ""
    repair_rounds: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    flagged: int = 0
    cached: bool = False
    # every model request the section took, failed ones included: kind, outcome, reason, tokens, seconds, prompt size
    attempts: list[dict] = Field(default_factory=list)
    failure: str = ""  # why the model could not write it (the text kept is the offline draft or the earlier one)
    prompt_tokens: int = 0
    max_tokens: int = 0

    @property
    def hash(self) -> str:
        """Hash of the generated body, used to tell human edits apart."""
        return text_hash(self.text.strip(), 12)


class Draft(BaseModel):
    """A whole report draft."""

    kind: str
    period: str
    title: str
    sections: list[Section] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)


class Finding(BaseModel):
    """The verifier's verdict on one figure or claim."""

    line: int
    col: int
    text: str
    value: float | None = None
    unit: str = ""
    verdict: Verdict
    metric: str = ""
    expected: str = ""
    message: str = ""
    fact_id: str = ""
    source: str = ""
    # how the figure was read: metric, measure, period, dimension; for a derived fact also facts and operation
    reading: dict = Field(default_factory=dict)
