// The Model screen (#/model) on bpmn-js (served by raciflow serve from its npm install
// under /vendor/bpmn-js/; loaded by diagram.js). raciflow's own validator is the one
// truth: the modeler sends the diagram to POST /api/validate as the user edits and marks
// what it answers; nothing here re-checks a rule.
import { t, count, currentLanguage } from "./i18n.js";
import { ISO_27001 } from "./iso27001.js";
import { RACI_EXTENSION, bpmnConstructor, showDiagram, onDispose } from "./diagram.js";
import { stepForms } from "./modeler_form.js";
import { decisionTables } from "./modeler_decision.js";
import { translateModule } from "./bpmn_da.js";
import { me, roleName, h, api, flash, when, table, main, legend, download, xmlEscape } from "./ui.js";

const AGENDA_SECTIONS = ["", "incidents", "deviations", "threats", "policies", "review", "ongoing"];

const ncName = (s) => String(s).replace(/[^A-Za-z0-9_.-]/g, "_");

// A new flow: a pool with one lane per role of the organisation and a start event.
function emptyFlow(roles) {
  const laneHeight = 130, top = 80, left = 160, width = 800;
  const lanes = roles.length ? roles : [];
  const height = Math.max(1, lanes.length) * laneHeight;
  const laneXml = lanes.map((r, i) => `      <bpmn:lane id="Lane_${ncName(r.id)}" name="${xmlEscape(r.name || r.id)}" raci:role="${xmlEscape(r.id)}">` +
    (i === 0 ? "\n        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>\n      " : "") + "</bpmn:lane>").join("\n");
  const laneDi = lanes.map((r, i) => `      <bpmndi:BPMNShape id="Lane_${ncName(r.id)}_di" bpmnElement="Lane_${ncName(r.id)}" isHorizontal="true">
        <dc:Bounds x="${left + 30}" y="${top + i * laneHeight}" width="${width - 30}" height="${laneHeight}"/>
      </bpmndi:BPMNShape>`).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    xmlns:raci="urn:raciflow:1" id="Definitions_new" targetNamespace="urn:raciflow:models">
  <bpmn:collaboration id="Collaboration_new">
    <bpmn:participant id="Pool_new" name="New flow" processRef="new-flow"/>
  </bpmn:collaboration>
  <bpmn:process id="new-flow" name="New flow" isExecutable="true">
${lanes.length ? "    <bpmn:laneSet id=\"LaneSet_new\">\n" + laneXml + "\n    </bpmn:laneSet>" : ""}
    <bpmn:startEvent id="start" name="Start"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_new">
    <bpmndi:BPMNPlane id="Plane_new" bpmnElement="Collaboration_new">
      <bpmndi:BPMNShape id="Pool_new_di" bpmnElement="Pool_new" isHorizontal="true">
        <dc:Bounds x="${left}" y="${top}" width="${width}" height="${height}"/>
      </bpmndi:BPMNShape>
${laneDi}
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="${left + 80}" y="${top + laneHeight / 2 - 18}" width="36" height="36"/>
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

// --- the Model screen -------------------------------------------------------------------

const model = {
  modeler: null,
  roles: [],         // [{id, name}] of the organisation
  findings: [],      // the last answer of /api/validate
  raci: null,
  marked: new Set(),
  validateTimer: null,
  validateSeq: 0,
  fileName: "new-flow.bpmn",
  fields: {},        // step id -> the decision fields the gateways after it read (/api/validate)
  decisions: {},     // file name -> DMN XML: a sample's decision models, sent with it when not deployed yet
};

// The forms of the user tasks, edited below the diagram and deployed with it.
const forms = stepForms({
  processId: () => { const p = processElement(); return p ? p.process.id : "flow"; },
  fieldsOf: (element) => model.fields[element.id] || [],
  name: (element, id) => setProps(element, { "raci:form": id }),
  ncName,
  changed: () => { renderPanel(); scheduleValidation(); },
});

// The decision tables of the business-rule tasks, edited below the diagram with dmn-js and
// deployed with it.
const decisions = decisionTables({
  decisions: () => model.decisions,
  keep: (file, xml) => { model.decisions[file] = xml; },
  name: (element, id) => setProps(element, { "raci:decision": id, "raci:resultVariable": bo(element).get("raci:resultVariable") || ncName(id).replace(/[.-]/g, "_") }),
  processId: () => { const p = processElement(); return p ? p.process.id : "flow"; },
  ncName,
  changed: () => { renderPanel(); scheduleValidation(); },
});

// What the Model screen leaves behind when the diagram goes.
onDispose(() => {
  forms.close();
  decisions.close();
  clearTimeout(model.validateTimer);
});

export const canModel = () => (me.access || []).some((a) => a === "admin" || a === "modeller");
const svc = (name) => model.modeler.get(name);
const bo = (element) => element.businessObject;
const isA = (element, type) => element && bo(element) && bo(element).$instanceOf(type);

// The process being modelled: the first participant's, or the root's.
function processElement() {
  const root = svc("canvas").getRootElement();
  if (isA(root, "bpmn:Process")) return { element: root, process: bo(root) };
  const pool = svc("elementRegistry").find((e) => e.type === "bpmn:Participant" && bo(e).processRef);
  return pool ? { element: pool, process: bo(pool).processRef } : null;
}

// The innermost lane holding `element`, and its role.
function laneOf(element) {
  const lanes = svc("elementRegistry").filter((e) => e.type === "bpmn:Lane" && (bo(e).flowNodeRef || []).includes(bo(element)));
  const lane = lanes.find((l) => !(bo(l).childLaneSet && bo(l).childLaneSet.lanes.length)) || lanes[0];
  return lane ? (bo(lane).get("raci:role") || bo(lane).id) : "";
}

export async function showModel(query) {
  if (!canModel()) { main(h("p", { class: "error" }, t("model.not-allowed"))); return; }
  const info = me.modeler || {};
  if (!info.available) {
    main(h("h1", {}, t("nav.model")), h("p", { class: "error", id: "model-unavailable" }, t("model.unavailable") + " " + (info.reason || "")));
    return;
  }
  const [Modeler, org, defs, templates] = await Promise.all([
    bpmnConstructor("modeler"),
    api("GET", "/api/organisation").catch(() => null),
    api("GET", "/api/definitions"),
    api("GET", "/api/templates")]);
  model.roles = org ? org.roles.map((r) => ({ id: r.id, name: r.name })) : [];

  const canvas = h("div", { id: "model-canvas", class: "modeler-canvas" });
  const panel = h("aside", { id: "raci-panel", class: "raci-panel" });
  const findings = h("section", { id: "model-findings" });
  const changes = h("section", { id: "model-changes" });
  const open = h("select", { id: "model-open", "aria-label": t("model.open"), onchange: async (e) => {
    if (!e.target.value) return;
    const xml = await api("GET", "/api/definitions/" + encodeURIComponent(e.target.value) + "/xml?layout=missing");
    await openXml(xml, e.target.value + ".bpmn");
    e.target.value = "";
  } }, h("option", { value: "" }, t("model.open")), defs.map((d) => h("option", { value: d.process }, d.name + " (" + d.process + "@" + d.version + ")")));
  const template = h("select", { id: "model-template", "aria-label": t("model.template"), onchange: async (e) => {
    if (!e.target.value) return;
    const chosen = templates.find((x) => x.file === e.target.value);
    await openXml(await api("GET", "/api/templates/" + encodeURIComponent(e.target.value)), e.target.value);
    // The sample's forms come with it, unless a form of that id is deployed already.
    for (const file of (chosen && chosen.forms) || []) {
      const id = file.replace(/\.form$/, "");
      const deployed = await api("GET", "/api/forms/" + encodeURIComponent(id)).then(() => true, () => false);
      if (!deployed) forms.keep(id, await api("GET", "/api/templates/" + encodeURIComponent(file)));
    }
    // And its decision models, unless a model holding that decision is deployed already.
    const deployedDecisions = new Set();
    for (const m of (chosen && chosen.decisions && chosen.decisions.length) ? await api("GET", "/api/decisions") : [])
      for (const d of m.decisions) deployedDecisions.add(d.id);
    for (const file of (chosen && chosen.decisions) || [])
      if (!deployedDecisions.has(file.replace(/\.dmn$/, ""))) model.decisions[file] = await api("GET", "/api/templates/" + encodeURIComponent(file));
    if (Object.keys(forms.files()).length || Object.keys(model.decisions).length) await validateNow();
    e.target.value = "";
  } }, h("option", { value: "" }, t("model.template")), templates.map((x) => h("option", { value: x.file }, x.name)));
  const file = h("input", { type: "file", id: "model-import", accept: ".bpmn,.xml", onchange: async (e) => {
    const f = e.target.files[0];
    if (f) await openXml(await f.text(), f.name);
    e.target.value = "";
  } });
  main(
    h("h1", {}, t("nav.model"), " ", h("small", { id: "model-name" })),
    h("div", { class: "toolbar" },
      h("button", { type: "button", id: "model-new", class: "secondary", onclick: chooseLanes }, t("model.new")),
      open, template,
      h("label", { class: "inline file" }, t("model.import"), file),
      h("button", { type: "button", id: "model-export", class: "secondary", onclick: exportBpmn }, t("model.export-bpmn")),
      h("button", { type: "button", id: "model-svg", class: "secondary", onclick: exportSvg }, t("model.export-svg")),
      h("button", { type: "button", id: "model-deploy", onclick: prepareDeploy }, t("model.deploy"))),
    changes,
    h("div", { class: "model-layout" }, canvas, panel),
    h("section", { id: "model-raci" }),
    h("div", { id: "model-form" }),
    h("div", { id: "model-decision" }),
    findings);

  model.modeler = showDiagram(new Modeler({ container: canvas, moddleExtensions: { raci: RACI_EXTENSION },
    additionalModules: [translateModule] }));
  window.raciflowModeler = model.modeler;  // for the browser test and the curious
  const bus = svc("eventBus");
  bus.on("selection.changed", () => renderPanel());
  bus.on("elements.changed", ({ elements }) => {
    const selected = svc("selection").get()[0];
    if (!panel.contains(document.activeElement) && (!selected || elements.includes(selected))) renderPanel();
  });
  bus.on("commandStack.changed", () => scheduleValidation());
  const params = new URLSearchParams(query || "");
  if (params.get("process")) {
    const p = params.get("process");
    await openXml(await api("GET", "/api/definitions/" + encodeURIComponent(p) + "/xml?layout=missing"), p + ".bpmn");
  } else {
    await openXml(emptyFlow(model.roles), "new-flow.bpmn");
  }
}

// A new flow starts from the organisation's roles as lanes: the person picks which.
function chooseLanes() {
  const box = document.getElementById("model-changes");
  const checks = model.roles.map((r) => h("label", { class: "inline" }, h("input", { type: "checkbox", value: r.id, checked: true }), r.name || r.id));
  box.replaceChildren(h("form", { class: "card wide", id: "new-flow", onsubmit: async (e) => {
    e.preventDefault();
    const chosen = new Set([...e.target.querySelectorAll("input:checked")].map((i) => i.value));
    await openXml(emptyFlow(model.roles.filter((r) => chosen.has(r.id))), "new-flow.bpmn");
  } }, h("h2", {}, t("model.lanes")), model.roles.length ? h("div", {}, checks) : h("p", { class: "empty" }, t("model.no-org")),
    h("div", { class: "row" }, h("button", { type: "submit", id: "new-flow-create" }, t("model.create")),
      h("button", { type: "button", class: "secondary", onclick: () => box.replaceChildren() }, t("cancel")))));
}

async function openXml(xml, name) {
  try {
    const { warnings } = await model.modeler.importXML(xml);
    if (warnings.length) flash(t("model.import-warnings") + ": " + warnings[0].message, "error");
  } catch (err) {
    flash(t("model.import-failed") + ": " + err.message, "error");
    return;
  }
  model.fileName = name;
  model.decisions = {};
  decisions.close();
  forms.reset();
  document.getElementById("model-changes").replaceChildren();
  fitBesidePalette(svc("canvas"));
  renderPanel();
  await validateNow();
}

// Fits the diagram to the canvas, right of bpmn-js's palette (which floats on its left).
function fitBesidePalette(canvas) {
  canvas.zoom("fit-viewport");
  const box = canvas.viewbox();
  const pad = 120 / box.scale;
  canvas.viewbox({ x: box.x - pad, y: box.y - pad / 4, width: box.width + pad, height: box.height + pad / 4 });
}

async function currentXml() {
  const { xml } = await model.modeler.saveXML({ format: true });
  return xml;
}

function processFileName() {
  const p = processElement();
  return (p ? ncName(p.process.id) : "flow") + ".bpmn";
}

async function exportBpmn() { download(processFileName(), "application/xml", await currentXml()); }

async function exportSvg() {
  const { svg } = await model.modeler.saveSVG();
  download(processFileName().replace(/\.bpmn$/, ".svg"), "image/svg+xml", svg);
}

// --- live validation --------------------------------------------------------------------

function scheduleValidation() {
  clearTimeout(model.validateTimer);
  model.validateTimer = setTimeout(validateNow, 500);
}

async function validateNow() {
  clearTimeout(model.validateTimer);
  const seq = ++model.validateSeq;
  const modeler = model.modeler;
  let answer;
  try {
    answer = await api("POST", "/api/validate?lang=" + currentLanguage(), { name: processFileName(), xml: await currentXml(), forms: forms.files(), decisions: model.decisions });
  } catch (err) {
    if (seq === model.validateSeq) flash(err.message, "error");
    return null;
  }
  if (seq !== model.validateSeq || modeler !== model.modeler) return answer;  // a newer edit is on its way
  model.findings = answer.findings;
  model.raci = answer.raci;
  renderMatrix();
  if (answer.ok) document.getElementById("deploy-refused")?.remove();  // fixed: the refusal no longer holds
  model.fields = answer.fields || {};
  markFindings();
  const p = processElement();
  document.getElementById("model-name").textContent = p ? (p.process.name || p.process.id) + " (" + p.process.id + ")" : "";
  const selected = svc("selection").get()[0];
  if (!selected || isA(selected, "bpmn:Process") || isA(selected, "bpmn:Participant") || isA(selected, "bpmn:Collaboration")) renderPanel();
  else updatePanelFindings();
  return answer;
}

function markFindings() {
  const canvas = svc("canvas"), overlays = svc("overlays"), registry = svc("elementRegistry");
  for (const id of model.marked) {
    if (registry.get(id)) { canvas.removeMarker(id, "rf-error"); canvas.removeMarker(id, "rf-warning"); }
  }
  model.marked.clear();
  overlays.remove({ type: "rf-finding" });
  const byElement = new Map();
  for (const f of model.findings) {
    if (!f.element || !registry.get(f.element)) continue;
    if (!byElement.has(f.element)) byElement.set(f.element, []);
    byElement.get(f.element).push(f);
  }
  for (const [id, list] of byElement) {
    const error = list.some((f) => f.severity === "error");
    canvas.addMarker(id, error ? "rf-error" : "rf-warning");
    model.marked.add(id);
    const badge = h("span", { class: "rf-badge " + (error ? "error" : "warning"), title: list.map((f) => f.text || f.message).join("\n"),
      "data-element": id }, String(list.length));
    overlays.add(id, "rf-finding", { position: { top: -10, right: 10 }, html: badge });
  }
  const errors = model.findings.filter((f) => f.severity === "error").length;
  const items = model.findings.map((f) => h("li", { class: f.severity, "data-element": f.element || "" },
    f.element && registry.get(f.element)
      ? h("a", { href: "#", title: f.element, onclick: (e) => { e.preventDefault(); selectElement(f.element); } }, elementName(f.element))
      : (f.element || (f.file && f.file !== processFileName() ? f.file + ", " : "") + t("model.line") + " " + f.line),
    ": " + (f.text || f.message)));
  document.getElementById("model-findings").replaceChildren(
    h("h2", {}, t("model.findings") + " ", h("span", { class: "badge" + (errors ? " overdue" : ""), id: "findings-count" },
      count(errors, "model.errors") + ", " + count(model.findings.length - errors, "model.warnings"))),
    model.findings.length ? h("ul", { class: "findings" }, items) : h("p", { class: "ok", id: "model-valid" }, t("model.valid")));
}

// An element as a person knows it: its name, else what it is (a sequence flow from A to B).
function elementName(id) {
  const element = svc("elementRegistry").get(id);
  const bo = element && element.businessObject;
  if (!bo) return id;
  if (bo.name) return bo.name;
  if (bo.sourceRef && bo.targetRef) return t("model.flow-from") + " " + (bo.sourceRef.name || bo.sourceRef.id) + " " + t("model.flow-to") + " " + (bo.targetRef.name || bo.targetRef.id);
  return id;
}

function selectElement(id) {
  const element = svc("elementRegistry").get(id);
  if (!element) return;
  svc("selection").select(element);
  svc("canvas").scrollToElement(element);
}

// --- the RACI panel ---------------------------------------------------------------------

function findingsOf(id) { return model.findings.filter((f) => f.element === id); }

function updatePanelFindings() {
  const box = document.getElementById("panel-findings");
  if (!box) return;
  const list = findingsOf(box.dataset.element);
  box.replaceChildren(...list.map((f) => h("p", { class: f.severity === "error" ? "error" : "warning" }, f.text || f.message)));
}

function setProps(element, props) {
  svc("modeling").updateProperties(element, props);
}

const words = (value) => (value || "").split(/\s+/).filter(Boolean);

function roleSelect(id, value, onchange, blank) {
  return h("select", { id, onchange: (e) => onchange(e.target.value) },
    h("option", { value: "" }, blank),
    model.roles.map((r) => h("option", { value: r.id, selected: r.id === value }, r.name || r.id)),
    value && !model.roles.some((r) => r.id === value) ? h("option", { value, selected: true }, value) : null);
}

// Role checkboxes for a space-separated raci attribute.
function roleChecks(name, element, attribute) {
  const chosen = new Set(words(bo(element).get(attribute)));
  const known = model.roles.map((r) => r.id);
  const all = [...known, ...[...chosen].filter((r) => !known.includes(r))];
  return h("fieldset", { class: "roles", "data-attribute": attribute },
    h("legend", {}, name),
    all.map((role) => h("label", { class: "inline" },
      h("input", { type: "checkbox", value: role, checked: chosen.has(role), onchange: (e) => {
        if (e.target.checked) chosen.add(role); else chosen.delete(role);
        setProps(element, { [attribute]: chosen.size ? [...chosen].join(" ") : undefined });
      } }), roleName(role))));
}

function textProp(label, id, element, attribute, hint) {
  return h("label", {}, label,
    h("input", { id, value: bo(element).get(attribute) || "", placeholder: hint || "", onchange: (e) => {
      setProps(element, { [attribute]: e.target.value.trim() || undefined });
    } }));
}

function renderPanel() {
  const panel = document.getElementById("raci-panel");
  if (!panel || !model.modeler) return;
  const selected = svc("selection").get();
  const element = selected.length === 1 ? selected[0] : null;
  let body;
  if (!element || isA(element, "bpmn:Participant") || isA(element, "bpmn:Process") || isA(element, "bpmn:Collaboration")) body = processPanel();
  else if (isA(element, "bpmn:Lane")) body = lanePanel(element);
  else if (isA(element, "bpmn:Activity")) body = activityPanel(element);
  else if (isA(element, "bpmn:SequenceFlow")) body = flowPanel(element);
  else if (isA(element, "bpmn:ExclusiveGateway") || isA(element, "bpmn:InclusiveGateway")) body = [
    h("h2", {}, bo(element).name || element.id, " ", h("small", {}, element.id)),
    h("label", {}, t("col.name"), h("input", { id: "gateway-name", value: bo(element).name || "", onchange: (e) => setProps(element, { name: e.target.value }) })),
    textProp(t("panel.question"), "gateway-label", element, "raci:label"),
    h("p", { class: "empty" }, t("panel.question-help"))];
  else body = [h("h2", {}, bo(element).name || element.id), h("p", { class: "empty" }, t("panel.nothing"))];
  panel.replaceChildren(...[body].flat().filter(Boolean),
    ...(element ? [h("div", { id: "panel-findings", "data-element": element.id })] : []));
  updatePanelFindings();
}

function processPanel() {
  const p = processElement();
  if (!p) return [h("p", { class: "empty" }, t("panel.nothing"))];
  const update = (props) => svc("modeling").updateModdleProperties(p.element, p.process, props);
  return [
    h("h2", {}, t("panel.process")),
    h("label", {}, t("col.name"), h("input", { id: "process-name", value: p.process.name || "", onchange: (e) => {
      update({ name: e.target.value });
      if (isA(p.element, "bpmn:Participant")) setProps(p.element, { name: e.target.value });
    } })),
    h("label", {}, t("panel.process-id"), h("input", { id: "process-id", value: p.process.id, pattern: "[A-Za-z_][A-Za-z0-9_.-]*", onchange: (e) => {
      if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(e.target.value)) update({ id: e.target.value });
      else flash(t("panel.bad-id"), "error");
    } })),
    h("label", {}, t("panel.agenda"), h("select", { id: "process-agenda", onchange: (e) => update({ "raci:agenda": e.target.value || undefined }) },
      AGENDA_SECTIONS.map((s) => h("option", { value: s, selected: (p.process.get("raci:agenda") || "") === s }, s || "—")))),
    h("p", { class: "empty" }, t("panel.matrix-below"))];
}

