// The raciflow web app: plain modern JavaScript modules over the JSON API (docs/api.md),
// no bundler: ui.js (what every screen shares), modeler.js (bpmn-js) with modeler_form.js,
// forms.js (form-js), case_evidence.js, registers.js, i18n.js, and iso27001.js (served by the
// server from definitions/iso27001.h).
// Screens are hash routes: #/tasks, #/task/ID, #/cases, #/case/ID, #/definitions,
// #/definition/ID, #/registers, #/register/ID[/entry/KEY], #/year, #/agenda, #/audit, #/supervised[/TENANT[/case/ID]]. Text is
// set with textContent, never parsed as HTML; the only markup inserted is the server's
// SVG diagrams.
import { t, count, currentLanguage } from "./i18n.js";
import {
  me, roleNames, setMe, setRoleNames, setPersonNames, personName, roleName, roleList, h, apiPage, apiAll, pagedTable, api, flash, when,
  statusText, table, translatePage, main, legend, auditTable, whenSignedOut
} from "./ui.js";
import { showModel, canModel } from "./modeler.js";
import { caseDiagram, disposeDiagram } from "./diagram.js";
import { formsAvailable, taskForm } from "./forms.js";
import { showFilledForm, evidenceOfCase } from "./case_evidence.js";
import { showRegisters, showRegister, showEntry } from "./registers.js";
import { showLogin as loginScreen, logOut } from "./login.js";
import { showProfile } from "./profile.js";
import { consultationList, unansweredOf, waiveForm } from "./consultations.js";

const showLogin = () => loginScreen(afterLogin);

async function afterLogin() {
  if (!Object.keys(roleNames).length) {
    const org = await api("GET", "/api/organisation").catch(() => null);  // none loaded yet: ids it is
    if (org) {
      setRoleNames(Object.fromEntries(org.roles.map((r) => [r.id, r.name || r.id])));
      setPersonNames(Object.fromEntries(org.people.map((p) => [p.id, p.name || p.id])));
    }
  }
  document.getElementById("nav").hidden = false;
  document.getElementById("logout").hidden = false;
  document.getElementById("nav-audit").hidden = !(me.access || []).some((a) => a === "admin" || a === "auditor");
  document.getElementById("nav-model").hidden = !canModel();
  // Organisations this one supervises (a server for several tenants): admins and auditors only.
  const reader = (me.access || []).some((a) => a === "admin" || a === "auditor");
  const supervised = reader ? await api("GET", "/api/supervised").catch(() => []) : [];
  document.getElementById("nav-supervised").hidden = !supervised.length;
  const who = document.getElementById("who");
  who.textContent = me.name + " (" + me.roles.map((r) => r.name).join(", ") + ")";
  who.title = who.textContent;  // the roles in full when the header cuts them short
  who.hidden = false;  // a link to the person's own page (substitutes)
  if (!location.hash || location.hash === "#/login") location.hash = "#/tasks";
  else route();
}

// --- my tasks -----------------------------------------------------------------------

function dueCell(task) {
  if (!task.due) return h("td", {});
  return h("td", { class: task.overdue ? "overdue" : "" }, when(task.due),
    task.overdue ? h("span", { class: "badge overdue" }, t("overdue")) : null,
    task.escalated ? h("span", { class: "badge" }, t("escalated")) : null);
}

async function taskAction(id, action, body) {
  await api("POST", "/api/tasks/" + id + "/" + action, body || {});
}

async function showTasks() {
  const [tasks, notes] = await Promise.all([apiPage("/api/tasks?limit=50"), api("GET", "/api/notifications?limit=20")]);
  const rowOf = (task) => h("tr", { "data-task": task.id, "data-node": task.node, class: task.overdue ? "late" : "" },
    h("td", {}, h("a", { href: "#/task/" + task.id }, task.name), instanceLabel(task)),
    h("td", { title: task.process }, task.process_name || task.process),
    h("td", {}, h("a", { href: "#/case/" + task.case }, task.case)),
    h("td", {}, t("why." + task.inbox)),
    dueCell(task),
    h("td", {}, statusText(task.status), task.assignee ? " · " + task.assignee : ""),
    h("td", { class: "actions" },
      task.inbox === "responsible" && task.status === "open"
        ? h("button", { class: "claim", onclick: async () => { await taskAction(task.id, "claim"); flash(t("task.claimed")); showTasks(); } }, t("claim")) : null,
      h("a", { class: "button", href: "#/task/" + task.id }, t("open"))));
  const noteRows = notes.map((n) => h("tr", {},
    h("td", {}, when(n.created)), h("td", {}, t("kind." + n.kind)),
    h("td", {}, n.name || n.node), h("td", {}, h("a", { href: "#/case/" + n.case }, n.case)), h("td", {}, roleName(n.role))));
  main(
    h("h1", {}, t("tasks.title")),
    tasks.items.length ? pagedTable([t("col.task"), t("col.process"), t("col.case"), t("col.why"), t("col.due"), t("col.status"), ""], tasks, rowOf, "list tasks")
                       : h("p", { class: "empty" }, t("tasks.none")),
    h("h2", {}, t("tasks.notifications")),
    notes.length ? table([t("col.time"), t("col.kind"), t("col.step"), t("col.case"), t("col.role")], noteRows, "list notifications")
                 : h("p", { class: "empty" }, t("tasks.no_notifications")));
}

