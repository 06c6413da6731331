"""The reader's stages on their own: clauses, qualifiers in reach, complete readings, derivations; the facts
loader's facts.json; months and weeks."""

import json

import pytest
from verify_probes import QUALIFIERS, SHIFTS, insertions

from drafter.errors import UserError
from drafter.models import Fact, fact_id
from drafter.periods import make_period, period_days, read_period, shift_period
from drafter.verify import load_facts_csv, verify_markdown
from drafter.verify.clauses import clause_bounds, sentences, subject_start
from drafter.verify.normalize import normalize
from drafter.verify.qualifiers import Word, find_words, in_reach, unread, year_of


def fact(metric, label, measure, value, unit, period="2025", dimension=""):
    kind = "target" if measure.startswith("target") else "computed"
    return Fact(id=fact_id(metric, measure, period, dimension), metric=metric, label=label, measure=measure,
                value=value, unit=unit, period=period, dimension=dimension, kind=kind)


MONTHS_2025 = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 300, 250]  # 万元
MONTHS_2024 = [90, 100, 100, 110, 120, 130, 130, 140, 150, 160, 250, 200]
FACTS = [
    fact("gmv", "GMV", "value", sum(MONTHS_2025) * 1e4, "元"), fact("gmv", "GMV", "value", sum(MONTHS_2024) * 1e4,
                                                                   "元", "2024"),
    fact("gmv", "GMV", "yoy", (sum(MONTHS_2025) / sum(MONTHS_2024) - 1) * 100, "%"),
    fact("gmv", "GMV", "yoy", 12.0, "%", "2024"),
    fact("orders", "订单量", "value", 73_000, "单"),
    fact("gmv", "GMV", "value", 1_200e4, "元", dimension="buyer=新客"),
    fact("new_buyers", "新客数", "value", 30_000, "人"),
    fact("conversion_rate", "转化率", "value", 2.5, "%"),
    fact("refund_rate", "退款率", "value", 7.6, "%"), fact("refund_rate", "退款率", "target", 7.0, "%"),
    fact("gmv", "GMV", "target_yoy", 25.0, "%"),
] + [fact("gmv", "GMV", "value", v * 1e4, "元", "2025", f"month={m}月") for m, v in enumerate(MONTHS_2025, 1)] \
  + [fact("gmv", "GMV", "value", v * 1e4, "元", "2024", f"month={m}月") for m, v in enumerate(MONTHS_2024, 1)] \
  + [fact("gmv", "GMV", measure, value, unit, "2025", f"channel={ch}")
     for ch, values in {"天猫": (800e4, 30.0, 20.0, 5.0), "抖音": (700e4, 25.0, 60.0, 40.0),
                        "京东": (500e4, 18.0, 10.0, -3.0)}.items()
     for measure, value, unit in zip(("value", "share", "contribution", "yoy"), values, ("元", "%", "%", "%"),
                                     strict=True)]


def verdicts(text, facts=FACTS, period="2025"):
    return [(f.text, f.verdict) for f in verify_markdown(text, facts, period=period)]


# clauses ----------------------------------------------------------------------------------------------------------

def test_sentences_and_clauses_split_where_chinese_prose_does():
    assert [s for _, s in sentences("GMV增长。订单量下降；复购率持平")] == ["GMV增长。", "订单量下降；", "复购率持平"]
    s = "上半年，GMV为1266万元，同比增长20%"
    assert s[slice(*clause_bounds(s, s.index("1266"), s.index("万元")))] == "GMV为1266万元"
    # the subject phrase starts at the clause naming the metric, not at the sentence start
    assert subject_start(s, s.index("20%"), [s.index("GMV")]) == s.index("GMV")


# qualifiers -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, kind", [("上半年", "half"), ("前三季度", "months"), ("双11当天", "day"),
                                           ("雙11當天", "day"), ("日均", "per_day"), ("人均", "per_head"),
                                           ("每单", "per_order"), ("中位數", "median"), ("直播間", "scope"),
                                           ("剔除家電後", "exclusion"), ("毛利", "profit"), ("預算", "plan"),
                                           ("较2023年", "base_year"), ("上个月", "step_month"), ("本周", "step_week")])
