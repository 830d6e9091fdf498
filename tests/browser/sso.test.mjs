// In Debian's Chromium: single sign-on through a real OpenID provider (npm oidc-provider,
// oidc_provider.mjs) on the loopback address. raciflow serves with --oidc-issuer and
// --no-passwords; Mette signs in at the provider, comes back to her inbox with the
// committee role her `committee` group grants, and sees the committee's review task;
// someone the organisation does not know comes back to the login screen with the reason
// in Danish; logging out ends the provider's session too. Screenshots go to $ARTIFACTS.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { run, repo } from "./harness.mjs";
import { startProvider, clientId, clientSecret } from "./oidc_provider.mjs";

const provider = await startProvider({
  mette: { email: "mette@example.org", name: "Mette Dahl", groups: ["committee"] },
});

// The sample agency with Mette and Anna bound to their provider subjects, and the
// provider's committee group granting the security committee's role.
function ssoOrganisation() {
  let org = readFileSync(join(repo, "samples/org.xml"), "utf8");
  org = org.replace('<person id="mette"', '<person id="mette" subject="mette"').replace('<person id="anna"', '<person id="anna" subject="anna"');
  return org.replace("</organisation>", '  <sso>\n    <group value="committee" role="security-committee"/>\n  </sso>\n</organisation>');
}

// Through the provider's own sign-in page (any password), back to raciflow.
async function signInAtProvider(page, login) {
  await page.waitForURL(provider.issuer + "/**");
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "any password");
  await page.click("button[type=submit]");
}

// run() ends the process when the test is done, the provider with it.
await run("sso", async (s) => {
  s.cli("deploy", join(repo, "samples/policy-approval.bpmn"), "--as", "setup");
  s.cli("org", "load", s.file("org.xml", ssoOrganisation()), "--as", "setup");
  // A policy drafted by Anna: its review waits for the security committee.
  const caseId = s.cli("message", "Policy for approval", "--as", "anna").trim();
  const draft = s.cli("tasks", "--case", caseId, "--ids").trim();
  s.cli("claim", draft, "--as", "anna");
  s.cli("complete", draft, "--as", "anna");
  s.file("client.secret", clientSecret + "\n");
  s.serveArgs = ["--oidc-issuer", provider.issuer, "--oidc-client-id", clientId, "--oidc-client-secret-file", join(s.workdir, "client.secret"),
                 "--oidc-name", "Test-IdP", "--no-passwords"];
  s.afterStart = (base) => provider.register(base);
}, async (s) => {
  const context = await s.browser.newContext({ locale: "da-DK", viewport: { width: 1400, height: 900 } });
  await context.route(/fonts\.googleapis\.com/, (r) => r.abort());  // the provider's pages ask for a web font
  const page = await context.newPage();
  page.on("pageerror", (e) => { throw new Error("page error: " + e.message); });

  // The login screen offers the provider, and no password form.
  await page.goto(s.base + "/#/tasks");
  await page.waitForSelector("#login-sso");
  assert.equal((await page.textContent("#login-sso")).trim(), "Log ind med Test-IdP");
  assert.equal(await page.$("#login-person"), null, "passwords are off: no password form");
  await s.shot(page, "login");

  // Mette signs in at the provider and lands on her inbox with the committee's role.
  await page.click("#login-sso");
  await signInAtProvider(page, "mette");
  await page.waitForSelector("#nav:not([hidden])");
  assert.equal(new URL(page.url()).hash, "#/tasks");
  const who = await page.textContent("#who");
  assert.match(who, /Mette Dahl/);
  assert.match(who, /Information security committee/, "the committee group granted the role: " + who);
  await page.waitForSelector("table.tasks tbody tr");
  const nodes = await page.$$eval("table.tasks tbody tr", (rows) => rows.map((r) => r.dataset.node));
  assert.ok(nodes.includes("review"), "the committee's review is in Mette's inbox: " + nodes.join(", "));
  await s.shot(page, "inbox");
  const trail = JSON.parse(s.cli("audit", "all", "--format", "json"));
  const login = trail.find((r) => r.action === "sso_login");
  assert.equal(login.actor, "mette");
  assert.equal(login.data.issuer, provider.issuer);

  // Logging out ends the provider's session too, and comes back to the login screen.
  await page.click("#logout");
  await page.waitForURL(provider.issuer + "/**");
  await page.click("button[name=logout]");
  await page.waitForURL(s.base + "/**");
  await page.waitForSelector("#login-sso");
  assert.equal((await page.request.get(s.base + "/api/me")).status(), 401);

  // Someone the provider knows and the organisation does not: back with why, in Danish.
  await page.click("#login-sso");
  await signInAtProvider(page, "stranger");
  await page.waitForSelector("#sso-error");
  const error = await page.textContent("#sso-error");
  assert.match(error, /findes endnu ikke i organisationens fil/);
  assert.match(error, /subject="stranger"/, "the detail names what the admin adds: " + error);
  assert.ok(!(await context.cookies()).some((c) => c.name === "raciflow_sso_failure"), "the reason's cookie is read once and removed");
  await s.shot(page, "unknown-person");
  const refused = JSON.parse(s.cli("audit", "all", "--format", "json")).filter((r) => r.action === "sso_refused");
  assert.equal(refused.length, 1);
  assert.equal(refused[0].data.reason, "unknown_person");
  await context.close();
});
