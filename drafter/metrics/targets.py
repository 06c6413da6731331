"""Targets proposed from a plan's text (目标 statements and tables), and merged into the team's targets file."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from drafter.errors import UserError
from drafter.metrics.registry import METRICS, MetricDef

TARGET_COLUMNS = ["period", "metric", "measure", "value", "unit", "dimension"]
_STOP = "，。；;：:、,|（）()“”\"！!？?\n"
_NUMBER = r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|％|个百分点|亿元|万元|元|亿|万人|万单|万|人|单|倍|次|分|小时|天)?"
_STATEMENT = re.compile(
    r"目标值?(?P<verb>同比增长|同比提升|同比增速为?|增速为?|增长|提升至|提高到|提高至|提升到|达到|定为|设定为|设为|为|是|：|:|提升|提高|降低|下降|压降)?"
    r"\s*(?:不低于|不少于|不高于|不超过|约|超过|突破)?\s*" + _NUMBER + r"(?![\d.]|\s*[年月日号季])"
)
_CELL_VALUE = re.compile(r"^\s*(?:不低于|不少于|不高于|不超过|约|超过|突破)?\s*" + _NUMBER + r"\s*$")
_YOY_SUFFIXES = ("同比增长率", "同比增速", "同比增幅", "同比增长", "增长率", "增速", "增幅")
_YOY_VERBS = ("同比增长", "同比提升", "同比增速", "同比增速为", "增速", "增速为", "增长", "提升", "提高")
_DOWN_VERBS = ("降低", "下降", "压降")
# Where the words naming a target's metric begin: after punctuation or a verb of the sentence before it.
_SUBJECT_START = re.compile(r"^.*(?:[" + _STOP + r"]|目标|实现|是|为|要|将|力争|确保|争取)", re.S)
_SHARE_SUFFIXES = ("占比", "份额")
_FILLERS = ("力争", "确保", "实现", "其中", "全年", "年度", "整体", "总体", "公司", "全渠道", "全店", "核心", "的")
_SCALE = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "万人": 1e4, "万单": 1e4}
_UNITS_OK = {"元": {"元", "亿元", "万元", "亿", "万", ""}, "人": {"人", "万人", "万", ""},
             "单": {"单", "万单", "万", ""}, "%": {"%"}, "倍": {"倍", ""}, "次": {"次", ""}}


@dataclass
class ProposedTarget:
    """One row of the targets table, with the plan text it came from."""

    period: str
    metric: str
    measure: str
    value: float
    unit: str
    dimension: str = ""
    source: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What makes two rows the same target."""
        return self.period, self.metric, self.measure, self.dimension

    @property
    def label(self) -> str:
        """The metric's Chinese label."""
        return METRICS[self.metric].label


@dataclass
class ParsedPlan:
    """Targets found in a plan, plus 目标 figures that could not be read safely."""

    targets: list[ProposedTarget] = field(default_factory=list)
    not_understood: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[tuple[ProposedTarget, ProposedTarget]] = field(default_factory=list)

    def add(self, target: ProposedTarget) -> None:
        """Keep the first statement of a target; remember disagreeing restatements."""
        for seen in self.targets:
            if seen.key == target.key:
                if abs(seen.value - target.value) > 1e-9:
                    self.conflicts.append((seen, target))
                return
        self.targets.append(target)


@cache
def _names() -> list[tuple[str, MetricDef]]:
    names = [(n.lower(), m) for m in METRICS.values() for n in (m.id, m.label, *m.aliases)]
    return sorted(names, key=lambda pair: -len(pair[0]))


def _strip_fillers(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for word in _FILLERS:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word):], True
    return text


def _dimension(prefix: str, dimensions: dict[str, str]) -> str | None:
    """channel=抖音 for 抖音渠道; '' for no qualifier; None when the qualifier is not understood."""
    prefix = prefix.strip()
    if not prefix:
        return ""
    for suffix, dim in (("渠道", "channel"), ("平台", "channel"), ("品类", "category"), ("类目", "category")):
        if prefix.endswith(suffix) and len(prefix) > len(suffix):
            return f"{dim}={prefix[: -len(suffix)]}"
    return f"{dimensions[prefix]}={prefix}" if prefix in dimensions else None


