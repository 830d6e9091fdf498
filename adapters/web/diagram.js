// bpmn-js in the web app: loading its two bundles once (served by raciflow serve from its
// npm install under /vendor/bpmn-js/), the raciflow moddle extension, the one diagram on
// screen, and the case diagram of the case view. The Model screen is modeler.js.
import { t } from "./i18n.js";
import { h, auditTable, loadScript } from "./ui.js";

const VENDOR = "/vendor/bpmn-js/";

// The raciflow extension (docs/definition-format.md) declared to bpmn-js, so that raci:*
// attributes are typed properties that survive import and export under any prefix.
export const RACI_EXTENSION = {
  name: "raciflow",
  uri: "urn:raciflow:1",
  prefix: "raci",
  xml: { tagAlias: "lowerCase" },
  associations: [],
  types: [
    { name: "LaneRole", extends: ["bpmn:Lane"], properties: [{ name: "role", isAttr: true, type: "String" }] },
    { name: "Step", extends: ["bpmn:FlowNode"],
      properties: ["responsible", "accountable", "consulted", "informed", "due", "dueDate", "remind", "separateFrom",
        "iso", "gap", "gapWhen", "decides", "label", "receives", "form", "decision", "resultVariable"].map((name) => ({ name, isAttr: true, type: "String" })) },
    { name: "FlowLabel", extends: ["bpmn:SequenceFlow"], properties: [{ name: "label", isAttr: true, type: "String" }] },
    { name: "ProcessAgenda", extends: ["bpmn:Process"],
      properties: [{ name: "agenda", isAttr: true, type: "String" }, { name: "register", isAttr: true, type: "String" }] },
    // The register a process keeps (docs/registers.md), kept whole through the Model screen.
    { name: "Register", superClass: ["Element"],
      properties: [...["name", "nameDa", "review"].map((name) => ({ name, isAttr: true, type: "String" })),
        { name: "columns", type: "Column", isMany: true }, { name: "heatMap", type: "HeatMap" }] },
    { name: "Column", properties: ["variable", "type", "carry", "label", "labelDa"].map((name) => ({ name, isAttr: true, type: "String" })) },
    { name: "HeatMap", properties: ["size", "likelihood", "impact", "residualLikelihood", "residualImpact", "aboveAcceptance"]
      .map((name) => ({ name, isAttr: true, type: "String" })) },
    { name: "Instances", extends: ["bpmn:MultiInstanceLoopCharacteristics"],
      properties: ["collection", "elementVariable", "outputVariable", "outputCollection", "roleFromElement"]
        .map((name) => ({ name, isAttr: true, type: "String" })) },
  ],
};

// --- loading bpmn-js --------------------------------------------------------------------

const bpmnJs = {};  // "modeler" | "viewer" -> the constructor

function loadStyles() {
  if (document.getElementById("bpmn-js-css")) return;
  for (const [i, href] of ["assets/diagram-js.css", "assets/bpmn-js.css", "assets/bpmn-font/css/bpmn.css"].entries())
    document.head.append(h("link", { rel: "stylesheet", href: VENDOR + href, id: i === 0 ? "bpmn-js-css" : null }));
}

// Both bundles define window.BpmnJS; each is loaded once and kept under its own name.
export async function bpmnConstructor(kind) {
  if (bpmnJs[kind]) return bpmnJs[kind];
  loadStyles();
  const previous = window.BpmnJS;
  await loadScript(VENDOR + (kind === "modeler" ? "bpmn-modeler.production.min.js" : "bpmn-navigated-viewer.production.min.js"));
  bpmnJs[kind] = window.BpmnJS;
  window.BpmnJS = previous;
  return bpmnJs[kind];
}

let activeDiagram = null;  // the bpmn-js instance on screen, destroyed when the screen changes
const disposers = [];      // what a screen leaves behind with its diagram (the Model screen's editors)

export function onDispose(cleanUp) { disposers.push(cleanUp); }

export function disposeDiagram() {
  for (const cleanUp of disposers) cleanUp();
  if (activeDiagram) activeDiagram.destroy();
  activeDiagram = null;
}

// `diagram` becomes the one on screen, after the one before is disposed of.
export function showDiagram(diagram) {
  disposeDiagram();
  activeDiagram = diagram;
  return diagram;
}

// --- the case diagram -------------------------------------------------------------------

// Draws process `xml` in `box` with the navigated viewer (pan, zoom, fit) and marks the
// case's steps; a click on a step lists its audit records. False when bpmn-js cannot
// draw it (the caller shows the server's picture instead).
export async function caseDiagram(box, xml, marks, records) {
  const Viewer = await bpmnConstructor("viewer").catch(() => null);
  if (!Viewer) return false;
  const canvasBox = h("div", { class: "viewer-canvas", id: "case-canvas" });
  const detail = h("div", { id: "step-records", class: "step-records" });
  box.replaceChildren(canvasBox);
  const viewer = showDiagram(new Viewer({ container: canvasBox, moddleExtensions: { raci: RACI_EXTENSION } }));
  try {
    await viewer.importXML(xml);
  } catch (err) {
    disposeDiagram();
    box.replaceChildren();
    return false;
  }
  const canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
  canvas.zoom("fit-viewport");
  for (const kind of ["done", "active", "overdue", "incident"])
    for (const id of marks[kind] || [])
      if (registry.get(id)) canvas.addMarker(id, "rf-" + kind);
  viewer.get("eventBus").on("element.click", ({ element }) => {
    const own = records.filter((r) => r.node === element.id);
    detail.replaceChildren(h("h3", {}, (element.businessObject.name || element.id) + " (" + element.id + ")"),
      own.length ? auditTable(own) : h("p", { class: "empty" }, t("case.no-records")));
  });
  box.append(h("div", { class: "row" }, h("button", { type: "button", class: "secondary", id: "diagram-fit",
    onclick: () => canvas.zoom("fit-viewport") }, t("case.fit"))), detail);
  return true;
}
