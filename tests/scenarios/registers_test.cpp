// Scenarios: the registers the sample flows keep (docs/registers.md): the risk register
// through identification, scoring, treatment, acceptance and next year's re-assessment;
// the deviation log and the corrective actions; the workbook read back.
#include <catch2/catch.hpp>

#include <cstdio>
#include <pugixml.hpp>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

const std::vector<std::string> kIdentify = {"asset=Citizen case files", "threat=Ransomware", "riskOwner=business-functions"};

// A risk assessed from identification to acceptance: critical before treatment (3 x 4),
// high after (2 x 4), so top management accepts it.
std::string assess_critical_risk(const Workspace& w, const std::string& key) {
  std::string id = first_line(w.ok({"message", "Risk assessment due", "--key", key, "--as", "anna"}));
  walk(w, id, {{"identify", "security-function", "lars", kIdentify},
               {"analyse", "security-function", "lars", {"likelihood=3", "impact=4"}},
               {"propose", "security-function", "lars",
                {"treatment=reduce", R"(controls=["8.7","8.13"])", "residualLikelihood=2", "residualImpact=4"}},
               {"approve", "security-committee", "karen", {"approved=true"}},
               {"accept", "top-management", "karen"}});
  return id;
}

json risk_register(const Workspace& w) { return w.cli({"register", "risks", "--format", "json"}).json(); }

// A file of the XLSX package (a zip), read with unzip.
std::string xlsx_part(const std::string& file, const std::string& part) {
  std::string out;
  FILE* p = ::popen(("unzip -p '" + file + "' '" + part + "'").c_str(), "r");
  REQUIRE(p);
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) out.append(buffer, n);
  ::pclose(p);
  return out;
}

// A sheet's cells as text, by reference ("A1"), resolving shared strings.
std::map<std::string, std::string> sheet_cells(const std::string& file, int sheet) {
  pugi::xml_document strings, cells;
  std::string strings_xml = xlsx_part(file, "xl/sharedStrings.xml"), sheet_xml = xlsx_part(file, "xl/worksheets/sheet" + std::to_string(sheet) + ".xml");
  REQUIRE(strings.load_string(strings_xml.c_str()));
  REQUIRE(cells.load_string(sheet_xml.c_str()));
  std::vector<std::string> shared;
  for (pugi::xml_node si : strings.child("sst").children("si")) shared.push_back(si.child("t").text().get());
  std::map<std::string, std::string> out;
  for (pugi::xml_node row : cells.child("worksheet").child("sheetData").children("row"))
    for (pugi::xml_node c : row.children("c")) {
      std::string value = c.child("v").text().get();
      out[c.attribute("r").value()] = std::string(c.attribute("t").value()) == "s" ? shared.at(std::stoul(value)) : value;
    }
  return out;
}

}  // namespace

TEST_CASE("a risk through identification, scoring, treatment and acceptance is an entry of the risk register with its heat map cell") {
  Isms w;
  std::string id = assess_critical_risk(w, "RISK-2026-004");
  json reg = risk_register(w);
  CHECK(reg["id"] == "risks");
  CHECK(reg["name_da"] == "Risikoregister");
  REQUIRE(reg["items"].size() == 1);
  const json& entry = reg["items"][0];
  CHECK(entry["key"] == "RISK-2026-004");
  CHECK(entry["case"] == id);
  CHECK(entry["status"] == "completed");
  CHECK(entry["values"]["asset"] == "Citizen case files");
  CHECK(entry["values"]["risk.level"] == "critical");
  CHECK(entry["values"]["residual.level"] == "high");
  CHECK(entry["values"]["controls"] == json{"8.7", "8.13"});
  CHECK(entry["cells"]["riskOwner"] == "Business functions");  // a role by its name
  CHECK(entry["cells"]["residual.topManagementAccepts"] == "yes");
  CHECK(entry["review_due_at"].get<std::string>().rfind("2027-", 0) == 0);  // a year after it closed
  // Likelihood 3, impact 4 before; 2 and 4 after.
  const json& map = reg["heat_map_cells"];
  CHECK(map["inherent"][2][3]["keys"] == json{"RISK-2026-004"});
  CHECK(map["residual"][1][3]["count"] == 1);
  CHECK(map["above_acceptance"] == 1);
  // Each change of the entry is a record of its case with role and RACI letter.
  auto accepted = completion(w, id, "accept");
  CHECK(accepted["role"] == "top-management");
  CHECK(accepted["raci"] == "R/A");
  // The Danish table labels its columns in Danish.
  CHECK(w.ok({"register", "risks", "--lang", "da"}).find("Iboende risiko") != std::string::npos);
  // The annual report shows the risks above the acceptance level and the heat maps.
  json risks;
  const json report = w.cli({"report", "--format", "json"}).json();
  for (const auto& r : report["registers"])
    if (r["id"] == "risks") risks = r;
  REQUIRE(risks.is_object());
  CHECK(risks["above_acceptance"] == json{"RISK-2026-004"});
  CHECK(risks["heat_map"]["inherent"][2][3]["count"] == 1);
  std::string html = w.ok({"report", "--format", "html"});
  CHECK(html.find("<h3>Risk register: heat map</h3>") != std::string::npos);
  CHECK(w.ok({"report"}).find("| Risk register | 1 | 0 | none | RISK-2026-004 | 0 |") != std::string::npos);
}