def _metric_suffix(subject: str) -> tuple[MetricDef, str] | None:
    lowered = subject.lower()
    for name, metric in _names():
        if lowered.endswith(name):
            return metric, subject[: len(subject) - len(name)]
    return None


def interpret(subject: str, verb: str, number: str, unit: str, period: str,
              dimensions: dict[str, str] | None = None) -> ProposedTarget | str:
    """A target from '抖音渠道GMV占比' + '为' + '25.0' + '%', or the reason it cannot be read."""
    dimensions = dimensions or {}
    subject = re.sub(r"\s+", "", subject).removesuffix("目标")
    year = re.match(r"^(\d{4})年(?:度)?", subject)
    if year:
        if year.group(1) != period[:4]:
            return f"about {year.group(1)}, not {period}"
        subject = subject[year.end():]
    subject = _strip_fillers(subject)
    unit = {"％": "%"}.get(unit or "", unit or "")
    if unit == "个百分点":
        return "a change in percentage points needs the base it is added to"
    candidates = [(subject, "target")]
    for suffix in _YOY_SUFFIXES:
        if subject.endswith(suffix):
            candidates.insert(0, (subject[: -len(suffix)], "target_yoy"))
    for suffix in _SHARE_SUFFIXES:
        if subject.endswith(suffix):
            candidates.append((subject[: -len(suffix)], "target_share"))
    for name, measure in candidates:
        found = _metric_suffix(name)
        if found is None:
            continue
        metric, prefix = found
        dimension = _dimension(_strip_fillers(prefix), dimensions)
        if dimension is None:
            continue
        value = float(number)
        if verb in _YOY_VERBS + _DOWN_VERBS and measure == "target":
            if metric.unit == "%":
                return "a relative change of a rate is ambiguous (percent or percentage points?)"
            measure = "target_yoy"
        if verb in _DOWN_VERBS:
            value = -value
        if measure in ("target_yoy", "target_share"):
            if unit != "%":
                return f"a {'growth' if measure == 'target_yoy' else 'share'} target needs a percentage"
            if measure == "target_share" and not dimension:
                return "a share target needs the channel or category it is the share of"
            return ProposedTarget(period, metric.id, measure, value, "%", dimension)
        if unit not in _UNITS_OK.get(metric.unit, {metric.unit, ""}):
            return f"unit {unit or '(none)'} does not fit {metric.label} ({metric.unit})"
        return ProposedTarget(period, metric.id, "target", value * _SCALE.get(unit, 1.0), metric.unit, dimension)
    return "no known metric in the words before 目标"


def _is_heading(line: str) -> bool:
    return bool(re.match(r"^\s*(#{1,6}\s|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])", line))


def _table_targets(rows: list[list[str]], period: str, dimensions: dict, plan: ParsedPlan) -> None:
    header, body = rows[0], [r for r in rows[1:] if not all(re.fullmatch(r":?-{2,}:?", c) for c in r)]
    value_col = next((i for i, c in enumerate(header) if i and "目标" in c), 1 if len(header) > 1 else None)
    if value_col is None:
        return
    year = re.search(r"(\d{4})年", header[value_col])
    if year and year.group(1) != period[:4]:
        return
    for row in body:
        if len(row) <= value_col:
            continue
        match = _CELL_VALUE.match(row[value_col])
        source = "| " + " | ".join(row) + " |"
        if not match:
            continue
        found = interpret(row[0], "", match["num"], match["unit"] or "", period, dimensions)
        if isinstance(found, str):
            plan.not_understood.append((source, found))
        else:
            found.source = source
            plan.add(found)