def test_each_class_of_the_vocabulary_is_found_simplified_or_traditional(written, kind):
    words = find_words(normalize(f"{written}GMV为100万元"), [])
    assert kind in {w.kind for w in words}


def test_a_word_inside_a_known_name_is_that_name_not_a_qualifier():
    s = "人均消费金额为406元"
    assert find_words(s, [(0, 6)]) == []  # 人均 of 人均消费金额
    assert [w.text for w in find_words(s, [])] == ["人均"]


def test_a_nearer_known_period_overrides_a_time_word():
    s = "上半年增长较快，全年GMV为2869万元"
    words = find_words(s, [])
    fig = s.index("2869")
    assert in_reach(words, fig, 0, 0, 0, [(s.index("全年"), s.index("全年") + 2)]) == []
    assert [w.text for w in in_reach(words, fig, 0, 0, 0, [])] == ["上半年"]


def test_unread_keeps_what_the_reading_does_not_account_for():
    words = [Word("scope", "scope", "会员", 0, 2), Word("measure", "plan", "目标", 3, 5),
             Word("time", "step_month", "本月", 6, 8)]
    reading = {"metric": "gmv", "measure": "value", "period": "2025"}
    assert unread(words, reading, "GMV", "2025", "2024") == ["会员", "目标", "本月"]
    # 会员 inside the metric's own name, a target reading, a month's report: all accounted
    target = {"metric": "member_share", "measure": "target", "period": "2025-11"}
    assert unread(words, target, "会员占比", "2025-11", "2024-11") == []


def test_a_dating_word_must_name_the_readings_year():
    assert year_of("2024年", "2025", "2024", "2026") == "2024"
    assert year_of("去年同期", "2025", "2024", "2026") == "2024"
    assert year_of("全年", "2025", "2024", "2026") == ""
    shifted = [Word("period", "scope", "去年", 0, 2)]
    assert unread(shifted, {"measure": "yoy", "period": "2025"}, "", "2025", "2024") == ["去年"]
    based = shifted + [Word("period", "base", "2025年", 0, 5)]
    assert unread(based, {"measure": "yoy", "period": "2025"}, "", "2025", "2024") == []


# complete readings and derivations --------------------------------------------------------------------------------

def test_a_qualifier_the_facts_cannot_back_withholds_the_verdict_and_names_the_word():
    plain = verify_markdown("GMV同比增长19.0%。", FACTS, period="2025")
    assert [f.verdict for f in plain] == ["verified"] and plain[0].reading["unread"] == []
    for word in ("双11当天", "直播间", "剔除家电后", "毛利"):
        found = verify_markdown(f"{word}GMV同比增长19.0%。", FACTS, period="2025")
        assert [f.verdict for f in found] == ["unsupported"], word
        assert found[0].reading["unread"] == [word], word


def test_every_verdict_but_unsupported_has_an_empty_unread():
    for text in ("上半年GMV合计750万元，同比增长15.4%。", "天猫渠道GMV为800万元，会员GMV为300万元。",
                 "不含退款GMV为2000万元。"):
        for f in verify_markdown(text, FACTS, period="2025"):
            assert "unread" in f.reading
            assert (f.verdict == "unsupported") or f.reading["unread"] == [], (text, f)


@pytest.mark.parametrize("right, wrong, operation", [
    ("上半年GMV合计750万元。", "上半年GMV合计2000万元。", "sum"),
    ("前5个月GMV为600万元。", "前5个月GMV为750万元。", "sum"),
    ("二季度GMV占全年的21.0%。", "二季度GMV占全年的23.0%。", "sum(a) / total"),
    ("上半年GMV同比增长15.4%。", "上半年GMV同比增长19.0%。", "sum(a) / sum(b) - 1"),
    ("按365天计，全年日均GMV约5.5万元。", "按365天计，全年日均GMV约2000万元。", "sum / 365"),
    ("月均GMV为166.7万元。", "月均GMV为186.7万元。", "sum / 12"),
    ("新客人均贡献GMV约400元。", "新客人均贡献GMV约450元。", "a / b"),
    ("天猫和抖音GMV合计占比55.0%。", "天猫和抖音GMV合计占比60.0%。", "sum"),
    ("天猫与京东合计贡献了增量的30.0%。", "天猫与京东合计贡献了增量的40.0%。", "sum"),
    ("3大渠道中有2个实现增长。", "3大渠道中有3个实现增长。", "count(yoy > 0)"),
    ("每40个访客中约有1人下单。", "每25个访客中约有1人下单。", "100 / a"),
    ("GMV增速从上年的12.0%加快至19.0%，提高7.0个百分点。", "GMV增速从上年的12.0%加快至19.0%，提高9.0个百分点。",
     "a - b"),
    ("以25%的增速目标计，GMV目标约2100万元。", "以25%的增速目标计，GMV目标约2400万元。", "a × (1 + b%)"),
])
def test_a_derived_quantity_is_judged_and_names_its_facts_and_operation(right, wrong, operation):
    good = [f for f in verify_markdown(right, FACTS, period="2025") if f.reading.get("operation")]
    assert good and good[-1].verdict == "verified", verdicts(right)
    assert good[-1].reading["operation"] == operation and good[-1].reading["facts"]
    bad = verify_markdown(wrong, FACTS, period="2025")
    assert any(f.verdict in ("mismatch", "claim_error") for f in bad), verdicts(wrong)