// --- one task ---------------------------------------------------------------------

// A field reads as the model names it: the gateway's question, the flows' answers. The
// conditions it feeds are there on hover, for whoever wants them.
function fieldInput(field) {
  const name = "var-" + field.name;
  const label = field.label || field.name;
  const answer = (value, fallback) => (field.answers && field.answers[value]) || fallback;
  const title = field.used_in.join(" · ");
  if (field.type === "boolean") {
    return h("fieldset", { class: "field", "data-field": field.name, title },
      h("legend", {}, label),
      h("label", { class: "inline" }, h("input", { type: "radio", name, value: "true", required: true }), answer("true", t("yes"))),
      h("label", { class: "inline" }, h("input", { type: "radio", name, value: "false" }), answer("false", t("no"))));
  }
  if (field.type === "roles") {  // the roles a multi-instance step next makes one task each for
    return h("fieldset", { class: "field", "data-field": field.name, title },
      h("legend", {}, label),
      Object.entries(roleNames).map(([id, roleLabel]) =>
        h("label", { class: "inline" }, h("input", { type: "checkbox", name, value: id }), roleLabel)));
  }
  if (field.type === "string" && field.options.length) {
    return h("label", { class: "field", "data-field": field.name, title }, label,
      h("select", { name, required: true }, h("option", { value: "" }, t("choose")),
        field.options.map((o) => h("option", { value: o }, answer(o, o)))));
  }
  return h("label", { class: "field", "data-field": field.name, title }, label,
    h("input", { name, type: field.type === "number" ? "number" : "text", step: "any", required: true }));
}

function readFields(form, fields) {
  const variables = {};
  for (const f of fields) {
    const name = "var-" + f.name;
    if (f.type === "roles") {
      variables[f.name] = [...form.querySelectorAll(`[name="${name}"]:checked`)].map((i) => i.value);
      continue;
    }
    const input = form.querySelector(`[name="${name}"]:checked`) || form.querySelector(`[name="${name}"]:not([type=radio])`);
    if (!input || input.value === "") continue;
    if (f.type === "boolean") variables[f.name] = input.value === "true";
    else if (f.type === "number") variables[f.name] = Number(input.value);
    else variables[f.name] = input.value;
  }
  return variables;
}

// One instance of a multi-instance task: the item it stands for ("unit: hr"), else nothing.
function instanceLabel(task) {
  if (task.instance === undefined) return null;
  const own = Object.entries(task.locals || {}).filter(([k]) => k !== "loopCounter");
  return h("small", { class: "instance" }, " · " + (own.length ? own.map(([k, v]) => k + ": " + (typeof v === "string" ? roleNames[v] || v : JSON.stringify(v))).join(", ")
    : "#" + (task.instance + 1)));
}

