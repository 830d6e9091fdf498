// A task's consultations on its page: who was consulted and what became of it (answered,
// waived, still open), and the Accountable's form to waive the ones still open
// (raci:consult).
import { t } from "./i18n.js";
import { me, h, flash, personName, roleList } from "./ui.js";

export const unansweredOf = (task) => task.consultations.filter((c) => !c.answered_by && !c.waived_by);

export function consultationList(task) {
  if (!task.consultations.length) return null;
  return h("section", { class: "card", id: "consultations" }, h("h2", {}, t("task.consultations")),
    h("ul", {}, ...task.consultations.map((c) => h("li", {}, roleList([c.role]), ": ",
      c.answered_by ? [t("task.answered_by") + " " + personName(c.answered_by) + " — ", h("q", {}, c.answer)]
        : c.waived_by ? t("task.waived_by") + " " + personName(c.waived_by) + " — " + c.waive_reason
          : t("task.not_answered")))));
}

// `waive(reason)` sends the waiver; `after()` shows the task again. Null when the person
// holds none of the task's Accountable roles or nothing is left to waive.
export function waiveForm(task, waive, after) {
  if (!unansweredOf(task).length || !me.roles.some((r) => task.accountable.includes(r.id))) return null;
  const reason = h("textarea", { name: "reason", rows: 2, required: true });
  return h("form", { class: "card", id: "waive-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await waive(reason.value.trim());
      flash(t("task.waived"));
      after();
    } catch (err) { flash(err.message, "error"); }
  } }, h("h2", {}, t("task.waive_title")), h("p", {}, t("task.waive_help")),
    h("label", { class: "field" }, t("task.waive_reason"), reason), h("button", { type: "submit", id: "waive" }, t("task.waive")));
}
