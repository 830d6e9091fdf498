// Forms of steps on form-js (served by raciflow serve from its npm install under
// /vendor/form-js/): the viewer in the task screen and, read-only, in the case view; the
// editor in the Model screen. The browser only renders: the server checks every
// submission against the step's form (docs/definition-format.md, "Form-js forms").
import { t } from "./i18n.js";
import { me, roleNames, h, loadScript, apiUpload } from "./ui.js";

const VENDOR = "/vendor/form-js/";
const loaded = {};  // "viewer" | "editor" -> the module's global

export const formsAvailable = () => Boolean((me.forms || {}).available);

function loadStyles(editor) {
  const sheets = ["assets/form-js.css", ...(editor ? ["assets/form-js-editor.css", "assets/properties-panel.css"] : [])];
  for (const href of sheets) {
    const id = "fjs-" + href.replace(/[^a-z]/g, "");
    if (!document.getElementById(id)) document.head.append(h("link", { rel: "stylesheet", href: VENDOR + href, id }));
  }
}

async function formJs(kind) {
  if (loaded[kind]) return loaded[kind];
  loadStyles(kind === "editor");
  await loadScript(VENDOR + (kind === "editor" ? "form-editor.umd.js" : "form-viewer.umd.js"));
  loaded[kind] = kind === "editor" ? window.FormEditor : window.FormViewer;
  return loaded[kind];
}

// --- the decision fields as form-js components -----------------------------------------

// A decision field (GET /api/tasks/{id} "fields", POST /api/validate "fields") as the
// form-js component that asks it, worded as the model names it.
export function decisionComponent(field) {
  const answer = (value, fallback) => (field.answers && field.answers[value]) || fallback;
  const base = { id: "Decision_" + field.name.replace(/[^A-Za-z0-9_]/g, "_"), key: field.name, label: field.label || field.name };
  if (field.type === "boolean")
    return { ...base, type: "radio", values: [{ label: answer("true", t("yes")), value: "true" }, { label: answer("false", t("no")), value: "false" }],
      validate: { required: true } };
  if (field.type === "roles")
    return { ...base, type: "checklist", values: Object.entries(roleNames).map(([value, label]) => ({ label, value })) };
  if (field.type === "string" && field.options.length)
    return { ...base, type: "select", values: field.options.map((o) => ({ label: answer(o, o), value: o })), validate: { required: true } };
  if (field.type === "number") return { ...base, type: "number", validate: { required: true } };
  return { ...base, type: "textfield", validate: { required: true } };
}

// Every component of a form, those inside groups too.
const componentsOf = (schema) => {
  const all = [];
  const walk = (components) => {
    for (const c of components || []) {
      all.push(c);
      walk(c.components);
    }
  };
  walk(schema.components);
  return all;
};
const keysOf = (schema) => new Set(componentsOf(schema).filter((c) => c.key).map((c) => c.key));

// The step's form with the decision fields it does not ask itself, at its end.
function withDecisions(form, fields) {
  const keys = keysOf(form);
  const extra = (fields || []).filter((f) => !keys.has(f.name)).map(decisionComponent);
  return { ...form, components: [...(form.components || []), ...extra] };
}

// --- the task screen ----------------------------------------------------------------------

// Renders `task`'s form in `box`; the answer's submit() gives the variables to complete
// with (its files uploaded to the case first, their ids in the fields), or throws with
// the form's own messages.
export async function taskForm(box, task) {
  const FormViewer = await formJs("viewer");
  const schema = withDecisions(task.form, task.fields);
  const form = new FormViewer.Form({ container: box });
  const types = Object.fromEntries((task.fields || []).map((f) => [f.name, f.type]));
  // What the case already knows fills the fields in, as Camunda does: the person sees
  // and may change it (a file picker starts empty; files are added, never replaced).
  const initial = {};
  const pickers = new Set(componentsOf(schema).filter((c) => c.type === "filepicker").map((c) => c.key));
  for (const key of keysOf(schema)) {
    const value = (task.variables || {})[key];
    if (value === undefined || value === null || pickers.has(key)) continue;
    initial[key] = types[key] === "boolean" && !keysOf(task.form).has(key) ? String(value) : value;
  }
  await form.importSchema(schema, initial);
  window.raciflowTaskForm = form;  // for the browser test and the curious
  return {
    async submit() {
      const { data, errors, files } = form.submit();
      if (Object.keys(errors).length) throw new Error(t("form.invalid"));
      const variables = {};
      for (const [key, value] of Object.entries(data)) {
        if (value === null || value === undefined || value === "") continue;
        if (typeof value === "string" && value.startsWith("files::")) {
          const ids = [];
          for (const file of files.get(value) || []) {
            const query = new URLSearchParams({ name: file.name, type: file.type || "application/octet-stream", task: String(task.id) });
            ids.push((await apiUpload("/api/cases/" + encodeURIComponent(task.case) + "/attachments?" + query, file)).id);
          }
          const field = componentsOf(schema).find((c) => c.key === key);
          variables[key] = field && field.multiple ? ids : ids[0];
          continue;
        }
        variables[key] = types[key] === "boolean" ? value === "true" || value === true : value;
      }
      return variables;
    },
    destroy() { form.destroy(); },
  };
}

// A completed step's form as it was filled in, read-only.
export async function filledForm(box, form, data) {
  const FormViewer = await formJs("viewer");
  const viewer = new FormViewer.Form({ container: box, properties: { readOnly: true } });
  const shown = {};
  for (const [k, v] of Object.entries(data || {})) shown[k] = typeof v === "boolean" ? String(v) : v;
  await viewer.importSchema(form, shown);
  return viewer;
}

// --- the Model screen -------------------------------------------------------------------------

// A new form for step `stepId` of process `processId`.
export function newForm(id, name) {
  return { type: "default", id, schemaVersion: 18, components: [{ type: "text", id: "Field_title", text: "# " + name }] };
}

// The form-js editor on `schema` in `box`; `fields` are the decision fields the gateways
// after the step read, offered as keys: a button adds the field that asks one.
export async function formEditor(box, schema, fields) {
  const FormEditor = await formJs("editor");
  const canvas = h("div", { class: "form-editor-canvas", id: "form-editor-canvas" });
  const offered = h("ul", { class: "offered-keys", id: "form-offered" });
  const editor = new FormEditor.FormEditor({ container: canvas });
  await editor.importSchema(schema);
  const refresh = () => {
    const keys = keysOf(editor.saveSchema());
    offered.replaceChildren(...(fields || []).map((f) => h("li", { "data-key": f.name },
      h("code", {}, f.name), " — ", f.label || f.name, " ",
      keys.has(f.name) ? h("span", { class: "badge" }, t("form.asked"))
        : h("button", { type: "button", class: "secondary", "data-add": f.name, onclick: async () => {
          const current = editor.saveSchema();
          current.components = [...current.components, decisionComponent(f)];
          await editor.importSchema(current);
          refresh();
        } }, t("form.add-field")))));
    if (!(fields || []).length) offered.replaceChildren(h("li", { class: "empty" }, t("form.no-keys")));
  };
  editor.on("changed", refresh);
  refresh();
  box.replaceChildren(h("div", { class: "form-editor-layout" }, canvas,
    h("aside", {}, h("h3", {}, t("form.keys")), h("p", { class: "empty" }, t("form.keys-help")), offered)));
  return editor;
}
