// The Registers screen in Debian's Chromium, in English and in Danish: three risks are
// assessed from the command line; Karen (top management and the committee) opens the
// risk register, sees the heat map with inherent and residual risk side by side, chooses
// a cell and gets its entries, opens an entry with its versions and trail, and downloads
// the register as a spreadsheet. Mette reads it in Danish. Sofie (IT operations) takes no
// part in the flow: the register is not in her list and its address shows nothing. Lars
// (security function) revises the Statement of Applicability on its screen; once top
// management approves, control 8.7 shows the risks that chose it.
//
// Run by ctest (tests/CMakeLists.txt) with RACIFLOW_BIN set to the built binary.
import assert from "node:assert/strict";
import { join } from "node:path";
import { repo, run } from "./harness.mjs";

await run("registers", (s) => {
  s.cli("deploy", ...["risk-assessment", "deviation-handling", "corrective-action", "soa-approval"].map((p) => join(repo, "samples", p + ".bpmn")), "--as", "setup");
  s.cli("org", "load", join(repo, "samples/org.xml"), "--as", "setup");
  s.passwords("karen", "mette", "sofie", "lars");
  const assess = (key, asset, scores, treatment) => {
    const id = s.cli("message", "Risk assessment due", "--key", key, "--as", "anna").trim().split("\n")[0];
    const step = (node, person, ...vars) => {
      const task = s.cli("tasks", "--case", id, "--node", node, "--ids").trim();
      s.cli("complete", task, "--as", person, ...vars.flatMap((v) => ["--var", v]));
    };
    step("identify", "lars", "asset=" + asset, "threat=Ransomware", "riskOwner=business-functions");
    step("analyse", "lars", "likelihood=" + scores[0], "impact=" + scores[1]);
    if (treatment) step("propose", "lars", "treatment=reduce", 'controls=["8.7","8.13"]', "residualLikelihood=" + treatment[0], "residualImpact=" + treatment[1]);
  };
  assess("RISK-2026-001", "Citizen case files", [3, 4], [2, 4]);
  assess("RISK-2026-002", "Payroll system", [3, 4], [1, 2]);
  assess("RISK-2026-003", "Public website", [1, 2]);
}, async (s) => {
  const karen = await s.login("karen");
  await karen.click("#nav a[href='#/registers']");
  await karen.waitForSelector("tr[data-register='risks']");
  assert.equal(await karen.textContent("tr[data-register='risks'] td:nth-child(3)"), "3", "three entries");
  await karen.click("tr[data-register='risks'] a");
  await karen.waitForSelector("#heatmap-inherent");
  await karen.waitForSelector("#heatmap-residual");
  // Likelihood 3, impact 4 holds two risks before treatment.
  const cell = "#heatmap-inherent a[href$='cell=inherent-3-4']";
  assert.equal(await karen.textContent(cell), "2");
  assert.equal(await karen.getAttribute(cell, "aria-label"), "Likelihood 3, impact 4: 2 entries");
  assert.equal(await karen.textContent("#heatmap-residual a[href$='cell=residual-2-4']"), "1");
  assert.equal(await karen.$$eval("table.register tbody tr", (rows) => rows.length), 3);
  await s.shot(karen, "heatmap-en");
  await karen.click(cell);
  await karen.waitForSelector("#clear-cell");
  const keys = await karen.$$eval("table.register tbody tr", (rows) => rows.map((r) => r.dataset.key));
  assert.deepEqual(keys, ["RISK-2026-001", "RISK-2026-002"], "the cell's entries");
  // Sorted by the residual level, highest text last.
  await karen.click("button.sort:text('Residual level')");
  await karen.waitForFunction(() => location.hash.includes("sort=residual.level"));
  await karen.waitForSelector("th[aria-sort='ascending']");
  // An entry: its values, its versions, its trail with roles and RACI letters.
  await karen.click("tr[data-key='RISK-2026-001'] a");
  await karen.waitForSelector("table.audit");
  assert.match(await karen.textContent("dl.facts"), /Citizen case files/);
  assert.match(await karen.textContent("dl.facts"), /Business functions/, "the risk owner by the role's name");
  assert.ok(await karen.$$eval("table.audit tbody tr", (rows) => rows.some((r) => r.dataset.action === "task_completed")));
  await s.shot(karen, "entry-en");
  // The spreadsheet.
  await karen.goBack();
  await karen.waitForSelector("a[download='risks.xlsx']");
  const [download] = await Promise.all([karen.waitForEvent("download"), karen.click("a[download='risks.xlsx']")]);
  const path = await download.path();
  assert.ok(path, "the workbook downloaded");

  // In Danish.
  const mette = await s.login("mette", "da-DK");
  await mette.goto(s.base + "/#/register/risks");
  await mette.waitForSelector("#heatmap-inherent");
  assert.equal(await mette.textContent("#heatmap-inherent caption"), "Iboende risiko (før håndtering)");
  assert.ok(await mette.$("button.sort:text('Restrisiko')"), "the columns' Danish labels");
  assert.equal(await mette.textContent("#nav a[href='#/registers']"), "Registre");
  await s.shot(mette, "heatmap-da");

  // Sofie takes no part in these flows: no register, and the address tells her nothing.
  const sofie = await s.login("sofie");
  await sofie.goto(s.base + "/#/registers");
  await sofie.waitForSelector("main p.empty");
  await sofie.goto(s.base + "/#/register/risks");
  await sofie.waitForSelector("main p.error");
  assert.equal(await sofie.$("#heatmap-inherent"), null);

  // The Statement of Applicability: a revision started and edited on its screen.
  const lars = await s.login("lars");
  await lars.goto(s.base + "/#/register/soa");
  await lars.waitForSelector("#soa-revise");
  await lars.click("#soa-revise");
  await lars.waitForSelector("#soa-edit");
  await lars.click("#soa-edit");
  await lars.waitForSelector("#soa-form");
  const row = "#soa-form tr[data-control='8.7']";
  await lars.selectOption(row + " td:nth-child(3) select", "true");
  await lars.fill(row + " td:nth-child(4) input", "Ransomware in the risk register");
  await lars.selectOption(row + " td:nth-child(5) select", "implemented");
  await lars.fill("#soa-summary", "Malware protection applies");
  await s.shot(lars, "soa-edit");
  await Promise.all([lars.waitForResponse((r) => r.url().includes("/complete") && r.status() === 200), lars.click("#soa-send")]);
  const revision = JSON.parse(s.cli("cases", "--process", "soa-approval", "--json"))[0].id;
  const approve = s.cli("tasks", "--case", revision, "--node", "approve", "--ids").trim();
  s.cli("complete", approve, "--as", "karen", "--var", "approved=true");
  await lars.goto(s.base + "/?again=1#/register/soa");
  await lars.waitForSelector("#soa-version");
  const control = "table.soa tr[data-control='8.7']";
  assert.match(await lars.textContent(control), /Ransomware in the risk register/);
  assert.deepEqual(await lars.$$eval(control + " td:nth-child(7) a", (as) => as.map((a) => a.textContent)), ["RISK-2026-001", "RISK-2026-002"]);
  await s.shot(lars, "soa");
});
