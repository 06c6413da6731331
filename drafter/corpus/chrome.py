"""Site chrome in web copies, decided line by line from general evidence rather than one site's phrases."""

# Evidence: the vocabulary of site UI (下载, VIP, 举报, 扫码…) against that of reports (GMV, 同比, 渠道…);
# structure (breadcrumbs, counters, bylines and dates, URLs, file names, collection headers, menus, writing
# tips addressed to the reader); position (lines before the first and after the last stretch of report prose
# need less evidence); repetition across the copies added together. Strong evidence removes a line anywhere,
# weak evidence only around the report, never between two stretches of its prose.

from __future__ import annotations

import re

from drafter.corpus.signals import (
    ATTACHMENT,
    COLLECTION,
    COUNTER,
    MORE_LINK,
    SITE_NAME,
    bare_file_name,
    breadcrumb,
    collection_title,
    membership_offer,
)

_CJK = r"\u4e00-\u9fff"
# Words of reports: a line holding them is taken as content unless the chrome evidence is strong.
REPORT_WORDS = re.compile(
    r"GMV|ROI|KPI|同比|环比|运营|渠道|目标|销售|销量|营收|收入|利润|成本|毛利|增长|下降|提升|用户|客户|顾客|复购|"
    r"转化|流量|店铺|商品|品类|订单|下单|客单|库存|供应链|物流|推广|营销|投放|大促|双十一|双11|618|直播|私域|"
    r"粉丝|团队|市场|品牌|预算|计划|总结|规划|方案|复盘|汇报|述职|业绩|季度|年度|全年|指标|电商|天猫|京东|抖音|"
    r"拼多多|淘宝|新媒体|内容|活动|工作|经营|业务|公司|部门|项目|客服|售后|仓储|采购|财务|绩效|策略|措施|前言|引言|摘要|概述|结语|附录",
    re.I,
)
# Site UI that report prose almost never uses (2 points each) and UI words reports also use (1 point).
_UI_STRONG = re.compile(
    r"VIP文档|成为VIP|开通VIP|VIP下载|本文档|该文档|此文档|文档(?:编号|格式|大小|页数|简介|介绍|下载|信息)|本站|本网站?|"
    r"网友(?:上传|投稿|提供)|举报|如有侵权|若内容存在侵权|侵权(?:请|必删|删除)|版权(?:所有|归|声明|说明)|著作权|"
    r"扫码关注|扫一扫|二维码关注|小编|请登录|登录后|立即登录|登录\s*[|/]\s*注册|转载|投稿|"
    r"下载(?:权益|次数|券|本文|文档|地址|链接|全文)|点击(?:下载|查看|进入|阅读|这里|此处|链接|展开)|阅读(?:模式|全文|原文)|"
    r"全文阅读|上一篇|下一篇|返回(?:首页|顶部|列表|目录)|开通会员|会员(?:专享|免费)下载|欢迎(?:来到|访问|光临)|"
    r"立即(?:报名|下载|注册|领取|咨询|体验)|点(?:击)?链接|长按(?:识别|二维码)|关注(?:我们|本站|微信)|"
    r"(?:广告|推广|商务)合作|APP推广|免责声明|未经(?:许可|授权|允许|同意)|ICP备|Copyright|©|网站地图|关于我们|联系我们|"
    r"本文链接|原文链接|打开APP|APP内打开|分享到|分享至|展开全文|免费下载|人已下载|相关(?:推荐|文章|阅读|文档)|猜你喜欢|"
    r"热门(?:文章|推荐|文档)|收益归属|上传(?:者|人|时间|日期|用户)|收录于(?:合集|话题)|预览时标签不可点|滑动看下一个|"
    r"轻触阅读原文|关注该公众号|上方蓝字|写留言|^在看$|当前预览|预览前|预览(?:已)?结束|(?:剩余|还剩)\d+页",
    re.I,
)
_UI_SOFT = re.compile(r"下载|会员|注册|登录|登陆|收藏|分享|评论|关注|上传|首页|位置|阅读|浏览|点击|来源|点赞|报名|链接|"
                      r"免费|广告|合作|网站|文库|打印|复制|VIP|网友|扫码|二维码|充值|积分|侵权|版权|星标|置顶|"
                      r"专栏|赞赏|APP", re.I)
