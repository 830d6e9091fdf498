// A case's record beyond its trail: the forms its steps were completed with (read-only),
// the files attached to it and the comments on it. Each file and comment is a record of the
// trail; files are downloads, never shown inline.
import { t } from "./i18n.js";
import { me, h, api, apiUpload, flash, when, table } from "./ui.js";
import { filledForm } from "./forms.js";

// A completed step's form, read-only, with what its completion recorded in the trail.
export async function showFilledForm(box, task, attachments) {
  const full = await api("GET", "/api/tasks/" + task.id);
  const data = full.submitted || {};
  const files = attachments.filter((a) => a.task === task.id);
  box.replaceChildren(h("h3", {}, task.name, " · ", t("col.form")),
    files.length ? h("p", {}, t("case.files-of-step") + ": ", files.map((a, i) => [i ? ", " : "", h("a", { href: a.href, download: a.name }, a.name)])) : null);
  if (!full.form) {
    box.append(Object.keys(data).length ? h("pre", {}, JSON.stringify(data, null, 2)) : h("p", { class: "empty" }, t("case.no-form")));
    return;
  }
  const formBox = h("div", { class: "step-form", id: "filled-form-" + task.id });
  box.append(formBox);
  await filledForm(formBox, full.form, data);
}

const size = (n) => n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " kB" : (n / 1048576).toFixed(1) + " MB";

// Files and comments of a case, each a record of the trail: the files below the tasks
// (downloads, never shown inline), the comments beside the diagram.
export function evidenceOfCase(id, c, attachments, comments, reload) {
  const taskName = (task) => (c.tasks.find((x) => x.id === task) || {}).name || "";
  const path = "/api/cases/" + encodeURIComponent(id);
  const reader = (me.access || []).includes("auditor") && !(me.access || []).includes("admin");
  const file = h("input", { type: "file", id: "attach-file", required: true });
  const text = h("textarea", { id: "comment-text", rows: 3, required: true, maxlength: 10000 });
  return {
    files: h("section", { id: "case-attachments" }, h("h2", {}, t("case.attachments")),
      attachments.length ? table([t("col.file"), t("col.step"), t("col.size"), t("col.person"), t("col.time"), "SHA-256"],
        attachments.map((a) => h("tr", { "data-attachment": a.id },
          h("td", {}, h("a", { href: a.href, download: a.name, class: "attachment" }, a.name), " ", h("small", {}, a.type)),
          h("td", {}, a.task ? taskName(a.task) : "–"), h("td", {}, size(a.size)), h("td", {}, a.added_by), h("td", {}, when(a.added_at)),
          h("td", {}, h("code", { title: a.sha256 }, a.sha256.slice(0, 12) + "…")))), "list attachments")
        : h("p", { class: "empty" }, t("case.no-attachments")),
      reader ? null : h("form", { class: "card", id: "attach-form", onsubmit: async (e) => {
        e.preventDefault();
        const f = file.files[0];
        try {
          await apiUpload(path + "/attachments?" + new URLSearchParams({ name: f.name, type: f.type || "application/octet-stream" }), f);
          flash(t("case.attached"));
          reload();
        } catch (err) { flash(err.message, "error"); }
      } }, h("label", {}, t("case.attach"), file), h("button", { type: "submit" }, t("case.attach-button")))),
    comments: h("section", { id: "case-comments" }, h("h2", {}, t("case.comments")),
      comments.length ? h("ol", { class: "comments" }, comments.map((m) => h("li", { "data-seq": m.seq },
        h("p", { class: "meta" }, m.person, " · ", when(m.time), m.task ? " · " + taskName(m.task) : ""), h("p", {}, m.text))))
        : h("p", { class: "empty" }, t("case.no-comments")),
      reader ? null : h("form", { class: "card", id: "comment-form", onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api("POST", path + "/comments", { text: text.value });
          flash(t("case.commented"));
          reload();
        } catch (err) { flash(err.message, "error"); }
      } }, h("label", {}, t("case.comment"), text), h("button", { type: "submit" }, t("case.comment-button")))),
  };
}
