"""Any LangChain chat model, named by import path with its keyword arguments ([llm] provider = "langchain")."""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from urllib.parse import urlparse

from drafter.backends.chat import ChatReply, EndpointError, ModelError
from drafter.errors import UserError

# keyword arguments whose values are never written anywhere (an error message quoting them is redacted)
SECRET_WORDS = ("key", "token", "secret", "password", "credential")
URL_KEYS = ("base_url", "api_base", "openai_api_base", "endpoint", "endpoint_url", "url")
# the fields chat model classes name their output cap by
CAP_FIELDS = ("max_tokens", "max_output_tokens", "max_new_tokens", "num_predict")
CUT_OFF = {"length", "max_tokens", "MAX_TOKENS"}  # finish/stop reasons meaning the cap cut the reply
REFUSED_CREDENTIALS = ("Authentication", "PermissionDenied", "Unauthorized")
EMPTY_STREAM = "No generation chunks were returned"  # what BaseChatModel.stream raises when nothing came
INSTALL = "pip install 'drafter[langchain]' plus the package of your model (e.g. langchain-community)"


def load_chat_class(path: str) -> type:
    """The chat model class an import path names, or a clear error saying what to install or fix."""
    module_name, _, class_name = path.rpartition(".")
    if not module_name:
        raise UserError(f"[llm] class = {path!r}: give the chat model's import path, "
                        f"e.g. langchain_community.chat_models.ChatTongyi")
    try:
        from langchain_core.language_models import BaseChatModel
    except ImportError as exc:
        raise UserError(f"[llm] provider = \"langchain\" needs langchain-core: {INSTALL}") from exc
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UserError(f"[llm] class = {path!r}: cannot import {module_name} ({exc}); {INSTALL}") from exc
    found = getattr(module, class_name, None)
    if not (isinstance(found, type) and issubclass(found, BaseChatModel)):
        raise UserError(f"[llm] class = {path!r}: {module_name} has no LangChain chat model {class_name!r}")
    return found


def _text_and_thoughts(content) -> tuple[str, str]:
    """A message's text, and the thoughts some providers send as content blocks of their own."""
    if isinstance(content, str):
        return content, ""
    text, thoughts = [], []
    for block in content or []:
        if isinstance(block, str):
            text.append(block)
        elif isinstance(block, dict) and block.get("type") in ("thinking", "reasoning"):
            thoughts.append(str(block.get("thinking") or block.get("reasoning") or ""))
        elif isinstance(block, dict):
            text.append(str(block.get("text") or ""))
    return "".join(text), "".join(thoughts)


class LangChainChatModel:
    """A LangChain chat model behind drafter's chat interface: streamed so a looping reply is abandoned, usage from
    usage_metadata when the provider sends it; retries are the model's own (its max_retries keyword)."""

    def __init__(self, path: str, kwargs: dict, model_name: str = "") -> None:
        chat_class = load_chat_class(path)
        self._secrets = [v for k, v in kwargs.items()
                         if isinstance(v, str) and v and any(word in k.lower() for word in SECRET_WORDS)]
        try:
            self._model = chat_class(**kwargs)
        except Exception as exc:  # each provider validates its own keywords its own way
            why = self._redact(" ".join(str(exc).split()))[:300]
            raise UserError(f"[llm] class {chat_class.__name__} does not accept [llm.kwargs] "
                            f"({type(exc).__name__}: {why}); check its documentation") from exc
        self.name = model_name or str(kwargs.get("model") or kwargs.get("model_name") or chat_class.__name__)
        url = next((str(kwargs[key]) for key in URL_KEYS if kwargs.get(key)), "")
        self.host = (urlparse(url).netloc or url) if url else chat_class.__name__
        # what else makes its replies differ, for the section cache (never a secret's value)
        self.settings = json.dumps([path, {k: v for k, v in kwargs.items() if v not in self._secrets}],
                                   ensure_ascii=False, sort_keys=True, default=str)
        fields = getattr(chat_class, "model_fields", {})
        self._cap_field = next((name for name in CAP_FIELDS if name in fields), "")

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def complete(self, system: str, user: str, max_tokens: int | None = None,
                 stop_when: Callable[[str], bool] | None = None) -> ChatReply:
        """One reply, capped at max_tokens where the class has a cap field; an exception becomes a ModelError."""
        from langchain_core.messages import HumanMessage, SystemMessage

        started = time.perf_counter()
        model = self._model
        if self._cap_field and max_tokens:
            model = model.model_copy(update={self._cap_field: max_tokens})
        merged, said, checked, stopped = None, "", 0, False
        try:
            for chunk in model.stream([SystemMessage(system), HumanMessage(user)]):
                merged = chunk if merged is None else merged + chunk
                said += _text_and_thoughts(chunk.content)[0]
                if stop_when and len(said) - checked >= 200:
                    checked = len(said)
                    if stop_when(said):
                        stopped = True  # drafter stopped reading; the caller tells why
                        break
        except ValueError as exc:
            if merged is not None or EMPTY_STREAM not in str(exc):
                raise self._failure(exc, started) from exc
            # LangChain raises on a stream with no chunk: an empty reply, judged (and asked again) like any other
        except Exception as exc:  # a provider's own errors: one request failed, as ModelError says
            raise self._failure(exc, started) from exc
        return self._reply(merged, stopped, time.perf_counter() - started)

    @staticmethod
    def _reply(message, stopped: bool, seconds: float) -> ChatReply:
        if message is None:
            return ChatReply("", seconds=seconds)
        text, thoughts = _text_and_thoughts(message.content)
        extra = getattr(message, "additional_kwargs", None) or {}
        thoughts = "\n".join(t for t in (str(extra.get("reasoning_content") or ""), thoughts) if t)
        meta = getattr(message, "response_metadata", None) or {}
        finish = str(meta.get("finish_reason") or meta.get("stop_reason") or meta.get("done_reason") or "")
        usage = getattr(message, "usage_metadata", None) or {}
        return ChatReply(text, int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0),
                         "stopped" if stopped else ("length" if finish in CUT_OFF else finish), thoughts, seconds)

    def _failure(self, exc: Exception, started: float) -> Exception:
        kind = type(exc).__name__
        seconds = time.perf_counter() - started
        said = f"{self.host} failed ({kind}: {self._redact(str(exc))[:200]})"
        if any(word in kind for word in REFUSED_CREDENTIALS):
            return EndpointError(f"{self.host} rejected the credentials ({kind}); check the API key its class reads")
        if isinstance(exc, ConnectionError) or "Connection" in kind:
            return EndpointError(f"cannot reach {self.host} ({kind}); check the network, or pass --fallback offline")
        if isinstance(exc, TimeoutError) or "Timeout" in kind:
            return ModelError(said + "; raise the model's timeout in [llm.kwargs]", "timed out", seconds)
        return ModelError(said, "refused", seconds)