def test_an_attainment_names_the_convention_that_matched():
    growth = next(f for f in FACTS if f.id == "gmv.yoy.2025").value / 25.0 * 100
    found = verify_markdown(f"GMV目标完成率为{growth:.1f}%。", FACTS, period="2025")
    assert [f.verdict for f in found] == ["verified"] and found[0].reading["convention"] == "growth"
    amount = verify_markdown("GMV目标完成率为95.2%。", FACTS, period="2025")
    assert [f.verdict for f in amount] == ["verified"] and amount[0].reading["operation"] == "a / b"
    assert [f.verdict for f in verify_markdown("GMV目标完成率为85.0%。", FACTS, period="2025")] == ["mismatch"]


def test_a_ceiling_target_is_the_target_not_the_actual():
    assert verdicts("退款率为7.6%，高于7.0%的控制目标。") == [("7.6%", "verified"), ("7.0%", "verified")]
    assert ("7.6%", "verified") not in verdicts("退款率为7.6%，高于7.6%的控制目标。")[1:]


# the property: inserting a meaning-changing word never leaves a confident verdict on the unchanged reading -------

CORRECT = ["全年GMV为2000万元，同比增长19.0%。", "GMV同比增长19.0%。", "天猫渠道GMV为800万元，占比30.0%。",
           "退款率为7.6%。"]


@pytest.mark.parametrize("sentence", CORRECT)
def test_an_inserted_qualifier_or_time_shift_never_keeps_a_confident_verdict_on_the_old_reading(sentence):
    base = verify_markdown(sentence, FACTS, period="2025")
    assert all(f.verdict == "verified" for f in base), verdicts(sentence)
    assert {cls for cls, _, _ in insertions(sentence)} >= set(QUALIFIERS) - {"base"} | {"shift"}
    for cls, word, changed in insertions(sentence):
        shift = len(changed) - len(sentence)
        for before in base:
            after = next((g for g in verify_markdown(changed, FACTS, period="2025")
                          if g.text == before.text and abs(g.col - before.col - shift) <= 3), None)
            if after is None or after.col - 1 < changed.index(word):
                continue
            same = all(after.reading.get(k) == before.reading.get(k)
                       for k in ("metric", "measure", "period", "dimension", "operation"))
            assert not (same and after.verdict != "unsupported"), (changed, after.verdict, after.message)
            if cls == "shift":
                assert after.verdict != "verified" or not same, changed
    assert SHIFTS


# a time shift before a base-then-current frame: the base's relative word counts from the shifted period -----------

FRAMES = ["GMV增速从上年的12.0%加快至19.0%，提高7.0个百分点。", "GMV由上年的1680万元增至2000万元。",
          "GMV较上年增长19.0%。"]


@pytest.mark.parametrize("sentence", FRAMES)
@pytest.mark.parametrize("word", SHIFTS)
def test_a_time_shift_before_a_base_then_current_frame_moves_the_base_too(sentence, word):
    assert all(v == "verified" for _, v in verdicts(sentence)), verdicts(sentence)
    at = sentence.index("GMV")
    found = dict(verdicts(sentence[:at] + word + sentence[at:]))
    # 上年 after 2024年/去年 is 2023, which no fact states; the current figure claims 2024's, which differs
    assert not {v for t, v in found.items() if t in ("12.0%", "1680万元", "7.0个百分点")} & {"verified", "mismatch"}
    assert found.get("19.0%", found.get("2000万元")) in ("mismatch", "unsupported")
    assert "verified" not in found.values(), found