// The live RACI matrix, below the canvas at its full width, redrawn at each validation.
function renderMatrix() {
  const box = document.getElementById("model-raci");
  if (!box) return;
  const raci = model.raci;
  const roles = raci ? raci.roles : [];
  box.replaceChildren(h("h2", {}, t("defs.raci")),
    raci && raci.steps.length ? table([t("col.step"), ...roles.map((r) => roleName(r.id))],
      raci.steps.map((s) => h("tr", { "data-step": s.id }, h("td", { title: s.id }, s.name || s.id),
        roles.map((r) => h("td", { class: "cell" }, (s.cells && s.cells[r.id]) || "")))), "list raci")
      : h("p", { class: "empty" }, t("panel.no-matrix")));
}

function lanePanel(element) {
  return [
    h("h2", {}, t("panel.lane")),
    h("label", {}, t("col.role"), roleSelect("lane-role", bo(element).get("raci:role") || "", (role) => {
      // The lane keeps a name the modeller gave it; an empty one, or the old role's own
      // name, becomes the new role's name.
      const r = model.roles.find((x) => x.id === role);
      const before = model.roles.find((x) => x.id === bo(element).get("raci:role"));
      const name = bo(element).name || "";
      const named = name && !(before && name === (before.name || before.id));
      const props = r ? { "raci:role": role } : { "raci:role": undefined };
      if (r && !named) props.name = r.name || r.id;
      setProps(element, props);
    }, "—")),
    h("p", { class: "empty" }, t("panel.lane-help"))];
}