async function showTask(id) {
  const task = await api("GET", "/api/tasks/" + id);
  const live = task.status === "open" || task.status === "claimed";
  const mine = task.inbox === "responsible";
  const parts = [
    h("p", { class: "crumbs" }, h("a", { href: "#/case/" + task.case }, t("case.title") + " " + task.case), " · ", task.process_name),
    h("h1", {}, task.name, instanceLabel(task), " ", h("span", { class: "badge status-" + task.status }, statusText(task.status))),
    h("dl", { class: "facts" },
      h("dt", {}, t("task.responsible")), h("dd", {}, roleList(task.responsible)),
      h("dt", {}, t("task.accountable")), h("dd", {}, roleList(task.accountable)),
      task.consulted.length ? [h("dt", {}, t("task.consulted")), h("dd", {}, roleList(task.consulted))] : null,
      task.informed.length ? [h("dt", {}, t("task.informed")), h("dd", {}, roleList(task.informed))] : null,
      h("dt", {}, t("col.due")), h("dd", { class: task.overdue ? "overdue" : "" }, task.due ? when(task.due) : "–", task.overdue ? " (" + t("overdue") + ")" : ""),
      task.iso.length ? [h("dt", {}, t("task.iso")), h("dd", {}, task.iso.join(", "))] : null,
      h("dt", {}, t("col.assignee")), h("dd", {}, task.assignee || "–")),
    task.documentation ? h("p", { class: "doc" }, task.documentation) : null,
  ];
  parts.push(consultationList(task));
  if (Object.keys(task.variables || {}).length) {
    parts.push(h("details", {}, h("summary", {}, t("task.variables")), h("pre", {}, JSON.stringify(task.variables, null, 2))));
  }
  const unanswered = unansweredOf(task);
  if (live) parts.push(waiveForm(task, (reason) => taskAction(id, "waive", { reason }), () => showTask(id)));
  if (live && mine) {
    if (task.status === "open") {
      parts.push(h("p", {}, t("task.claim_first"), " ",
        h("button", { id: "claim", onclick: async () => { await taskAction(id, "claim"); flash(t("task.claimed")); showTask(id); } }, t("claim"))));
    } else {
      const comment = h("textarea", { name: "comment", rows: 3 });
      // The step's form-js form, with the decision fields it does not ask itself; the
      // decision fields alone for a step without one.
      const formBox = task.form && formsAvailable() ? h("div", { class: "step-form", id: "task-form" }) : null;
      let filled = null;
      const form = h("form", { class: "card", id: "complete-form", onsubmit: async (e) => {
        e.preventDefault();
        let variables;
        try {
          variables = filled ? await filled.submit() : readFields(form, task.fields);
        } catch (err) { flash(err.message, "error"); return; }
        const body = { variables };
        if (comment.value.trim()) body.comment = comment.value.trim();
        try {
          await taskAction(id, "complete", body);
          flash(t("task.done"));
          location.hash = "#/tasks";
        } catch (err) { flash(err.message, "error"); }
      } },
        h("h2", {}, t(formBox ? "task.form" : "task.decide")),
        unanswered.length ? h("p", { class: task.consult === "before" ? "error" : "gap", id: "unanswered" },
          t(task.consult === "before" ? "task.unanswered_before" : "task.unanswered_alongside"), " ",
          roleList(unanswered.map((c) => c.role))) : null,
        task.gap ? h("p", { class: "gap" }, t("task.gap"), " ", task.gap.text) : null,
        formBox || task.fields.map(fieldInput),
        task.form && !formBox ? h("p", { class: "error" }, t("form.unavailable") + " " + ((me.forms || {}).reason || "")) : null,
        h("label", { class: "field" }, t("task.comment"), comment),
        h("div", { class: "row" },
          h("button", { type: "submit", id: "complete", disabled: Boolean(formBox) }, t("complete")),
          h("button", { type: "button", class: "secondary", onclick: async () => { await taskAction(id, "unclaim"); flash(t("task.unclaimed")); showTask(id); } }, t("unclaim"))));
      parts.push(form);
      if (formBox) {
        main(...parts.filter(Boolean));
        filled = await taskForm(formBox, task);
        document.getElementById("complete").disabled = false;
        return;
      }
    }
  }
  if (live && task.inbox === "consulted") {
    const answer = h("textarea", { name: "answer", rows: 3, required: true });
    parts.push(h("form", { class: "card", id: "consult-form", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await taskAction(id, "consult", { answer: answer.value });
        flash(t("task.answered"));
        location.hash = "#/tasks";
      } catch (err) { flash(err.message, "error"); }
    } }, h("label", { class: "field" }, t("task.consult"), answer), h("button", { type: "submit" }, t("task.answer"))));
  }
  main(...parts.filter(Boolean));
}

// --- cases ------------------------------------------------------------------------

