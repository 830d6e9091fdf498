// The demo of `bash .ci/demo --serve` (issue: "see it in the browser in one command"): the
// database .ci/demo-data prepares, served; each login it prints works and lands on an inbox
// that is not empty, in English and in Danish. Saves the inbox it opens on for the README.
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { artifacts, repo, run } from "./harness.mjs";

let logins = [];

await run("demo", (s) => {
  const table = execFileSync("bash", [join(repo, ".ci/demo-data"), s.db, s.bin],
    { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  const lines = table.trim().split("\n");
  assert.match(lines[0], /^PERSON\s+NAME\s+ROLES\s+ACCESS\s+PASSWORD$/);
  logins = lines.slice(2).map((line) => {
    const cells = line.trim().split(/\s+/);
    return { person: cells[0], password: cells[cells.length - 1] };
  });
  assert.equal(logins.length, 11, "every sample person has a login");
  for (const { password } of logins) assert.match(password, /^[A-Za-z0-9]{12,}$/);
  assert.equal(new Set(logins.map((l) => l.password)).size, logins.length, "each password is its own");
}, async (s) => {
  let index = 0;
  for (const { person, password } of logins) {
    const locale = index++ % 2 ? "da-DK" : "en-GB";
    const context = await s.browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => { throw new Error(person + ": page error: " + e.message); });
    await page.goto(s.base + "/");
    await page.fill("#login-person", person);
    await page.fill("#login-password", password);
    await page.click("#login-submit");
    await page.waitForSelector("#nav:not([hidden])");
    await page.waitForSelector("main h1");
    await page.waitForLoadState("networkidle");
    const rows = await page.$$eval("main table tbody tr", (trs) => trs.length);
    assert.ok(rows > 0, person + " lands on an inbox with tasks or notifications in it");
    // The README's picture (docs/images/demo-inbox.png) is this one.
    if (person === "anna") await page.screenshot({ path: join(artifacts, "demo-inbox.png") });
    await context.close();
  }
});
