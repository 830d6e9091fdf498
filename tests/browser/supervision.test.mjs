// In Debian's Chromium: one `raciflow serve --tenant-domain localhost` for the tenants of
// a throwaway PostgreSQL cluster; the ministry's admin logs in at ministeriet.localhost,
// opens the Supervised screen, reads Odense's cases and one case's trail, and each page is
// a supervisor_read record in Odense's trail. Odense's own admin, at odense.localhost,
// has no Supervised screen. Screenshots go to $ARTIFACTS.
//
// Run by ctest when PostgreSQL's server programs are installed (tests/CMakeLists.txt),
// with RACIFLOW_BIN and RACIFLOW_PG_BIN (the directory of initdb and pg_ctl).
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { repo, artifacts, passwordOf } from "./harness.mjs";

const bin = process.env.RACIFLOW_BIN || join(repo, "build/raciflow");
const pgBin = process.env.RACIFLOW_PG_BIN || "/usr/lib/postgresql/15/bin";
const root = process.getuid() === 0;
const asOwner = (program, args) => root ? ["runuser", ["-u", "postgres", "--", program, ...args]] : [program, args];
const sh = (program, args, options = {}) => {
  const [p, a] = asOwner(program, args);
  return execFileSync(p, a, { encoding: "utf8", ...options });
};

const dir = mkdtempSync(join(tmpdir(), "raciflow-pg-browser-"));
chmodSync(dir, 0o777);
if (root) execFileSync("chown", ["postgres:", dir]);
const data = join(dir, "data");
let server, browser, failed = false;
try {
  sh(join(pgBin, "initdb"), ["-D", data, "-U", "admin", "--auth=trust", "--no-sync", "--locale=C", "-E", "UTF8"], { stdio: "ignore" });
  sh(join(pgBin, "pg_ctl"), ["-D", data, "-l", join(dir, "server.log"), "-w", "-o", `-k ${dir} -c listen_addresses='' -c fsync=off`, "start"],
    { stdio: "ignore" });
  execFileSync("psql", [`host=${dir} user=admin dbname=postgres`, "-qc", "CREATE ROLE raciflow LOGIN", "-c", "CREATE DATABASE isms OWNER raciflow"]);
  const db = `postgresql:///isms?host=${dir}&user=raciflow`;
  const cli = (...args) => execFileSync(bin, ["--db", db, ...args], { encoding: "utf8" });
  for (const [tenant, name] of [["ministeriet", "Ministeriet"], ["odense", "Odense Kommune"]]) {
    cli("tenant", "create", tenant, "--name", name);
    cli("--tenant", tenant, "deploy", join(repo, "samples/corrective-action.bpmn"), join(repo, "samples/deviation-handling.bpmn"), "--as", "setup");
    cli("--tenant", tenant, "org", "load", join(repo, "samples/org.xml"), "--as", "setup");
    const pw = join(dir, tenant + "-anna.pw");
    writeFileSync(pw, passwordOf("anna") + "\n");
    cli("--tenant", tenant, "password", "set", "anna", "--password-file", pw, "--as", "setup");
  }
  const caseId = cli("--tenant", "odense", "message", "External input", "--as", "anna", "--var", "title=Lost laptop").trim();
  cli("tenant", "supervise", "ministeriet", "odense", "--as", "operator");

  server = spawn(bin, ["--db", db, "serve", "--tenant-domain", "localhost", "--listen", "127.0.0.1:0", "--threads", "2"],
    { stdio: ["ignore", "pipe", "pipe"] });
  let serverLog = "";
  server.stderr.on("data", (d) => { serverLog += d; });
  const port = await new Promise((resolvePort, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolvePort(m[1]);
    });
    server.on("exit", (code) => reject(new Error("the server exited with " + code + ": " + serverLog)));
  });

  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--host-resolver-rules=MAP *.localhost 127.0.0.1"],
  });
  const login = async (tenant) => {
    const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => { throw new Error(tenant + ": page error: " + e.message); });
    await page.goto(`http://${tenant}.localhost:${port}/`);
    await page.fill("#login-person", "anna");
    await page.fill("#login-password", passwordOf("anna"));
    await page.click("#login-submit");
    await page.waitForSelector("#nav:not([hidden])");
    return page;
  };
  const reads = () => JSON.parse(cli("--tenant", "odense", "audit", "all", "--format", "json"))
    .filter((r) => r.action === "supervisor_read");

  // The ministry's admin: the Supervised screen, Odense, its case and the case's trail.
  const ministry = await login("ministeriet");
  await ministry.waitForSelector("#nav-supervised:not([hidden])");
  await ministry.click("#nav-supervised");
  await ministry.waitForSelector("ul.supervised li[data-tenant=odense] a");
  await ministry.click("ul.supervised li[data-tenant=odense] a");
  await ministry.waitForSelector(`table.cases tr[data-case="${caseId}"] a, table tr[data-case="${caseId}"] a`);
  assert.ok(await ministry.$("tr.gap, tr.covered"), "Odense's evidence register is shown");
  await ministry.screenshot({ path: join(artifacts, "supervision-01-odense.png"), fullPage: true });
  await ministry.click(`tr[data-case="${caseId}"] a`);
  await ministry.waitForSelector("tr[data-action=case_started]");
  assert.match(await ministry.textContent("main h1"), new RegExp("Case " + caseId));
  await ministry.screenshot({ path: join(artifacts, "supervision-02-case.png"), fullPage: true });
  assert.equal((await ministry.$$("button.danger")).length, 0, "nothing to change there");

  // Every read is in Odense's trail, by the ministry's anna.
  const recorded = reads();
  assert.ok(recorded.length >= 4, "cases, evidence, the case and its trail: " + JSON.stringify(recorded.map((r) => r.data.request)));
  assert.ok(recorded.every((r) => r.actor === "ministeriet/anna"));
  assert.ok(recorded.some((r) => r.data.request === `GET /api/cases/${caseId}/audit?limit=1000`));

  // Odense's admin supervises nobody: no Supervised screen.
  const odense = await login("odense");
  await odense.waitForSelector("#nav-audit:not([hidden])");
  assert.equal(await odense.isHidden("#nav-supervised"), true);
  console.log("ok: the ministry read Odense's case through the Supervised screen; " + recorded.length + " reads in Odense's trail");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
  try { sh(join(pgBin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], { stdio: "ignore" }); } catch {}
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