const HUMAN = ["bpmn:UserTask", "bpmn:ManualTask"];

function activityPanel(element) {
  const b = bo(element);
  const lane = laneOf(element);
  const human = HUMAN.includes(element.type);
  const others = svc("elementRegistry").filter((e) => HUMAN.includes(e.type) && e.id !== element.id);
  const separate = new Set(words(b.get("raci:separateFrom")));
  const kinds = ["bpmn:Task", "bpmn:UserTask", "bpmn:ManualTask", "bpmn:ServiceTask", "bpmn:ScriptTask", "bpmn:BusinessRuleTask", "bpmn:SendTask",
    "bpmn:ReceiveTask"];
  return [
    h("h2", {}, b.name || element.id, " ", h("small", {}, element.id)),
    kinds.includes(element.type) ? h("label", {}, t("panel.kind"), h("select", { id: "step-kind", onchange: (e) => {
      const replaced = svc("bpmnReplace").replaceElement(element, { type: e.target.value });
      svc("selection").select(replaced);
    } }, kinds.map((k) => h("option", { value: k, selected: k === element.type }, t("kind." + k.slice(5)))))) : null,
    h("label", {}, t("col.name"), h("input", { id: "step-name", value: b.name || "", onchange: (e) => setProps(element, { name: e.target.value }) })),
    h("p", { class: "lane-default" }, t("panel.lane-default") + ": ", h("strong", {}, lane ? roleName(lane) : "—")),
    roleChecks(t("raci.R"), element, "raci:responsible"),
    h("label", {}, t("raci.A"), roleSelect("step-accountable", b.get("raci:accountable") || "", (role) => setProps(element, { "raci:accountable": role || undefined }), t("panel.default-a"))),
    roleChecks(t("raci.C"), element, "raci:consulted"),
    roleChecks(t("raci.I"), element, "raci:informed"),
    human ? textProp(t("panel.due"), "step-due", element, "raci:due", "P10D") : null,
    human ? textProp(t("panel.remind"), "step-remind", element, "raci:remind", "P7D P1D") : null,
    human && others.length ? h("label", {}, t("panel.separate"), h("select", { id: "step-separate", multiple: true, onchange: (e) => {
      const ids = [...e.target.selectedOptions].map((o) => o.value);
      setProps(element, { "raci:separateFrom": ids.length ? ids.join(" ") : undefined });
    } }, others.map((o) => h("option", { value: o.id, selected: separate.has(o.id) }, (bo(o).name || o.id) + " (" + o.id + ")")))) : null,
    isoPicker(element),
    human ? textProp(t("panel.gap"), "step-gap", element, "raci:gap") : null,
    human ? textProp(t("panel.gap-when"), "step-gap-when", element, "raci:gapWhen", "answer == false") : null,
    element.type === "bpmn:UserTask" ? forms.panel(element) : null,
    element.type === "bpmn:BusinessRuleTask" ? decisions.panel(element) : null];
}

