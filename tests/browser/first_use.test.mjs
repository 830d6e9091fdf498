// What a new user hit on a first try of the app, in Danish, each checked where it shows
// (issue: "The web app a coordinator shows the director"): hidden buttons that showed, a
// flow's line that stayed black with a finding, process ids where names belong, the wheel
// cut off with an English legend of role ids, the header wrapping at 1400 px, "1 fejl" and
// the trail's codes, a stale "fix the errors first", a generated id deployed unasked, and a
// lane renamed when its role was chosen; and bpmn-js's own palette in Danish.
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repo, run, passwordOf } from "./harness.mjs";

// A flow as another modeler draws it: a generated id, a lane of the organisation's
// security function, a gateway whose "Ja" flow reads a level.
const drawnElsewhere = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" targetNamespace="t">
  <process id="Process_1xk4c2d" name="Håndtering af afvigelse" isExecutable="true">
    <laneSet id="ls"><lane id="Lane_1h3ro2s" name="Sikkerhed" raci:role="security-function">
      <flowNodeRef>s</flowNodeRef><flowNodeRef>t</flowNodeRef><flowNodeRef>g</flowNodeRef><flowNodeRef>e</flowNodeRef></lane></laneSet>
    <startEvent id="s" name="Afvigelse indberettet"/>
    <userTask id="t" name="Vurdér afvigelsen"/>
    <exclusiveGateway id="g" name="Alvorlig?" default="f3"/>
    <endEvent id="e" name="Afsluttet"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <sequenceFlow id="f0" sourceRef="t" targetRef="g"/>
    <sequenceFlow id="f2" name="Ja" sourceRef="g" targetRef="e"><conditionExpression>level &gt; 3</conditionExpression></sequenceFlow>
    <sequenceFlow id="f3" sourceRef="g" targetRef="e"/>
  </process>
