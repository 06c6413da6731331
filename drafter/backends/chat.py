"""What every chat model backend returns and raises."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from drafter.errors import UserError


@dataclass
class ChatReply:
    """A model's answer with its token usage."""

    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    # "stop", or "length" when the reply hit the token limit and was cut off; "" when the endpoint did not say.
    finish_reason: str = ""
    # what a reasoning model thought, when the endpoint sends it apart from the content (reasoning_content)
    reasoning: str = ""
    seconds: float = 0.0


class ModelError(Exception):
    """The model failed on one request (after its retries); other sections may still succeed."""

    def __init__(self, message: str, outcome: str = "refused", seconds: float = 0.0) -> None:
        super().__init__(message)
        self.outcome = outcome  # one of the attempt outcomes run.json records: "timed out", "refused", "malformed"
        self.seconds = seconds


class EndpointError(UserError):
    """The endpoint cannot be used at all (unreachable, wrong key): stop with a clear message."""


def endpoint_host(base_url: str) -> str:
    """The host of an endpoint URL, safe to record (never the key)."""
    return urlparse(base_url).netloc if base_url else "api.openai.com"
