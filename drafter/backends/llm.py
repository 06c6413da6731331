"""Chat models behind one small interface: any OpenAI-compatible endpoint via langchain, or a fake for tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock
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


class ModelError(Exception):
    """The model failed on one request (after its retries); other sections may still succeed."""


class EndpointError(UserError):
    """The endpoint cannot be used at all (unreachable, wrong key): stop with a clear message."""


def endpoint_host(base_url: str) -> str:
    """The host of an endpoint URL, safe to record (never the key)."""
    return urlparse(base_url).netloc if base_url else "api.openai.com"


class OpenAIChatModel:
    """langchain-openai's ChatOpenAI against any OpenAI-compatible base_url; the client retries with backoff."""

    def __init__(self, model: str, base_url: str, api_key: str, timeout: float, max_retries: int) -> None:
        from langchain_openai import ChatOpenAI

        self.name = model
        self.host = endpoint_host(base_url)
        self.retries = max_retries
        self._chat = ChatOpenAI(
            model=model, base_url=base_url or None, api_key=api_key or "not-needed", timeout=timeout,
            max_retries=max_retries, temperature=0.3,
        )

    def complete(self, system: str, user: str) -> ChatReply:
        """One chat completion; 429/5xx/timeouts are retried by the client before giving up."""
        import openai
        from langchain_core.messages import HumanMessage, SystemMessage

        try:
            message = self._chat.invoke([SystemMessage(content=system), HumanMessage(content=user)])
        except openai.AuthenticationError as exc:
            raise EndpointError(f"the endpoint {self.host} rejected the API key (401); check OPENAI_API_KEY") from exc
        except openai.NotFoundError as exc:
            raise EndpointError(f"the endpoint {self.host} does not know model {self.name!r} (404); "
                                f"check DRAFTER_MODEL or [llm] model") from exc
        except openai.APITimeoutError as exc:
            raise ModelError(f"{self.host} timed out after its retries") from exc
        except openai.APIConnectionError as exc:
            raise EndpointError(f"cannot reach the endpoint {self.host}; check OPENAI_BASE_URL and the network, "
                                f"or pass --fallback offline") from exc
        except openai.RateLimitError as exc:
            raise ModelError(f"{self.host} kept answering HTTP 429 (rate limit) after {self.retries} retries; wait "
                             f"and rerun (finished sections are cached), set [llm] max_retries higher or "
                             f"[write] concurrency lower, or pass --fallback offline") from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"{self.host} answered HTTP {exc.status_code} after its retries") from exc
        except (openai.APIError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{self.host} sent a reply that could not be read ({type(exc).__name__})") from exc
        usage = getattr(message, "usage_metadata", None) or {}
        content = message.content if isinstance(message.content, str) else str(message.content)
        finish = str((getattr(message, "response_metadata", None) or {}).get("finish_reason") or "")
        return ChatReply(content, int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0)), finish)


@dataclass
class FakeChatModel:
    """A scripted chat model for tests: queued replies (text or exceptions), every prompt recorded."""

    replies: list = field(default_factory=list)
    name: str = "fake"
    host: str = "fake.local"
    prompts: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = Lock()

    def complete(self, system: str, user: str) -> ChatReply:
        """Pop the next scripted reply (a callable gets the prompt)."""
        with self._lock:
            self.prompts.append((system, user))
            if not self.replies:
                raise ModelError("the fake model has no reply queued")
            reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        text = reply(system, user) if callable(reply) else reply
        return ChatReply(text, len(system + user) // 2, len(text) // 2)


ChatFactory = Callable[[object], object]
_FACTORIES: dict[str, ChatFactory] = {
    "openai": lambda config: OpenAIChatModel(config.llm_model, config.llm_base_url, config.llm_api_key,
                                             config.llm_timeout, config.llm_max_retries),
}


def register_chat_model(provider: str, factory: ChatFactory) -> None:
    """Make a provider available to make_chat_model (tests register their fake here)."""
    _FACTORIES[provider] = factory


def make_chat_model(config):
    """The chat model the config asks for, or None when no model is configured (offline writer)."""
    if not config.llm_enabled:
        return None
    factory = _FACTORIES.get(config.llm_provider)
    if factory is None:
        raise UserError(f"unknown LLM provider {config.llm_provider!r}; use one of: {', '.join(_FACTORIES)}")
    return factory(config)
