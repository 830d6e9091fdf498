// The Model screen in Debian's Chromium: Sofie (a modeller) starts an empty flow with two
// lanes, draws three tasks behind a gateway with bpmn-js's palette and context pad, sets
// R/A/C/I from the panel's pickers, sees raciflow's validator mark the gateway flows that
// have no condition, fixes them and sees the marks go, deploys, and a case of the new
// process runs its first task. Re-opened, the process keeps the RACI exactly as set; the
// exported file validates with `raciflow validate` and keeps every raci:* attribute.
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { repo, run } from "./harness.mjs";

await run("modeler", (s) => {
  const org = readFileSync(join(repo, "samples/org.xml"), "utf8").replace('<person id="sofie"', '<person id="sofie" access="modeller"');
  s.cli("org", "load", s.file("org.xml", org), "--as", "setup");
  s.passwords("sofie", "anna");
}, async (s) => {
  const sofie = await s.login("sofie", "da-DK");  // in Danish, as the documentation shows it
  const page = sofie;
  const selected = () => page.evaluate(() => window.raciflowModeler.get("selection").get().map((e) => e.id)[0]);
  const props = (id) => page.evaluate((id) => {
    const bo = window.raciflowModeler.get("elementRegistry").get(id).businessObject;
    const out = { type: bo.$type, name: bo.name };
    for (const a of ["responsible", "accountable", "consulted", "informed", "due", "iso"]) out[a] = bo.get("raci:" + a);
    return out;
  }, id);
  // The element's centre on the screen.
  const centre = async (id) => {
    const box = await page.locator(`#model-canvas g.djs-element[data-element-id='${id}'] .djs-hit`).first().boundingBox();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  // A click selects an element; on the one already selected it would deselect it.
  const select = async (id) => {
    if ((await selected()) === id) return;
    const c = await centre(id);
    await page.mouse.click(c.x, c.y);
    await page.waitForFunction((id) => window.raciflowModeler.get("selection").get().some((e) => e.id === id), id);
  };
  // Appends a shape to the selected element from its context pad; returns the new id.
  const append = async (from, action) => {
    await select(from);
    await page.click(`.djs-context-pad [data-action='${action}']`);
    await page.waitForFunction((from) => {
      const now = window.raciflowModeler.get("selection").get()[0];
      return now && now.id !== from;
    }, from);
    return selected();
  };
  // Makes the selected task a user task from the panel (bpmn-js replaces the element).
  const userTask = async () => {
    await page.selectOption("#step-kind", "bpmn:UserTask");
    await page.waitForFunction(() => window.raciflowModeler.get("selection").get()[0]?.type === "bpmn:UserTask");
    return selected();
  };
  const setText = async (selector, value) => {
    await page.fill(selector, value);
    await page.press(selector, "Enter");
    await page.locator(selector).blur();
  };
  const findings = () => page.evaluate(() => [...document.querySelectorAll("#model-findings li")].map((li) => ({
    element: li.dataset.element, severity: li.className, text: li.textContent })));
  const settled = () => page.waitForResponse((r) => new URL(r.url()).pathname === "/api/validate");

  // An empty flow: Sofie keeps two of the organisation's roles as lanes.
  await page.click("#nav-model");
  await page.waitForSelector("#model-canvas .djs-container");
  await page.click("#model-new");
  for (const box of await page.$$("#new-flow input[type=checkbox]")) {
    const role = await box.getAttribute("value");
    if (role !== "security-function" && role !== "business-functions") await box.uncheck();
  }
  await Promise.all([settled(), page.click("#new-flow-create")]);
  await page.waitForSelector("#model-canvas g.djs-element[data-element-id='Lane_security-function']");
  assert.equal(await page.$$eval("#model-canvas g.djs-element[data-element-id^='Lane_']", (l) => l.length), 2, "two lanes");

  // Start → assess → gateway → (grant | refuse), each task a user task.
  await append("start", "append.append-task");
  const assess = await userTask();
  await setText("#step-name", "Vurdér anmodningen om adgang");
  const gateway = await append(assess, "append.gateway");
  await append(gateway, "append.append-task");
  const grant = await userTask();
  await setText("#step-name", "Giv adgangen");
  await append(gateway, "append.append-task");
  const refuse = await userTask();
  await setText("#step-name", "Forklar afslaget");
  // Refusing is the business functions' work: drag it into their lane.
  const lane = await page.locator("#model-canvas g.djs-element[data-element-id='Lane_business-functions'] .djs-hit").first().boundingBox();
  const from = await centre(refuse);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 20, lane.y + lane.height / 2, { steps: 8 });
  await page.mouse.move(from.x + 30, lane.y + lane.height / 2, { steps: 4 });
  await page.mouse.up();
  for (const task of [grant, refuse]) await append(task, "append.end-event");

  // RACI from the pickers: the committee is Consulted on the assessment, top management
  // (no lane of its own) Accountable and Informed.
  await select(assess);
  await page.check("fieldset[data-attribute='raci:consulted'] input[value='security-committee']");
  await page.selectOption("#step-accountable", "top-management");
  await page.check("fieldset[data-attribute='raci:informed'] input[value='top-management']");
  await setText("#step-due", "P5D");
  await setText("#step-iso", "A.5.18");
  await select(refuse);
  await page.check("fieldset[data-attribute='raci:informed'] input[value='security-function']");

  // The gateway's flows have no condition: raciflow marks them on the canvas.
  await page.waitForSelector("#model-canvas g.djs-element.rf-error", { state: "attached" });
  const flows = await page.evaluate((g) => window.raciflowModeler.get("elementRegistry").get(g).outgoing.map((f) => f.id), gateway);
  assert.equal(flows.length, 2);
  let list = await findings();
  for (const f of flows) {
    assert.ok(list.some((x) => x.element === f && x.severity === "error"), `flow ${f} has an error finding: ${JSON.stringify(list)}`);
    assert.match(await page.getAttribute(`#model-canvas g.djs-element[data-element-id='${f}']`, "class"), /\brf-error\b/);
  }
  await s.shot(page, "marked");
  // Fix them from the finding list: a click selects the flow, the panel takes its condition.
  for (const [f, condition] of [[flows[0], "approved == true"], [flows[1], "approved == false"]]) {
    await page.click(`#model-findings li[data-element='${f}'] a`);
    await page.waitForSelector("#flow-condition");
    await Promise.all([settled(), page.fill("#flow-condition", condition)]);
  }
  await page.waitForFunction((ids) => ids.every((id) =>
    !document.querySelector(`#model-canvas g.djs-element[data-element-id='${id}']`).classList.contains("rf-error")), flows);
  list = await findings();
  assert.ok(!list.some((x) => x.severity === "error"), "no error is left: " + JSON.stringify(list));

  // The process: its id and name, and its RACI matrix, live.
  await page.keyboard.press("Escape");
  await page.click("#model-canvas", { position: { x: 600, y: 560 } });  // empty canvas: the process
  await page.waitForSelector("#process-id");
  await setText("#process-id", "access-request");
  await Promise.all([settled(), setText("#process-name", "Anmodning om adgang")]);
  await page.waitForSelector(`#model-raci table.raci tr[data-step='${assess}']`);
  const row = await page.$$eval(`#model-raci table.raci tr[data-step='${assess}'] td`, (td) => td.map((x) => x.textContent));
  assert.ok(row.includes("R") && row.includes("C") && row.includes("A/I"), "the matrix row of the assessment: " + row);
  const shot = await s.shot(page, "model");
  // RACIFLOW_SCREENSHOT=docs/images/modeler.png refreshes the documentation's picture.
  if (process.env.RACIFLOW_SCREENSHOT) copyFileSync(shot, process.env.RACIFLOW_SCREENSHOT);

  // Deploy: the change table lists the three tasks as added, then version 1 is live.
  await page.click("#model-deploy");
  await page.waitForSelector("#deploy-confirm");
  for (const id of [assess, grant, refuse]) await page.waitForSelector(`#deploy-confirm tr.change-added[data-step='${id}']`);
  await s.shot(page, "changes");
  await page.click("#deploy-confirm-button");
  await page.waitForFunction(() => location.hash === "#/definition/access-request");
  await page.waitForSelector("table.versions tr[data-version='1']");

  // A case of the new process: Anna (security function) does the first task.
  await page.goto(s.base + "/#/cases");
  await page.click("#start summary");
  await page.selectOption("select[name=way]", { label: "Anmodning om adgang — Start" });
  await page.click("#start-form button[type=submit]");
  await page.waitForSelector("#case-status");
  const anna = await s.login("anna");
  await s.work(anna, assess, async (p) => p.check("fieldset[data-field=approved] input[value=true]"));
  const moved = await anna.evaluate(async () => {
    const cases = await (await fetch("/api/cases?process=access-request")).json();
    const tasks = await (await fetch("/api/tasks?case=" + cases[0].id)).json();
    return { cases: cases.length, open: tasks.filter((t) => t.status !== "completed").map((t) => t.node) };
  });
  assert.deepEqual(moved, { cases: 1, open: [grant] }, "the case moved on to granting the access");

  // Re-opened from the server, the RACI is exactly as set.
  await page.goto(s.base + "/#/model?process=access-request");
  await page.waitForSelector(`#model-canvas g.djs-element[data-element-id='${assess}']`);
  assert.deepEqual(await props(assess), { type: "bpmn:UserTask", name: "Vurdér anmodningen om adgang", responsible: undefined,
    accountable: "top-management", consulted: "security-committee", informed: "top-management", due: "P5D", iso: "A.5.18" });
  assert.equal((await props(refuse)).informed, "security-function");
  await select(assess);
  assert.equal(await page.$eval("#step-accountable", (s) => s.value), "top-management");
  assert.ok(await page.isChecked("fieldset[data-attribute='raci:consulted'] input[value='security-committee']"));

  // The exported file validates and keeps every raci:* attribute.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#model-export")]);
  const exported = join(s.workdir, "exported.bpmn");
  await download.saveAs(exported);
  const xml = readFileSync(exported, "utf8");
  for (const attribute of ['raci:accountable="top-management"', 'raci:consulted="security-committee"', 'raci:due="P5D"',
    'raci:iso="A.5.18"', 'raci:role="security-function"', 'raci:role="business-functions"', 'raci:informed="security-function"'])
    assert.ok(xml.includes(attribute), "the export keeps " + attribute);
  const validated = execFileSync(s.bin, ["validate", "--org", s.file("org-check.xml", readFileSync(join(repo, "samples/org.xml"), "utf8")), exported],
    { encoding: "utf8" });
  assert.match(validated, /exported\.bpmn: ok \(1 process/);

  // The samples open as templates and export with their multi-instance and event
  // sub-process attributes intact.
  for (const [file, process, kept] of [
    ["deviation-handling.bpmn", "deviation-handling", ['raci:collection="affectedUnits"', 'raci:elementVariable="unit"', 'raci:roleFromElement="true"']],
    ["security-incident.bpmn", "security-incident", ['triggeredByEvent="true"', 'messageRef="msg-withdrawn"', 'id="record-withdrawal"']]]) {
    await page.selectOption("#model-template", file);
    await page.waitForFunction((id) => window.raciflowModeler.getDefinitions()?.rootElements.some((e) => e.id === id), process);
    const round = await page.evaluate(async () => (await window.raciflowModeler.saveXML({ format: true })).xml);
    for (const attribute of kept) assert.ok(round.includes(attribute), file + " keeps " + attribute + " through the modeler");
  }
  console.log("ok: a flow drawn in the browser deployed and ran its first task");
});