# The page talking about writing (tips, template collections), not a report talking about its business.
_META = re.compile(
    r"范文|模板|范例|例文|写作|撰写|作文|怎么写|如何写|写法|注意(?:以下)?事项|应注意|以下是|下面是|供(?:大家|你|您)参考|"
    r"仅供参考|参考借鉴|希望(?:对|能)(?:你|您|大家)有所?帮助|一起来看看|欢迎阅读|本文将|读者|精选|精心(?:整理|挑选|呈现)|"
    r"收集整理|整理了|篇范文|优秀范文|为大家|给大家"
)
# A site's dates: 2024-01-05, 2024/1/5 18:12, 2024年1月5日 18:12; a bare 2025年1月10日 may sign a report.
_DATETIME = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?|"
                       r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}(?::\d{2})?|"
                       r"\d+\s*(?:分钟|小时|天)前|(?:昨天|前天)\s*\d{1,2}:\d{2}")
_LABELS = (r"文档编号|编号|上传(?:时间|日期|者|人)?|发布(?:时间|日期|者|人)?|(?:更新|分享|收录)(?:时间|日期)|时间|"
           r"日期|格式|[\u4e00-\u9fff]{1,2}者|页数|大小|字数|编辑|责编|责任编辑|来源|小编|栏目|分类|标签|关键词|所属分类")
# A labelled field (作者：…, 上传时间：…) or a dated verb (发布于, 编辑于); a label needs its colon, so a table
# header such as 时间 | 活动 | GMV is not a byline.
_FIELD = re.compile(f"(?:^|(?<=[\\s|•·・/]))(?:(?:{_LABELS})\\s*[:：]\\s?[^\\s|•·・]{{0,16}}|"
                    f"(?:发布|发表|编辑|更新|上传)于|IP\\s*属地\\s*[:：]?\\s*[^\\s|•·・]{{0,6}})")
_BYLINE_WORD = re.compile(r"原创|转载|发表于|发布于|作者|编辑|来源|责编|已于|修改于|更新于")
# A line of nothing but the page's action buttons.
_ACTIONS = re.compile(r"^(?:(?:分享|收藏|喜欢|举报|赞同|点赞|评论|回复|打赏|关注|转发|赞|踩|写回答|关注问题|"
    r"楼主|沙发|板凳|地板|只看该作者|发表回复|\d+\s*楼)\s*\d*\s*)+$")
# A path without 首页 may be a breadcrumb or a report's funnel (曝光 > 点击 > 支付): only around the report.
_PATH = re.compile(r"(?:>|›|»|＞).{1,14}(?:>|›|»|＞)")
# Writing-tips words that a report's own opening may use too (以下是本年度的工作总结).
_META_SHARED = {"以下是", "下面是"}
_URL = re.compile(r"https?://\S+|www\.\S+|\b[\w-]+\.(?:com|cn|net|org|pm|cc|io|top)(?:/\S*)?", re.I)
_NAV = re.compile(r"^(?:首页|主页|网站首页|回到首页|Home)$", re.I)
_LIST_ITEM = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．)）]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,2}\s*[、.]|[•·\-*●■◆▪]\s*)")
_BULLET = re.compile(r"^\s*[•·\-*●■◆▪]\s*")
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_WIDE_GAP = re.compile(r"\S\s{4,}\S")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|万|亿|元|个百分点|倍)")
# Where a page's own footer begins: comments, related links. What follows is the site's, not the report's.
_FOOTER_HEAD = re.compile(
    r"^(?:(?:全部|网友|精彩|热门|最新)?评论(?:区|列表)?|(?:发表|我要|写)评论|相关(?:推荐|文章|阅读|文档|资源|范文|内容)|"
    r"(?:推荐|延伸|扩展|热门)阅读|猜你喜欢|热门(?:文章|推荐|文档|标签)|(?:更多|最新)(?:文章|文档|范文|推荐)|"
    r"(?:更多|其他|全部)回答|相关问题|(?:往期|精彩|近期)(?:推荐|回顾|文章))"
    r"(?:\s*(?:[(（]\d+[)）]|\d+)?\s*[:：]?$|(?P<rest>[\u4e00-\u9fff]{1,6})$)|"
    r"^[-—–=\s]*END[-—–=\s]*$"
)
_TAGS = re.compile(
    r"^(?:(?:文章|分类|所属)?(?:标签|专栏|分类)|关键词|关键字|Tags?|热门标签|相关搜索|热门搜索|本文链接|原文链接|文章来源|"
    r"责任编辑)\s*[:：]", re.I)