// ISO 27001 clauses: chips, and a field that offers the 2022 list with the 2013 number.
function isoPicker(element) {
  const clauses = words(bo(element).get("raci:iso"));
  const save = (list) => setProps(element, { "raci:iso": list.length ? list.join(" ") : undefined });
  const list = h("datalist", { id: "iso-clauses" }, ISO_27001.map(([c, title, old]) =>
    h("option", { value: c }, title + (old ? " — 2013: " + old : " — " + t("panel.iso-new")))));
  const input = h("input", { id: "step-iso", list: "iso-clauses", placeholder: "A.5.24", onchange: (e) => {
    const c = e.target.value.trim().split(/\s+/)[0];
    if (c && !clauses.includes(c)) save([...clauses, c]);
    e.target.value = "";
  } });
  const title = (c) => { const x = ISO_27001.find(([n]) => n === c); return x ? x[1] + (x[2] ? " (2013: " + x[2] + ")" : "") : ""; };
  return h("fieldset", { class: "iso" }, h("legend", {}, t("panel.iso")),
    h("div", {}, clauses.map((c) => h("span", { class: "chip", title: title(c) }, c, " ",
      h("button", { type: "button", class: "link", title: t("panel.remove"), onclick: () => save(clauses.filter((x) => x !== c)) }, "×")))),
    input, list);
}

