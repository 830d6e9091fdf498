// The Model screen's decision tables: the DMN decision a business-rule task evaluates,
// edited below the diagram with dmn-js (served by raciflow serve from its npm install
// under /vendor/dmn-js/), kept with the diagram and sent with it to /api/validate, the
// change table and the deploy as `decisions`. Every edit is validated by the server at
// once, like an edit of the diagram. modeler.js owns the diagram and hands in what this
// needs of it.
import { t } from "./i18n.js";
import { me, h, api, flash, download, loadScript, xmlEscape } from "./ui.js";

const VENDOR = "/vendor/dmn-js/";
let DmnJS = null;

export const decisionsAvailable = () => Boolean((me.decisions || {}).available);

async function dmnModeler() {
  if (DmnJS) return DmnJS;
  for (const href of ["assets/diagram-js.css", "assets/dmn-js-shared.css", "assets/dmn-js-drd.css", "assets/dmn-js-decision-table.css",
    "assets/dmn-js-decision-table-controls.css", "assets/dmn-js-literal-expression.css", "assets/dmn-font/css/dmn.css"]) {
    const id = "dmn-" + href.replace(/[^a-z]/g, "");
    if (!document.getElementById(id)) document.head.append(h("link", { rel: "stylesheet", href: VENDOR + href, id }));
  }
  await loadScript(VENDOR + "dmn-modeler.production.min.js");
  DmnJS = window.DmnJS;
  return DmnJS;
}

// The decision a business-rule task evaluates: raci:decision, Camunda 8's
// zeebe:calledDecision decisionId, or Camunda 7's camunda:decisionRef.
export function decisionIdOf(element) {
  const b = element.businessObject;
  if (b.get("raci:decision")) return b.get("raci:decision");
  const attrs = b.$attrs || {};
  for (const [name, value] of Object.entries(attrs)) if (/(^|:)decisionRef$/.test(name)) return value;
  const called = ((b.extensionElements && b.extensionElements.values) || []).find((v) => /(^|:)calledDecision$/.test(v.$type));
  return called ? (called.decisionId || (called.$attrs && called.$attrs.decisionId) || "") : "";
}

// A new decision model holding one decision table of id `id`: one input, one output, one rule.
function newDecisionModel(id, name) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="${xmlEscape(id)}-model" name="${xmlEscape(name)}" namespace="http://raciflow.dk/decisions/${xmlEscape(id)}">
  <decision id="${xmlEscape(id)}" name="${xmlEscape(name)}">
    <decisionTable id="DecisionTable_${xmlEscape(id)}">
      <input id="Input_1" label="Input">
        <inputExpression id="InputExpression_1" typeRef="string"><text>input</text></inputExpression>
      </input>
      <output id="Output_1" label="Output" name="output" typeRef="string" />
      <rule id="Rule_1">
        <inputEntry id="UnaryTests_1"><text>-</text></inputEntry>
        <outputEntry id="LiteralExpression_1"><text>""</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram id="DMNDiagram_1">
      <dmndi:DMNShape id="DMNShape_1" dmnElementRef="${xmlEscape(id)}"><dc:Bounds height="80" width="180" x="160" y="100" /></dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
`;
}

// Whether the DMN text `xml` declares decision `id` (read by the browser's XML parser).
function holds(xml, id) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  return [...doc.getElementsByTagNameNS("*", "decision")].some((d) => d.getAttribute("id") === id);
}

// host: decisions() (file name -> DMN XML, edited here), keep(file, xml), name(element, id)
// (sets raci:decision), ncName(text), processId(), changed() (after an edit: validate).
export function decisionTables(host) {
  let modeler = null;  // the dmn-js modeler on screen
  let timer = null;

  function close() {
    clearTimeout(timer);
    if (modeler) modeler.destroy();
    modeler = null;
    window.raciflowDecisionEditor = null;
    const box = document.getElementById("model-decision");
    if (box) box.replaceChildren();
  }

  // The model holding the step's decision: the one edited here, else the one deployed,
  // else a new one of a single table named after the step.
  async function open(element) {
    const name = element.businessObject.name || element.id;
    let id = decisionIdOf(element);
    let file = id && Object.keys(host.decisions()).find((f) => holds(host.decisions()[f], id));
    let xml = file ? host.decisions()[file] : null;
    if (!xml && id) {
      xml = await api("GET", "/api/decisions/" + encodeURIComponent(id) + "/xml").catch((err) => {
        if (err.status !== 404) flash(t("decision.loading-failed") + " " + err.message, "error");
        return null;
      });
    }
    if (!id) id = host.ncName(host.processId() + "-" + element.id);
    const created = !xml;
    if (created) xml = newDecisionModel(id, name);
    if (!file) file = host.ncName(id) + ".dmn";
    const Modeler = await dmnModeler().catch(() => null);
    if (!Modeler) {
      flash(t("decision.unavailable"), "error");
      return;
    }
    close();
    const box = document.getElementById("model-decision");
    const editorBox = h("div", { class: "decision-editor", id: "decision-canvas" });
    box.replaceChildren(h("section", { class: "card wide", id: "decision-editor" },
      h("h2", {}, t("decision.title") + " " + name, " ", h("small", {}, id)),
      h("p", { class: "empty" }, t("decision.help")),
      editorBox,
      h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", id: "decision-download", onclick: async () =>
          download(file, "application/xml", (await modeler.saveXML({ format: true })).xml) }, t("decision.download")),
        h("button", { type: "button", class: "secondary", id: "decision-close", onclick: close }, t("form.close")))));
    modeler = new Modeler({ container: editorBox });
    window.raciflowDecisionEditor = modeler;  // for the browser test
    try {
      await modeler.importXML(xml);
    } catch (err) {
      flash(t("decision.import-failed") + ": " + err.message, "error");
      close();
      return;
    }
    // Straight to the step's table, not the requirements diagram.
    const view = modeler.getViews().find((v) => v.type === "decisionTable" && v.element.id === id);
    if (view) await modeler.open(view);
    // Every change is kept with the diagram and validated, as an edit of the diagram is;
    // a table opened and left as it was is not sent again.
    const keep = async () => {
      if (!modeler) return;
      const { xml: edited } = await modeler.saveXML({ format: true });
      host.keep(file, edited);
      host.changed();
    };
    const watched = new Set();
    const watch = () => {
      const viewer = modeler && modeler.getActiveViewer();
      if (!viewer || watched.has(viewer)) return;
      watched.add(viewer);
      viewer.on("commandStack.changed", () => { clearTimeout(timer); timer = setTimeout(keep, 400); });
    };
    modeler.on("views.changed", watch);
    watch();
    if (created) {
      if (!decisionIdOf(element)) host.name(element, id);
      await keep();
    }
    box.scrollIntoView({ block: "start" });
  }

  return {
    close,
    // The panel's section for a business-rule task.
    panel(element) {
      const id = decisionIdOf(element);
      const edited = id && Object.values(host.decisions()).some((xml) => holds(xml, id));
      return h("fieldset", { class: "step-decision-panel" }, h("legend", {}, t("panel.decision")),
        id ? h("p", {}, h("code", { id: "step-decision-id" }, id), edited ? " ✎" : "") : h("p", { class: "empty" }, t("panel.decision-none")),
        decisionsAvailable()
          ? h("button", { type: "button", id: "step-decision", onclick: () => open(element) }, t("panel.decision-edit"))
          : h("p", { class: "error" }, t("decision.unavailable") + " " + ((me.decisions || {}).reason || "")));
    },
  };
}
