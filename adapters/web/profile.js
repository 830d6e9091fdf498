// The person's own page: whom they substitute today, and their substitute periods: name a
// substitute while away, end a period early.
import { t } from "./i18n.js";
import { me, h, api, flash, main, table, personName, personIds } from "./ui.js";

export async function showProfile() {
  const periods = await api("GET", "/api/substitutes");
  const mine = periods.filter((p) => p.person === me.person || p.substitute === me.person);
  const today = new Date().toISOString().slice(0, 10);
  const over = (p) => Boolean(p.ended_at) || p.until < today;
  const rows = mine.map((p) => h("tr", {},
    h("td", {}, personName(p.person)), h("td", {}, personName(p.substitute)), h("td", {}, p.from), h("td", {}, p.until),
    h("td", {}, p.ended_at ? t("profile.ended") + " " + p.ended_at.slice(0, 10) : over(p) ? t("profile.over") : ""),
    h("td", {}, p.person === me.person && !over(p)
      ? h("button", { type: "button", class: "secondary", onclick: async () => {
        try {
          await api("POST", "/api/substitutes/" + p.id + "/end");
          flash(t("profile.ended_now"));
          showProfile();
        } catch (err) { flash(err.message, "error"); }
      } }, t("profile.end")) : null)));
  const substitute = h("select", { name: "substitute", id: "substitute", required: true },
    h("option", { value: "" }, "–"),
    personIds().filter((id) => id !== me.person).sort((a, b) => personName(a).localeCompare(personName(b)))
      .map((id) => h("option", { value: id }, personName(id))));
  const from = h("input", { type: "date", name: "from", id: "from", required: true, value: today });
  const until = h("input", { type: "date", name: "until", id: "until", required: true });
  const form = h("form", { class: "card", id: "substitute-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api("POST", "/api/substitutes", { substitute: substitute.value, from: from.value, until: until.value });
      flash(t("profile.named"));
      showProfile();
    } catch (err) { flash(err.message, "error"); }
  } }, h("h2", {}, t("profile.name_title")), h("p", {}, t("profile.name_help")),
    h("label", { class: "field" }, t("profile.substitute"), substitute),
    h("label", { class: "field" }, t("profile.from"), from),
    h("label", { class: "field" }, t("profile.until"), until),
    h("button", { type: "submit" }, t("profile.name")));
  main(
    h("h1", {}, me.name),
    (me.substituting || []).length
      ? h("p", { class: "gap", id: "substituting" }, t("profile.substituting"), " ", me.substituting.map((s) => s.name).join(", "))
      : null,
    h("h2", {}, t("profile.periods")),
    mine.length ? table([t("profile.person"), t("profile.substitute"), t("profile.from"), t("profile.until"), "", ""], rows)
      : h("p", {}, t("profile.none")),
    (me.access || []).includes("auditor") && !(me.access || []).includes("admin") ? null : form);
}