function flowPanel(element) {
  const b = bo(element);
  const source = b.sourceRef;
  const conditional = source && (source.$instanceOf("bpmn:ExclusiveGateway") || source.$instanceOf("bpmn:InclusiveGateway") ||
    source.$instanceOf("bpmn:ComplexGateway") || source.$instanceOf("bpmn:Activity"));
  const isDefault = source && source.default === b;
  let timer = null;
  return [
    h("h2", {}, b.name || element.id, " ", h("small", {}, element.id)),
    h("label", {}, t("col.name"), h("input", { id: "flow-name", value: b.name || "", onchange: (e) => setProps(element, { name: e.target.value }) })),
    conditional && !isDefault ? h("label", {}, t("panel.condition"),
      h("input", { id: "flow-condition", class: "code", value: (b.conditionExpression && b.conditionExpression.body) || "", placeholder: "risk >= 3",
        oninput: (e) => {
          clearTimeout(timer);
          const text = e.target.value;
          timer = setTimeout(() => {
            const expression = text.trim() ? svc("moddle").create("bpmn:FormalExpression", { body: text }) : undefined;
            setProps(element, { conditionExpression: expression });
          }, 300);
        } })) : null,
    conditional ? textProp(t("panel.answer"), "flow-label", element, "raci:label") : null,
    isDefault ? h("p", { class: "empty" }, t("panel.default-flow")) : null,
    conditional && !isDefault ? h("p", { class: "empty" }, t("panel.condition-help")) : null];
}