async function showCases() {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const [defs, org] = await Promise.all([apiAll("/api/definitions"), api("GET", "/api/organisation").catch(() => ({ roles: [] }))]);
  const query = new URLSearchParams();
  for (const k of ["process", "status", "role", "overdue"]) if (params.get(k)) query.set(k, params.get(k));
  query.set("limit", "50");
  const cases = await apiPage("/api/cases?" + query.toString());
  const select = (name, options) => h("select", { name, onchange: (e) => {
    if (e.target.value) params.set(name, e.target.value); else params.delete(name);
    location.hash = "#/cases?" + params.toString();
  } }, h("option", { value: "" }, t("filter.any")),
    options.map(([v, label]) => h("option", { value: v, selected: params.get(name) === v }, label)));
  const filters = h("form", { class: "filters", onsubmit: (e) => e.preventDefault() },
    h("label", {}, t("filter.process"), select("process", defs.map((d) => [d.process, d.name]))),
    h("label", {}, t("filter.status"), select("status", ["active", "completed", "incident", "cancelled", "terminated"].map((s) => [s, statusText(s)]))),
    h("label", {}, t("filter.role"), select("role", org.roles.map((r) => [r.id, r.name]))),
    h("label", { class: "inline" }, h("input", { type: "checkbox", name: "overdue", checked: params.get("overdue") === "true", onchange: (e) => {
      if (e.target.checked) params.set("overdue", "true"); else params.delete("overdue");
      location.hash = "#/cases?" + params.toString();
    } }), t("filter.overdue")));
  const rowOf = (c) => h("tr", { "data-case": c.id, class: c.overdue ? "late" : "" },
    h("td", {}, h("a", { href: "#/case/" + c.id }, c.id)),
    h("td", {}, c.process_name || c.process),
    h("td", {}, statusText(c.status)),
    h("td", {}, c.current.map((s) => h("div", { class: s.overdue ? "overdue" : "" }, s.name, s.overdue ? " (" + t("overdue") + ")" : ""))),
    h("td", {}, when(c.started_at), " · ", c.started_by));
  main(h("h1", {}, t("cases.title")), startForm(defs), filters,
    cases.items.length ? pagedTable([t("col.case"), t("col.process"), t("col.status"), t("col.current"), t("col.started")], cases, rowOf, "list cases")
                       : h("p", { class: "empty" }, t("cases.none")));
}

function startForm(defs) {
  if ((me.access || []).includes("auditor") && !(me.access || []).includes("admin")) return null;
  // One choice per way in: a plain start event starts the process, a message start event
  // sends its message.
  const ways = [];
  for (const d of defs)
    for (const s of d.starts || [])
      ways.push({ label: d.name + " — " + (s.name || s.node), process: d.process, message: s.message });
  const way = h("select", { name: "way", required: true }, ways.map((w, i) => h("option", { value: i }, w.label)));
  const key = h("input", { name: "key" });
  return h("details", { class: "card", id: "start" }, h("summary", {}, t("cases.start")),
    h("form", { id: "start-form", onsubmit: async (e) => {
      e.preventDefault();
      const w = ways[Number(way.value)];
      try {
        let id;
        if (w.message) {
          const out = await api("POST", "/api/messages", { name: w.message, key: key.value || undefined });
          id = out.cases[0];
        } else {
          id = (await api("POST", "/api/cases", { process: w.process, key: key.value || undefined })).id;
        }
        flash(t("start.started") + " " + id);
        location.hash = "#/case/" + id;
      } catch (err) { flash(err.message, "error"); }
    } }, h("label", {}, t("start.process"), way), h("label", {}, t("start.key"), key), h("button", { type: "submit" }, t("start.go"))));
}

// A picture wider than the screen scrolls in its box: the box takes the keyboard's focus
// (arrow keys scroll it) and is named for screen readers.
function diagramBox(svg, label) {
  const box = h("div", { class: "diagram", tabindex: "0", role: "region", "aria-label": label });
  box.innerHTML = svg;  // the server's SVG: names in it are XML-escaped
  return box;
}

// The wheel's month names and legend in the chosen language (the SVG carries them in
// English), and its box as tall as the wheel.
function wheelInLanguage(box, year) {
  const names = new Intl.DateTimeFormat(currentLanguage() === "da" ? "da-DK" : "en-GB", { month: "short", timeZone: "UTC" });
  for (const label of box.querySelectorAll("text.month-name"))
    label.textContent = names.format(new Date(Date.UTC(2000, Number(label.dataset.month) - 1, 15)));
  for (const label of box.querySelectorAll("text.legend-mark")) label.textContent = t("wheel.mark." + label.dataset.mark);
  const svg = box.querySelector("svg");
  if (svg) {
    svg.setAttribute("aria-label", t("year.title") + " " + year);
    const title = svg.querySelector("title");
    if (title) title.textContent = t("year.title") + " " + year;
  }
  box.classList.add("wheel-box");
  return box;
}