TEST_CASE("the wheel's risk review re-assesses a risk a year later, and the earlier assessment stays as the entry's history") {
  Isms w;
  w.clock = "2026-03-02T09:00:00Z";
  std::string first = assess_critical_risk(w, "RISK-2026-004");
  w.ok({"wheel", "load", sample("annual-wheel.xml"), "--as", "anna"});
  // The 2027 risk assessment fires on 15 February (lead P14D) and is due 60 days after
  // 1 March; the risk's review (a year after it closed) falls before that.
  w.clock = "2027-02-15T09:00:00Z";
  w.ok({"tick"});
  json reg = risk_register(w);
  json entry;
  for (const auto& e : reg["items"])
    if (e["key"] == "RISK-2026-004") entry = e;
  REQUIRE(entry.is_object());
  CHECK(entry["status"] == "active");
  CHECK(entry["versions"] == 2);
  REQUIRE(entry["history"].size() == 2);
  CHECK(entry["history"][1]["case"] == first);  // the earlier one, kept
  CHECK(entry["history"][1]["values"]["risk.level"] == "critical");
  // It starts where the last one ended: the columns marked carry="true" (the risk's
  // description), not its scores.
  CHECK(entry["history"][0]["variables"]["asset"] == "Citizen case files");
  CHECK_FALSE(entry["history"][0]["variables"].contains("residualLikelihood"));
  CHECK(entry["history"][0]["variables"]["previousAssessment"] == first);
  std::string again = entry["case"];
  walk(w, again, {{"identify", "security-function", "lars", kIdentify},
                  {"analyse", "security-function", "lars", {"likelihood=1", "impact=2"}},
                  {"approve", "security-committee", "karen", {"approved=true"}},
                  {"accept-by-committee", "security-committee", "sara"}});
  json after = risk_register(w);
  for (const auto& e : after["items"])
    if (e["key"] == "RISK-2026-004") entry = e;
  CHECK(entry["values"]["risk.level"] == "low");
  CHECK(entry["values"]["residual.level"] == "low");  // untreated: as assessed
  CHECK(after["heat_map_cells"]["inherent"][2][3]["count"] == 0);  // the old cell no longer counts
  CHECK(after["heat_map_cells"]["inherent"][0][1]["keys"] == json{"RISK-2026-004"});
  // A second tick in the same occurrence starts nothing more.
  w.ok({"tick"});
  CHECK(risk_register(w)["items"].size() == after["items"].size());
}

