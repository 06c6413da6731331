"""Outline, offline writer and the report.md format."""

from __future__ import annotations

import re

import pytest

from drafter.errors import UserError
from drafter.metrics import compute_facts
from drafter.models import Chunk, Draft
from drafter.outline import load_outline
from drafter.render import parse_sections, render_markdown
from drafter.write import FactBook, OfflineWriter, SectionContext, quote_sentence, tidy


@pytest.fixture(scope="module")
def small_facts(small_data, tmp_path_factory):
    return compute_facts(small_data, "2025", tmp_path_factory.mktemp("cache"))


def _draft(result, sources=None) -> Draft:
    outline = load_outline("annual-summary")
    writer = OfflineWriter("annual-summary")
    sections = []
    for spec in outline.sections:
        book = FactBook(result.facts, result.period, salt=f"2025:{spec.id}")
        sections.append(writer.write(SectionContext(spec, book, (sources or {}).get(spec.id, []), "云禾优品", "t")))
    return Draft(kind="annual-summary", period="2025", title="云禾优品2025年运营总结", sections=sections,
                 facts=result.facts)


def test_outline_has_at_least_five_sections_and_clear_errors():
    outline = load_outline("annual-summary")
    assert len(outline.sections) >= 5
    assert outline.section("channels").dimensions == ("channel",)
    assert load_outline("quarterly-review").section("metrics").dimensions == ("channel", "category", "buyer")
    with pytest.raises(UserError, match="overview"):
        outline.section("nope")
    with pytest.raises(UserError, match="annual-summary"):
        load_outline("weekly-gossip")


def test_offline_writer_states_facts_in_varied_prose(small_facts):
    draft = _draft(small_facts)
    by_id = {f.id: f for f in small_facts.facts}
    for section in draft.sections:
        assert section.text.strip(), section.id
        assert all(fact_id in by_id for fact_id in section.fact_ids)
    overview = draft.sections[0]
    assert "gmv.2025" in overview.fact_ids and "gmv.yoy.2025" in overview.fact_ids
    assert "| 指标 |" in overview.text
    prose = [line for s in draft.sections for line in s.text.split("\n") if line and line[0] not in "|#>1234567"]
    openings = [line[:6] for line in prose]
    assert len(set(openings)) == len(openings), "paragraph openings repeat"
    assert not re.search(r"XX|\[X\]|None|nan", "\n".join(s.text for s in draft.sections))


def test_offline_writer_names_the_report_it_quotes(small_facts):
    chunk = Chunk(id="d1:3", doc_id="d1", title="云禾优品2024年度运营总结", kind="summary", period="2024",
                  heading="六、存在的问题",
                  text="直播渠道的退款压力较大。老客召回缺少节奏，会员权益吸引力不足。")
    draft = _draft(small_facts, {"problems": [chunk]})
    problems = next(s for s in draft.sections if s.id == "problems")
    assert "《云禾优品2024年度运营总结》“六、存在的问题”" in problems.text
    assert "老客召回缺少节奏" in problems.text
    assert problems.sources == [chunk]


def test_quote_sentence_prefers_keywords():
    text = "今年天气很好，大家心情愉快。复购率提升要靠会员运营和私域触达。其余略过不提。"
    chunk = Chunk(id="x", doc_id="d", text=text)
    assert quote_sentence(chunk, "复购 会员").startswith("复购率提升")


def test_tidy_joins_lines_but_keeps_tables_lists_and_items():
    text = "第一句，\n第二句。\n\n| a | b |\n| --- | --- |\n\n1. 甲\n2. 乙\n\n（一）问题甲。\n（二）问题乙。\n"
    expected = "第一句，第二句。\n\n| a | b |\n| --- | --- |\n\n1. 甲\n2. 乙\n\n（一）问题甲。\n\n（二）问题乙。\n"
    assert tidy(text) == expected


def test_render_and_parse_round_trip_detects_hand_edits(small_facts):
    draft = _draft(small_facts)
    markdown = render_markdown(draft, "> 前言")
    parsed = parse_sections(markdown)
    assert [p.id for p in parsed] == [s.id for s in draft.sections]
    assert not any(p.edited for p in parsed)
    assert parsed[1].body.strip() == draft.sections[1].text.strip()
    opening = draft.sections[2].text.strip()[:20]
    edited = markdown.replace(opening, "手工改写的开头" + opening[7:])
    flags = {p.id: p.edited for p in parse_sections(edited)}
    assert flags[draft.sections[2].id] and not flags[draft.sections[1].id]
