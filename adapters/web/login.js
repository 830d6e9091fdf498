// The login screen: single sign-on through the organisation's identity provider when the
// server has one (GET /api/sso), the password form unless the server has switched
// passwords off, and why an SSO login came back refused (the server's short-lived cookie
// raciflow_sso_failure=sso_error=REASON&sso_detail=MESSAGE, never the address, so that a
// link cannot put words of its own here).
import { t } from "./i18n.js";
import { h, api, setMe, main } from "./ui.js";

// Why the last single sign-on failed, taken from its cookie once, and the cookie removed.
let ssoFailure = null;
function takeSsoFailure() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("raciflow_sso_failure="));
  if (!cookie) return;
  document.cookie = "raciflow_sso_failure=; Path=/; Max-Age=0; SameSite=Lax";
  const params = new URLSearchParams(cookie.slice("raciflow_sso_failure=".length));
  if (!params.get("sso_error")) return;
  ssoFailure = { reason: params.get("sso_error"), detail: params.get("sso_detail") || "" };
}

let offer = null;  // what GET /api/sso said, asked once
async function ssoOffer() {
  if (!offer) offer = await api("GET", "/api/sso").catch(() => ({ enabled: false, name: "", passwords: true }));
  return offer;
}

function ssoFailureNote() {
  if (!ssoFailure) return null;
  const key = "sso.error." + ssoFailure.reason;
  const known = t(key) !== key;
  return h("div", { class: "error", id: "sso-error", role: "alert" },
    h("p", {}, known ? t(key) : t("sso.error.other")),
    ssoFailure.detail ? h("p", { class: "detail" }, t("sso.detail") + ": " + ssoFailure.detail) : null);
}

export async function showLogin(afterLogin) {
  document.getElementById("nav").hidden = true;
  document.getElementById("logout").hidden = true;
  document.getElementById("who").textContent = "";
  document.getElementById("who").hidden = true;
  takeSsoFailure();
  const sso = await ssoOffer();
  const card = h("div", { class: "card login" }, h("h1", {}, t("login.title")), ssoFailureNote());
  if (sso.enabled) {
    // Back to where the person was going after the provider's login.
    const back = location.hash && location.hash !== "#/login" ? location.hash : "#/tasks";
    const link = h("a", { class: "button sso", id: "login-sso", href: "/api/sso/login?return=" + encodeURIComponent(back) },
      sso.name ? t("login.sso.named").replace("{name}", sso.name) : t("login.sso"));
    card.append(link);
  }
  if (sso.passwords) {
    const person = h("input", { id: "login-person", name: "person", autocomplete: "username", required: true });
    const password = h("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
    const error = h("p", { class: "error", id: "login-error", hidden: true });
    const form = h("form", { onsubmit: async (e) => {
      e.preventDefault();
      try {
        setMe(await api("POST", "/api/login", { person: person.value.trim(), password: password.value }));
        ssoFailure = null;
        await afterLogin();
      } catch (err) {
        error.textContent = err.status === 401 ? t("login.failed") : err.message;
        error.hidden = false;
      }
    } },
      sso.enabled ? h("p", { class: "or" }, t("login.or")) : null,
      h("label", {}, t("login.person"), person),
      h("label", {}, t("login.password"), password),
      error,
      h("button", { type: "submit", id: "login-submit" }, t("login")));
    card.append(form);
    main(card);
    if (!sso.enabled) person.focus();
  } else {
    main(card);
  }
  if (sso.enabled) document.getElementById("login-sso").focus();
}

// Ends the session; a single sign-on session goes on to end the provider's session too.
export async function logOut() {
  const answer = await api("POST", "/api/logout").catch(() => null);
  if (answer && answer.endSession && /^https?:\/\//.test(answer.endSession)) {
    location.assign(answer.endSession);
    return true;
  }
  return false;
}
