// The person's own page: whom they substitute today, and their substitute periods: name a
// substitute while away, end a period early; their calendar feed; how they get e-mail.
import { t } from "./i18n.js";
import { me, h, api, flash, main, table, personName, personIds } from "./ui.js";

// The address of a feed just made: shown on the next rendering only (the server keeps only
// its hash).
let issuedAddress = null;

async function act(method, done) {
  try {
    const made = await api(method, "/api/me/calendar-feed");
    if (method === "POST") issuedAddress = made.url;
    flash(t(done));
    showProfile();
  } catch (err) { flash(err.message, "error"); }
}

function calendarCard(feed, writes) {
  const address = issuedAddress;
  issuedAddress = null;
  const shown = address ? h("div", { id: "calendar-address" },
    h("label", { class: "field" }, t("profile.calendar_address"),
      h("input", { type: "text", readonly: true, value: address, id: "calendar-url", onfocus: (e) => e.target.select() })),
    h("p", { class: "gap" }, t("profile.calendar_once"))) : null;
  return h("section", { class: "card", id: "calendar-feed", "aria-labelledby": "calendar-title" },
    h("h2", { id: "calendar-title" }, t("profile.calendar_title")),
    h("p", {}, t("profile.calendar_help")),
    h("p", { id: "calendar-state" }, feed.active ? t("profile.calendar_active") + " " + feed.created_at.slice(0, 10) : t("profile.calendar_none")),
    shown,
    writes ? h("div", { class: "row" },
      h("button", { type: "button", onclick: () => act("POST", "profile.calendar_made") },
        t(feed.active ? "profile.calendar_renew" : "profile.calendar_make")),
      feed.active ? h("button", { type: "button", class: "secondary", onclick: () => act("DELETE", "profile.calendar_stopped") },
        t("profile.calendar_stop")) : null) : null);
}

// Each notification by e-mail, or a daily or weekly digest of what is new, due soon and overdue.
function digestCard(digest, writes) {
  const choice = h("select", { id: "digest-choice", name: "digest", disabled: !writes },
    ["each", "daily", "weekly"].map((c) => h("option", { value: c, selected: c === digest.digest }, t("profile.digest_" + c))));
  return h("form", { class: "card", id: "digest", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api("PUT", "/api/me/digest", { digest: choice.value });
      flash(t("profile.digest_saved"));
      showProfile();
    } catch (err) { flash(err.message, "error"); }
  } }, h("h2", {}, t("profile.digest_title")),
    h("p", {}, t("profile.digest_help").replace("{time}", digest.time).replace("{day}", t("weekday." + digest.day))),
    h("label", { class: "field" }, t("profile.digest_label"), choice),
    writes ? h("button", { type: "submit" }, t("profile.digest_save")) : null);
}

export async function showProfile() {
  const [periods, feed, digest] = await Promise.all([api("GET", "/api/substitutes"), api("GET", "/api/me/calendar-feed"),
    api("GET", "/api/me/digest")]);
  const writes = !((me.access || []).includes("auditor") && !(me.access || []).includes("admin"));
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
    writes ? form : null,
    calendarCard(feed, writes),
    digestCard(digest, writes));
}
