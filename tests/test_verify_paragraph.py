"""A summary paragraph as a person writes it, checked against a hand-made facts table (the CSV a team keeps)."""

import pytest

from drafter.verify import load_facts_csv, verify_markdown

FACTS_CSV = """metric,label,measure,value,unit,period,dimension,aliases
gmv,GMV,value,28693517,元,2025,,成交额|销售额
gmv,GMV,value,23287774,元,2024,,成交额|销售额
gmv,GMV,yoy,23.21,%,2025,,成交额|销售额
gmv,GMV,target_yoy,25,%,2025,,成交额|销售额
orders,订单量,value,92515,单,2025,,订单数
orders,订单量,yoy,35.43,%,2025,,订单数
buyers,买家数,value,70641,人,2025,,购买用户数
buyers,买家数,yoy,34.69,%,2025,,购买用户数
aov,客单价,value,310.15,元,2025,,笔单价
aov,客单价,value,340.89,元,2024,,笔单价
aov,客单价,target,305,元,2025,,笔单价
repurchase_rate,复购率,value,25.51,%,2025,,回购率
repurchase_rate,复购率,value,24.97,%,2024,,回购率
repurchase_rate,复购率,target,28,%,2025,,回购率
refund_rate,退款率,value,7.62,%,2025,,退货率
refund_rate,退款率,value,6.85,%,2024,,退货率
marketing_spend,营销投放,value,6552100,元,2025,,营销费用|推广费用
marketing_spend,营销投放,value,4888700,元,2024,,营销费用|推广费用
marketing_roi,营销ROI,value,4.379,倍,2025,,ROI
marketing_roi,营销ROI,value,4.764,倍,2024,,ROI
gmv,GMV,value,8300128,元,2025,channel=天猫,
gmv,GMV,share,28.93,%,2025,channel=天猫,
gmv,GMV,share_pp,-5.6,pp,2025,channel=天猫,
gmv,GMV,value,7745926,元,2025,channel=抖音,
gmv,GMV,share,27.0,%,2025,channel=抖音,
gmv,GMV,share_pp,9.67,pp,2025,channel=抖音,
gmv,GMV,value,4341667,元,2025,month=11月,
gmv,GMV,share,15.13,%,2025,month=11月,
gmv,GMV,value,19950406,元,2025,buyer=新客,
gmv,GMV,share,69.53,%,2025,buyer=新客,
gmv,GMV,contribution,49.04,%,2025,buyer=新客,
gmv,GMV,share,17.33,%,2024,channel=抖音,
"""

PARAGRAPH = """# 2025年度运营总结

年初确定了“GMV增长25%、复购率达到28%、客单价不低于305元”的年度目标。全年GMV由上年的2328.8万元增至2869.4万元，\
同比增长23.2%，距25%的增长目标差1.8个百分点；GMV净增约540.6万元，约为上年的1.23倍。

订单量达9.25万单，同比增长35.4%；买家数7.06万人，同比增长34.7%，买家数增速高于GMV增速11.5个百分点。\
客单价由上年的340.9元降至310.1元，同比下降9.0%，但仍高于305元的目标。

复购率为25.5%，较上年的25.0%有所提升，但未达成28%的年度目标；复购率同比提升0.5个百分点，距目标仍差2.5个百分点。\
退款率由上年的6.8%升至7.6%，上升0.8个百分点。

全年营销投放655.2万元，同比增长34.0%，营销ROI由上年的4.76降至4.38，每投入1元营销费用带来约4.38元GMV；\
营销投放增速高于GMV增速10.8个百分点。

天猫仍是第一大渠道，GMV为830.0万元，占比28.9%，较上年下降5.6个百分点；抖音GMV达774.6万元，占比约27.0%，\
提升9.7个百分点。11月GMV为434.2万元，占全年的15.1%。新客贡献GMV约1995万元，占比近七成。全年GMV按年增长逾23%，\
客單價按年下降9.0%。
"""

