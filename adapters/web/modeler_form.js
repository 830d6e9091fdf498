// The Model screen's forms of user tasks: a step's form-js form, edited below the diagram
// with the editor (forms.js), kept with the diagram and sent with it to /api/validate and
// the deploy as `forms`. modeler.js owns the diagram and hands in what this needs of it.
import { t } from "./i18n.js";
import { me, h, api, flash, download } from "./ui.js";
import { formsAvailable, formEditor, newForm } from "./forms.js";

// The form a user task names: raci:form, else Camunda 8's zeebe:formDefinition formId.
function formIdOf(element) {
  const b = element.businessObject;
  if (b.get("raci:form")) return b.get("raci:form");
  const zeebe = ((b.extensionElements && b.extensionElements.values) || []).find((v) => /(^|:)formDefinition$/.test(v.$type));
  return zeebe ? (zeebe.formId || (zeebe.$attrs && zeebe.$attrs.formId) || "") : "";
}

// host: processId(), fieldsOf(element) (the decision fields after it), name(element, id)
// (sets raci:form), changed() (after a form is kept), ncName(text).
export function stepForms(host) {
  let forms = {};      // form id -> the form-js schema edited here
  let editor = null;   // the form-js editor on screen

  function close() {
    if (editor) editor.destroy();
    editor = null;
    const box = document.getElementById("model-form");
    if (box) box.replaceChildren();
  }

  // The editor on the step's form: the one edited here, else the one deployed, else a new
  // one named after the process and the step.
  async function open(element) {
    const name = element.businessObject.name || element.id;
    let id = formIdOf(element);
    let schema = id && forms[id];
    if (!schema && id) {
      schema = await api("GET", "/api/forms/" + encodeURIComponent(id)).then((f) => f.schema).catch((err) => {
        if (err.status !== 404) flash(t("form.loading-failed") + " " + err.message, "error");
        return null;
      });
    }
    if (!id) id = host.ncName(host.processId() + "-" + element.id);
    schema = { ...(schema || newForm(id, name)), id };
    close();
    const box = document.getElementById("model-form");
    const editorBox = h("div", { class: "form-editor" });
    box.replaceChildren(h("section", { class: "card wide", id: "form-editor" },
      h("h2", {}, t("form.title") + " " + name, " ", h("small", {}, id)),
      editorBox,
      h("div", { class: "row" },
        h("button", { type: "button", id: "form-keep", onclick: () => {
          forms[id] = editor.saveSchema();
          if (!formIdOf(element)) host.name(element, id);
          flash(t("form.kept"));
          close();
          host.changed();
        } }, t("form.use")),
        h("button", { type: "button", class: "secondary", id: "form-download", onclick: () =>
          download(host.ncName(id) + ".form", "application/json", JSON.stringify(editor.saveSchema(), null, 2)) }, t("form.download")),
        h("button", { type: "button", class: "secondary", onclick: close }, t("form.close")))));
    editor = await formEditor(editorBox, schema, host.fieldsOf(element));
    window.raciflowFormEditor = editor;  // for the browser test
    box.scrollIntoView({ block: "start" });
  }

  return {
    close,
    // A new diagram: no form edited yet.
    reset() { forms = {}; close(); },
    keep(id, schema) { forms[id] = schema; },
    // What the validation and the deploy send: file name -> schema.
    files() { return Object.fromEntries(Object.entries(forms).map(([id, schema]) => [host.ncName(id) + ".form", schema])); },
    // The panel's section for a user task.
    panel(element) {
      const id = formIdOf(element);
      return h("fieldset", { class: "step-form-panel" }, h("legend", {}, t("panel.form")),
        id ? h("p", {}, h("code", { id: "step-form-id" }, id), forms[id] ? " ✎" : "") : h("p", { class: "empty" }, t("panel.form-none")),
        formsAvailable()
          ? h("button", { type: "button", id: "step-form", onclick: () => open(element) }, t("panel.form-design"))
          : h("p", { class: "error" }, t("form.unavailable") + " " + ((me.forms || {}).reason || "")));
    },
  };
}