# 【打印本页】【关闭窗口】: a line of nothing but bracketed buttons.
_BUTTONS = re.compile(r"^(?:\s*[【\[][^】\]]{1,12}[】\]]\s*){2,}$")
# A report's signature: its author (a team, office or company, perhaps with a person's name) and its date,
# on one line or two (运营部 / 2025年1月10日). A bare date after a plain line is a timeline's, not a signature.
_SIGNER = (f"[{_CJK}A-Za-z]{{0,14}}(?:部|中心|组|团队|公司|集团|处|科|室|局|委|办|店)(?:\\s+[{_CJK}·]{{2,4}})?")
_SIGN_DATE = re.compile(r"^20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_SIGNED = re.compile(f"^{_SIGNER}$|^{_SIGNER}\\s+20\\d\\d\\s*年\\s*\\d{{1,2}}\\s*月\\s*\\d{{1,2}}\\s*日$")
_QUOTED = re.compile(r"“[^”]{1,20}”|「[^」]{1,20}」|‘[^’]{1,20}’|\"[^\"]{1,20}\"")
_REPORT_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]+[章部节]|#)")


def _cjk(text: str) -> int:
    return len(re.findall(f"[{_CJK}]", text))


def _residue(s: str) -> int:
    """Chinese characters and digits left once counters, dates and labelled fields are taken out."""
    # Digits count: a table row of the report (2024-11-01 | 双11预热 | 320万) keeps its figures.
    s = _DATETIME.sub(" ", s)
    s = _FIELD.sub(" ", s)
    s = COUNTER.sub(" ", s)
    return _cjk(s) + len(re.findall(r"\d", s))


def _measured(s: str) -> bool:
    """A sentence reporting two figures (阅读量126万，下载次数同比增长35%), whatever site words it holds."""
    return len(_FIGURE.findall(s)) >= 2 and bool(_SENTENCE_END.search(s))


def strong_reason(s: str) -> str | None:
    """Why a line is site chrome wherever it stands, or None: the evidence is unambiguous."""
    if not s or len(s) > 400:  # a run-together page of report text, whatever words it holds
        return None
    short = len(s) <= 60 and not _SENTENCE_END.search(s)
    if _TAGS.match(s) and len(s) <= 80:
        return "tags_links"
    if _ACTIONS.match(s):
        return "site_ui"
    if breadcrumb(s, around_report=False):
        return "breadcrumb"
    if _URL.search(s) and (_UI_STRONG.search(s) or _cjk(_URL.sub("", s)) <= 10):
        return "link"
    if bare_file_name(s):
        return "file_name"
    if collection_title(s):
        return None  # it opens a document of the collection: that document's title (see _collection_openers)
    if COLLECTION.search(s) and len(s) <= 50 and not _SENTENCE_END.search(s):
        return "collection_header"
    if MORE_LINK.search(s) and len(s) <= 40 and not _SENTENCE_END.search(s) and not _FIGURE.search(s):
        return "more_link"
    if (COUNTER.search(s) or _DATETIME.search(s) or _FIELD.search(s)) and len(s) <= 80 and _residue(s) <= 3:
        return "byline_counters"
    if _DATETIME.search(s) and _BYLINE_WORD.search(s) and short and not _FIGURE.search(s):
        return "byline_counters"  # 原创 作者名 公众号名 2024-01-03 08:00 发表于上海
    parts = [p for p in re.split(r"\s{2,}|\s*[|｜·•]\s*", s) if p]
    named = [p for p in parts if _residue(p) and not _ACTIONS.match(p)]
    if len(parts) >= 3 and len(named) == 1 and len(named[0]) <= 12 and not REPORT_WORDS.search(named[0]):
        return "byline_counters"  # 小王的馆藏  2025-03-02 | 阅 2345 | 转 12: a name among dates and counters
    if len(parts) >= 3 and any(_NAV.match(p) for p in parts) and all(len(p) <= 6 for p in parts):
        return "menu"
    words = s.split()
    if len(words) >= 4 and all(len(w) <= 6 and not re.search(r"\d", w) for w in words) \
            and sum(bool(_UI_SOFT.search(w)) for w in words) >= 2:
        return "menu"  # CSDN 博客 下载 学习 社区 会员中心
    if _BUTTONS.match(s):
        return "site_ui"
    ui = 2 * len(set(_UI_STRONG.findall(s))) + len(set(_UI_SOFT.findall(s)))
    report = len(set(REPORT_WORDS.findall(s)))
    if _UI_STRONG.search(s) and (short and len(s) <= 30 and not report
                                 or ui - report >= 2 and len(s) <= 150 and not _measured(s)):
        return "site_ui"
    if membership_offer(s):
        return "membership"
    meta = len(set(_META.findall(s)))
    if meta >= 3 or meta == 2 and (len(s) <= 60 or not REPORT_WORDS.search(s)):
        return "writing_tips"
    return None


