// The review page: each section's text with its figures coloured by verdict, findings beside it, excerpts below;
// edit in place, regenerate with a note (shown as a diff to accept or discard), accept, Word round trip.
"use strict";

const DRAFT = document.getElementById("bar").dataset.draft;
const BASE = "/api/drafts/" + encodeURIComponent(DRAFT);
let facts = {};
const sections = {};  // id → the section as the API last gave it

function notice(text, kind) {
  const box = document.getElementById("notice");
  box.hidden = !text;
  box.className = "notice " + (kind || "");
  box.replaceChildren(...(Array.isArray(text) ? text : [text || ""]));
}

function setCounts(counts) {
  document.getElementById("counts").replaceChildren(...chips(counts));
}

async function load() {
  const {ok, data} = await api("GET", BASE);
  if (!ok) {
    notice(data.error, "error");
    return;
  }
  facts = data.facts;
  document.getElementById("title").textContent = data.title || DRAFT;
  document.title = "核对 · " + (data.title || DRAFT);
  setCounts(data.counts);
  if (data.accepted) notice("已定稿入库：" + data.accepted.doc_id, "ok");
  if (data.word_edited) notice("report.docx 在 Word 中有改动，report.md 里还没有：上传它以合并。", "warn");
  document.getElementById("docx").hidden = !data.exports;
  document.getElementById("report").replaceChildren(...data.sections.map(renderSection));
}

function findingItem(f, index) {
  return el("li", {class: "finding " + f.verdict, "data-i": index, tabindex: "0"},
    el("span", {class: "chip " + f.verdict}, VERDICT_NAMES[f.verdict]), " ",
    el("span", {class: "text"}, f.text), el("span", {class: "msg"}, f.message || ""));
}

function renderSection(section) {
  sections[section.id] = section;
  const node = el("section", {class: "sec", id: "sec-" + section.id, "data-section": section.id});
  fillSection(node, section);
  return node;
}

function fillSection(node, section) {
  sections[section.id] = {...sections[section.id], ...section};
  section = sections[section.id];
  const body = el("div", {class: "body"});
  body.innerHTML = section.html;  // built by the server from escaped text: figure spans are its only markup
  const problems = section.findings.filter(f => f.verdict !== "verified").length;
  const sources = section.sources || [];
  const main = el("div", {class: "sec-main"},
    el("h2", {}, section.heading, section.edited ? el("span", {class: "badge"}, "已手改") : null),
    body,
    el("div", {class: "tools"},
      el("button", {type: "button", class: "edit", onclick: () => openEditor(node)}, "编辑"),
      el("input", {class: "note", placeholder: "重新生成的要求，例如：多写抖音的退款问题"}),
      el("label", {}, el("input", {type: "checkbox", class: "fallback"}), "失败时用离线模板"),
      el("button", {type: "button", class: "regen", onclick: () => regen(node, false)}, "重新生成")),
    el("div", {class: "panel"}),
    el("details", {class: "excerpts"},
      el("summary", {}, `本节引用的往期摘录（${sources.length}）`),
      el("ol", {}, sources.map(s => el("li", {class: "excerpt"},
        el("div", {class: "cite"}, "《" + (s.title || s.doc_id) + "》" + (s.heading ? "“" + s.heading + "”" : "")
          + (s.period ? " · " + s.period : "")),
        el("div", {class: "passage"}, s.text))))));
  const aside = el("aside", {class: "sec-findings"},
    el("h3", {}, `核对（${section.findings.length} 个数字，${problems} 个待看）`),
    // problems first; each item keeps its finding's index for the tooltip
    el("ol", {}, section.findings.map((f, i) => [f, i]).sort((a, b) => (a[0].verdict === "verified")
      - (b[0].verdict === "verified")).map(([f, i]) => findingItem(f, i))));
  node.replaceChildren(main, aside);
}