TEST_CASE("a failed deviation is in the deviation log and its corrective action in the corrective actions") {
  Isms w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "mette", "--var", "title=Lost laptop"}));
  walk(w, id, {{"assess-input", "security-function", "anna", {"whatHappened=A laptop was lost", "severity=low", "withinMandate=true"}},
               {"function-decides", "security-function", "anna"},
               {"inform-functions", "security-function", "anna", {R"(affectedUnits=["business-functions"])"}}});
  json devs = w.cli({"register", "deviations", "--format", "json"}).json();
  REQUIRE(devs["items"].size() == 1);
  CHECK(devs["items"][0]["key"] == id);  // no key given: the case id
  CHECK(devs["items"][0]["cells"]["severity"] == "low");
  CHECK(devs["items"][0]["cells"]["committeeDecisionNeeded"] == "no");
  CHECK(devs["items"][0]["steps"] == json{"Carry out the activities"});
  std::string csv = w.ok({"register", "deviations", "--format", "csv"});
  CHECK(csv.rfind("Key,What happened,Severity,", 0) == 0);
  // A corrective action is an entry of its own register.
  std::string action = first_line(w.ok({"start", "corrective-action", "--as", "anna"}));
  walk(w, action, {{"contain", "business-functions", "mette"},
                   {"root-cause", "security-function", "anna"},
                   {"evaluate", "security-function", "anna", {"grade=minor", "canRecur=false"}}});
  json actions = w.cli({"register", "corrective-actions", "--format", "json"}).json();
  REQUIRE(actions["items"].size() == 1);
  CHECK(actions["items"][0]["cells"]["grade"] == "minor");
  CHECK(actions["items"][0]["status"] == "active");
  // The committee's agenda lists the open deviations and corrective actions.
  json agenda = w.cli({"agenda", "--format", "json"}).json();
  std::map<std::string, json> by_id;
  for (const auto& r : agenda["registers"]) by_id[r["id"]] = r;
  CHECK(by_id["deviations"]["open_entries"] == json{id});
  CHECK(by_id["corrective-actions"]["open_entries"] == json{action});
  CHECK(w.ok({"agenda"}).find("## Registers") != std::string::npos);
  // The list of registers names each with its entries.
  std::string list = w.ok({"register"});
  CHECK(list.find("deviations") != std::string::npos);
  CHECK(list.find("Deviation log") != std::string::npos);
  CHECK(w.cli({"register", "nothing"}).err.find("no register 'nothing' (registers: ") != std::string::npos);
  // Wrong use is a usage error (exit 2) that names what is allowed.
  auto lang = w.cli({"register", "deviations", "--lang", "fr"});
  CHECK(lang.code == 2);
  CHECK(lang.err.rfind("raciflow register: unknown --lang 'fr' (da, en)\n", 0) == 0);
  CHECK(w.cli({"register", "all", "--format", "table"}).code == 2);
  CHECK(w.cli({"register", "deviations", "--format", "pdf"}).code == 2);
}

TEST_CASE("the registers' workbook reads back: a sheet per register, the heat map as a sheet, formula-looking text made safe") {
  Isms w;
  std::string id = first_line(w.ok({"message", "Risk assessment due", "--key", "RISK-2026-007", "--as", "anna"}));
  walk(w, id, {{"identify", "security-function", "lars", {"asset=Payroll", "threat==HYPERLINK(\"http://x\")", "riskOwner=top-management"}},
               {"analyse", "security-function", "lars", {"likelihood=2", "impact=3"}}});
  const std::string file = w.path("registers.xlsx");
  w.ok({"register", "all", "--format", "xlsx", "--output", file});
  pugi::xml_document book;
  std::string book_xml = xlsx_part(file, "xl/workbook.xml");
  REQUIRE(book.load_string(book_xml.c_str()));
  std::vector<std::string> names;
  for (pugi::xml_node s : book.child("workbook").child("sheets").children("sheet")) names.push_back(s.attribute("name").value());
  CHECK(names == std::vector<std::string>{"Internal audit findings", "Corrective actions", "Deviation log", "Incident log",
                                          "Management reviews", "Risk register", "Statement of Applicability", "Heat map Risk register"});
  auto risks = sheet_cells(file, 6);
  CHECK(risks["A1"] == "Key");
  CHECK(risks["A2"] == "RISK-2026-007");
  CHECK(risks["B2"] == "Payroll");
  CHECK(risks["C2"] == "'=HYPERLINK(\"http://x\")");  // text, never a formula
  CHECK(risks["E2"] == "Top management");
  CHECK(risks["F2"] == "2");  // a number cell
  auto map = sheet_cells(file, 8);
  // Likelihood 4 is the top row (row 5), so likelihood 2 is row 7; impact 3 is column D.
  CHECK(map["A7"] == "2");
  CHECK(map["D7"] == "1");
  CHECK(map["D6"] == "0");
  // In Danish, the sheets and the header are Danish.
  w.ok({"register", "risks", "--format", "xlsx", "--lang", "da", "--output", file});
  CHECK(sheet_cells(file, 1)["A1"] == "Nøgle");
}

