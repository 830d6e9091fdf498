// Forms and evidence in Debian's Chromium: Sofie (a modeller) opens a deployed flow in the
// Model screen, designs the assessment step's form with form-js's editor (the severity
// that the gateway after the step reads is offered as a key; she adds it with one click,
// and a text area and a file picker besides), keeps it and deploys. Anna (security
// function) fills the form in her task screen and attaches a file through its file
// picker; the server checks the data and seals the file in the trail. The case view shows
// the filled form read-only, the file and a comment; Ida (auditor) downloads the file and
// gets the very bytes.
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo, run } from "./harness.mjs";

const FLOW = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1"
    id="defs" targetNamespace="urn:test">
  <bpmn:process id="leak-report" name="Leak report" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="security-function" name="Security function">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>assess</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>severe</bpmn:flowNodeRef><bpmn:flowNodeRef>done</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="security-committee" name="Security committee">
        <bpmn:flowNodeRef>decide</bpmn:flowNodeRef><bpmn:flowNodeRef>decided</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="Leak reported"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="assess"/>
    <bpmn:userTask id="assess" name="Assess the leak" raci:iso="A.5.25"/>
    <bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="severe"/>
    <bpmn:exclusiveGateway id="severe" name="How severe?" default="f4"/>
    <bpmn:sequenceFlow id="f3" name="High" sourceRef="severe" targetRef="decide">
      <bpmn:conditionExpression>severity == 'high'</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" name="Low" sourceRef="severe" targetRef="done"/>
    <bpmn:userTask id="decide" name="Decide on the leak"/>
    <bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="decided"/>
    <bpmn:endEvent id="decided" name="Decided"/>
    <bpmn:endEvent id="done" name="Handled"/>
  </bpmn:process>
