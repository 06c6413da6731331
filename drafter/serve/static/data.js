// The data folder as `drafter data check` reads it.
"use strict";

(async () => {
  const {ok, data} = await api("GET", "/api/data");
  if (!ok) {
    document.getElementById("data-folder").textContent = data.error;
    return;
  }
  document.getElementById("data-folder").textContent = "数据目录：" + data.data;
  document.getElementById("data-errors").replaceChildren(...data.errors.map(e => el("li", {class: "error"}, e)));
  document.querySelector("#data-files tbody").replaceChildren(...data.files.map(f => el("tr", {},
    el("td", {}, f.file), el("td", {}, f.platform || ""), el("td", {}, f.table || "—"), el("td", {}, f.rows ?? ""),
    el("td", {}, f.orders ?? ""), el("td", {}, f.paid ?? ""), el("td", {}, f.refunded ?? ""),
    el("td", {}, f.unpaid ?? ""), el("td", {}, f.cancelled ?? ""),
    el("td", {}, f.first ? f.first + " — " + f.last : ""),
    el("td", {}, f.reason ? "未读取：" + f.reason : Object.entries(f.excluded || {}).map(([r, n]) => `剔除 ${n}：${r}`).join("；")))));
  const b = data.buyers || {};
  if (b.without && b.without.length) {
    document.getElementById("data-buyers").textContent =
      `买家指标只统计 ${(b.with || []).join("、") || "（无）"}；${b.without.join("、")} 的订单没有买家账号。`;
  }
})();