def parse_plan(text: str, period: str, heading: str = "", dimensions: dict[str, str] | None = None,
               plan: ParsedPlan | None = None) -> ParsedPlan:
    """Targets stated in a plan's text: 目标 sentences anywhere, tables under a 目标 heading or header."""
    plan = plan or ParsedPlan()
    dimensions = dimensions or {}
    lines = text.splitlines()
    current = heading
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            if "目标" in current or any("目标" in c for c in rows[0]):
                _table_targets(rows, period, dimensions, plan)
            continue
        if _is_heading(line):
            current = f"{heading} {line}"
        for match in _STATEMENT.finditer(line):
            before = _SUBJECT_START.match(line[: match.start()])
            start = before.end() if before else 0
            subject = line[start: match.start()]
            clause = line[start: match.end()].strip()
            found = interpret(subject, match["verb"] or "", match["num"], match["unit"] or "", period, dimensions)
            if isinstance(found, str):
                plan.not_understood.append((clause, found))
            else:
                found.source = clause
                plan.add(found)
        i += 1
    return plan


@dataclass
class MergeResult:
    """What merging proposed targets into the targets file did."""

    path: Path
    added: list[ProposedTarget] = field(default_factory=list)
    present: list[ProposedTarget] = field(default_factory=list)
    differing: list[tuple[ProposedTarget, str]] = field(default_factory=list)


def _read_targets(path: Path) -> tuple[str, str, list[list[str]]]:
    from drafter.files import utf8_or_gbk

    raw = path.read_bytes()
    text = utf8_or_gbk(raw, str(path))
    # Write back in the encoding the team's file already uses (a BOM too: Excel wants it); text that re-encodes to
    # the same bytes was read as UTF-8.
    encoding = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8" if text.encode() == raw else "gb18030"
    return text, encoding, list(csv.reader(io.StringIO(text)))


def merge_targets(data_dir: Path, proposed: list[ProposedTarget], write: bool) -> MergeResult:
    """Sort proposals into new, already present and differing; with `write`, append the new ones atomically."""
    from drafter.files import atomic_write_bytes
    from drafter.metrics.data import SCHEMA, find_file
    from drafter.metrics.registry import lookup

    path = find_file(Path(data_dir), "targets") or Path(data_dir) / "targets.csv"
    if path.suffix != ".csv":
        raise UserError(f"{path.name}: only a CSV targets file can be updated; add the rows by hand or convert it")
    text, encoding, rows = _read_targets(path) if path.exists() else ("", "utf-8", [])
    header = rows[0] if rows else list(TARGET_COLUMNS)
    index = {}
    for canonical, aliases in SCHEMA["targets"].items():
        names = [canonical, *aliases]
        index[canonical] = next((i for i, h in enumerate(header) if h.strip().lower() in names), None)
    missing = [c for c in ("period", "metric", "measure", "value") if index[c] is None]
    if missing:
        raise UserError(f"{path.name}: required column missing: {', '.join(missing)}; "
                        f"columns found: {', '.join(header)}")

    def cell(row: list[str], name: str) -> str:
        i = index[name]
        return row[i].strip() if i is not None and i < len(row) else ""

    existing = {}
    for row in rows[1:]:
        if row:
            spec = lookup(cell(row, "metric"))
            key = (cell(row, "period"), spec.id if spec else cell(row, "metric"), cell(row, "measure"),
                   cell(row, "dimension"))
            existing[key] = cell(row, "value")
    result = MergeResult(path)
    new_rows = []
    for target in proposed:
        if target.key not in existing:
            result.added.append(target)
            row = [""] * len(header)
            for name in TARGET_COLUMNS:
                if index.get(name) is not None:
                    row[index[name]] = f"{target.value:g}" if name == "value" else str(getattr(target, name))
            new_rows.append(row)
            continue
        try:
            same = abs(float(existing[target.key]) - target.value) <= 1e-9
        except ValueError:
            same = False
        if same:
            result.present.append(target)
        else:
            result.differing.append((target, existing[target.key]))
    if write and new_rows:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if not rows:
            writer.writerow(header)
        writer.writerows(new_rows)
        prefix = text if not text or text.endswith("\n") else text + "\n"
        atomic_write_bytes(path, (prefix + out.getvalue()).encode(encoding))
    return result
