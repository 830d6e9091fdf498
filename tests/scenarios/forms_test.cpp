// Forms and evidence from the command line: a Camunda 8 model and its form deploy and run,
// the server checks what is submitted against the form, files are attached and sealed in
// the trail, and comments are records of it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <SQLiteCpp/SQLiteCpp.h>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

std::string assessment(const Workspace& w) {
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  w.ok({"deploy", test_data("camunda8-form.bpmn"), test_data("camunda8-assessment.form"), "--as", "anna"});
  return first_line(w.ok({"start", "camunda8-assessment", "--as", "anna"}));
}

std::string task_of(const Workspace& w, const std::string& case_id, const std::string& node) {
  return std::to_string(open_task(w, case_id, node)["id"].get<long long>());
}

}  // namespace

TEST_CASE("a Camunda 8 model with zeebe:formDefinition and its .form file deploys and runs") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  auto deployed = w.ok({"deploy", test_data("camunda8-form.bpmn"), test_data("camunda8-assessment.form"), "--as", "anna"});
  CHECK(deployed == "deviation-assessment@1 (form)\ncamunda8-assessment@1\n");
  // The same files again: nothing new.
  CHECK(w.ok({"deploy", test_data("camunda8-form.bpmn"), test_data("camunda8-assessment.form"), "--as", "anna"}) == deployed);

  std::string id = first_line(w.ok({"start", "camunda8-assessment", "--as", "anna"}));
  std::string data = w.write("high.json", R"({"whatHappened": "A laptop was left on the train", "severity": "high",
                                             "assets": ["mail", "hr"], "severeBecause": "personal data", "foundOn": "2026-03-02"})");
  w.ok({"complete", task_of(w, id, "Activity_assess"), "--as", "anna", "--form-data", data});
  // The FEEL condition on the flow read what the form set.
  CHECK(open_task(w, id, "Activity_decide")["role"] == "security-committee");
  json variables = w.cli({"show", id, "--json"}).json()["variables"];
  CHECK(variables["assets"] == json::array({"mail", "hr"}));
  CHECK(variables["foundOn"] == "2026-03-02");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a completion whose data the form refuses exits 1 naming the field, and changes nothing") {
  Workspace w;
  std::string id = assessment(w);
  std::string task = task_of(w, id, "Activity_assess");
  auto before = w.dump(false);
  auto refused = [&](const std::string& text) {
    auto r = w.cli({"complete", task, "--as", "anna", "--form-data", w.write("data.json", text)});
    CHECK(r.code == 1);
    return r.err;
  };
  CHECK(refused(R"({"severity": "high", "whatHappened": "A laptop was left on the train"})").find(
            "form 'deviation-assessment': field 'Why is it severe?' (severeBecause) is required") != std::string::npos);
  CHECK(refused(R"({"severity": "medium", "whatHappened": "A laptop was left on the train"})").find(
            "field 'Severity' (severity) \"medium\" is not one of the values to choose") != std::string::npos);
  CHECK(refused(R"({"severity": "low", "whatHappened": "short"})").find("field 'What happened' (whatHappened) must be at least 10 characters") !=
        std::string::npos);
  CHECK(refused(R"({"severity": "low", "whatHappened": "A laptop was left on the train", "approved": true})").find(
            "'approved' is no field of form 'deviation-assessment'") != std::string::npos);
  CHECK(refused(R"({"severity": "low", "whatHappened": "A laptop was left on the train", "foundOn": "2 March"})").find(
            "field 'Found on' (foundOn) must be a date (YYYY-MM-DD)") != std::string::npos);
  CHECK(refused("[1, 2]").find("is not a JSON object") != std::string::npos);
  CHECK(w.dump(false) == before);
  // Low severity: the hidden required field is not required, and the case ends.
  w.ok({"complete", task, "--as", "anna", "--form-data",
        w.write("low.json", R"({"severity": "low", "whatHappened": "A laptop was left on the train"})")});
  CHECK(w.cli({"show", id, "--json"}).json()["status"] == "completed");
}

TEST_CASE("deploy refuses a user task whose form is neither deployed nor among the files, and a form it cannot check") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  auto alone = w.cli({"deploy", test_data("camunda8-form.bpmn"), "--as", "anna"});
  CHECK(alone.code == 1);
  CHECK(alone.err.find("camunda8-form.bpmn:13: error: user task 'Activity_assess' shows form 'deviation-assessment', which is neither "
                       "deployed nor among these files") != std::string::npos);
  auto bad = w.cli({"deploy", w.write("bad.form", R"({"id": "x", "components": [{"type": "iframe", "id": "Frame_1"}]})"), "--as", "anna"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("bad.form:1: error: form 'x': component 'Frame_1' is a 'iframe', which raciflow cannot check") != std::string::npos);
  // Once the form is deployed on its own, the model finds it.
  CHECK(w.ok({"deploy", test_data("camunda8-assessment.form"), "--as", "anna"}) == "deviation-assessment@1 (form)\n");
  CHECK(w.ok({"deploy", test_data("camunda8-form.bpmn"), "--as", "anna"}) == "camunda8-assessment@1\n");
}