async function showCase(id) {
  const viewer = (me.modeler || {}).available;
  const [c, drawing, records] = await Promise.all([
    api("GET", "/api/cases/" + encodeURIComponent(id)),
    api("GET", "/api/cases/" + encodeURIComponent(id) + "/diagram" + (viewer ? "?format=json" : "")),
    apiAll("/api/cases/" + encodeURIComponent(id) + "/audit?limit=1000")]);
  // bpmn-js draws the case's process version with its marks; else the server's picture.
  const diagram = h("div", { class: "diagram case-diagram", id: "case-diagram" });
  const xml = viewer ? await api("GET", "/api/definitions/" + encodeURIComponent(drawing.process) + "/xml?layout=missing&version=" + drawing.version).catch(() => null) : null;
  const [attachments, comments] = await Promise.all([
    api("GET", "/api/cases/" + encodeURIComponent(id) + "/attachments"),
    api("GET", "/api/cases/" + encodeURIComponent(id) + "/comments")]);
  const filledBox = h("div", { id: "filled-form" });
  const tasks = c.tasks.map((task) => h("tr", { "data-task": task.id },
    h("td", {}, h("a", { href: "#/task/" + task.id }, task.name)), h("td", {}, roleList(task.responsible)),
    h("td", {}, statusText(task.status)), dueCell(task), h("td", {}, task.completed_by || task.assignee || ""),
    h("td", {}, task.status === "completed" && formsAvailable()
      ? h("button", { type: "button", class: "secondary show-form", onclick: () => showFilledForm(filledBox, task, attachments) }, t("case.show-form")) : "")));
  const admin = (me.access || []).includes("admin");
  const live = c.status === "active" || c.status === "incident";
  const reason = h("input", { name: "reason", required: true });
  const evidence = evidenceOfCase(id, c, attachments, comments, () => showCase(id));
  main(
    h("h1", {}, t("case.title") + " " + c.id + " · " + c.process_name, " ", h("span", { class: "badge status-" + c.status, id: "case-status" }, statusText(c.status))),
    c.parent_case ? h("p", {}, t("case.parent") + " ", h("a", { href: "#/case/" + c.parent_case }, c.parent_case)) : null,
    c.children.length ? h("p", {}, t("case.children") + ": ", c.children.map((k) => h("a", { href: "#/case/" + k.id, class: "child" }, k.id + " (" + k.process + ") "))) : null,
    c.incident ? h("p", { class: "error" }, t("case.incident") + ": " + (c.incident.reason || JSON.stringify(c.incident))) : null,
    h("div", { class: "case-layout" },
      h("section", {}, h("h2", {}, t("case.diagram")), legend(), diagram),
      h("section", { class: "timeline" },
        evidence.comments,
        h("h2", {}, t("case.audit")),
        h("a", { class: "button", id: "csv", href: "/api/cases/" + encodeURIComponent(id) + "/audit?format=csv", download: "case-" + id + "-audit.csv" }, t("case.csv")),
        auditTable(records))),
    h("h2", {}, t("case.tasks")),
    table([t("col.task"), t("col.role"), t("col.status"), t("col.due"), t("col.person"), t("col.form")], tasks, "list case-tasks"),
    filledBox,
    Object.keys(c.variables || {}).length ? h("details", {}, h("summary", {}, t("case.variables")), h("pre", {}, JSON.stringify(c.variables, null, 2))) : null,
    evidence.files,
    admin && live ? h("form", { class: "card", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api("POST", "/api/cases/" + encodeURIComponent(id) + "/cancel", { reason: reason.value });
        flash(t("case.cancelled"));
        showCase(id);
      } catch (err) { flash(err.message, "error"); }
    } }, h("label", {}, t("case.reason"), reason), h("button", { type: "submit", class: "danger" }, t("case.cancel"))) : null);
  const drawn = viewer && xml && await caseDiagram(diagram, xml, drawing, records);
  if (!drawn) diagram.replaceChildren(diagramBox(viewer ? await api("GET", "/api/cases/" + encodeURIComponent(id) + "/diagram") : drawing, t("case.diagram")));
}

// --- definitions ------------------------------------------------------------------------

async function showDefinitions() {
  const defs = await apiAll("/api/definitions");
  const admin = canModel();
  const rows = defs.map((d) => h("tr", {}, h("td", {}, h("a", { href: "#/definition/" + encodeURIComponent(d.process) }, d.name)),
    h("td", {}, d.process), h("td", {}, d.version), h("td", {}, when(d.deployed_at), " · ", d.deployed_by)));
  const file = h("input", { type: "file", name: "file", accept: ".bpmn,.xml", required: true });
  main(h("h1", {}, t("defs.title")),
    defs.length ? table([t("col.name"), t("col.process"), t("col.version"), t("defs.deployed")], rows) : h("p", { class: "empty" }, t("defs.none")),
    admin ? h("form", { class: "card", id: "deploy-form", onsubmit: async (e) => {
      e.preventDefault();
      const f = file.files[0];
      try {
        const out = await api("POST", "/api/definitions", { name: f.name, xml: await f.text() });
        flash(t("defs.deployed") + " " + out.map((d) => d.process + "@" + d.version).join(", "));
        showDefinitions();
      } catch (err) { flash(err.message, "error"); }
    } }, h("h2", {}, t("defs.deploy")), h("label", {}, t("defs.file"), file), h("button", { type: "submit" }, t("defs.deploy"))) : null);
}

