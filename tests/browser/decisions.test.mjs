// Decision tables in Debian's Chromium: Sofie (a modeller) opens the deployed risk
// assessment in the Model screen, selects its business-rule task "Score the residual
// risk" and opens the risk method's residual table in dmn-js. She changes one rule as a
// modeller does, by typing in its cell: a medium residual risk is now accepted by top
// management, not the committee. raciflow checks the edited table as she types; the
// change table before the deploy shows that one rule changed; the deploy makes a new
// version of the decision model, and a new case with a medium risk takes the new route.
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo, run } from "./harness.mjs";

await run("decisions", (s) => {
  const org = readFileSync(join(repo, "samples/org.xml"), "utf8").replace('<person id="sofie"', '<person id="sofie" access="modeller"');
  s.cli("org", "load", s.file("org.xml", org), "--as", "setup");
  s.cli("deploy", join(repo, "samples/risk-assessment.bpmn"), "--as", "setup");
  s.passwords("sofie");
}, async (s) => {
  const sofie = await s.login("sofie");
  await sofie.click("#nav-model");
  await sofie.waitForSelector("#model-canvas .djs-container");
  const settled = () => sofie.waitForResponse((r) => new URL(r.url()).pathname === "/api/validate");
  // The validation of a table whose XML holds `has` and not `hasNot`.
  const validatedWith = (has, hasNot) => sofie.waitForResponse((r) => {
    const body = new URL(r.url()).pathname === "/api/validate" ? r.request().postData() || "" : "";
    return body.includes(has) && !(hasNot && body.includes(hasNot));
  });
  await Promise.all([settled(), sofie.selectOption("#model-open", "risk-assessment")]);
  await sofie.waitForSelector("#model-canvas g.djs-element[data-element-id='score-residual']");
  await sofie.evaluate(() => {
    const m = window.raciflowModeler;
    m.get("selection").select(m.get("elementRegistry").get("score-residual"));
  });
  assert.equal(await sofie.textContent("#step-decision-id"), "residual-level", "the panel names the step's decision");
  await sofie.click("#step-decision");
  const cell = "#decision-canvas td.output-cell[data-row-id='Rule_residual_medium'][data-col-id='Output_residual_accept']";
  await sofie.waitForSelector(cell);
  await s.shot(sofie, "table");

  // She types the new value into the cell; the edited table is validated by the server.
  const validated = validatedWith("residual-level.dmn");
  await sofie.click(cell + " .content-editable", { clickCount: 3 });
  await sofie.keyboard.press("Control+A");
  await sofie.keyboard.type("true");
  const answer = await (await validated).json();
  assert.equal(answer.ok, true, "the edited table is valid: " + JSON.stringify(answer.findings));
  await sofie.click("#model-name");  // leave the cell
  assert.equal(await sofie.textContent("#step-decision-id"), "residual-level");

  // A mistake in a cell is found at once, on the table's file and line.
  const checked = validatedWith("<text>1 +</text>");
  const level = "#decision-canvas td.output-cell[data-row-id='Rule_residual_low'][data-col-id='Output_residual_level'] .content-editable";
  await sofie.click(level, { clickCount: 3 });
  await sofie.keyboard.press("Control+A");
  await sofie.keyboard.type("1 +");
  const wrong = await (await checked).json();
  assert.equal(wrong.ok, false, "an expression cut short is an error");
  assert.ok(wrong.findings.some((f) => f.file === "residual-level.dmn" && f.severity === "error"), JSON.stringify(wrong.findings));
  await sofie.waitForSelector("#model-findings li.error");
  const fixed = validatedWith(JSON.stringify('"low"</text>').slice(1, -1), "<text>1 +</text>");
  // still in the cell
  await sofie.keyboard.press("Control+A");
  await sofie.keyboard.type("\"low\"");
  assert.equal((await (await fixed).json()).ok, true, "fixed again");
  assert.equal(await sofie.textContent(level), '"low"');

  // The change table: no step changed, one rule did.
  await sofie.click("#model-deploy");
  await sofie.waitForSelector("#deploy-confirm-button");
  await sofie.waitForSelector("#rule-changes tr[data-rule='Rule_residual_medium'].change-changed");
  assert.equal(await sofie.$$eval("#rule-changes tbody tr", (rows) => rows.length), 1, "only the edited rule is listed");
  const shown = await sofie.textContent("#rule-changes tr[data-rule='Rule_residual_medium']");
  assert.match(shown, /top management accepts: false/);
  assert.match(shown, /top management accepts: true/);
  await s.shot(sofie, "changes");
  const [deployed] = await Promise.all([
    sofie.waitForResponse((r) => r.url().endsWith("/api/definitions") && r.request().method() === "POST"),
    sofie.click("#deploy-confirm-button")]);
  assert.equal(deployed.status(), 201);
  const out = await deployed.json();
  assert.ok(out.some((d) => d.decision_model === "risk-method" && d.version === 2), "a new version of the decision model: " + JSON.stringify(out));
  // The flow's register declaration came through the Model screen whole.
  const flow = await sofie.evaluate(() => fetch("/api/definitions/risk-assessment/xml").then((r) => r.text()));
  assert.match(flow, /raci:register="risks"/);
  assert.match(flow, /<raci:column variable="riskOwner" type="role" carry="true" label="Risk owner" labelDa="Risikoejer" \/>/);
  assert.match(flow, /<raci:heatMap size="4" likelihood="likelihood" impact="impact"/);
  assert.match(s.cli("register"), /risks +Risk register/);

  // A new case with a medium residual risk (3 × 2 after treatment) is now accepted by top management.
  const id = s.cli("message", "Risk assessment due", "--as", "anna").trim().split("\n")[0];
  const walk = (node, person, ...vars) => {
    const task = s.cli("tasks", "--case", id, "--node", node, "--ids").trim();
    assert.ok(task, "an open task at " + node);
    s.cli("complete", task, "--as", person, ...vars.flatMap((v) => ["--var", v]));
  };
  walk("identify", "anna", "asset=Payroll", "threat=Fraud", "riskOwner=business-functions");
  walk("analyse", "anna", "likelihood=3", "impact=2");
  walk("propose", "anna", "treatment=transfer", "residualLikelihood=3", "residualImpact=2");
  walk("approve", "karen", "approved=true");
  const open = JSON.parse(s.cli("tasks", "--case", id, "--json"));
  assert.deepEqual(open.map((t) => t.node), ["accept"], "top management accepts the medium risk now");
  const scored = JSON.parse(s.cli("audit", id, "--format", "json")).find((r) => r.action === "decision_evaluated" && r.node === "score-residual");
  assert.equal(scored.data.version, 2, "the new version decided");
  assert.match(s.cli("audit", "verify"), /ok/i);
});