# each: a correct figure or word of the paragraph, and what a careless edit makes of it
EDITS = [
    ("GMV增长25%", "GMV增长30%"), ("增至2869.4万元", "增至2969.4万元"), ("净增约540.6万元", "净增约640.6万元"),
    ("降至310.1元", "升至310.1元"), ("有所提升", "有所下降"), ("但未达成28%", "已经达成28%"),
    ("高于GMV增速10.8个百分点", "高于GMV增速12.8个百分点"), ("约4.38元GMV", "约5.38元GMV"),
    ("占全年的15.1%", "占全年的25.1%"), ("较上年下降5.6个百分点", "较上年提升5.6个百分点"),
    ("占比近七成", "占比近四成"), ("约为上年的1.23倍", "约为上年的1.43倍"), ("按年下降9.0%", "按年上升9.0%"),
    ("上升0.8个百分点", "上升1.8个百分点"), ("同比增长34.7%", "同比增长43.7%"),
]


# the same year as a model phrases it: results against the plan, per-head figures, a month named as the peak
MODEL_PARAGRAPH = """# 2025年度运营总结

GMV按计划实现2869.4万元，同比增长23.2%；公司原计划GMV增长25%，实际增长23.2%。各项工作按计划推进，全年GMV超出市场预期，\
达到2869.4万元。营销投放同比增长34.0%，高于GMV增速10.8个百分点，投放效率有所下降，营销ROI降至4.38。

复购率25.5%，同比提升0.5个百分点，离28%的目标还有2.5个百分点差距；客单价310.1元，较305元的目标高出5.1元。\
抖音渠道GMV占比从17.3%提升至27.0%，新客贡献了约69.5%的GMV，贡献了GMV增量的49.0%。11月是全年GMV最高的月份，\
达434.2万元，占全年的15.1%。订单量9.25万单，买家数7.06万人，人均下单约1.31单，人均贡献GMV约406元。
"""

MODEL_EDITS = [
    ("原计划GMV增长25%", "原计划GMV增长20%"), ("高于GMV增速10.8个百分点", "高于GMV增速8.8个百分点"),
    ("从17.3%提升至27.0%", "从17.3%提升至37.0%"), ("约69.5%的GMV", "约59.5%的GMV"),
    ("GMV增量的49.0%", "GMV增量的69.5%"), ("达434.2万元", "达534.2万元"), ("约1.31单", "约1.51单"),
    ("约406元", "约456元"), ("高出5.1元", "高出15.1元"),
]


@pytest.fixture(scope="module")
def facts(tmp_path_factory):
    path = tmp_path_factory.mktemp("facts") / "facts.csv"
    path.write_text(FACTS_CSV, encoding="utf-8")
    return load_facts_csv(path)


def test_the_paragraph_verifies_figure_by_figure(facts):
    findings = verify_markdown(PARAGRAPH, facts)
    assert len(findings) >= 45
    assert [f.message for f in findings if f.verdict != "verified"] == []


@pytest.mark.parametrize(("right", "wrong"), EDITS)
def test_every_careless_edit_is_caught(facts, right, wrong):
    assert PARAGRAPH.count(right) == 1
    findings = verify_markdown(PARAGRAPH.replace(right, wrong), facts)
    assert [f for f in findings if f.verdict in ("mismatch", "claim_error")], wrong


def test_a_model_paragraph_verifies_figure_by_figure(facts):
    findings = verify_markdown(MODEL_PARAGRAPH, facts)
    assert len(findings) >= 25
    assert [f.message for f in findings if f.verdict != "verified"] == []


@pytest.mark.parametrize(("right", "wrong"), MODEL_EDITS)
def test_every_wrong_figure_in_the_model_paragraph_is_caught(facts, right, wrong):
    assert MODEL_PARAGRAPH.count(right) == 1
    findings = verify_markdown(MODEL_PARAGRAPH.replace(right, wrong), facts)
    assert [f for f in findings if f.verdict in ("mismatch", "claim_error")], wrong


