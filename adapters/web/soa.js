// The Statement of Applicability (#/register/soa; docs/registers.md): the 93 Annex A
// controls as an approved version left them, with the risks that chose each and the cases
// that evidence it; the versions approved so far. Whoever holds the open revision's
// "prepare" step edits the controls here and sends the changes for approval.
import { t } from "./i18n.js";
import { h, api, main, me, when, flash, table } from "./ui.js";

const STATUSES = ["implemented", "partly", "planned", "not-implemented"];
const enc = encodeURIComponent;

function applicableText(v) { return v === true ? t("soa.yes") : v === false ? t("soa.no") : t("soa.not-assessed"); }

// The open revision's step the person may complete now, if any.
async function preparing(soa) {
  if (!soa.open_case) return null;
  const tasks = await api("GET", "/api/tasks?case=" + enc(soa.open_case)).catch(() => []);
  return tasks.find((x) => x.node === "prepare" && (x.status === "open" || (x.status === "claimed" && x.assignee === me.person))) || null;
}

export async function showSoa(reg, query) {
  const params = new URLSearchParams(query || "");
  const version = params.get("version");
  const soa = await api("GET", "/api/soa" + (version ? "?version=" + enc(version) : ""));
  const task = version ? null : await preparing(soa);
  const picker = h("select", { id: "soa-version", onchange: (e) => { location.hash = "#/register/soa" + (e.target.value ? "?version=" + e.target.value : ""); } },
    soa.versions.slice().reverse().map((v) => h("option", { value: String(v.version), selected: v.version === soa.version },
      t("soa.version") + " " + v.version + " · " + when(v.approved_at) + " · " + v.approved_by)));
  const head = [t("soa.control"), "2013", t("soa.title"), t("soa.applicable"), t("soa.justification"), t("col.status"), t("soa.risks"), t("soa.evidence")];
  const links = (keys, href) => keys.flatMap((k, n) => [n ? ", " : "", h("a", { href: href(k) }, k)]);
  const rows = soa.controls.map((c) => {
    const proposed = soa.proposed[c.control];
    return h("tr", { "data-control": c.control, class: c.changed ? "changed" : "" },
      h("td", {}, c.control), h("td", {}, c.control_2013), h("td", {}, c.title), h("td", {}, applicableText(c.applicable)),
      h("td", {}, c.justification), h("td", {}, c.status ? t("soa.status." + c.status) : ""),
      h("td", {}, links(c.risks, (k) => "#/register/risks/entry/" + enc(k))),
      h("td", {}, links(c.evidence, (k) => "#/case/" + enc(k))),
      proposed ? h("td", { class: "proposed" }, t("soa.proposed")) : null);
  });
  const start = !soa.open_case && me.roles.some((r) => r.id === "security-function") && reg.processes.length
    ? h("button", { id: "soa-revise", onclick: async () => {
      await api("POST", "/api/cases", { process: reg.processes[0].id, key: "SOA" });
      flash(t("soa.started"));
      showSoa(reg, "");
    } }, t("soa.revise")) : null;
  main(h("p", { class: "crumbs" }, h("a", { href: "#/registers" }, t("registers.title"))),
    h("h1", {}, t("soa.heading")),
    soa.version ? h("label", {}, t("soa.shown"), picker) : h("p", { class: "empty" }, t("soa.none")),
    soa.open_case ? h("p", {}, t("soa.open") + " ", h("a", { href: "#/case/" + enc(soa.open_case) }, soa.open_case)) : null,
    start, task ? h("button", { id: "soa-edit", onclick: () => editSoa(soa, task) }, t("soa.edit")) : null,
    table(head, rows, "list soa"),
    h("p", {}, h("a", { href: "#/register/soa?entries=1" }, t("soa.revisions"))));
}

// The controls as inputs; only what differs from the approved version is sent.
function editSoa(soa, task) {
  const inputs = soa.controls.map((c) => {
    const p = soa.proposed[c.control] || {};
    const value = (k) => (k in p ? p[k] : c[k]);
    const applicable = h("select", { "aria-label": c.control + " " + t("soa.applicable") },
      [["", t("soa.not-assessed")], ["true", t("soa.yes")], ["false", t("soa.no")]].map(([v, label]) =>
        h("option", { value: v, selected: String(value("applicable") ?? "") === v }, label)));
    const justification = h("input", { value: value("justification") || "", maxlength: 4000, "aria-label": c.control + " " + t("soa.justification") });
    const status = h("select", { "aria-label": c.control + " " + t("col.status") }, [h("option", { value: "" }, "—"),
      ...STATUSES.map((s) => h("option", { value: s, selected: value("status") === s }, t("soa.status." + s)))]);
    return { c, applicable, justification, status };
  });
  const summary = h("input", { id: "soa-summary", required: true });
  const send = async (e) => {
    e.preventDefault();
    const changes = {};
    for (const { c, applicable, justification, status } of inputs) {
      const next = { applicable: applicable.value === "" ? null : applicable.value === "true", justification: justification.value.trim(), status: status.value };
      const change = {};
      if (next.applicable !== null && next.applicable !== c.applicable) change.applicable = next.applicable;
      if (next.justification !== c.justification) change.justification = next.justification;
      if (next.status && next.status !== c.status) change.status = next.status;
      if (Object.keys(change).length) changes[c.control] = change;
    }
    if (task.status === "open") await api("POST", "/api/tasks/" + task.id + "/claim");
    await api("POST", "/api/tasks/" + task.id + "/complete", { variables: { soa: changes, changeSummary: summary.value.trim() } });
    flash(t("soa.sent"));
    location.hash = "#/register/soa";
  };
  main(h("p", { class: "crumbs" }, h("a", { href: "#/register/soa" }, t("soa.heading"))),
    h("h1", {}, t("soa.edit")),
    h("form", { id: "soa-form", onsubmit: send },
      table([t("soa.control"), t("soa.title"), t("soa.applicable"), t("soa.justification"), t("col.status")],
        inputs.map(({ c, applicable, justification, status }) => h("tr", { "data-control": c.control },
          h("td", {}, c.control), h("td", {}, c.title), h("td", {}, applicable), h("td", {}, justification), h("td", {}, status))), "list soa"),
      h("label", {}, t("soa.summary"), summary),
      h("button", { type: "submit", id: "soa-send" }, t("soa.send"))));
}
