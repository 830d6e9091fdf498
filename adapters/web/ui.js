// What every screen of the web app shares: who is logged in, the organisation's role
// names, building elements (h), calling the API, messages, dates and tables. Text is set
// with textContent, never parsed as HTML.
import { t, currentLanguage } from "./i18n.js";

export let me = null;  // GET /api/me (set through setMe)
export let roleNames = {};  // role id -> the organisation's name for it (GET /api/organisation)
export function setMe(person) { me = person; }
export function setRoleNames(names) { roleNames = names; }
let personNames = {};  // person id -> their name (GET /api/organisation)
export function setPersonNames(names) { personNames = names; }
export const personName = (id) => personNames[id] || id;
export const personIds = () => Object.keys(personNames);
// What to show when the server says the session is gone (app.js: the login form).
let signedOut = () => {};
export function whenSignedOut(show) { signedOut = show; }
export const roleName = (id) => roleNames[id] || id;
export const roleList = (ids) => (ids || []).map(roleName).join(", ");

// --- small helpers ---------------------------------------------------------------------

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A vendor script (bpmn-js, form-js), once.
export function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error("could not load " + src));
    document.head.append(s);
  });
}

// Text as XML attribute or element content.
export const xmlEscape = (s) => String(s).replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" }[c]));

// Text made in the browser, saved as a file.
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

class ApiError extends Error {
  constructor(status, body) {
    // "text" is the message in the language the request asked for (Accept-Language).
    super(body && (body.text || body.message) ? body.text || body.message : "HTTP " + status);
    this.status = status;
    this.code = body && body.error;
  }
}

// A page of a list route: its items, and the URL of the next page (from the Link header)
// or null on the last one.
export async function apiPage(path) {
  const res = await fetch(path, { method: "GET", headers: { "Accept-Language": currentLanguage() }, credentials: "same-origin" });
  if (res.status === 401) {
    me = null;
    signedOut();
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  const link = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get("Link") || "");
  return { items: await res.json(), next: link ? link[1] : null };
}

// Every page of a short list (definitions, one case's trail).
export async function apiAll(path) {
  const items = [];
  for (let next = path; next;) {
    const page = await apiPage(next);
    items.push(...page.items);
    next = page.next;
  }
  return items;
}

// A list shown a page at a time: the rows so far, and a button that adds the next page.
export function pagedTable(headers, first, rowOf, cls) {
  const body = table(headers, first.items.map(rowOf), cls);
  const tbody = body.querySelector("tbody") || body;
  const more = h("button", { class: "more", type: "button", hidden: !first.next }, t("more"));
  let next = first.next;
  more.onclick = async () => {
    const page = await apiPage(next);
    for (const item of page.items) tbody.append(rowOf(item));
    next = page.next;
    more.hidden = !next;
  };
  return h("div", { class: "paged" }, body, more);
}

export async function api(method, path, body) {
  const init = { method, headers: { "Accept-Language": currentLanguage() }, credentials: "same-origin" };
  // The server takes a change made with the session cookie only as JSON, body or not.
  if (method !== "GET") init.headers["Content-Type"] = "application/json";
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  if (res.status === 401 && path !== "/api/login") {
    me = null;
    signedOut();
    throw new ApiError(401, await res.json().catch(() => null));
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  if (res.status === 204) return null;
  const type = res.headers.get("Content-Type") || "";
  return type.startsWith("application/json") ? res.json() : res.text();
}

// A file's bytes as they are (the server takes uploads with the session cookie only as
// application/octet-stream, never as a type a plain HTML form could send).
export async function apiUpload(path, file) {
  const res = await fetch(path, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/octet-stream", "Accept-Language": currentLanguage() }, body: file });
  if (res.status === 401) {
    me = null;
    signedOut();
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  return res.json();
}

export function flash(message, kind) {
  const el = document.getElementById("flash");
  el.textContent = message;
  el.className = kind || "info";
  el.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { el.hidden = true; }, 6000);
}

export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString(currentLanguage() === "da" ? "da-DK" : "en-GB",
                          { dateStyle: "short", timeStyle: "short" });
}

export function statusText(s) { return t("status." + s); }

export function table(headers, rows, cls) {
  return h("table", { class: cls || "list" },
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, rows));
}

export function translatePage() {
  document.documentElement.lang = currentLanguage();
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  document.getElementById("lang").value = currentLanguage();
}

export function main(...children) {
  const el = document.getElementById("main");
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// --- login ----------------------------------------------------------------------------

export function legend() {
  return h("p", { class: "legend" }, ["done", "active", "overdue", "incident"].map((k) => h("span", { class: "key " + k }, t("legend." + k))));
}

// An action of the trail in words ("case started"), its code when it has none yet.
export function actionName(action) {
  const key = "action." + action;
  const words = t(key);
  return words === key ? action : words;
}

export function auditTable(records) {
  return table([t("col.time"), t("col.person"), t("col.role"), t("col.raci"), t("col.action"), t("col.step"), t("col.data")],
    records.map((r) => h("tr", { "data-action": r.action, "data-seq": r.seq },
      h("td", {}, when(r.time)), h("td", { title: r.actor }, personName(r.actor)), h("td", {}, r.role ? roleName(r.role) : ""),
      h("td", {}, r.raci || ""), h("td", { title: r.action }, actionName(r.action)), h("td", {}, r.node || ""),
      h("td", { class: "data" }, auditData(r.data)))), "list audit");
}

// A record's data, one line until opened: the first fields, then the whole on a click.
export function auditData(data) {
  if (!data || !Object.keys(data).length) return "";
  const short = Object.entries(data).slice(0, 2).map(([k, v]) => k + ": " + (typeof v === "object" ? JSON.stringify(v) : v)).join(", ");
  return h("details", {}, h("summary", {}, short.length > 60 ? short.slice(0, 60) + "…" : short),
    h("pre", {}, JSON.stringify(data, null, 2)));
}