def test_a_base_then_current_frame_set_in_an_earlier_year_verifies_that_years_figures():
    earlier = FACTS + [fact("gmv", "GMV", "yoy", 8.0, "%", "2023"), fact("gmv", "GMV", "value", 1500e4, "元", "2023")]
    assert verdicts("2024年GMV较上年增长12.0%。") == [("12.0%", "verified")]
    assert verdicts("去年GMV较上年增长19.0%。") == [("19.0%", "mismatch")]
    assert dict(verdicts("2024年GMV由上年的1500万元增至1680万元。", earlier))["1680万元"] == "verified"
    assert "verified" not in dict(verdicts("2024年GMV由上年的1680万元增至2000万元。", earlier)).values()
    # the change of 2024's growth against 2023's, when both are stated
    assert dict(verdicts("2024年GMV增速从上年的8.0%加快至12.0%，提高4.0个百分点。", earlier))["4.0个百分点"] == \
        "verified"
    assert dict(verdicts("2024年GMV增速从上年的8.0%加快至12.0%，提高7.0个百分点。", earlier))["7.0个百分点"] == \
        "mismatch"


# facts.json, months and weeks -------------------------------------------------------------------------------------

def test_verify_reads_the_draft_folders_own_facts_json(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps([f.model_dump() for f in FACTS], ensure_ascii=False), encoding="utf-8")
    loaded = load_facts_csv(path)
    assert [f.id for f in loaded] == [f.id for f in FACTS]
    bad = tmp_path / "other.json"
    bad.write_text('{"metric": "gmv"}', encoding="utf-8")
    with pytest.raises(UserError, match="other.json: a facts JSON file is a list of facts"):
        load_facts_csv(bad)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"metric": "gmv", "value": "lots"}]', encoding="utf-8")
    with pytest.raises(UserError, match="broken.json: item 1 is not a fact"):
        load_facts_csv(broken)


def test_iso_weeks_and_months_are_periods():
    assert read_period("2025-W47") == make_period("week", 2025, 47)
    assert shift_period("2025-W47", steps=-1) == "2025-W46"
    assert shift_period("2025-W01", steps=-1) == "2024-W52"
    assert shift_period("2025-W47", years=-1) == "2024-W47"
    assert period_days("2025-11") == 30 and period_days("2025") == 365 and period_days("2025-W47") == 7


MONTH = [fact("gmv", "GMV", "value", 434.2e4, "元", "2025-11"), fact("gmv", "GMV", "value", 293.1e4, "元", "2025-10"),
         fact("gmv", "GMV", "value", 360.2e4, "元", "2024-11")]
WEEK = [fact("gmv", "GMV", "value", 120e4, "元", "2025-W47"), fact("gmv", "GMV", "value", 100e4, "元", "2025-W46"),
        fact("gmv", "GMV", "value", 96e4, "元", "2024-W47")]


def test_a_months_report_reads_this_month_last_month_and_month_on_month():
    text = "本月GMV为434.2万元，环比增长48.1%，同比增长20.5%。上月GMV为293.1万元。"
    assert [v for _, v in verdicts(text, MONTH, "2025-11")] == ["verified"] * 4
    assert ("1.5倍", "verified") not in verdicts("本月GMV环比增长58.1%。", MONTH, "2025-11")
    assert [v for _, v in verdicts("本月GMV环比增长58.1%。", MONTH, "2025-11")] == ["mismatch"]


def test_a_weeks_report_reads_this_week_last_week_and_the_week_number():
    text = "本周GMV为120万元，环比上周增长20.0%，同比增长25.0%。第47周GMV为120万元，上周为100万元。"
    assert [v for _, v in verdicts(text, WEEK, "2025-W47")] == ["verified"] * 5
    # a month word in a week's report is not understood: withheld, not judged as the week
    assert [v for _, v in verdicts("本月GMV为120万元。", WEEK, "2025-W47")] == ["unsupported"]