def weak_reason(s: str, head: bool = True) -> str | None:
    """Why a line is chrome where no report prose surrounds it (before the first or after the last stretch)."""
    # After the report (head=False) a copy cut short may end in short report lines: there only site words,
    # writing tips, site names and menus count, not short lines with a UI word or a path.
    if len(s) > 400:  # a run-together page of report text
        return None
    if _UI_STRONG.search(s) and not _measured(s):
        return "site_ui"
    if head and set(_META.findall(s)) - _META_SHARED:
        return "writing_tips"  # a template site's introduction, though it names the report's subject
    if len(s) <= 30 and any(SITE_NAME.match(p.strip()) for p in re.split(r"\s[-–—|]\s|[|｜_]", s)):
        return "site_name"  # 运营人社区 - 让运营更简单
    if breadcrumb(s, around_report=True):
        return "breadcrumb"
    if REPORT_WORDS.search(_QUOTED.sub("", s)) and not _WIDE_GAP.search(s):
        return None  # a quoted name (点击上方“某某运营”关注) is not the report talking
    if head and _UI_SOFT.search(s) and len(s) <= 20 and not _LIST_ITEM.match(s):
        return "site_ui"
    if head and _PATH.search(s) and len(s) <= 60 and not _SENTENCE_END.search(s):
        return "breadcrumb"
    if _META.search(s):
        return "writing_tips"
    parts = s.split()
    if _WIDE_GAP.search(s) and len(parts) <= 6 and all(len(p) <= 6 and not re.search(r"\d", p) for p in parts):
        return "menu"
    return None


def _is_prose(s: str) -> bool:
    """A stretch of report prose: a real sentence or table row, not short, no chrome evidence at all."""
    cjk = _cjk(s)
    if cjk > 400:
        return True  # a run-together page of report text, whatever words it holds
    return ((cjk >= 20 or cjk >= 12 and len(s) >= 24) and bool(re.search(r"[。！？；，,!?、|]", s))
            and not _META.search(s)
            and not _UI_STRONG.search(s))


def _menu_runs(simple: list[str], reasons: list[str | None]) -> None:
    """Numbered or bulleted runs of short items that include 首页 are a site menu."""
    i = 0
    while i < len(simple):
        j = i
        while j < len(simple) and simple[j] and _LIST_ITEM.match(simple[j]) and len(simple[j]) <= 14:
            j += 1
        items = [_LIST_ITEM.sub("", s).strip() for s in simple[i:j]]
        if j - i >= 2 and any(_NAV.match(x) for x in items):
            for k in range(i, j):
                reasons[k] = reasons[k] or "menu"
        i = max(j, i + 1)


def _spread(bare: list[str], simple: list[str], reasons: list[str | None]) -> None:
    """A chrome line ending in a colon heads a list of the same (tips, notices): its items go too."""
    block = False
    for i, s in enumerate(bare):
        if block and s and _LIST_ITEM.match(simple[i]):
            reasons[i] = reasons[i] or "site_notice"
            continue
        block = reasons[i] is not None and bool(re.search(r"[:：]\s*$", s))


def _notice_lists(simple: list[str], reasons: list[str | None]) -> None:
    """A list whose items are mostly site notices is a notice list: its other items go too, save figures."""
    i = 0
    while i < len(simple):
        j = i
        while j < len(simple) and simple[j] and _LIST_ITEM.match(simple[j]):
            j += 1
        chrome = sum(reasons[k] is not None for k in range(i, j))
        if chrome >= 2 and 2 * chrome >= j - i:
            for k in range(i, j):
                if reasons[k] is None and not _FIGURE.search(simple[k]):
                    reasons[k] = "site_notice"
        i = max(j, i + 1)


