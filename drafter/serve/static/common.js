// Shared by every page: the API client (token in a header) and DOM helpers that only ever set text.
"use strict";

const TOKEN = document.querySelector('meta[name="drafter-token"]').content;

async function api(method, url, body, raw) {
  const headers = {"X-Drafter-Token": TOKEN};
  let payload;
  if (raw !== undefined) {
    headers["Content-Type"] = "application/octet-stream";
    payload = raw;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, {method, headers, body: payload, credentials: "same-origin"});
  let data;
  try {
    data = await response.json();
  } catch (_err) {
    data = {error: response.status + " " + response.statusText};
  }
  return {status: response.status, ok: response.ok, data};
}

// el("p", {class: "x"}, "text", child): strings become text nodes, never HTML
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const VERDICT_NAMES = {verified: "已核对", mismatch: "不符", unsupported: "无依据", claim_error: "判断有误"};

function chips(counts) {
  return Object.keys(VERDICT_NAMES).map(v =>
    el("span", {class: "chip " + v, "data-count": v}, VERDICT_NAMES[v] + " " + ((counts || {})[v] || 0)));
}

function sleep(ms) { return new Promise(resolve => setTimeout(resolve, ms)); }

// Poll a job until it ends; onStep sees it each time.
async function followJob(jobId, onStep) {
  for (;;) {
    const {ok, data} = await api("GET", "/api/jobs/" + encodeURIComponent(jobId));
    if (!ok) return {state: "failed", error: data.error};
    onStep(data);
    if (data.state !== "running") return data;
    await sleep(300);
  }
}
