"""Structural signals of site chrome shared by the cleaner and the title reader: paths, counters, links, markers."""

# Each signal is a shape (a short path of section words, a number next to a counter word or icon, a "more"
# link, a membership offer, a collection marker), not a site's phrase, so it holds on sites never seen.

from __future__ import annotations

import re

CJK = r"\u4e00-\u9fff"
_ORDINAL = r"[一二三四五六七八九十\d]+"

# --- collections: a page of several documents (范文(17篇)), each opened by a marker (篇一, 第一篇, 范文1) ----
# A marker opening one document of the collection; the rest of its line is that document's title.
COLLECTION_MARKER = re.compile(
    f"^\\s*(?:篇\\s*{_ORDINAL}|第\\s*{_ORDINAL}\\s*篇|(?:范文|例文|样文|模板)\\s*{_ORDINAL})\\s*(?:[:：、.．]\\s*|\\s+|$)")
# The collection's own name (X范文(17篇), X(精选5篇)) or a bare marker after a name (部门运营计划书篇一).
COLLECTION = re.compile(
    f"[(（]\\s*(?:精选|通用|优选|热门)?\\s*\\d+\\s*篇\\s*[)）]|范文\\s*(?:[(（]\\s*\\d*\\s*篇?\\s*[)）])?(?!\\s*\\d)|"
    f"{COLLECTION_MARKER.pattern}|[{CJK}]\\s*篇\\s*{_ORDINAL}\\s*$"
)


def collection_title(line: str) -> str:
    """The title a collection marker opens (篇一：2025年计划 → 2025年计划), or '' when the line has none."""
    m = COLLECTION_MARKER.match(line)
    title = line[m.end():].strip().strip("《》“”\"") if m else ""
    return "" if COLLECTION_MARKER.match(title) or re.fullmatch(r"[\W\d_]*", title) else title


# --- breadcrumbs: a short line of site-section words joined by separators, whatever its last word ----------
_DIRECTED = re.compile(r"\s*(?:>>?|›|»|＞|→|->)\s*")
_PLAIN = re.compile(r"\s*(?:/|\||｜)\s*")
SITE_NAME = re.compile(f"^[{CJK}A-Za-z]{{2,10}}(?:网|网站|文库|之家|社区|论坛|博客|官网|图书馆)$")
# Words naming a site's sections or its page, not a business's: a path holding one is a site's path.
_SECTION_WORD = re.compile(r"首页|主页|正文|详情|文库|文档|资料|课件|范文|频道|栏目|专栏|专题|馆藏|图书馆|办公|"
                           r"分类|列表|Home", re.I)


# 您的位置：…, 当前位置：…, 首页 > …: a path announced as one, whatever follows.
_LOCATION = re.compile(r"(?:您|你)(?:的|现在的)?(?:当前|所在)?位置(?:是)?\s*[:：]|(?:当前|所在)位置(?:是)?\s*[:：]|"
                       r"(?:首页|主页|Home)\s*(?:>|›|»|/|->|＞|→)", re.I)


def _crumbs(line: str, separator: re.Pattern) -> list[str]:
    parts = separator.split(line.strip())
    if len(parts) < 3 or any(not p or len(p) > 12 or re.search(r"\d|[，。；！？,;!?：:]", p) for p in parts):
        return []
    return parts


def breadcrumb(line: str, around_report: bool) -> bool:
    """A site's path: short section names joined by separators (> » → / |), whatever its last word."""
    # Arrows and chevrons may also draw a report's funnel (曝光 > 点击 > 支付): within the report a path needs
    # a site-section word or a site name; around it, its shape is enough. A slash or bar path (a table row's
    # shape too) always needs one. A path led by a site name may end in a long page title.
    if _LOCATION.search(line) and (len(line) <= 60 or len(re.findall(f"[{CJK}]", line)) <= 40):
        return True
    parts = _DIRECTED.split(line.strip())
    if len(parts) >= 3 and SITE_NAME.match(parts[0]) and all(len(p) <= 30 for p in parts):
        return True  # 某某论坛 › 电商运营 › 2024年第三季度直播运营总结
    if len(line) > 60:
        return False
    for separator, shape_enough in ((_DIRECTED, around_report), (_PLAIN, False)):
        parts = _crumbs(line, separator)
        if parts and (shape_enough or SITE_NAME.match(parts[0]) or any(_SECTION_WORD.search(p) for p in parts)):
            return True
    return False