QUARTER_CSV = """metric,label,measure,value,unit,period,dimension,aliases
gmv,GMV,value,6307868,元,2025Q3,,
gmv,GMV,value,5105810,元,2024Q3,,
gmv,GMV,value,7505000,元,2025Q2,,
gmv,GMV,yoy,23.54,%,2025Q3,,
gmv,GMV,pop,-15.95,%,2025Q3,,
orders,订单量,value,20523,单,2025Q3,,
orders,订单量,yoy,37.19,%,2025Q3,,
orders,订单量,pop,-15.18,%,2025Q3,,
buyers,买家数,value,18751,人,2025Q3,,
buyers,买家数,yoy,35.88,%,2025Q3,,
aov,客单价,value,307.36,元,2025Q3,,
aov,客单价,yoy,-9.95,%,2025Q3,,
aov,客单价,pop,-0.91,%,2025Q3,,
refund_rate,退款率,value,8.16,%,2025Q3,,
refund_rate,退款率,value,7.03,%,2024Q3,,
refund_rate,退款率,value,7.32,%,2025Q2,,
repurchase_rate,复购率,value,8.74,%,2025Q3,,
repurchase_rate,复购率,value,7.91,%,2024Q3,,
marketing_spend,营销投放,value,1395500,元,2025Q3,,营销费用
marketing_spend,营销投放,value,1047500,元,2024Q3,,营销费用
marketing_roi,营销ROI,value,4.520,倍,2025Q3,,ROI
marketing_roi,营销ROI,value,4.874,倍,2024Q3,,ROI
gmv,GMV,value,2108536,元,2025Q3,month=7月,
gmv,GMV,share,33.43,%,2025Q3,month=7月,
"""

QUARTER = """# 2025年第三季度工作汇报

三季度GMV为630.8万元，同比增长23.5%，环比下降16.0%。本季度GMV由去年同期的510.6万元增至630.8万元，\
较上季度的750.5万元有所回落；GMV按季下降16.0%，按年增长23.5%。与二季度相比，GMV减少约120万元，主要受618大促结束影响。

订单量2.05万单，同比增长37.2%，环比下降15.2%；买家数1.88万人，同比增长35.9%。客单价307.4元，同比下降10.0%，\
环比下降0.9%。退款率升至8.2%，同比上升1.1个百分点，环比上升0.8个百分点；复购率8.7%，较去年同期的7.9%提升0.8个百分点。

营销投放139.6万元，同比增长33.2%，营销ROI由去年同期的4.87降至4.52，每投入1元营销费用带来约4.52元GMV。\
7月GMV为210.9万元，占本季度的33.4%；季度GMV约为去年同期的1.24倍。
"""

QUARTER_EDITS = [
    ("同比增长23.5%，环比", "同比增长16.0%，环比"), ("增至630.8万元", "增至680.8万元"),
    ("按季下降16.0%", "按季增长16.0%"), ("GMV减少约120万元", "GMV增加约120万元"),
    ("同比上升1.1个百分点", "同比下降1.1个百分点"), ("7.9%提升0.8个百分点", "7.9%下降0.8个百分点"),
    ("4.87降至4.52", "4.87升至4.52"), ("占本季度的33.4%", "占本季度的43.4%"),
    ("1.24倍", "1.44倍"), ("约4.52元GMV", "约5.52元GMV"), ("环比上升0.8个百分点", "环比下降0.8个百分点"),
]


@pytest.fixture(scope="module")
def quarter_facts(tmp_path_factory):
    path = tmp_path_factory.mktemp("quarter") / "facts.csv"
    path.write_text(QUARTER_CSV, encoding="utf-8")
    return load_facts_csv(path)


def test_a_quarterly_review_verifies_figure_by_figure(quarter_facts):
    findings = verify_markdown(QUARTER, quarter_facts)
    assert len(findings) >= 28
    assert [f.message for f in findings if f.verdict != "verified"] == [], [f.reading for f in findings]


@pytest.mark.parametrize(("right", "wrong"), QUARTER_EDITS)
def test_every_wrong_figure_in_the_quarterly_review_is_caught(quarter_facts, right, wrong):
    assert QUARTER.count(right) == 1
    findings = verify_markdown(QUARTER.replace(right, wrong), quarter_facts)
    assert [f for f in findings if f.verdict in ("mismatch", "claim_error")], wrong