def line_key(line: str) -> str:
    """How a line is compared across documents: without whitespace (Simplified script expected)."""
    return re.sub(r"\s+", "", line)


def find_chrome(simple: list[str], shared: frozenset[str] = frozenset()) -> list[str | None]:
    """The reason each line (in Simplified script) is site chrome, or None to keep it."""
    # shared: line_key()s of lines found on several of the copies added together; such a line is chrome when
    # it holds no report word, figure or report heading (a site's slogan or notice, on every copy).
    simple = [s.strip() for s in simple]
    bare = [_BULLET.sub("", s).strip() for s in simple]
    reasons: list[str | None] = [strong_reason(s) for s in bare]
    for i, s in enumerate(bare):
        if reasons[i] is None and s and line_key(s) in shared and not REPORT_WORDS.search(s) \
                and not _FIGURE.search(s) and not _REPORT_HEADING.match(s):
            reasons[i] = "repeated"
    _menu_runs(simple, reasons)
    _spread(bare, simple, reasons)
    _notice_lists(simple, reasons)
    prose = [i for i, s in enumerate(bare) if reasons[i] is None and _is_prose(s)]
    first, last = (prose[0], prose[-1]) if prose else (len(bare), -1)
    for i, s in enumerate(bare):
        if reasons[i] is None and s and (i < first or i > last):
            reasons[i] = weak_reason(s, head=i < first)
    _spread(bare, simple, reasons)
    _collection_openers(bare, reasons)
    _head_repeats(bare, reasons, first)
    _footer(bare, reasons, first)
    _tail(bare, reasons, first, last)
    return reasons


def _collection_openers(bare: list[str], reasons: list[str | None]) -> None:
    """A marker line (篇一：2025年计划) opens a document; when the document repeats its title, it is a header."""
    for i, s in enumerate(bare):
        title = collection_title(s)
        if not title:
            continue
        reasons[i] = None  # the document's own opening, whatever the passes around the report made of it
        nxt = next((j for j in range(i + 1, len(bare)) if bare[j] and reasons[j] is None), None)
        if nxt is not None and line_key(bare[nxt]) == line_key(title):
            reasons[i] = "collection_header"


def _head_repeats(bare: list[str], reasons: list[str | None], first: int) -> None:
    """Before the report, a page title that a later line repeats is the page's copy of the report's title."""
    # The later line keeps the text: it equals the early one, starts with it (the title with its dates),
    # or ends it (the report's own title under a thread title). Numbered headings stay: a report's own
    # table of contents repeats them too.
    keys = [line_key(s) if s and reasons[i] is None else "" for i, s in enumerate(bare)]
    for i in range(min(first, len(bare))):
        key = keys[i]
        if _cjk(key) < 4 or len(key) > 60 or _LIST_ITEM.match(bare[i]) or _REPORT_HEADING.match(bare[i]):
            continue
        title = next((j for j in range(i + 1, len(keys)) if keys[j] and
                      (keys[j].startswith(key) or key.endswith(keys[j]) and _cjk(keys[j]) >= 6)), None)
        if title is None:
            continue
        reasons[i] = "repeated_title"
        # The page's header runs up to the report's own title: author names, bios, columns, site names. A line
        # with a year or a figure, a signature or a numbered heading may be a report's cover and stays.
        for k in range(min(title, first)):
            if bare[k] and reasons[k] is None and len(bare[k]) <= 30 and not re.search(r"20\d\d", bare[k]) \
                    and not _FIGURE.search(bare[k]) and not _SIGNED.match(bare[k]) \
                    and not _LIST_ITEM.match(bare[k]) and not _REPORT_HEADING.match(bare[k]):
                reasons[k] = "page_head"
    _page_contents(bare, reasons, keys, first)