TEST_CASE("the Statement of Applicability approved twice keeps both versions, with the risks that chose each control") {
  Isms w;
  assess_critical_risk(w, "RISK-2026-004");  // its treatment chose 8.7 and 8.13
  std::string first = first_line(w.ok({"start", "soa-approval", "--key", "SOA", "--as", "anna"}));
  // A malformed revision is refused, naming the control and the field; nothing changes.
  auto bad = w.cli({"complete", task_id(w, first, "prepare"), "--as", "anna", "--var", R"(soa={"8.7":{"status":"done"}})"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("soa.8.7.status must be one of implemented, partly, planned, not-implemented") != std::string::npos);
  CHECK(w.cli({"complete", task_id(w, first, "prepare"), "--as", "anna", "--var", R"(soa={"9.1":{}})"}).err.find(
            "'9.1' is not an ISO 27001:2022 Annex A control") != std::string::npos);
  walk(w, first, {{"prepare", "security-function", "anna",
                   {R"(soa={"8.7":{"applicable":true,"justification":"Ransomware","status":"implemented"},"7.4":{"applicable":false,"justification":"No premises of our own"}})",
                    "changeSummary=The first SoA"}},
                  {"approve", "top-management", "karen", {"approved=true"}}});
  CHECK(w.ok({"soa"}).rfind("Version 1, approved ", 0) == 0);
  w.clock = "2026-09-01T09:00:00Z";
  std::string second = first_line(w.ok({"start", "soa-approval", "--key", "SOA", "--as", "anna"}));
  walk(w, second, {{"prepare", "security-function", "anna", {R"(soa={"8.7":{"status":"partly"},"8.13":{"applicable":true,"status":"planned"}})"}},
                   {"approve", "top-management", "karen", {"approved=false"}},  // sent back once
                   {"prepare", "security-function", "jonas", {R"(soa={"8.7":{"status":"partly"},"8.13":{"applicable":true,"status":"implemented"}})"}},
                   {"approve", "top-management", "karen", {"approved=true"}}});

  auto control = [](const json& soa, const std::string& number) {
    for (const auto& c : soa["controls"])
      if (c["control"] == number) return c;
    return json();
  };
  const json latest = w.cli({"soa", "--format", "json"}).json();
  CHECK(latest["version"] == 2);
  REQUIRE(latest["versions"].size() == 2);
  CHECK(latest["versions"][0]["case"] == first);
  CHECK(latest["versions"][1]["approved_by"] == "karen");
  CHECK(latest["versions"][1]["changed"] == json{"8.13", "8.7"});
  CHECK(latest["controls"].size() == 93);
  CHECK(control(latest, "8.7")["status"] == "partly");
  CHECK(control(latest, "8.7")["justification"] == "Ransomware");  // kept from version 1
  CHECK(control(latest, "8.7")["risks"] == json{"RISK-2026-004"});
  CHECK(control(latest, "8.7")["control_2013"] == "A.12.2.1");
  CHECK(control(latest, "7.4")["applicable"] == false);
  CHECK(control(latest, "5.1")["applicable"].is_null());  // not assessed yet
  const json first_version = w.cli({"soa", "--version", "1", "--format", "json"}).json();
  CHECK(control(first_version, "8.7")["status"] == "implemented");
  CHECK(control(first_version, "8.13")["applicable"].is_null());
  CHECK(w.cli({"soa", "--version", "3"}).err.find("no version 3 of the Statement of Applicability") != std::string::npos);
  // Both versions are the register's one entry and its history; the annual report lists them.
  const json reg = w.cli({"register", "soa", "--format", "json"}).json();
  REQUIRE(reg["items"].size() == 1);
  CHECK(reg["items"][0]["versions"] == 2);
  const json report = w.cli({"report", "--format", "json"}).json();
  REQUIRE(report["soa_changes"].size() == 2);
  CHECK(report["soa_changes"][0]["changed"] == json{"7.4", "8.7"});
  CHECK(w.ok({"soa", "--lang", "da", "--format", "csv"}).find("8.7,A.12.2.1,Protection against malware,ja,Ransomware,partly,RISK-2026-004,") !=
        std::string::npos);
}