async function showDefinition(process) {
  const p = encodeURIComponent(process);
  const [d, svg, raci] = await Promise.all([api("GET", "/api/definitions/" + p), api("GET", "/api/definitions/" + p + "/diagram"),
    api("GET", "/api/definitions/" + p + "/raci")]);
  const roles = raci.roles || [];
  const rows = (raci.steps || []).map((s) => h("tr", {}, h("td", {}, s.name || s.id),
    roles.map((r) => h("td", { class: "cell" }, (s.cells && s.cells[r.id]) || ""))));
  const versions = await api("GET", "/api/definitions/" + p + "/versions");
  main(h("h1", {}, d.name, " ", h("small", {}, d.process + "@" + d.version)),
    canModel() ? h("p", {}, h("a", { class: "button", id: "open-in-modeler", href: "#/model?process=" + p }, t("defs.model"))) : null,
    h("h2", {}, t("defs.versions")),
    table([t("col.version"), t("defs.deployed"), t("defs.running"), t("defs.all-cases")],
      versions.map((v) => h("tr", { "data-version": v.version }, h("td", {}, v.version), h("td", {}, when(v.deployed_at), " · ", v.deployed_by),
        h("td", {}, v.cases_running), h("td", {}, v.cases))), "list versions"),
    h("h2", {}, t("defs.diagram")), diagramBox(svg, t("defs.diagram") + ": " + d.name),
    h("h2", {}, t("defs.raci")),
    table([t("col.step"), ...roles.map((r) => r.name || r.id)], rows, "list raci"));
}

// --- audit ------------------------------------------------------------------------

async function showAudit() {
  const result = h("div", { id: "verify-result" });
  main(h("h1", {}, t("audit.title")),
    h("p", {}, h("button", { id: "verify", onclick: async () => {
      result.replaceChildren(t("loading"));
      const r = await api("GET", "/api/audit/verify");
      result.replaceChildren(r.ok
        ? h("p", { class: "ok" }, t("audit.ok"), " ", count(r.records, "audit.records") + " " + count(r.cases, "audit.cases"))
        : h("p", { class: "error" }, t("audit.bad"), " ", r.problems[0]));
    } }, t("audit.verify")), " ", h("a", { class: "button", href: "/api/audit?format=csv", download: "audit.csv" }, t("audit.all_csv"))),
    result, await evidenceSection());
}

// --- the year: wheel, plan, agenda ----------------------------------------------------

// A standing section of the committee's agenda in the chosen language; a section the
// app does not know keeps the server's title.
function sectionTitle(section) {
  const key = "agenda.section." + section.id;
  return t(key) === key ? section.title : t(key);
}

async function showYear(year) {
  year = year || String(new Date().getFullYear());
  let wheel, svg;
  try {
    [wheel, svg] = await Promise.all([api("GET", "/api/wheel?year=" + encodeURIComponent(year)),
      api("GET", "/api/wheel?format=svg&year=" + encodeURIComponent(year))]);
  } catch (err) {
    if (err.status === 404) return main(h("h1", {}, t("year.title")), h("p", {}, t("year.none")));
    throw err;
  }
  const picker = h("input", { type: "number", id: "year", value: year, min: 2000, max: 2100,
    onchange: (e) => { location.hash = "#/year/" + e.target.value; } });
  const rows = wheel.occurrences.map((o) => h("tr", { class: o.status, "data-activity": o.activity },
    h("td", {}, o.occurrence), h("td", {}, o.name), h("td", {}, roleName(o.role)), h("td", {}, o.fire_at.slice(0, 10)),
    h("td", {}, o.due.slice(0, 10)),
    h("td", {}, t("status." + o.status), o.late ? " (" + t("year.late") + ")" : ""),
    h("td", {}, o.case ? h("a", { href: "#/case/" + encodeURIComponent(o.case) }, o.case) : "")));
  const planRows = wheel.plan.map((p) => h("tr", { "data-plan": p.id },
    h("td", {}, p.name), h("td", { title: p.responsible }, personName(p.responsible)), h("td", {}, p.deadline), h("td", {}, t("status." + p.status)),
    h("td", {}, p.risk), h("td", {}, p.status === "open" && (p.responsible === me.person || (me.access || []).includes("admin"))
      ? h("button", { onclick: async () => {
        try { await api("PUT", "/api/plan/" + encodeURIComponent(p.id), { status: "done" }); showYear(year); }
        catch (err) { flash(err.message, "error"); }
      } }, t("year.done")) : "")));
  main(h("h1", {}, t("year.title"), " ", year), h("label", {}, t("year.year"), " ", picker),
    wheelInLanguage(diagramBox(svg, t("year.title") + " " + year), year),
    table([t("col.date"), t("col.activity"), t("col.role"), t("col.starts"), t("col.due"), t("col.status"), t("col.case")], rows),
    h("h2", {}, t("year.plan")),
    table([t("col.activity"), t("col.responsible"), t("col.deadline"), t("col.status"), t("col.risk"), ""], planRows));
}