def _page_contents(bare: list[str], reasons: list[str | None], keys: list[str], first: int) -> None:
    """A 目录 whose items the report repeats, standing before the report's own title, is the page's."""
    # A report's own table of contents follows its title; a blog's 文章目录 comes before the article.
    for i in range(min(first, len(bare))):
        if not re.fullmatch(r"(?:文章)?目\s*录", bare[i]):
            continue
        items = []  # the lines under it that a later line repeats
        for j in range(i + 1, len(bare)):
            if bare[j] and not (keys[j] and keys[j] in keys[j + 1:]):
                break
            if bare[j]:
                items.append(j)
        if len(items) < 2:
            continue
        heading = keys.index(keys[items[0]], items[-1] + 1)
        if any(bare[k] and reasons[k] is None and REPORT_WORDS.search(bare[k]) and len(bare[k]) <= 40
               and not _SENTENCE_END.search(bare[k]) and not _REPORT_HEADING.match(bare[k])
               for k in range(items[-1] + 1, heading)):
            for k in (i, *items):
                reasons[k] = "table_of_contents"


def _signature(bare: list[str], first: int) -> int | None:
    """The line of the report's closing date (运营部 / 2025年1月10日) when no report heading follows it."""
    for i in range(len(bare) - 1, first, -1):
        if _REPORT_HEADING.match(bare[i]):
            return None
        if _SIGNED.match(bare[i]) and re.search(r"\d日$", bare[i]):
            return i
        signer = next((bare[j] for j in range(i - 1, first, -1) if bare[j]), "")
        if _SIGN_DATE.match(bare[i]) and _SIGNED.match(signer):
            return i
    return None


def _tail(bare: list[str], reasons: list[str | None], first: int, last: int) -> None:
    """The page after the report: from its signature date, or from the first site line after its last prose."""
    # A copy cut short may end in short report lines, so the tail begins only at clear evidence; in it a line
    # with a figure, an attachment, report prose (a sentence with three report words and no site words) or a
    # numbered report heading stays. A related article's title is no sentence, however many report words.
    if last < 0:
        return  # no report prose: nothing tells where the report ends
    sign = _signature(bare, first)
    starts = [sign + 1] if sign is not None else []
    starts += [i for i in range(last + 1, len(bare)) if reasons[i]][:1]
    # Before a comments or related-links heading, a line with a site word or a counter is the page's too.
    footer = next((i for i in range(last + 1, len(bare)) if reasons[i] == "footer"), last + 1)
    for i in range(last + 1, footer):
        if bare[i] and reasons[i] is None and (_UI_SOFT.search(bare[i]) or COUNTER.search(bare[i])) \
                and not _FIGURE.search(bare[i]) and not _LIST_ITEM.match(bare[i]) \
                and not _REPORT_HEADING.match(bare[i]):
            reasons[i] = "page_tail"
    for i in range(min(starts, default=len(bare)), len(bare)):
        s = bare[i]
        if _REPORT_HEADING.match(s) or ATTACHMENT.match(s):
            return  # the report resumes: its next part, or its attachment after the signature
        prose = len(set(REPORT_WORDS.findall(s))) >= 3 and _SENTENCE_END.search(s) and not _UI_STRONG.search(s)
        if s and reasons[i] is None and not _FIGURE.search(s) and not prose:
            reasons[i] = "page_tail"


def _footer_head(bare: list[str], i: int) -> bool:
    """A comments or related-links heading: the phrase alone, or with a few words when links follow it."""
    # 推荐阅读更多精彩内容 heads a list of short titles; 相关资源投入 followed by a sentence is the report's.
    m = _FOOTER_HEAD.match(bare[i])
    if m is None:
        return False
    rest = m.group("rest") or ""
    if REPORT_WORDS.search(bare[i][: len(bare[i]) - len(rest)]):
        return False
    if not rest:
        return True
    nxt = next((s for s in bare[i + 1:] if s), "")
    return _cjk(rest) == len(rest) <= 6 and bool(nxt) and len(nxt) <= 30 and not _SENTENCE_END.search(nxt)


def _footer(bare: list[str], reasons: list[str | None], first: int) -> None:
    """After the report, a comments or related-links heading starts the page's footer: all of it goes."""
    # ...unless a numbered report heading further down shows the report resumes.
    start = next((i for i, s in enumerate(bare) if i > first and len(s) <= 20 and _footer_head(bare, i)), None)
    if start is None:
        return
    reasons[start] = reasons[start] or "footer"
    for i in range(start + 1, len(bare)):
        if _REPORT_HEADING.match(bare[i]):
            return
        if bare[i]:
            reasons[i] = reasons[i] or "footer"