TEST_CASE("a changed form is a new version of it and of the process that shows it; running cases keep theirs") {
  Workspace w;
  std::string id = assessment(w);
  std::string text = read_file(test_data("camunda8-assessment.form"));
  text.replace(text.find("\"minLength\": 10"), 15, "\"minLength\": 50");
  std::string changed = w.write("camunda8-assessment.form", text);
  CHECK(w.ok({"deploy", test_data("camunda8-form.bpmn"), changed, "--as", "anna"}) == "deviation-assessment@2 (form)\ncamunda8-assessment@2\n");
  // The case started on version 1 keeps form version 1: ten characters are enough.
  w.ok({"complete", task_of(w, id, "Activity_assess"), "--as", "anna", "--form-data",
        w.write("d.json", R"({"severity": "low", "whatHappened": "Twelve chars"})")});
  std::string second = first_line(w.ok({"start", "camunda8-assessment", "--as", "anna"}));
  auto r = w.cli({"complete", task_of(w, second, "Activity_assess"), "--as", "anna", "--form-data", w.path("d.json")});
  CHECK(r.code == 1);
  CHECK(r.err.find("must be at least 50 characters") != std::string::npos);
}

TEST_CASE("files attached to a case are listed, fetched byte for byte, and sealed in the trail") {
  Workspace w;
  std::string id = assessment(w);
  std::string proof = w.write("proof.log", std::string("line 1\n\0binary\xff", 15));
  std::string attached = first_line(w.ok({"attach", id, proof, "--task", task_of(w, id, "Activity_assess"), "--as", "anna"}));
  auto list = w.cli({"attachments", id, "--json"}).json();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"].get<long long>() == std::stoll(attached));
  CHECK(list[0]["name"] == "proof.log");  // without its folders
  CHECK(list[0]["type"] == "text/plain");
  CHECK(list[0]["size"] == 15);
  CHECK(list[0]["added_by"] == "anna");
  CHECK(w.ok({"attachment", "get", attached}) == std::string("line 1\n\0binary\xff", 15));
  bool sealed = false;
  for (const auto& r : w.cli({"audit", id, "--format", "json"}).json())
    if (r["action"] == "attachment_added") sealed = r["data"]["sha256"] == list[0]["sha256"] && r["actor"] == "anna";
  CHECK(sealed);
  CHECK(w.cli({"audit", "verify"}).code == 0);

  // Someone with no part in the case cannot attach to it: as if it did not exist.
  auto stranger = w.cli({"attach", id, proof, "--as", "ida"});
  CHECK(stranger.code == 1);
  CHECK(stranger.err.find("no case " + id) != std::string::npos);
  CHECK(w.cli({"attach", id, proof, "--as", "nobody"}).code == 1);
  CHECK(w.cli({"attachments", id, "--json"}).json().size() == 1);
}

TEST_CASE("audit verify names an attachment whose bytes were changed in the database") {
  Workspace w;
  if (on_postgres()) return;  // the change below is made with SQLite; the PostgreSQL store keeps bytea the same way
  std::string id = assessment(w);
  std::string attached = first_line(w.ok({"attach", id, w.write("minutes.txt", "The committee decided to accept."), "--as", "anna"}));
  CHECK(w.cli({"audit", "verify"}).code == 0);
  {
    SQLite::Database db(w.db(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE attachments SET bytes = CAST('The committee decided to reject.' AS BLOB)");
  }
  auto r = w.cli({"audit", "verify"});
  CHECK(r.code == 1);
  CHECK((r.out + r.err).find("attachment " + attached + " 'minutes.txt' of case " + id + ": its bytes changed after audit record") != std::string::npos);
}

TEST_CASE("a comment on a case is a record of its trail; an empty one is refused") {
  Workspace w;
  std::string id = assessment(w);
  w.ok({"comment", id, "Called the business unit; they confirm.", "--as", "anna"});
  bool found = false;
  for (const auto& r : w.cli({"audit", id, "--format", "json"}).json())
    if (r["action"] == "comment_added") found = r["data"]["text"] == "Called the business unit; they confirm." && r["actor"] == "anna";
  CHECK(found);
  CHECK(w.cli({"comment", id, "   ", "--as", "anna"}).code == 1);
  CHECK(w.cli({"comment", id, "Not mine", "--as", "ida"}).code == 1);  // the auditor reads, and does not add
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

namespace {

// A note is written, passed on by a task that does nothing, and a gateway reads `urgent`:
// the note's step cannot ask it unless its form has the key.
std::string note_flow(const std::string& form) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d" targetNamespace="t">
  <process id="notes" name="Notes" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="note"/>
    <userTask id="note" name="Write a note" raci:responsible="security-function")" +
         (form.empty() ? "" : " raci:form=\"" + form + "\"") + R"(/>
    <sequenceFlow id="f2" sourceRef="note" targetRef="pass"/>
    <task id="pass" name="Pass it on"/>
    <sequenceFlow id="f3" sourceRef="pass" targetRef="urgent"/>
    <exclusiveGateway id="urgent" name="Urgent?" default="f5"/>
    <sequenceFlow id="f4" sourceRef="urgent" targetRef="now">
      <conditionExpression>urgent == true</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f5" sourceRef="urgent" targetRef="later"/>
    <endEvent id="now"/>
    <endEvent id="later"/>
  </process>
</definitions>
)";
}

const char* kNoteForm = R"({"type": "default", "id": "note-form", "components": [
  {"type": "textarea", "id": "Field_text", "key": "text", "label": "Note"},
  {"type": "checkbox", "id": "Field_urgent", "key": "urgent", "label": "Urgent"}]})";

}  // namespace