async function showAgenda() {
  const since = new URLSearchParams(location.hash.split("?")[1] || "").get("since");
  const agenda = await api("GET", "/api/agenda" + (since ? "?since=" + encodeURIComponent(since) : ""));
  const picker = h("input", { type: "date", id: "since", value: agenda.since.slice(0, 10),
    onchange: (e) => { location.hash = "#/agenda?since=" + e.target.value; } });
  const sections = agenda.sections.map((s) => h("li", { "data-section": s.id }, h("h2", {}, sectionTitle(s)),
    s.cases.length + s.plan.length === 0 ? h("p", {}, t("agenda.nothing")) : h("ul", {},
      s.cases.map((c) => h("li", { "data-case": c.id }, h("a", { href: "#/case/" + encodeURIComponent(c.id) }, c.process_name + " " + c.id),
        " (" + statusText(c.status) + ")", c.open_steps.length ? " — " + t("agenda.waiting") + " " + c.open_steps.join(", ")
          : (c.last_step ? " — " + t("agenda.last") + " " + c.last_step : ""))),
      s.plan.map((p) => h("li", { "data-plan": p.id }, p.name + " — " + personName(p.responsible) + ", " + p.deadline + " (" + t("status." + p.status) + ")")))));
  main(h("h1", {}, t("agenda.title")), h("label", {}, t("agenda.since"), " ", picker), h("ol", { class: "agenda" }, sections));
}

async function evidenceSection() {
  const r = await api("GET", "/api/evidence");
  const rows = r.items.map((i) => {
    const e = i.evidence[0];
    return h("tr", { class: i.covered ? "covered" : "gap", "data-item": i.id }, h("td", {}, i.clause + " [" + i.clause_2013 + "]"),
      h("td", {}, i.title), h("td", {}, i.covered ? t("evidence.covered") : t("evidence.gap")),
      h("td", {}, e ? e.time.slice(0, 10) + " — " + e.step + " — " + e.person + " — " : "",
        e ? h("a", { href: "#/case/" + encodeURIComponent(e.case) }, e.case) : ""));
  });
  const documents = (r.documents || []).map((e) => h("tr", { "data-case": e.case, "data-task": e.task || "" },
    h("td", {}, e.time.slice(0, 10)), h("td", {}, (e.clauses || []).join(" ")),
    h("td", {}, h("a", { href: "#/case/" + encodeURIComponent(e.case) }, e.case)), h("td", {}, e.step), h("td", {}, e.person),
    h("td", {}, e.form ? e.form.id + " v" + e.form.version : ""),
    h("td", {}, e.files.map((f, i) => [i ? ", " : "", h("a", { href: f.href, download: f.name }, f.name)]))));
  return [h("h2", {}, t("evidence.title")),
    table([t("col.clause"), t("col.documentation"), t("col.status"), t("evidence.latest")], rows),
    h("h3", {}, t("evidence.documents")),
    documents.length ? table([t("col.date"), "ISO 27001", t("col.case"), t("col.step"), t("col.person"), t("col.form"), t("case.attachments")],
      documents, "list documents") : h("p", { class: "empty" }, t("evidence.no-documents")),
    h("p", {}, h("a", { class: "button", href: "/api/report?format=html&lang=" + currentLanguage(), target: "_blank" }, t("report.open")))];
}

// --- supervision: organisations this one may read -------------------------------------
// Every read is recorded in the supervised organisation's trail (docs/deployment.md).

const supervisedPath = (tenant) => "/api/supervised/" + encodeURIComponent(tenant);

