"""Chat models behind one small interface: any OpenAI-compatible endpoint, any LangChain chat model, or a scripted
fake for tests; make_chat_model picks one from the config."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock

from drafter.backends.chat import ChatReply, EndpointError, ModelError, endpoint_host
from drafter.errors import UserError

__all__ = ["ChatReply", "EndpointError", "FakeChatModel", "ModelError", "OpenAIChatModel", "endpoint_host",
           "make_chat_model", "register_chat_model"]


class OpenAIChatModel:
    """The openai client against any OpenAI-compatible base_url; it retries 429/5xx/timeouts with backoff."""

    def __init__(self, model: str, base_url: str, api_key: str, timeout: float, max_retries: int) -> None:
        import openai

        self.name = model
        self.host = endpoint_host(base_url)
        self.retries = max_retries
        self._stream = True  # until the endpoint answers a streamed request with a plain JSON body
        self._client = openai.OpenAI(base_url=base_url or None, api_key=api_key or "not-needed", timeout=timeout,
                                     max_retries=max_retries)

    def complete(self, system: str, user: str, max_tokens: int | None = None,
                 stop_when: Callable[[str], bool] | None = None) -> ChatReply:
        """One chat completion capped at max_tokens (the classic field every local server and API reads), streamed
        so that a reply `stop_when` rejects (one that loops) is abandoned instead of read to the cap; an endpoint
        that answers a streamed request whole is asked without streaming for the rest of the run."""
        import openai

        started = time.perf_counter()
        options = {"max_tokens": max_tokens} if max_tokens else {}
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        try:
            if not self._stream:
                return self._whole(self._client.chat.completions.create(
                    model=self.name, temperature=0.3, messages=messages, **options), started)
            stream = self._client.chat.completions.create(
                model=self.name, temperature=0.3, stream=True, stream_options={"include_usage": True},
                messages=messages, **options)
            if "event-stream" in stream.response.headers.get("content-type", "text/event-stream"):
                return self._read(stream, started, stop_when)
            # a gateway that ignores `stream` sends one plain completion: use it, and ask plainly from now on
            self._stream = False
            return self._whole(self._plain_body(stream), started)
        except openai.AuthenticationError as exc:
            raise EndpointError(f"the endpoint {self.host} rejected the API key (401); check OPENAI_API_KEY") from exc
        except openai.NotFoundError as exc:
            raise EndpointError(f"the endpoint {self.host} does not know model {self.name!r} (404); "
                                f"check DRAFTER_MODEL or [llm] model") from exc
        except openai.APITimeoutError as exc:
            raise ModelError(f"{self.host} timed out after its retries; raise [llm] timeout, or lower "
                             f"[llm] max_tokens for a slow local model", "timed out", self._since(started)) from exc
        except openai.APIConnectionError as exc:
            raise EndpointError(f"cannot reach the endpoint {self.host}; check OPENAI_BASE_URL and the network, "
                                f"or pass --fallback offline") from exc
        except openai.RateLimitError as exc:
            raise ModelError(f"{self.host} kept answering HTTP 429 (rate limit) after {self.retries} retries; wait "
                             f"and rerun (finished sections are cached), set [llm] max_retries higher or "
                             f"[write] concurrency lower, or pass --fallback offline",
                             "refused", self._since(started)) from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"{self.host} answered HTTP {exc.status_code} after its retries", "refused",
                             self._since(started)) from exc
        except (openai.APIError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{self.host} sent a reply that could not be read ({type(exc).__name__})", "malformed",
                             self._since(started)) from exc

    def _read(self, stream, started: float, stop_when: Callable[[str], bool] | None) -> ChatReply:
        """Collect a streamed reply: content, a reasoning model's thoughts, the finish reason and the usage."""
        content: list[str] = []
        thoughts: list[str] = []
        finish, usage, size, checked = "", None, 0, 0
        try:
            for chunk in stream:
                usage = chunk.usage or usage
                for choice in chunk.choices or []:
                    delta = choice.delta
                    # vLLM, DeepSeek and Ollama send a reasoning model's thoughts as reasoning_content (or reasoning)
                    extra = (getattr(delta, "model_extra", None) or {}) if delta is not None else {}
                    thoughts.append(str(extra.get("reasoning_content") or extra.get("reasoning") or ""))
                    if delta is not None and delta.content:
                        content.append(delta.content)
                        size += len(delta.content)
                    finish = choice.finish_reason or finish
                if stop_when and size - checked >= 200:
                    checked = size
                    if stop_when("".join(content)):
                        finish = "stopped"  # drafter stopped reading; the caller tells why
                        break
        finally:
            stream.close()
        return ChatReply("".join(content), int(getattr(usage, "prompt_tokens", 0) or 0),
                         int(getattr(usage, "completion_tokens", 0) or 0), finish, "".join(thoughts),
                         self._since(started))

    @staticmethod
    def _plain_body(stream):
        """The chat.completion a server sent whole in answer to a streamed request."""
        from openai.types.chat import ChatCompletion

        try:
            return ChatCompletion.model_validate_json(stream.response.read())
        finally:
            stream.close()

    def _whole(self, completion, started: float) -> ChatReply:
        """A reply sent whole: content, a reasoning model's thoughts, the finish reason and the usage."""
        choice = completion.choices[0] if completion.choices else None
        message = choice.message if choice else None
        extra = (getattr(message, "model_extra", None) or {}) if message is not None else {}
        usage = completion.usage
        return ChatReply((message.content or "") if message is not None else "",
                         int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0),
                         (choice.finish_reason or "") if choice else "",
                         str(extra.get("reasoning_content") or extra.get("reasoning") or ""), self._since(started))

    @staticmethod
    def _since(started: float) -> float:
        return time.perf_counter() - started


@dataclass
class FakeChatModel:
    """A scripted chat model for tests: queued replies (text, ChatReply or exceptions), every prompt recorded."""

    replies: list = field(default_factory=list)
    name: str = "fake"
    host: str = "fake.local"
    prompts: list[tuple[str, str]] = field(default_factory=list)
    max_tokens: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = Lock()

    def complete(self, system: str, user: str, max_tokens: int | None = None, stop_when=None) -> ChatReply:
        """Pop the next scripted reply (a callable gets the prompt)."""
        with self._lock:
            self.prompts.append((system, user))
            self.max_tokens.append(max_tokens)
            if not self.replies:
                raise ModelError("the fake model has no reply queued")
            reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        reply = reply(system, user) if callable(reply) else reply
        if isinstance(reply, ChatReply):
            return reply
        return ChatReply(reply, len(system + user) // 2, len(reply) // 2, "stop")


def langchain_chat_model(config):
    """[llm] provider = "langchain": the class [llm] class names, made with [llm.kwargs]."""
    from drafter.backends.langchain_chat import LangChainChatModel

    return LangChainChatModel(config.llm_class, config.llm_kwargs, config.llm_model)


ChatFactory = Callable[[object], object]
_FACTORIES: dict[str, ChatFactory] = {
    "openai": lambda config: OpenAIChatModel(config.llm_model, config.llm_base_url, config.llm_api_key,
                                             config.llm_timeout, config.llm_max_retries),
    "langchain": langchain_chat_model,
}


def model_label(config) -> str:
    """What the run drafts with, safe to print (never the key): a model at an endpoint, or a LangChain class."""
    if config.llm_provider == "langchain":
        return f"LangChain chat model {config.llm_class}"
    return f"model {config.llm_model} at {endpoint_host(config.llm_base_url)}"


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