TEST_CASE("deploy warns of a condition that reads a variable the step before cannot set, and a form field with the key settles it") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  auto warned = w.cli({"deploy", w.write("notes.bpmn", note_flow("")), "--as", "anna"});
  CHECK(warned.code == 0);
  CHECK(warned.out == "notes@1\n");
  CHECK(warned.err == w.path("notes.bpmn") + ":11: warning: the condition 'urgent == true' after 'Urgent?' (urgent) reads 'urgent', which "
                                             "neither a form field nor a decision of the step before, 'Write a note' (note), sets\n");
  auto settled = w.cli({"deploy", w.write("notes.bpmn", note_flow("note-form")), w.write("note.form", kNoteForm), "--as", "anna"});
  CHECK(settled.code == 0);
  CHECK(settled.out == "note-form@1 (form)\nnotes@2\n");
  CHECK(settled.err.empty());
}

TEST_CASE("a definition's forms are taken from its folder when the command line does not give them, and a form found nowhere refuses it") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  std::filesystem::create_directories(w.path("flows"));
  std::string flow = w.write("flows/notes.bpmn", note_flow("note-form"));
  auto refused = w.cli({"deploy", flow, "--as", "anna"});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("user task 'note' shows form 'note-form', which is neither deployed nor among these files") != std::string::npos);
  w.write("flows/note-form.form", kNoteForm);
  CHECK(w.ok({"deploy", flow, "--as", "anna"}) == "note-form@1 (form)\nnotes@1\n");
  // A form given by name comes first; the same again changes nothing.
  CHECK(w.ok({"deploy", flow, "--as", "anna"}) == "note-form@1 (form)\nnotes@1\n");
}

TEST_CASE("a completed step with ISO 27001 clauses and a form or files is evidence, with its form and files, in the register and the report") {
  Workspace w;
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  w.ok({"deploy", sample("deviation-handling.bpmn"), sample("corrective-action.bpmn"), "--as", "anna"});
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna", "--key", "DEV-7"}));
  std::string task = task_of(w, id, "assess-input");
  std::string file = first_line(w.ok({"attach", id, w.write("scan.txt", "port scan log"), "--task", task, "--as", "anna"}));
  w.ok({"complete", task, "--as", "anna", "--form-data",
        w.write("assessment.json", R"({"whatHappened": "A port scan from abroad", "severity": "low", "withinMandate": true})")});
  auto evidence = w.cli({"evidence", "--format", "json"}).json();
  REQUIRE(evidence["documents"].size() == 1);
  const json& document = evidence["documents"][0];
  CHECK(document["case"] == id);
  CHECK(document["task"] == std::stoll(task));
  CHECK(document["step"] == "Assess the input");
  CHECK(document["clauses"] == json::array({"5.3", "6.1.2"}));
  CHECK(document["form"] == json{{"id", "deviation-assess-input"}, {"version", 1}, {"href", "/api/forms/deviation-assess-input?version=1"}});
  REQUIRE(document["files"].size() == 1);
  CHECK(document["files"][0]["name"] == "scan.txt");
  CHECK(document["files"][0]["href"] == "/api/attachments/" + file);
  // The mandatory documentation it evidences links the same form and file.
  for (const auto& item : evidence["items"])
    if (item["id"] == "risk-assessment-process") CHECK(item["evidence"][0]["files"] == document["files"]);
  // A step without a form or files (the function decides within its mandate) is no document.
  w.ok({"complete", task_of(w, id, "function-decides"), "--as", "anna"});
  CHECK(w.cli({"evidence", "--format", "json"}).json()["documents"].size() == 1);
  std::string year = document["time"].get<std::string>().substr(0, 4);
  auto report = w.cli({"report", "--year", year, "--format", "json"}).json();
  REQUIRE(report["evidence"].size() == 1);
  CHECK(report["evidence"][0]["form"]["id"] == "deviation-assess-input");
  auto html = w.ok({"report", "--year", year, "--format", "html"});
  CHECK(html.find("<a href=\"/api/attachments/" + file + "\">scan.txt</a>") != std::string::npos);
  CHECK(w.ok({"evidence"}).find("form deviation-assess-input v1, 1 file: scan.txt") != std::string::npos);
}
