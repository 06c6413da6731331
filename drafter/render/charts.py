"""charts/*.png from the facts: monthly GMV vs last year, channel mix, category growth, target vs actual."""

from __future__ import annotations

import io
import re
from pathlib import Path

from drafter.files import atomic_write_bytes, atomic_write_text
from drafter.models import TARGET_ACTUAL, TARGET_GAP, TARGET_NAMES, Fact

# Which section of a report each chart illustrates (Word places it there); unknown ids go to an appendix.
CHART_SECTIONS = {"monthly_gmv": ("overview",), "targets": ("overview",), "channel_mix": ("channels", "metrics"),
                  "category_growth": ("categories", "metrics", "channels"), "daily_gmv": ("daily", "overview")}
CHART_TITLES = {"monthly_gmv": "月度GMV同比走势", "channel_mix": "渠道GMV占比", "category_growth": "各品类GMV同比增速",
                "targets": "目标与实际完成情况", "daily_gmv": "每日GMV走势"}
BLUE, GREY, RED, GREEN = "#2f6db5", "#b8c2cc", "#c0392b", "#2e8b57"


def cjk_font_path() -> Path:
    """Noto Sans SC, shipped inside the pylopdf-fonts-zh-cn wheel (no system CJK font is needed)."""
    import pylopdf_fonts_zh_cn

    folder = Path(pylopdf_fonts_zh_cn.__file__).parent
    fonts = sorted(folder.glob("NotoSansSC*.[ot]tf")) or sorted(folder.glob("*.[ot]tf"))
    if not fonts:
        raise FileNotFoundError(f"no font file inside {folder}")
    return fonts[0]


def cjk_font_family() -> str:
    """Register the CJK font with matplotlib and return its family name."""
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _scale(values: list[float]) -> tuple[float, str]:
    top = max((abs(v) for v in values), default=0)
    return (1e8, "亿元") if top >= 1e8 else (1e4, "万元") if top >= 1e4 else (1, "元")


def _month(fact: Fact) -> int:
    match = re.search(r"(\d+)月", fact.dimension)
    return int(match[1]) if match else 0


def _cn(label: str) -> str:
    """A period label as prose names it: 2025 → 2025年, 2025-11 → 2025年11月, 2025-W47 → 2025年第47周."""
    from drafter.periods import parse_period

    return parse_period(label).chinese()


def _name(fact: Fact) -> str:
    return fact.dimension.partition("=")[2]


def _pick(facts: list[Fact], metric: str, measure: str, period: str, prefix: str) -> list[Fact]:
    return [f for f in facts if f.metric == metric and f.measure == measure and f.period == period
            and f.dimension.startswith(prefix)]


def _monthly(fig, facts: list[Fact], period: str, previous: str) -> bool:
    now, before = (sorted(_pick(facts, "gmv", "value", p, "month="), key=_month) for p in (period, previous))
    if not now:
        return False
    factor, unit = _scale([f.value for f in now + before])
    ax = fig.subplots()
    if before:
        ax.plot([_month(f) for f in before], [f.value / factor for f in before], marker="o", color=GREY,
                linewidth=2, label=_cn(previous))
    ax.plot([_month(f) for f in now], [f.value / factor for f in now], marker="o", color=BLUE, linewidth=2.4,
            label=_cn(period))
    months = sorted({_month(f) for f in now + before})
    ax.set_xticks(months, [f"{m}月" for m in months])
    ax.set_ylabel(f"GMV（{unit}）")
    ax.set_title(f"月度GMV：{_cn(period)} vs {_cn(previous)}")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return True


