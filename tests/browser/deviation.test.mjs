// End to end in Debian's Chromium: the people of samples/org.xml run a deviation case
// through the web app, start to finish, each in their own browser and seeing only their
// own tasks. Then the case view (diagram marks, audit timeline) and the auditor's verify
// are checked. Screenshots go to $ARTIFACTS (default: build/browser-artifacts).
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { join } from "node:path";
import { repo, artifacts, run } from "./harness.mjs";

await run("deviation", (s) => {
  // A database with the deviation flow, the sample organisation and a password each.
  s.cli("deploy", join(repo, "samples/corrective-action.bpmn"), join(repo, "samples/deviation-handling.bpmn"), "--as", "setup");
  s.cli("org", "load", join(repo, "samples/org.xml"), "--as", "setup");
  s.cli("wheel", "load", s.file("wheel.xml", `<wheel xmlns="urn:raciflow:wheel:1" name="Browser year">
  <activity id="awareness" name="Awareness activity" role="security-function" schedule="FREQ=MONTHLY;BYMONTH=3,9" due="P30D" iso="7.3"/>
  <plan><item id="phishing" name="Phishing exercise" responsible="mette" deadline="2026-12-15"/></plan>
</wheel>`), "--as", "setup");
  s.passwords("anna", "karen", "mette", "ida");
}, async ({ base, login, shot, inbox, work }) => {
  // Anna (security function) receives external input: a new deviation case.
  const anna = await login("anna");
  await page_title(anna, "My tasks");
  await anna.goto(base + "/#/cases");
  await anna.click("#start summary");
  await anna.selectOption("select[name=way]", { label: "Deviation handling — External input" });
  await anna.click("#start-form button[type=submit]");
  await anna.waitForSelector("#case-status");
  const caseId = (await anna.evaluate(() => location.hash)).replace("#/case/", "");
  assert.match(caseId, /^\d+$/);
  await shot(anna, "case-started");

  // Mette (business functions) works in Danish; she is consulted on the assessment.
  const mette = await login("mette", "da-DK");
  assert.equal(await mette.textContent("#nav a[href='#/tasks']"), "Mine opgaver");
  let tasks = await inbox(mette);
  assert.deepEqual(tasks.map((t) => t.node), ["assess-input"], "Mette sees only the consultation");
  await mette.goto(base + "/#/task/" + tasks[0].id);
  await mette.fill("#consult-form textarea", "Affects the citizen portal; we can help test the fix.");
  await shot(mette, "consultation");
  await mette.click("#consult-form button[type=submit]");
  await mette.waitForFunction(() => location.hash === "#/tasks");
  assert.deepEqual(await inbox(mette), [], "answered: Mette's inbox is empty");

  // Karen (committee) has nothing yet: the assessment is the security function's.
  const karen = await login("karen");
  assert.deepEqual(await inbox(karen), [], "Karen sees no security-function task");

  // Anna assesses: a medium deviation whose action lies outside her mandate. The step
  // has a form (samples/deviation-assess-input.form), shown with form-js; the decision
  // table after it (samples/committee-question.dmn) sends the case to the committee.
  await work(anna, "assess-input", async (p) => {
    await p.waitForSelector("#task-form .fjs-form");
    await p.getByLabel("Personal data").check();
    await p.selectOption("#task-form select", "medium").catch(async () => {
      await p.click("#task-form .fjs-form-field-select .fjs-input-group");
      await p.click("#task-form .fjs-dropdownlist-item:has-text('Medium')");
    });
    assert.equal(await p.getByLabel("within the security function's mandate", { exact: false }).isChecked(), false);
  });

  // Karen decides in the committee.
  tasks = await inbox(karen);
  assert.deepEqual(tasks.map((t) => t.node), ["committee-decides"]);
  await work(karen, "committee-decides");

  // Anna informs the business functions; Mette carries out and reports back.
  // Anna names the affected unit: the carry-out task goes to its inbox.
  await work(anna, "inform-functions", async (p) => {
    await p.check("fieldset[data-field=affectedUnits] input[value=business-functions]");
  });
  await work(mette, "carry-out");
  await work(mette, "report-back", async (p) => {
    await p.waitForSelector("#task-form .fjs-form");
    await p.getByLabel("The instruction was followed").check();
    await p.getByLabel("The activity was successful").check();
  });
  // Anna records the outcome: successful, followed, not recurring: the case closes.
  await work(anna, "record-outcome", async (p) => {
    await p.check("fieldset[data-field=successful] input[value=true]");
    await p.check("fieldset[data-field=instructionFollowed] input[value=true]");
    await p.check("fieldset[data-field=recurring] input[value=false]");
  });

  // The case view: completed, every step done in the diagram, the trail names each person.
  // The diagram is bpmn-js's navigated viewer with raciflow's marks.
  await anna.goto(base + "/#/case/" + caseId);
  await anna.waitForSelector("#case-canvas g.djs-element.rf-done");
  assert.equal(await anna.getAttribute("#case-status", "class"), "badge status-completed");
  for (const node of ["assess-input", "committee-question", "committee-decides", "inform-functions", "carry-out", "report-back", "record-outcome", "deviation-closed"]) {
    const cls = await anna.getAttribute(`#case-canvas g.djs-element[data-element-id='${node}']`, "class");
    assert.match(cls, /\brf-done\b/, `${node} is marked done in the diagram`);
  }
  assert.equal(await anna.$$eval("#case-canvas g.rf-active", (g) => g.length), 0, "nothing is current in a closed case");
  // A click on a step lists its audit records.
  await anna.click("#case-canvas g.djs-element[data-element-id='committee-decides']");
  await anna.waitForSelector("#step-records table.audit tr[data-action='task_completed']");
  assert.ok((await anna.textContent("#step-records")).includes("Karen Lund"), "the person by name");
  // Each cell's id where it shows a name (the person, the action): its title.
  const trail = await anna.$$eval(".timeline table.audit tbody tr", (rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.title || td.textContent)));
  const completions = trail.filter((r) => r[4] === "task_completed").map((r) => [r[1], r[5], r[3]]);
  assert.deepEqual(completions.map((c) => c[0] + ":" + c[1]), [
    "anna:assess-input", "karen:committee-decides", "anna:inform-functions", "mette:carry-out", "mette:report-back",
    "anna:record-outcome"]);
  assert.ok(completions.every((c) => c[2].includes("R")), "each completion is by a Responsible role");
  assert.ok(trail.some((r) => r[4] === "consultation_answered" && r[1] === "mette"), "Mette's consultation is in the trail");
  const csv = await anna.evaluate(async (id) => (await fetch(`/api/cases/${id}/audit?format=csv`)).text(), caseId);
  assert.match(csv.split("\n")[0], /seq/);
  await shot(anna, "case-view");

  // Mette sees the closed case too (her role took part) but may not cancel anything.
  await mette.goto(base + "/#/case/" + caseId);
  await mette.waitForSelector("#case-canvas g.djs-element");
  assert.equal(await mette.$$eval("button.danger", (b) => b.length), 0);
  await shot(mette, "case-view-da");

  // Ida (auditor) verifies the chain.
  const ida = await login("ida");
  await ida.goto(base + "/#/audit");
  await ida.click("#verify");
  await ida.waitForSelector("#verify-result .ok");
  assert.match(await ida.textContent("#verify-result"), /unbroken chain/);
  await shot(ida, "audit-verified");
  // The completed deviation evidences nonconformities and corrective actions (10.2).
  await ida.waitForSelector("tr[data-item='nonconformities'].covered");
  assert.equal(await ida.$$eval("tr[data-item='internal-audit'].gap", (r) => r.length), 1);

  // The year: the wheel picture with its twelve months, and the plan item Mette marks done.
  await mette.goto(base + "/#/year/2026");
  await mette.waitForSelector(".diagram svg.wheel");
  assert.equal(await mette.$$eval("svg.wheel path.month", (p) => p.length), 12);
  // Mette reads Danish: the months are Danish too (maj, okt.), not the SVG's English.
  const months = await mette.$$eval("svg.wheel text.month-name", (t) => t.map((x) => x.textContent));
  assert.equal(months.length, 12);
  assert.ok(months[4].toLowerCase().startsWith("maj") && months[9].toLowerCase().startsWith("okt"), `Danish month names: ${months}`);
  assert.equal(await mette.$$eval("tr[data-activity='awareness']", (r) => r.length), 2);
  await mette.click("tr[data-plan='phishing'] button");
  await mette.waitForFunction(() => !document.querySelector("tr[data-plan='phishing'] button"));
  await shot(mette, "annual-wheel-da");

  // The agenda lists the deviation among those handled.
  await ida.goto(base + "/#/agenda?since=2026-01-01");
  await ida.waitForSelector(`li[data-section='deviations-handled'] li[data-case='${caseId}']`);
  await shot(ida, "agenda");
  console.log(`ok: case ${caseId} ran start to finish in the browser; screenshots in ${artifacts}`);
});

async function page_title(page, expected) {
  await page.waitForSelector("main h1");
  assert.equal(await page.textContent("main h1"), expected);
}