// hover or focus on a figure (or a finding) shows its reading and its fact
function showTip(event) {
  const target = event.target.closest(".fig, .finding");
  const tip = document.getElementById("tip");
  if (!target) return;
  const node = target.closest(".sec");
  const finding = sections[node.dataset.section].findings[Number(target.dataset.i)];
  if (!finding) return;
  const rows = [["判定", VERDICT_NAMES[finding.verdict]], ["原文", finding.text], ["说明", finding.message],
    ["应为", finding.expected]];
  const fact = facts[finding.fact_id];
  if (fact) rows.push(["事实", `${fact.label} ${fact.shown}（${fact.period}${fact.dimension ? "，" + fact.dimension : ""}）`],
    ["来源", fact.formula || fact.source || fact.kind]);
  const reading = finding.reading || {};
  const read = Object.entries(reading).filter(([, v]) => v !== "" && v !== null && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => k + "=" + (typeof v === "object" ? JSON.stringify(v) : v)).join("，");
  if (read) rows.push(["读作", read]);
  tip.replaceChildren(el("dl", {}, rows.filter(([, v]) => v).map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
  const box = target.getBoundingClientRect();
  tip.style.left = Math.min(box.left, window.innerWidth - 440) + "px";
  tip.style.top = (box.bottom + 6) + "px";
  tip.hidden = false;
}

function hideTip(event) {
  if (event.target.closest(".fig, .finding")) document.getElementById("tip").hidden = true;
}

function panelOf(node) { return node.querySelector(".panel"); }

function openEditor(node) {
  const section = sections[node.dataset.section];
  const area = el("textarea", {class: "editor", rows: Math.min(30, section.markdown.split("\n").length + 3)});
  area.value = section.markdown;
  panelOf(node).replaceChildren(el("div", {class: "editing"}, area,
    el("div", {class: "row"},
      el("button", {type: "button", class: "save", onclick: () => save(node, area.value, section.hash)}, "保存并核对"),
      el("button", {type: "button", class: "cancel", onclick: () => panelOf(node).replaceChildren()}, "取消"),
      el("span", {class: "status"}))));
  area.focus();
}

async function save(node, markdown, baseHash) {
  const status = node.querySelector(".status");
  if (status) status.textContent = "保存中…";
  const started = performance.now();
  const {status: code, data} = await api("PUT", BASE + "/sections/" + encodeURIComponent(node.dataset.section),
    {markdown, base_hash: baseHash});
  if (code === 200) {
    fillSection(node, data);
    setCounts(data.counts);
    node.dataset.saveMs = Math.round(performance.now() - started);
  } else if (code === 409) {
    showConflict(node, data);
  } else if (status) {
    status.textContent = data.error;
  }
}

function showConflict(node, data) {
  panelOf(node).replaceChildren(el("div", {class: "conflict"},
    el("p", {class: "error"}, data.message || "本节在磁盘上已被修改，未保存。"),
    el("div", {class: "versions"},
      el("div", {}, el("h4", {}, "磁盘上的版本"), el("pre", {class: "theirs"}, data.theirs)),
      el("div", {}, el("h4", {}, "你的版本"), el("pre", {class: "yours"}, data.yours))),
    el("div", {class: "row"},
      el("button", {type: "button", class: "reload", onclick: () => load()}, "放弃我的，重新载入"),
      el("button", {type: "button", class: "overwrite", onclick: () => save(node, data.yours, data.hash)},
        "用我的版本覆盖"))));
}

async function regen(node, force) {
  const sid = node.dataset.section;
  const note = node.querySelector(".note").value;
  const fallback = node.querySelector(".fallback").checked;
  const panel = panelOf(node);
  const {status, data} = await api("POST", BASE + "/sections/" + encodeURIComponent(sid) + "/regen",
    {note, force, offline_fallback: fallback});
  if (status === 409 && data.error === "edited") {
    panel.replaceChildren(el("div", {class: "confirm"}, el("p", {class: "warn"}, "本节有手工修改，重新生成会替换它们。"),
      el("button", {type: "button", class: "confirm-regen", onclick: () => regen(node, true)}, "确认替换并重新生成"),
      el("button", {type: "button", onclick: () => panel.replaceChildren()}, "取消")));
    return;
  }
  if (status !== 202) {
    panel.replaceChildren(el("p", {class: "error"}, data.error));
    return;
  }
  const progress = el("p", {class: "progress"}, "开始…");
  panel.replaceChildren(progress);
  const job = await followJob(data.id, j => { progress.textContent = j.step || "…"; });
  if (job.state !== "done") {
    panel.replaceChildren(el("p", {class: "error"}, job.error));
    return;
  }
  showProposal(node, job, note);
}

function showProposal(node, job, note) {
  const r = job.result;
  const panel = panelOf(node);
  if (!r.changed) {
    panel.replaceChildren(el("p", {class: "warn"}, r.failure ? "模型未能重写本节（" + r.failure + "），原文保留。"
      : "重新生成的内容与原文相同。"));
    return;
  }
  const bad = r.findings.filter(f => f.verdict !== "verified").length;
  panel.replaceChildren(el("div", {class: "proposal"},
    el("p", {}, `由 ${r.writer} 重写：${r.findings.length} 个数字，${bad} 个待看。` + (r.failure ? "（模型失败：" + r.failure + "）" : "")),
    note && r.writer.startsWith("offline") ? el("p", {class: "warn"},
      "离线模板无法按要求改写；配置模型（OPENAI_BASE_URL、DRAFTER_MODEL）后重新生成，或手工编辑本节。") : null,
    el("div", {class: "diff"}, r.diff.map(line => el("div", {class: "d-" + line.op},
      (line.op === "insert" ? "+ " : line.op === "delete" ? "- " : "  ") + line.text))),
    el("div", {class: "row"},
      el("button", {type: "button", class: "take", onclick: () => settle(node, job.id, "accept")}, "采用"),
      el("button", {type: "button", class: "drop", onclick: () => settle(node, job.id, "discard")}, "放弃"))));
}

async function settle(node, jobId, action) {
  const {status, data} = await api("POST", "/api/jobs/" + encodeURIComponent(jobId) + "/" + action);
  if (status === 200 && action === "accept") {
    fillSection(node, data);
    setCounts(data.counts);
    panelOf(node).replaceChildren(el("p", {class: "done"}, "已采用。"));
  } else if (status === 200) {
    panelOf(node).replaceChildren(el("p", {}, "已放弃，原文未改。"));
  } else if (status === 409) {
    showConflict(node, data);
  } else {
    panelOf(node).replaceChildren(el("p", {class: "error"}, data.error));
  }
}

document.getElementById("accept").addEventListener("click", async () => {
  notice("核对并入库中…");
  const {status, data} = await api("POST", BASE + "/accept");
  if (status === 200) {
    setCounts(data.counts);
    notice(`已定稿：${data.doc_id}（${data.kind}，${data.period}），下一期起草会检索到它。`, "ok");
  } else if (status === 409) {
    setCounts(data.counts);
    notice([el("p", {}, `未定稿：还有 ${data.blocking.length} 处数字或判断与事实不符，改正后再定稿。`),
      el("ul", {class: "blocking"}, data.blocking.map(f => el("li", {},
        el("a", {href: "#sec-" + f.section}, f.section), "：", f.text, " — ", f.message)))], "error");
  } else {
    notice(data.error, "error");
  }
});

document.getElementById("upload").addEventListener("change", async event => {
  const file = event.target.files[0];
  if (!file) return;
  notice("合并 Word 修改中…");
  const {ok, data} = await api("POST", BASE + "/pull", undefined, file);
  event.target.value = "";
  if (!ok) {
    notice(data.error, "error");
    return;
  }
  const lines = [`已合并 ${data.changed.length} 节。`];
  for (const [sid, title] of data.conflicts) lines.push(`未合并 ${title}（${sid}）：两边都改过，请手工合并。`);
  for (const [sid, title] of data.lost) lines.push(`未合并 ${title}（${sid}）：Word 中找不到该节的书签。`);
  for (const title of data.unmarked) lines.push(`未合并标题“${title}”：对不上任何一节。`);
  await load();
  notice(lines.map(t => el("p", {}, t)), data.conflicts.length || data.lost.length ? "warn" : "ok");
});

const report = document.getElementById("report");
report.addEventListener("mouseover", showTip);
report.addEventListener("focusin", showTip);
report.addEventListener("mouseout", hideTip);
report.addEventListener("focusout", hideTip);
load();