def _channel_mix(fig, facts: list[Fact], period: str, previous: str) -> bool:
    now = sorted(_pick(facts, "gmv", "share", period, "channel="), key=lambda f: -f.value)
    if not now:
        return False
    before = {_name(f): f.value for f in _pick(facts, "gmv", "share", previous, "channel=")}
    names = [_name(f) for f in now]
    ax = fig.subplots()
    xs = range(len(names))
    width = 0.38
    if before:
        ax.bar([x - width / 2 for x in xs], [before.get(n, 0) for n in names], width, color=GREY,
               label=_cn(previous))
    bars = ax.bar([x + (width / 2 if before else 0) for x in xs], [f.value for f in now], width, color=BLUE,
                  label=_cn(period))
    ax.bar_label(bars, labels=[f"{f.value:.1f}%" for f in now], fontsize=9, padding=2)
    ax.set_xticks(list(xs), names)
    ax.set_ylabel("GMV占比（%）")
    ax.set_title(f"渠道GMV占比：{_cn(period)} vs {_cn(previous)}")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return True


def _category_growth(fig, facts: list[Fact], period: str, previous: str) -> bool:
    rows = sorted(_pick(facts, "gmv", "yoy", period, "category="), key=lambda f: f.value)
    if not rows:
        return False
    ax = fig.subplots()
    bars = ax.barh([_name(f) for f in rows], [f.value for f in rows],
                   color=[GREEN if f.value >= 0 else RED for f in rows])
    ax.bar_label(bars, labels=[f"{f.value:+.1f}%" for f in rows], fontsize=9, padding=3)
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.set_xlabel("GMV同比（%）")
    ax.set_title(f"各品类GMV同比增速（{_cn(period)}）")
    ax.margins(x=0.15)
    ax.grid(axis="x", alpha=0.3)
    return True


def target_pairs(facts: list[Fact], period: str) -> list[tuple[str, Fact, Fact, bool]]:
    """(label, target, actual, met) for each target of the period that has an actual."""
    index = {(f.metric, f.measure, f.period, f.dimension): f for f in facts}
    pairs = []
    for target in facts:
        if target.period != period or target.measure not in TARGET_ACTUAL:
            continue
        actual = index.get((target.metric, TARGET_ACTUAL[target.measure], period, target.dimension))
        if actual is None:
            continue
        gap = index.get((target.metric, TARGET_GAP[target.measure], period, target.dimension))
        # the gap fact knows whether lower is better (退款率); without one, higher is taken as better
        met = gap.status == "met" if gap is not None and gap.status else actual.value >= target.value
        pairs.append((f"{_name(target)}{target.label}{TARGET_NAMES[target.measure]}", target, actual, met))
    return pairs


def _targets(fig, facts: list[Fact], period: str, previous: str) -> bool:
    pairs = target_pairs(facts, period)
    if not pairs:
        return False
    axes = fig.subplots(1, len(pairs), squeeze=False)[0]
    for ax, (label, target, actual, met) in zip(axes, pairs, strict=True):
        factor, unit = (1, target.unit) if target.unit in ("%", "pp") else _scale([target.value, actual.value])
        unit = {"万元": "万", "亿元": "亿"}.get(unit, unit)
        values = [target.value / factor, actual.value / factor]
        bars = ax.bar(["目标", "实际"], values, color=[GREY, GREEN if met else RED], width=0.6)
        ax.bar_label(bars, labels=[f"{v:.1f}{unit}" for v in values], fontsize=9, padding=2)
        ax.set_title(label, fontsize=10)
        ax.set_yticks([])
        ax.margins(y=0.2)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    fig.suptitle(f"{_cn(period)}目标与实际（绿色为达成，红色为未达成）")
    return True


