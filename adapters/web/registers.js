// The Registers screen (docs/registers.md): the registers the person may read, one
// register's entries (filtered, sorted, a page at a time) with its heat map, and one entry
// with its versions and its trail. Routes: #/registers, #/register/ID[?q&status&sort&order&cell],
// #/register/ID/entry/KEY.
import { t, currentLanguage } from "./i18n.js";
import { h, api, apiPage, pagedTable, main, when, statusText, table, auditTable } from "./ui.js";
import { showSoa } from "./soa.js";

const lang = () => currentLanguage();
const nameOf = (reg) => (lang() === "da" ? reg.name_da : reg.name) || reg.id;
const labelOf = (column) => (lang() === "da" ? column.label_da : column.label) || column.variable;
const enc = encodeURIComponent;

export async function showRegisters() {
  const registers = await api("GET", "/api/registers");
  if (!registers.length) return main(h("h1", {}, t("registers.title")), h("p", { class: "empty" }, t("registers.none")));
  const rows = registers.map((r) => h("tr", { "data-register": r.id },
    h("td", {}, h("a", { href: "#/register/" + enc(r.id) }, nameOf(r))),
    h("td", {}, r.processes.map((p) => p.name).join(", ")),
    h("td", { class: "number" }, String(r.entries)), h("td", { class: "number" }, String(r.open)),
    h("td", { class: "number" }, String(r.review_due))));
  main(h("h1", {}, t("registers.title")), h("p", {}, t("registers.intro")),
    table([t("registers.register"), t("registers.kept-by"), t("registers.entries"), t("registers.open"), t("registers.review-due")], rows));
}

// A likelihood x impact grid: the highest likelihood on top; each cell links to its entries.
function grid(reg, cells, kind, chosen) {
  const size = cells.length;
  const most = Math.max(1, ...cells.flat().map((c) => c.count));
  const rows = [];
  for (let l = size; l >= 1; l--) {
    const tds = [h("th", { scope: "row" }, String(l))];
    for (let i = 1; i <= size; i++) {
      const cell = cells[l - 1][i - 1];
      const id = kind + "-" + l + "-" + i;
      const shade = cell.count === 0 ? 0 : 1 + Math.min(2, Math.floor((cell.count * 3 - 1) / most));
      const label = t("heat.cell").replace("{l}", l).replace("{i}", i).replace("{n}", cell.count);
      tds.push(h("td", { class: "heat shade-" + shade + (chosen === id ? " chosen" : "") },
        cell.count ? h("a", { href: "#/register/" + enc(reg.id) + "?cell=" + id, "aria-label": label, title: cell.keys.join(", ") }, String(cell.count))
                   : h("span", { "aria-label": label }, "0")));
    }
    rows.push(h("tr", {}, tds));
  }
  const head = h("tr", {}, h("th", { scope: "col" }, t("heat.axes")),
    Array.from({ length: size }, (_, k) => h("th", { scope: "col" }, String(k + 1))));
  return h("table", { class: "heatmap", id: "heatmap-" + kind },
    h("caption", {}, t("heat." + kind)), h("thead", {}, head), h("tbody", {}, rows));
}

async function heatMap(reg, chosen) {
  const map = await api("GET", "/api/registers/" + enc(reg.id) + "/heatmap");
  return h("section", { class: "heatmaps", "aria-label": t("heat.title") },
    h("h2", {}, t("heat.title")),
    h("div", { class: "heat-pair" }, grid(reg, map.inherent, "inherent", chosen),
      reg.heat_map.residual ? grid(reg, map.residual, "residual", chosen) : null),
    h("p", { class: "legend" }, t("heat.legend"),
      reg.heat_map.above_acceptance ? " " + t("heat.above").replace("{n}", map.above_acceptance) : "",
      map.unscored ? " " + t("heat.unscored").replace("{n}", map.unscored) : ""));
}

