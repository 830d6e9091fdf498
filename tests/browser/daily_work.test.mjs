// The daily work of role holders in the browser (issue: "consultations that cannot lapse
// unseen, substitutes"): the Accountable waives a consultation with a reason on the task
// page, which then shows it waived; a person names a substitute on their own page, who then
// finds the person's work in their inbox, marked as taken on their behalf; the substitute
// makes a calendar address on their page, subscribes to it, and stops it, and chooses a
// weekly digest instead of one e-mail per notification.
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { join } from "node:path";
import { repo, run, passwordOf } from "./harness.mjs";

await run("daily-work", (s) => {
  s.cli("deploy", join(repo, "samples/deviation-handling.bpmn"), join(repo, "samples/corrective-action.bpmn"),
    join(repo, "samples/deviation-assess-input.form"), "--as", "setup");
  s.cli("org", "load", join(repo, "samples/org.xml"), "--as", "setup");
  s.passwords("anna", "lars", "mette");
  s.cli("message", "External input", "--as", "anna");
}, async (s) => {
  const login = async (person) => {
    const context = await s.browser.newContext({ locale: "en-GB", viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => { throw new Error("page error: " + e.message); });
    await page.goto(s.base + "/");
    await page.waitForSelector("#login-person");
    await page.fill("#login-person", person);
    await page.fill("#login-password", passwordOf(person));
    await page.click("#login-submit");
    await page.waitForSelector("#nav:not([hidden])");
    return page;
  };

  // Anna holds the assessment's Accountable role: she waives the business functions' consultation.
  const anna = await login("anna");
  await anna.waitForSelector("table.tasks tbody tr");
  const task = await anna.$eval("table.tasks tbody tr", (r) => r.dataset.task);
  await anna.goto(s.base + "/#/task/" + task);
  await anna.waitForSelector("#consultations");
  assert.match(await anna.textContent("#consultations"), /not answered yet/);
  await anna.fill("#waive-form textarea", "the business function is on leave this week");
  await anna.click("#waive");
  await anna.waitForSelector("#consultations >> text=waived by Anna Holm");
  assert.equal(await anna.isVisible("#waive-form"), false, "nothing left to waive");

  // Lars names Mette his substitute on his own page; she then has his tasks.
  const lars = await login("lars");
  await lars.click("#who");
  await lars.waitForSelector("#substitute-form");
  await lars.selectOption("#substitute", "mette");
  const until = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10);
  await lars.fill("#until", until);
  await lars.click("#substitute-form button[type=submit]");
  await lars.waitForSelector("main table tbody tr >> text=Mette Dahl");

  const mette = await login("mette");
  await mette.goto(s.base + "/#/me");
  await mette.waitForSelector("#substituting");
  assert.match(await mette.textContent("#substituting"), /Lars Vinther/);
  await mette.goto(s.base + "/#/tasks");
  await mette.waitForSelector("table.tasks tbody tr");
  const names = await mette.$$eval("table.tasks tbody tr", (rows) => rows.map((r) => r.textContent));
  assert.ok(names.some((n) => n.includes("Assess the input")), "the security function's assessment reaches Lars's substitute: " + names);

  // Mette makes a calendar address: shown once, it gives her deadlines, Lars's included.
  await mette.goto(s.base + "/#/me");
  await mette.waitForSelector("#calendar-feed");
  assert.match(await mette.textContent("#calendar-state"), /no calendar feed/);
  await mette.click("#calendar-feed button");
  await mette.waitForSelector("#calendar-url");
  const address = await mette.inputValue("#calendar-url");
  assert.match(address, /^http:\/\/[^/]+\/api\/calendar\/[0-9a-f]{64}\.ics$/);
  const feed = await fetch(address);  // as a calendar client: no cookie
  assert.equal(feed.status, 200);
  assert.equal(feed.headers.get("content-type"), "text/calendar; charset=utf-8");
  const ics = await feed.text();
  assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics.replace(/\r\n /g, ""), /SUMMARY:Due: Assess the input/);
  // Not shown again; stopping it ends the address.
  await mette.reload();
  await mette.waitForSelector("#calendar-state >> text=You have a calendar feed");
  assert.equal(await mette.$("#calendar-url"), null, "the address is shown only once");
  await mette.click("#calendar-feed button.secondary");
  await mette.waitForSelector("#calendar-state >> text=no calendar feed");
  assert.equal((await fetch(address)).status, 404);

  // She takes a weekly digest instead of one e-mail per notification: kept, and a record.
  assert.equal(await mette.inputValue("#digest-choice"), "each");
  assert.match(await mette.textContent("#digest"), /weekly on Mondays/);
  await mette.selectOption("#digest-choice", "weekly");
  await mette.click("#digest button[type=submit]");
  await mette.waitForSelector("text=Your choice of e-mail is saved.");
  await mette.reload();
  await mette.waitForSelector("#digest-choice");
  assert.equal(await mette.inputValue("#digest-choice"), "weekly");
  assert.match(s.cli("digest", "mette"), /^mette: weekly$/m);
  assert.match(s.cli("audit", "all", "--format", "json"), /digest_chosen/);
});