def _daily(fig, facts: list[Fact], period: str, previous: str) -> bool:
    """A month's or week's GMV by day against the same period a year before, day by day in order; promotion
    days marked."""
    from drafter.metrics.cadence import day_dimension, promotion_days
    from drafter.periods import parse_period

    now, then = parse_period(period), parse_period(previous)
    series = []
    for when in (now, then):
        by_day = {f.dimension: f.value for f in _pick(facts, "gmv", "value", when.label, "day=")}
        series.append([by_day.get(day_dimension(d)) for d in when.days()])
    if not any(v is not None for v in series[0]):
        return False
    factor, unit = _scale([v for values in series for v in values if v is not None])
    ax = fig.subplots()
    for values, when, color, width in ((series[1], then, GREY, 2), (series[0], now, BLUE, 2.4)):
        points = [(i, v / factor) for i, v in enumerate(values) if v is not None]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", markersize=3, color=color, linewidth=width,
                    label=_cn(when.label))
    days = now.days()
    weekday = "一二三四五六日"
    labels = [f"{d.month}/{d.day}\n周{weekday[d.weekday()]}" if now.grain == "week" else f"{d.day}日" for d in days]
    step = 1 if len(days) <= 10 else 3
    ax.set_xticks(range(0, len(days), step), labels[::step])
    for name, promo in promotion_days(now).items():
        for day in promo:
            ax.axvline(days.index(day), color=RED, linewidth=0.8, linestyle="--", alpha=0.6)
        ax.annotate(name, (days.index(promo[0]), 0.97), xycoords=("data", "axes fraction"), color=RED, fontsize=9,
                    xytext=(4, 0), textcoords="offset points", ha="left", va="top")
    ax.set_ylabel(f"GMV（{unit}）")
    ax.set_title(f"每日GMV：{_cn(period)} vs {_cn(previous)}")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return True


CHARTS = {"monthly_gmv": (_monthly, (8, 4.2)), "daily_gmv": (_daily, (8, 4.2)), "channel_mix": (_channel_mix, (8, 4.2)),
          "category_growth": (_category_growth, (8, 4.6)), "targets": (_targets, (9, 3.6))}


CHARTS_VERSION = "3"


def _traditional(fig) -> None:
    from matplotlib.text import Text

    from drafter.render.script import to_traditional

    for text in fig.findobj(Text):
        if text.get_text():
            text.set_text(to_traditional(text.get_text()))


def render_charts(facts: list[Fact], period: str, folder: Path, key: str = "", script: str = "simplified"
                  ) -> dict[str, Path]:
    """Draw each chart the facts allow into folder/charts/NAME.png; returns name → path.

    With a key (a hash of the facts), charts already drawn from the same facts are reused.
    """
    out = Path(folder) / "charts"
    stamp = out / ".facts-hash"
    key = f"{CHARTS_VERSION}:{period}:{script}:{key}" if key else ""
    if key and stamp.exists() and stamp.read_text(encoding="utf-8").split("\n")[0] == key:
        # verify, regen and accept run after every edit; the facts, hence the charts, have not changed
        names = stamp.read_text(encoding="utf-8").split("\n")[1:]
        if all((out / f"{name}.png").exists() for name in names if name):
            return {name: out / f"{name}.png" for name in names if name}
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from drafter.periods import parse_period

    previous = parse_period(period).previous_year().label
    family = cjk_font_family()
    written: dict[str, Path] = {}
    # unicode_minus off: the font's ASCII hyphen is always there, the U+2212 minus may not be
    style = {"font.family": [family], "font.sans-serif": [family], "axes.unicode_minus": False,
             "axes.spines.top": False, "axes.spines.right": False}
    if script == "traditional":
        # tick labels are made at draw time from the data, so the data's names are converted up front
        from drafter.render.script import to_traditional

        facts = [f.model_copy(update={"dimension": to_traditional(f.dimension), "label": to_traditional(f.label)})
                 for f in facts]
    with matplotlib.rc_context(style):
        for name, (draw, size) in CHARTS.items():
            fig = Figure(figsize=size, dpi=150, layout="constrained")
            if not draw(fig, facts, period, previous):
                continue
            if script == "traditional":
                _traditional(fig)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png")
            atomic_write_bytes(out / f"{name}.png", buffer.getvalue())
            written[name] = out / f"{name}.png"
    for stale in out.glob("*.png") if out.exists() else []:
        if stale.stem not in written and stale.stem in CHARTS:
            stale.unlink()  # a chart the new facts no longer allow must not linger from an older run
    if key:
        atomic_write_text(stamp, "\n".join([key, *written]))
    return written