</bpmn:definitions>
`;
const PROOF = "line 1 of the proxy log\n<script>alert(1)</script>\n";

await run("forms", (s) => {
  const org = readFileSync(join(repo, "samples/org.xml"), "utf8").replace('<person id="sofie"', '<person id="sofie" access="modeller"');
  s.cli("org", "load", s.file("org.xml", org), "--as", "setup");
  s.cli("deploy", s.file("leak-report.bpmn", FLOW), "--as", "setup");
  s.passwords("sofie", "anna", "ida");
}, async (s) => {
  // --- Sofie designs the form --------------------------------------------------------------
  const sofie = await s.login("sofie");
  await sofie.click("#nav-model");
  await sofie.waitForSelector("#model-canvas .djs-container");
  const settled = () => sofie.waitForResponse((r) => new URL(r.url()).pathname === "/api/validate");
  await Promise.all([settled(), sofie.selectOption("#model-open", "leak-report")]);
  await sofie.waitForSelector("#model-canvas g.djs-element[data-element-id='assess']");
  await sofie.evaluate(() => {
    const m = window.raciflowModeler;
    m.get("selection").select(m.get("elementRegistry").get("assess"));
  });
  await sofie.click("#step-form");
  await sofie.waitForSelector("#form-editor .fjs-editor-container");
  // The gateway's variable is offered; one click adds the field that asks it.
  await sofie.waitForSelector("#form-offered li[data-key='severity'] button[data-add]");
  await sofie.click("#form-offered li[data-key='severity'] button[data-add]");
  await sofie.waitForSelector("#form-offered li[data-key='severity'] .badge");
  // Two more fields, as the editor's palette adds them.
  await sofie.evaluate(() => {
    const editor = window.raciflowFormEditor;
    const modeling = editor.get("modeling"), registry = editor.get("formFieldRegistry");
    const root = registry.getAll().find((f) => f.type === "default");
    modeling.addFormField({ type: "textarea", id: "Field_what", key: "whatHappened", label: "What happened",
      validate: { required: true, minLength: 10 } }, root, root.components.length);
    modeling.addFormField({ type: "filepicker", id: "Field_proof", key: "proof", label: "Proof (log or screenshot)" },
      root, root.components.length);
  });
  await s.shot(sofie, "editor");
  await sofie.click("#form-keep");
  assert.equal(await sofie.evaluate(() => window.raciflowModeler.get("elementRegistry").get("assess").businessObject.get("raci:form")),
    "leak-report-assess", "the step names its new form");
  await settled();
  assert.equal(await sofie.$$eval("#model-findings li.error", (l) => l.length), 0, "no error after the form is kept");
  await sofie.click("#model-deploy");
  await sofie.waitForSelector("#deploy-confirm-button");
  const [deployed] = await Promise.all([
    sofie.waitForResponse((r) => r.url().endsWith("/api/definitions") && r.request().method() === "POST"),
    sofie.click("#deploy-confirm-button")]);
  assert.equal(deployed.status(), 201);
  const out = await deployed.json();
  assert.ok(out.some((d) => d.form === "leak-report-assess" && d.version === 1), "the form is deployed: " + JSON.stringify(out));
  assert.ok(out.some((d) => d.process === "leak-report" && d.version === 2), "with a new version of the process: " + JSON.stringify(out));

  // --- Anna fills it in --------------------------------------------------------------------
  const caseId = s.cli("start", "leak-report", "--as", "anna").trim().split("\n")[0];
  const anna = await s.login("anna");
  const tasks = await s.inbox(anna);
  const task = tasks.find((t) => t.node === "assess");
  await anna.goto(s.base + "/#/task/" + task.id);
  await anna.click("#claim");
  await anna.waitForSelector("#task-form .fjs-form");
  // form-js takes typed text after a short debounce: wait until its data has it.
  const type = async (selector, key, text) => {
    await anna.fill(selector, text);
    await anna.waitForFunction(([key, text]) => window.raciflowTaskForm._getState().data[key] === text, [key, text]);
  };
  // form-js itself marks too short a text before anything is sent.
  await type("#task-form textarea", "whatHappened", "short");
  await anna.selectOption("#task-form select", "high").catch(async () => {
    await anna.click("#task-form .fjs-form-field-select .fjs-input-group");
    await anna.click("#task-form .fjs-dropdownlist-item:has-text('high')");
  });
  await anna.click("#complete");
  await anna.waitForSelector("#flash.error");
  await type("#task-form textarea", "whatHappened", "Customer data in a public bucket for two days");
  await anna.setInputFiles("#task-form input[type=file]", { name: "proxy.log", mimeType: "text/plain", buffer: Buffer.from(PROOF) });
  await s.shot(anna, "filled");
  const [completed] = await Promise.all([
    anna.waitForResponse((r) => r.url().includes("/complete")),
    anna.click("#complete")]);
  assert.equal(completed.status(), 200, "completed: " + (await completed.text()));
  await anna.waitForFunction(() => location.hash === "#/tasks");
  const shown = JSON.parse(s.cli("show", caseId, "--json"));
  assert.equal(shown.variables.severity, "high");
  assert.equal(typeof shown.variables.proof, "number", "the file picker's value is the attachment's id");

  // The case view: the file, the form as filled, and a comment.
  await anna.goto(s.base + "/#/case/" + caseId);
  await anna.waitForSelector("#case-attachments a.attachment");
  await anna.fill("#comment-text", "The bucket is private again.");
  await anna.click("#comment-form button[type=submit]");
  await anna.waitForSelector("#case-comments li[data-seq]");
  await anna.click(`tr[data-task='${task.id}'] button.show-form`);
  await anna.waitForSelector(`#filled-form-${task.id} .fjs-form textarea`);
  assert.equal(await anna.inputValue(`#filled-form-${task.id} .fjs-form textarea`), "Customer data in a public bucket for two days");
  await s.shot(anna, "case");

  // --- Ida, the auditor, downloads the file ----------------------------------------------------
  const ida = await s.login("ida");
  await ida.goto(s.base + "/#/case/" + caseId);
  await ida.waitForSelector("#case-attachments a.attachment");
  assert.equal(await ida.$("#attach-form"), null, "the auditor adds no files");
  const [download] = await Promise.all([ida.waitForEvent("download"), ida.click("#case-attachments a.attachment")]);
  assert.equal(download.suggestedFilename(), "proxy.log");
  assert.equal(readFileSync(await download.path(), "utf8"), PROOF);
  const verify = s.cli("audit", "verify");
  assert.match(verify, /ok/i);
});
