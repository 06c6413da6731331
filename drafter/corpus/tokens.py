"""BM25 tokens for stored passages and for queries: jieba, with the domain's words, quiet and cached."""

from __future__ import annotations

import re
import threading
from pathlib import Path

DOMAIN_WORDS = [
    "复购率", "复购", "客单价", "GMV", "私域", "公域", "转化率", "大促", "抖音", "小程序", "天猫", "京东",
    "拼多多", "快手", "小红书", "视频号", "直播带货", "直播间", "自播", "达人", "种草", "拉新", "留存率",
    "留存", "获客成本", "客诉", "退货率", "退款率", "动销率", "售罄率", "毛利率", "净利率", "库存周转",
    "周转天数", "履约", "履约时效", "仓配", "前置仓", "供应链", "会员", "会员体系", "社群", "企业微信",
    "ROI", "投产比", "UV", "PV", "DSR", "NPS", "SKU", "KOL", "KOC", "CRM", "RFM", "双11", "双十一", "618",
    "年货节", "新客", "老客", "新用户", "老用户", "同比", "环比", "百分点", "目标达成", "达成率", "客服",
    "全渠道", "私域流量", "公域流量", "内容营销", "投放", "品类", "爆款", "新品", "渗透率", "活跃用户",
    "月活", "日活", "ARPU", "LTV", "CAC", "客单", "连带率", "件单价", "点击率", "加购率", "支付转化率",
]
STOPWORDS = set("的了和与及在是为等对中将以并或其也而从到由被这那之于个把让使向")
_lock = threading.Lock()
_ready = False


def prepare_tokenizer(cache_dir: Path | str | None = None) -> None:
    """Load jieba once: quiet, its cache file in our cache dir, domain words added."""
    global _ready
    with _lock:
        if _ready:
            return
        import logging

        import jieba

        # jieba's only errors are a failed dump of its dictionary cache (a full disk, a read-only folder), which
        # costs start-up time, not results; its traceback must not reach the user.
        jieba.setLogLevel(logging.CRITICAL)
        if cache_dir is not None:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
            jieba.dt.tmp_dir = str(cache_dir)
        for word in DOMAIN_WORDS:
            jieba.add_word(word, freq=200000)
        _ready = True


def tokenize(text: str, config_dir: Path | str | None = None) -> list[str]:
    """BM25 tokens: jieba search-mode words, lowercased, without punctuation and stopwords."""
    import jieba

    if not _ready:
        prepare_tokenizer(config_dir)
    tokens = []
    for tok in jieba.cut_for_search(text.lower()):
        tok = tok.strip()
        if tok and tok not in STOPWORDS and re.search(r"[\w\u4e00-\u9fff]", tok):
            tokens.append(tok)
    return tokens