</definitions>
`;

await run("first-use", (s) => {
  const samples = readdirSync(join(repo, "samples")).filter((f) => /\.(bpmn|dmn|form)$/.test(f));
  s.cli("deploy", ...samples.map((f) => join(repo, "samples", f)), "--as", "setup");
  s.cli("org", "load", join(repo, "samples/org.xml"), "--as", "setup");
  s.cli("wheel", "load", join(repo, "samples/annual-wheel.xml"), "--as", "setup");
  s.passwords("anna");
  // The flow drawn elsewhere, deployed as it is, with one case: Anna's only task.
  s.cli("deploy", s.file("drawn.bpmn", drawnElsewhere), "--as", "setup");
  s.cli("start", "Process_1xk4c2d", "--as", "anna");
  // With a diagram for the Model screen, and a condition that does not parse.
  s.laidOut = s.cli("layout", s.file("drawn-again.bpmn", drawnElsewhere.replace("Process_1xk4c2d", "Process_0ab12cd")))
    .replace("level &gt; 3", "level &gt;");
}, async (s) => {
  const context = await s.browser.newContext({ locale: "da-DK", viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => { throw new Error("page error: " + e.message); });

  // The login screen has no "Log ud".
  await page.goto(s.base + "/");
  await page.waitForSelector("#login-person");
  assert.equal(await page.isVisible("#logout"), false, "no log-out button before logging in");
  await page.fill("#login-person", "anna");
  await page.fill("#login-password", passwordOf("anna"));
  await page.click("#login-submit");
  await page.waitForSelector("table.tasks tbody tr");

  // The header holds the language picker and "Log ud" on its one row at 1400 px.
  const top = async (selector) => (await page.locator(selector).boundingBox()).y;
  const brand = await top(".brand");
  for (const selector of ["#lang", "#logout"])
    assert.ok(Math.abs((await top(selector)) - brand) < 20, selector + " sits on the header's row");

  // The inbox of one task: the process by its name, and no "Vis flere".
  const rows = await page.$$eval("table.tasks tbody tr", (r) => r.map((row) => row.children[1].textContent));
  assert.deepEqual(rows, ["Håndtering af afvigelse"]);
  assert.equal(await page.isVisible("button.more"), false, "no 'show more' under one row");
  await s.shot(page, "inbox");

  // The case's trail: actions in words.
  const task = await page.$eval("table.tasks tbody tr", (r) => r.dataset.task);
  await page.goto(s.base + "/#/task/" + task);
  await page.waitForSelector("main h1");
  await page.click("main .crumbs a");
  await page.waitForSelector("tr[data-action='case_started']");
  assert.equal((await page.textContent("tr[data-action='case_started'] td:nth-child(5)")).trim(), "sag startet");

  // The annual wheel: whole, its legend in Danish with the roles' names.
  await page.goto(s.base + "/#/year");
  await page.waitForSelector(".diagram.wheel-box svg");
  const box = await page.$eval(".diagram.wheel-box", (b) => [b.scrollHeight, b.clientHeight]);
  assert.ok(box[0] <= box[1] + 1, "the wheel is not cut off: " + box);
  const legend = await page.$$eval("text.legend-role, text.legend-mark", (t) => t.map((x) => x.textContent));
  assert.ok(legend.includes("Information security function") && !legend.includes("security-function"), "roles by name: " + legend);
  assert.ok(legend.includes("udført") && legend.includes("overskredet"), "marks in Danish: " + legend);
  await s.shot(page, "wheel");

  // The Model screen: the flow drawn elsewhere, with a finding on its "Ja" flow.
  await page.goto(s.base + "/#/model");
  await page.waitForSelector("#model-import", { state: "attached" });
  await page.setInputFiles("#model-import", { name: "drawn.bpmn", mimeType: "application/xml", buffer: Buffer.from(s.laidOut) });
  await page.waitForSelector("#model-canvas g.djs-connection.rf-error[data-element-id='f2']", { state: "attached" });
  assert.equal(await page.getAttribute(".djs-palette [data-action='create.task']", "aria-label"), "Opret opgave", "bpmn-js speaks Danish");
  const stroke = await page.$eval("#model-canvas g.djs-connection[data-element-id='f2'] .djs-visual > path", (p) => getComputedStyle(p).stroke);
  assert.equal(stroke, "rgb(198, 40, 40)", "the flow's line is red");
  assert.equal((await page.textContent("#findings-count")).trim(), "1 fejl, 0 advarsler");
  assert.equal((await page.textContent("ul.findings li a")).trim(), "Ja", "the finding names the flow");
  assert.match(await page.textContent("ul.findings li"), /betingelsen på 'Ja' \(f2\) kan ikke læses/, "the finding in Danish");
  await s.shot(page, "finding");
  // Deploy refused; once the condition is fixed, the refusal goes.
  await page.click("#model-deploy");
  await page.waitForSelector("#deploy-refused");
  await page.click("ul.findings li a");
  await page.waitForSelector("#flow-condition");
  await page.fill("#flow-condition", "level > 3");
  await page.waitForSelector("#model-valid");
  await page.waitForSelector("#deploy-refused", { state: "detached" });
  // Before the first deploy: an id from the name instead of the generated one.
  await page.click("#model-deploy");
  await page.waitForSelector("#id-suggestion");
  assert.match(await page.textContent("#id-suggestion"), /Process_0ab12cd/);
  await page.click("#use-suggested-id");
  await page.waitForFunction(() => document.getElementById("model-name").textContent.includes("(haandtering-af-afvigelse)"));
  await page.waitForSelector("#deploy-confirm");
  assert.equal(await page.$("#id-suggestion"), null, "a chosen id is not questioned again");

  // Choosing a lane's role keeps the name the modeller gave the lane.
  await page.click("#model-canvas g.djs-element[data-element-id='Lane_1h3ro2s'] .djs-hit", { position: { x: 10, y: 40 }, force: true });
  await page.waitForSelector("#lane-role");
  await page.selectOption("#lane-role", "business-functions");
  await page.waitForFunction(() => [...document.querySelectorAll("#model-raci th")].some((th) => th.textContent === "Business functions"));
  const laneName = await page.$eval("#model-canvas g.djs-element[data-element-id='Lane_1h3ro2s'] text", (t) => t.textContent);
  assert.equal(laneName, "Sikkerhed", "the lane keeps its name");
  await context.close();
});