// --- deploy -----------------------------------------------------------------------------

// An id a modeler generated (bpmn-js and Camunda Modeler write Process_ and seven
// characters) stays in every script and link once deployed: before the first deploy,
// offer one made from the flow's name.
const GENERATED_ID = /^Process_[0-9a-z]{7}$/;
function idFromName(name) {
  const id = (name || "").toLowerCase().replace(/æ/g, "ae").replace(/ø/g, "oe").replace(/å/g, "aa")
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return /^[a-z]/.test(id) ? id : "";
}

function idSuggestion(p) {
  const suggested = idFromName(p.process.name);
  if (!GENERATED_ID.test(p.process.id) || !suggested) return null;
  return h("div", { class: "notice", id: "id-suggestion" },
    h("p", {}, t("model.generated-id").replace("{id}", p.process.id)),
    h("button", { type: "button", id: "use-suggested-id", class: "secondary", onclick: async () => {
      svc("modeling").updateModdleProperties(p.element, p.process, { id: suggested });
      await prepareDeploy();
    } }, t("model.use-id").replace("{id}", suggested)));
}

async function prepareDeploy() {
  const box = document.getElementById("model-changes");
  const answer = await validateNow();
  if (!answer) return;
  if (!answer.ok) {
    box.replaceChildren(h("p", { class: "error", id: "deploy-refused" }, t("model.fix-first")));
    return;
  }
  const p = processElement();
  const xml = await currentXml();
  const diff = await api("POST", "/api/definitions/" + encodeURIComponent(p.process.id) + "/changes",
    { name: processFileName(), xml, decisions: model.decisions })
    .catch((err) => { flash(err.message, "error"); return null; });
  if (!diff) return;
  const letters = (r) => r ? ["R", "A", "C", "I"].filter((k) => (r[k] || []).length)
    .map((k) => k + ": " + r[k].map(roleName).join(", ")).join(" · ") : "";
  // Each step by its name (renamed: before → after), its id beneath.
  const rows = diff.changes.map((c) => h("tr", { "data-step": c.step, class: "change-" + c.change },
    h("td", {}, c.renamed ? c.name.before + " → " + c.name.after : (c.name.after || c.name.before || c.step),
      h("small", { class: "id" }, c.step)),
    h("td", {}, t("change." + c.change)),
    h("td", {}, c.raci_changed || c.change !== "changed" ? h("div", {}, c.raci_before ? h("div", { class: "before" }, letters(c.raci_before)) : null,
      c.raci_after ? h("div", {}, letters(c.raci_after)) : null) : "")));
  box.replaceChildren(h("div", { class: "card wide", id: "deploy-confirm" },
    h("h2", {}, diff.from_version ? t("model.changes-from") + " " + diff.from_version : t("model.first-version")),
    diff.from_version ? null : idSuggestion(p),
    rows.length ? table([t("col.step"), t("model.change"), t("defs.raci")], rows, "list changes")
      : h("p", { class: "empty" }, t("model.no-step-changes")),
    ruleChanges(diff.rule_changes || []),
    h("div", { class: "row" },
      h("button", { type: "button", id: "deploy-confirm-button", onclick: async () => {
        try {
          const out = await api("POST", "/api/definitions", { name: processFileName(), xml, forms: forms.files(), decisions: model.decisions });
          flash(t("defs.deployed") + " " + out.map((d) => (d.process || d.form || d.decision_model) + "@" + d.version).join(", "));
          box.replaceChildren();
          location.hash = "#/definition/" + encodeURIComponent(p.process.id);
        } catch (err) { flash(err.message, "error"); }
      } }, t("model.deploy-now")),
      h("button", { type: "button", class: "secondary", onclick: () => box.replaceChildren() }, t("cancel")))));
}

// The rules of the decision tables sent with the flow that a deploy adds, removes or changes.
function ruleChanges(changes) {
  if (!changes.length) return null;
  const rows = changes.map((c) => h("tr", { "data-rule": c.rule, class: "change-" + c.change },
    h("td", {}, c.decision_name || c.decision), h("td", {}, String(c.number)), h("td", {}, t("change." + c.change)),
    h("td", {}, c.before ? h("div", { class: "before" }, c.before) : null, c.after ? h("div", {}, c.after) : null)));
  return h("div", { id: "rule-changes" }, h("h3", {}, t("model.rule-changes")),
    table([t("decision.decision"), t("decision.rule"), t("model.change"), t("decision.rule-text")], rows, "list changes"));
}
