// Every screen of the web app, in Danish and in English, checked with axe-core (npm,
// pinned) for WCAG 2.1 A and AA: no serious or critical violation may remain. The data
// is the sample agency with a deviation case at each of its steps, a risk register with
// entries, the annual wheel and a policy case, so that every screen has rows to show.
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repo, run, passwordOf } from "./harness.mjs";

const axeSource = readFileSync(join(repo, "tests/browser/node_modules/axe-core/axe.min.js"), "utf8");

// The violations of WCAG 2.1 A and AA that axe rates serious or critical, on the page as it is.
async function violations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    resultTypes: ["violations"],
  }));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ` + v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + n.failureSummary.replace(/\n/g, " ")).join("\n    "));
}

await run("a11y", (s) => {
  const samples = readdirSync(join(repo, "samples")).filter((f) => f.endsWith(".bpmn") || f.endsWith(".dmn") || f.endsWith(".form"));
  s.cli("deploy", ...samples.map((f) => join(repo, "samples", f)), "--as", "setup");
  s.cli("org", "load", join(repo, "samples/org.xml"), "--as", "setup");
  s.cli("wheel", "load", join(repo, "samples/annual-wheel.xml"), "--as", "setup");
  s.passwords("anna");
  const deviation = s.cli("message", "External input", "--as", "anna", "--var", "title=USB stick lost").trim().split("\n")[0];
  s.deviation = deviation;
  const risk = s.cli("message", "Risk assessment due", "--key", "RISK-2026-001", "--as", "anna").trim().split("\n")[0];
  const step = (id, node, person, ...vars) => {
    const task = s.cli("tasks", "--case", id, "--node", node, "--ids").trim();
    s.cli("complete", task, "--as", person, ...vars.flatMap((v) => ["--var", v]));
  };
  step(risk, "identify", "lars", "asset=Citizen case files", "threat=Ransomware", "riskOwner=business-functions");
  step(risk, "analyse", "lars", "likelihood=3", "impact=4");
}, async (s) => {
  const screens = [
    ["tasks", "#/tasks"], ["cases", "#/cases"], ["case", "#/case/" + s.deviation], ["definitions", "#/definitions"],
    ["definition", "#/definition/deviation-handling"], ["model", "#/model"], ["registers", "#/registers"],
    ["register", "#/register/risks"], ["entry", "#/register/risks/entry/RISK-2026-001"], ["year", "#/year"],
    ["agenda", "#/agenda"], ["audit", "#/audit"], ["profile", "#/me"],
  ];
  const found = [];
  for (const [lang, locale] of [["da", "da-DK"], ["en", "en-GB"]]) {
    const context = await s.browser.newContext({ locale, viewport: { width: 1400, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    page.on("pageerror", (e) => { throw new Error("page error: " + e.message); });
    await page.goto(s.base + "/");
    await page.waitForSelector("#login-person");
    assert.equal(await page.getAttribute("html", "lang"), lang, "the page's language is the chosen one");
    for (const v of await violations(page)) found.push(`[${lang}] login: ${v}`);
    await page.fill("#login-person", "anna");
    await page.fill("#login-password", passwordOf("anna"));
    await page.click("#login-submit");
    await page.waitForSelector("#nav:not([hidden])");
    // The task page of the first task in the inbox.
    await page.waitForSelector("table.tasks tbody tr");
    const task = await page.$eval("table.tasks tbody tr", (r) => r.dataset.task);
    for (const [name, hash] of [...screens, ["task", "#/task/" + task]]) {
      await page.goto(s.base + "/?at=" + Date.now() + hash);
      await page.waitForSelector("main h1");
      await page.waitForLoadState("networkidle");
      for (const v of await violations(page)) found.push(`[${lang}] ${name}: ${v}`);
      if (lang === "da") await s.shot(page, name);
    }
    if (lang === "da") {
      // With the keyboard alone: from the top of the inbox to a task, claimed.
      await page.goto(s.base + "/?at=" + Date.now() + "#/tasks");
      await page.waitForSelector("table.tasks tbody tr a");
      const first = await page.$eval("table.tasks tbody tr a", (a) => a.getAttribute("href"));
      let reached = false;
      for (let i = 0; i < 40 && !reached; ++i) {
        await page.keyboard.press("Tab");
        reached = await page.evaluate((href) => document.activeElement && document.activeElement.getAttribute("href") === href, first);
      }
      assert.ok(reached, "the first task's link is reached with Tab");
      assert.ok(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle !== "none"), "the focus is visible");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#claim");
      reached = false;
      for (let i = 0; i < 40 && !reached; ++i) {
        await page.keyboard.press("Tab");
        reached = await page.evaluate(() => document.activeElement && document.activeElement.id === "claim");
      }
      assert.ok(reached, "the claim button is reached with Tab");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#complete-form");
    }
    await context.close();
  }
  assert.deepEqual(found, [], "serious or critical WCAG 2.1 AA violations:\n" + found.join("\n"));
});
