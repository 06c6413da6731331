// The drafts list and the new-draft form with live progress.
"use strict";

async function loadDrafts() {
  const {ok, data} = await api("GET", "/api/drafts");
  if (!ok) return;
  const body = document.querySelector("#drafts tbody");
  body.replaceChildren(...data.drafts.map(d => el("tr", {"data-draft": d.id},
    el("td", {}, el("a", {href: "/drafts/" + encodeURIComponent(d.id)}, d.title || d.id)),
    el("td", {}, d.period), el("td", {}, d.kind), el("td", {}, d.figures),
    ...["verified", "mismatch", "unsupported", "claim_error"].map(v =>
      el("td", {class: "n " + ((d.counts[v] || 0) && v !== "verified" ? v : "")}, d.counts[v] || 0)),
    el("td", {}, d.edited), el("td", {}, d.accepted ? "已定稿" : "草稿"))));
  document.getElementById("no-drafts").hidden = data.drafts.length > 0;
  const kinds = document.querySelector('select[name="kind"]');
  if (!kinds.options.length) {
    kinds.replaceChildren(...data.kinds.map(k => el("option", {value: k, selected: k === "annual-summary"}, k)));
    const llm = document.querySelector('input[name="writer"][value="llm"]');
    llm.disabled = !data.llm;
    llm.checked = data.llm;  // a configured model is the default writer, as for `drafter write`
  }
  document.getElementById("model-name").textContent = data.llm ? "（" + data.model + "）" : "（未配置模型）";
}

document.getElementById("new-draft").addEventListener("submit", async event => {
  event.preventDefault();
  const form = new FormData(event.target);
  const panel = document.getElementById("job");
  panel.hidden = false;
  const outcome = panel.querySelector(".outcome");
  outcome.replaceChildren();
  const {ok, data} = await api("POST", "/api/drafts", {
    period: form.get("period"), kind: form.get("kind"), writer: form.get("writer"),
    offline_fallback: form.get("offline_fallback") === "on", force: form.get("force") === "on"});
  if (!ok) {
    outcome.replaceChildren(el("p", {class: "error"}, data.error || data.message));
    return;
  }
  const job = await followJob(data.id, j => {
    panel.querySelector(".step").textContent = j.step;
    const bar = panel.querySelector("progress");
    bar.max = j.total || 1;
    bar.value = j.done;
    panel.querySelector(".steps").replaceChildren(...j.steps.map(s => el("li", {}, s.at + "s " + s.message)));
  });
  if (job.state === "done") {
    const r = job.result;
    outcome.replaceChildren(el("p", {class: "done"}, "完成：", el("a", {href: "/drafts/" + encodeURIComponent(r.draft)},
      r.draft), `（${r.counts.total || 0} 个数字，不符 ${r.counts.mismatch || 0}，用时 ${r.seconds}s）`));
    loadDrafts();
  } else {
    outcome.replaceChildren(el("p", {class: "error"}, job.error));
  }
});

loadDrafts();