export async function showRegister(id, query) {
  const params = new URLSearchParams(query || "");
  const registers = await api("GET", "/api/registers");
  const reg = registers.find((r) => r.id === id);
  if (!reg) return main(h("p", { class: "error" }, t("registers.unknown")));
  // The SoA is shown as its controls; ?entries=1 shows its revisions as a register.
  if (id === "soa" && !params.get("entries")) return showSoa(reg, query);
  params.set("lang", lang());
  const first = await apiPage("/api/registers/" + enc(id) + "?" + params.toString());
  const go = (changes) => {
    const next = new URLSearchParams(query || "");
    for (const [k, v] of Object.entries(changes)) { if (v) next.set(k, v); else next.delete(k); }
    location.hash = "#/register/" + enc(id) + (next.toString() ? "?" + next.toString() : "");
  };
  const sort = params.get("sort") || "key", order = params.get("order") || "asc";
  const header = (key, text) => h("th", { "aria-sort": sort === key ? (order === "asc" ? "ascending" : "descending") : "none" },
    h("button", { type: "button", class: "link sort", onclick: () => go({ sort: key, order: sort === key && order === "asc" ? "desc" : "asc" }) }, text));
  const headers = [header("key", t("registers.key")), ...reg.columns.map((c) => header(c.variable, labelOf(c))),
    header("status", t("col.status")), h("th", {}, t("registers.steps")), header("updated", t("registers.updated"))];
  const rowOf = (e) => h("tr", { "data-key": e.key },
    h("td", {}, h("a", { href: "#/register/" + enc(id) + "/entry/" + enc(e.key) }, e.key)),
    reg.columns.map((c) => h("td", { class: c.type === "number" ? "number" : "" }, e.cells[c.variable] || "")),
    h("td", {}, statusText(e.status)), h("td", {}, e.steps.join("; ")), h("td", {}, when(e.updated_at)));
  const q = h("input", { id: "register-q", type: "search", value: params.get("q") || "" });
  const status = h("select", { id: "register-status" }, ["", "active", "completed", "cancelled"].map((s) =>
    h("option", { value: s, selected: (params.get("status") || "") === s }, s ? statusText(s) : t("registers.all"))));
  const filters = h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); go({ q: q.value.trim(), status: status.value }); } },
    h("label", {}, t("registers.search"), q), h("label", {}, t("col.status"), status),
    h("button", { type: "submit" }, t("registers.filter")),
    params.get("cell") ? h("button", { type: "button", class: "secondary", id: "clear-cell", onclick: () => go({ cell: "" }) }, t("heat.clear")) : null);
  const exportBase = "/api/registers/" + enc(id) + "/export?lang=" + lang() + "&format=";
  main(h("p", { class: "crumbs" }, h("a", { href: "#/registers" }, t("registers.title"))),
    h("h1", {}, nameOf(reg)),
    reg.heat_map ? await heatMap(reg, params.get("cell")) : null,
    h("h2", {}, t("registers.entries")), filters,
    first.items.length ? pagedTable(headers, first, rowOf, "list register") : h("p", { class: "empty" }, t("registers.no-entries")),
    h("p", { class: "row" }, h("a", { class: "button", href: exportBase + "xlsx", download: id + ".xlsx" }, t("registers.xlsx")),
      h("a", { class: "button secondary", href: exportBase + "csv", download: id + ".csv" }, t("registers.csv"))));
}

export async function showEntry(id, key) {
  const registers = await api("GET", "/api/registers");
  const reg = registers.find((r) => r.id === id);
  if (!reg) return main(h("p", { class: "error" }, t("registers.unknown")));
  const e = await api("GET", "/api/registers/" + enc(id) + "/entries/" + enc(key) + "?lang=" + lang());
  const facts = h("dl", { class: "facts" }, reg.columns.flatMap((c) => [h("dt", {}, labelOf(c)), h("dd", {}, e.cells[c.variable] || "—")]),
    h("dt", {}, t("col.status")), h("dd", {}, statusText(e.status)),
    h("dt", {}, t("registers.steps")), h("dd", {}, e.steps.join("; ") || "—"),
    e.review_due_at ? [h("dt", {}, t("registers.review-due")), h("dd", { class: e.review_due ? "overdue" : "" }, when(e.review_due_at))] : null);
  const versions = table([t("registers.version"), t("registers.case"), t("registers.started"), t("col.status"),
    ...reg.columns.slice(0, 4).map(labelOf)],
    e.history.map((v, n) => h("tr", {}, h("td", {}, String(e.history.length - n)),
      h("td", {}, h("a", { href: "#/case/" + enc(v.case) }, v.case)), h("td", {}, when(v.started_at)), h("td", {}, statusText(v.status)),
      reg.columns.slice(0, 4).map((c) => h("td", {}, v.cells[c.variable] || "")))));
  main(h("p", { class: "crumbs" }, h("a", { href: "#/registers" }, t("registers.title")), " · ",
      h("a", { href: "#/register/" + enc(id) }, nameOf(reg))),
    h("h1", {}, nameOf(reg) + ": " + e.key),
    h("section", { class: "card wide" }, facts),
    h("h2", {}, t("registers.history")), versions,
    h("h2", {}, t("registers.trail")), h("p", {}, t("registers.trail-intro")), auditTable(e.trail));
}