# --- file names: a line naming a document file is the site's listing, unless the report names its attachment --
FILE_SUFFIX = r"\.(?:docx?|dotx|pdf|pptx?|xlsx?|wps|txt|html?|rar|zip)(?:VIP)?"
ATTACHMENT = re.compile(r"^(?:附件|附表|附录|详见|见)")


def bare_file_name(line: str) -> bool:
    """A line that is a file name (2024年运营总结.docx, 季度汇报.pptx 18页), not a sentence naming one."""
    return (bool(re.search(FILE_SUFFIX + "(?![A-Za-z])", line, re.I)) and len(line) <= 80
            and not re.search(r"[。！？；!?;]", line) and not ATTACHMENT.match(line))


# --- counters: views, downloads, likes, readers, in any wording ---------------------------------------------
_NUM = r"\d[\d,]*(?:\.\d+)?\s*[wWkK+]?"
_COUNT_WORD = (r"评论|浏览|阅读|收藏|点赞|分享|下载|围观|喜欢|关注|回复|回答|赞同|赞|看过|学习|播放|观看|点击|转发|"
               r"转藏|在看|人气|回响|热度|字数|查看|回帖|保存|转存|有用|无用|阅|转|评")
# A pictograph or symbol standing for a counter (👍 12, 👁 3.4k, ❤ 56, ⬇ 102).
_ICON = r"[\U0001F300-\U0001FAFF\u2190-\u21FF\u2600-\u27BF\u2B00-\u2BFF]\ufe0f?"
COUNTER = re.compile(
    f"(?:已有|共有)?{_NUM}(?:[千万]\\+?(?=\\s*次))?\\s*(?:人|次|条|个)?\\s*(?:已)?(?:评论|浏览|阅读|收藏|点赞|分享|下载|围观|喜欢|关注|回复|回答|赞同|赞|看过|学习)"
    f"(?:了该(?:回答|文章|内容))?|"
    f"(?:已|共)?(?:影响|帮助|服务)(?:了)?\\s*\\d+\\s*(?:人|位)|"
    f"(?<![{CJK}])(?:{_COUNT_WORD})(?:量|数|次数)?\\s*[:：(（]?\\s*{_NUM}(?![\\d.]*\\s*[万亿%元])[)）]?(?:次|人)?|"
    f"{_ICON}\\s*{_NUM}(?![\\d.]*\\s*[万亿%元])(?:次|人)?|"
    f"约?\\d+(?:\\.\\d+)?\\s*(?:千字|万字|字|页|分钟|KB|MB|M|K)(?![{CJK}])|\\d+\\s*/\\s*\\d+",
    re.I,
)

# --- links and offers -----------------------------------------------------------------------------------------
# A "more" link: 更多>>, 查看更多…, 展开全文↓, 点击查看更多 X 相关内容.
MORE_LINK = re.compile(r"更多\s*(?:>>?|»|›|＞|→|↓)|(?:全文|更多)\s*[↓▼]|"
                       r"^(?:点击|点此)?(?:查看|阅读|加载|了解|展开|浏览)(?:更多|全文|全部|余下)")
# A membership or VIP offer: the site's membership and what it sells (downloads, documents, discounts).
_MEMBERSHIP = re.compile(r"VIP|会员")
_OFFER = re.compile(r"下载|文档|课件|范文|资料|全站|本站|免广告|畅享|特惠|仅需|立省|限时|立即开通|海量|百万|年卡|月卡|"
                    r"专享|特权|开通|加入|充值|免费")
# What a report says of its own members (会员复购率提升到36%), which an offer never does.
_REPORT_MEASURE = re.compile(r"同比|环比|增长|下降|提升|提高|达到|完成|GMV|复购|转化|目标|占比|人数|用户数")


def membership_offer(line: str) -> bool:
    """A site's membership or VIP promotion, not a report's line about its own members."""
    return (len(line) <= 60 and bool(_MEMBERSHIP.search(line)) and len(set(_OFFER.findall(line))) >= 1
            and not _REPORT_MEASURE.search(line) and (bool(re.search("VIP", line, re.I))
                                                      or len(set(_OFFER.findall(line))) >= 2))