async function showSupervised(tenant, caseId) {
  if (!tenant) {
    const list = await api("GET", "/api/supervised");
    return main(h("h1", {}, t("supervised.title")), h("p", {}, t("supervised.intro")),
      list.length ? h("ul", { class: "supervised" }, list.map((o) => h("li", { "data-tenant": o.tenant },
        h("a", { href: "#/supervised/" + encodeURIComponent(o.tenant) }, o.tenant))))
        : h("p", { class: "empty" }, t("supervised.none")));
  }
  const base = supervisedPath(tenant);
  if (caseId) {
    const [c, records] = await Promise.all([api("GET", base + "/cases/" + encodeURIComponent(caseId)),
      apiAll(base + "/cases/" + encodeURIComponent(caseId) + "/audit?limit=1000")]);
    const tasks = c.tasks.map((task) => h("tr", { "data-task": task.id }, h("td", {}, task.name), h("td", {}, (task.responsible || []).join(", ")),
      h("td", {}, statusText(task.status)), dueCell(task), h("td", {}, task.completed_by || task.assignee || "")));
    return main(h("p", {}, h("a", { href: "#/supervised/" + encodeURIComponent(tenant) }, "← " + tenant)),
      h("h1", {}, t("case.title") + " " + c.id + " · " + c.process_name, " ", h("span", { class: "badge status-" + c.status }, statusText(c.status))),
      h("p", { class: "notice" }, t("supervised.recorded")),
      h("h2", {}, t("case.tasks")),
      table([t("col.task"), t("col.role"), t("col.status"), t("col.due"), t("col.person")], tasks, "list case-tasks"),
      h("h2", {}, t("case.audit")),
      h("a", { class: "button", href: base + "/cases/" + encodeURIComponent(caseId) + "/audit?format=csv", download: tenant + "-case-" + caseId + "-audit.csv" }, t("case.csv")),
      auditTable(records));
  }
  const [cases, evidence] = await Promise.all([apiPage(base + "/cases?limit=50"), api("GET", base + "/evidence")]);
  const rowOf = (c) => h("tr", { "data-case": c.id, class: c.overdue ? "late" : "" },
    h("td", {}, h("a", { href: "#/supervised/" + encodeURIComponent(tenant) + "/case/" + encodeURIComponent(c.id) }, c.id)),
    h("td", {}, c.process_name || c.process), h("td", {}, statusText(c.status)),
    h("td", {}, c.current.map((s) => h("div", { class: s.overdue ? "overdue" : "" }, s.name))), h("td", {}, when(c.started_at)));
  const gaps = evidence.items.map((i) => h("tr", { class: i.covered ? "covered" : "gap", "data-item": i.id },
    h("td", {}, i.clause + " [" + i.clause_2013 + "]"), h("td", {}, i.title), h("td", {}, i.covered ? t("evidence.covered") : t("evidence.gap"))));
  main(h("h1", {}, t("supervised.title") + ": " + tenant), h("p", { class: "notice" }, t("supervised.recorded")),
    h("h2", {}, t("cases.title")),
    cases.items.length ? pagedTable([t("col.case"), t("col.process"), t("col.status"), t("col.current"), t("col.started")], cases, rowOf, "list cases")
                       : h("p", { class: "empty" }, t("cases.none")),
    h("h2", {}, t("evidence.title")), table([t("col.clause"), t("col.documentation"), t("col.status")], gaps),
    h("p", {}, h("a", { class: "button", href: base + "/report?format=html&lang=" + currentLanguage(), target: "_blank" }, t("report.open"))));
}

// --- routing ------------------------------------------------------------------------

async function route() {
  if (!me) return;
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  disposeDiagram();
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("current", path.startsWith(a.getAttribute("href").slice(1)));
  try {
    if (parts[0] === "task" && parts[1]) await showTask(parts[1]);
    else if (parts[0] === "cases") await showCases();
    else if (parts[0] === "case" && parts[1]) await showCase(parts[1]);
    else if (parts[0] === "definitions") await showDefinitions();
    else if (parts[0] === "definition" && parts[1]) await showDefinition(parts[1]);
    else if (parts[0] === "model") await showModel(query);
    else if (parts[0] === "audit") await showAudit();
    else if (parts[0] === "registers") await showRegisters();
    else if (parts[0] === "register" && parts[1] && parts[2] === "entry" && parts[3]) await showEntry(parts[1], parts[3]);
    else if (parts[0] === "register" && parts[1]) await showRegister(parts[1], query);
    else if (parts[0] === "year") await showYear(parts[1]);
    else if (parts[0] === "agenda") await showAgenda();
    else if (parts[0] === "me") await showProfile();
    else if (parts[0] === "supervised") await showSupervised(parts[1], parts[2] === "case" ? parts[3] : null);
    else await showTasks();
  } catch (err) {
    if (err.status !== 401) main(h("p", { class: "error" }, t("error") + ": " + err.message));
  }
}

async function start() {
  whenSignedOut(showLogin);
  translatePage();
  document.getElementById("lang").addEventListener("change", (e) => {
    localStorage.setItem("raciflow.lang", e.target.value);
    translatePage();
    if (me) { afterLogin(); route(); } else showLogin();
  });
  document.getElementById("logout").addEventListener("click", async () => {
    if (await logOut()) return;  // on to the identity provider's logout
    setMe(null);
    setRoleNames({});
    location.hash = "";
    showLogin();
  });
  window.addEventListener("hashchange", route);
  try {
    setMe(await api("GET", "/api/me"));
    await afterLogin();
  } catch (err) {
    if (err.status !== 401) main(h("p", { class: "error" }, err.message));
  }
}

start();
