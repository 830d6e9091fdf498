// What the browser tests share: a database made by the CLI, `raciflow serve` on a free
// loopback port, Debian's Chromium through playwright-core, one context per person,
// numbered screenshots in $ARTIFACTS (default build/browser-artifacts).
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.RACIFLOW_BIN || join(repo, "build/raciflow");
export const artifacts = process.env.ARTIFACTS || join(repo, "build/browser-artifacts");
export const passwordOf = (person) => `${person}-secret-pw`;

// Runs `body(session)` against a fresh database prepared by `setup(session)`; exits the
// process with 1 when anything failed, after a screenshot of every open page.
export async function run(prefix, setup, body) {
  mkdirSync(artifacts, { recursive: true });
  const workdir = mkdtempSync(join(tmpdir(), "raciflow-browser-"));
  const db = join(workdir, "raciflow.db");
  const session = {
    workdir,
    db,
    cli: (...args) => execFileSync(bin, ["--db", db, ...args], { encoding: "utf8" }),
    bin,
    serveArgs: [],  // more options for raciflow serve, set by `setup`
    file(name, text) { const path = join(workdir, name); writeFileSync(path, text); return path; },
    passwords(...people) {
      for (const person of people)
        session.cli("password", "set", person, "--password-file", session.file(person + ".pw", passwordOf(person) + "\n"), "--as", "setup");
    },
  };
  await setup(session);
  session.afterStart = session.afterStart || (() => {});

  const server = spawn(bin, ["--db", db, "serve", "--listen", "127.0.0.1:0", "--threads", "2", ...session.serveArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let serverLog = "";
  server.stderr.on("data", (d) => { serverLog += d; });
  session.base = await new Promise((resolveUrl, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolveUrl(m[1]);
    });
    server.on("exit", (code) => reject(new Error("the server exited with " + code + ": " + serverLog)));
  });
  await session.afterStart(session.base);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });

  session.browser = browser;
  let step = 0;
  session.shot = async (page, name) => {
    step += 1;
    const path = join(artifacts, `${prefix}-${String(step).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
  // One browser context per person: their own cookies, their own language.
  session.login = async (person, locale = "en-GB") => {
    const context = await browser.newContext({ locale, viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.on("pageerror", (e) => { throw new Error(person + ": page error: " + e.message); });
    await page.goto(session.base + "/");
    await page.fill("#login-person", person);
    await page.fill("#login-password", passwordOf(person));
    await page.click("#login-submit");
    await page.waitForSelector("#nav:not([hidden])");
    return page;
  };
  // A fresh load of the inbox (a new page load, so nothing is left from before).
  session.inbox = async (page) => {
    await page.goto(session.base + "/?at=" + Date.now() + "#/tasks");
    await page.waitForSelector("main h1");
    await page.waitForLoadState("networkidle");
    return page.$$eval("table.tasks tbody tr", (rows) => rows.map((r) => ({ node: r.dataset.node, id: r.dataset.task })));
  };
  // Opens the person's task at `node`, claims it, fills the decision, completes it.
  session.work = async (page, node, decide = async () => {}) => {
    const tasks = await session.inbox(page);
    const task = tasks.find((t) => t.node === node);
    assert.ok(task, `the task '${node}' is in the inbox (inbox: ${tasks.map((t) => t.node).join(", ")})`);
    await page.goto(session.base + "/#/task/" + task.id);
    await page.click("#claim");
    await page.waitForSelector("#complete-form");
    await decide(page);
    await page.fill("textarea[name=comment]", "done in the browser test: " + node);
    await session.shot(page, node);
    await page.click("#complete");
    await page.waitForFunction(() => location.hash === "#/tasks");
    return task.id;
  };

  let failed = false;
  try {
    await body(session);
  } catch (e) {
    failed = true;
    console.error("browser test failed:", e);
    for (const context of browser.contexts())
      for (const page of context.pages()) await page.screenshot({ path: join(artifacts, prefix + "-failure-" + Date.now() + ".png") }).catch(() => {});
    console.error("server log:\n" + serverLog.split("\n").slice(-40).join("\n"));
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((r) => server.on("exit", r));
    rmSync(workdir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}
