// Scenario: a person away names a substitute. During the period the substitute gets the
// tasks of the person's roles and acts on their behalf (the trail says so); four eyes
// counts the substitute acting for the person as both; outside it nothing changes.
#include <catch2/catch.hpp>

#include "scenario_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

// Whether `node` of the case is in the person's inbox as work they are Responsible for.
bool in_inbox(const Workspace& w, const std::string& person, const std::string& case_id, const std::string& node) {
  for (const auto& t : w.cli({"tasks", "--person", person, "--json"}).json())
    if (t["case"] == case_id && t["node"] == node && t["inbox"] == "responsible") return true;
  return false;
}

json record(const Workspace& w, const std::string& case_id, const std::string& action, const std::string& node) {
  for (const auto& r : w.cli({"audit", case_id, "--format", "json"}).json())
    if (r["action"] == action && r["node"] == node) return r;
  return nullptr;
}

std::string refusal(const Workspace& w, const std::string& id, const std::string& node, const std::string& person) {
  auto r = w.cli({"complete", task_id(w, id, node), "--as", person, "--var", "approved=true"});
  CHECK(r.code == 1);
  return r.err;
}

}  // namespace

TEST_CASE("a substitute gets the tasks of the person away during the period only, and acts on their behalf") {
  Agency w;  // clock: 2026-03-02
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  CHECK_FALSE(in_inbox(w, "peter", id, "assess-input"));  // the security function's step; peter is only consulted on it
  CHECK(first_line(w.ok({"substitute", "set", "jonas", "--by", "peter", "--from", "2026-03-03", "--until", "2026-03-13", "--as", "jonas"})) == "1");
  CHECK_FALSE(in_inbox(w, "peter", id, "assess-input"));  // not before the period
  w.clock = "2026-03-04T09:00:00Z";
  CHECK(in_inbox(w, "peter", id, "assess-input"));
  std::string task = task_id(w, id, "assess-input");
  w.ok({"complete", task, "--as", "peter", "--var", "severity=low", "--var", "withinMandate=true"});
  auto done = record(w, id, "task_completed", "assess-input");
  REQUIRE(done.is_object());
  CHECK(done["actor"] == "peter");
  CHECK(done["role"] == "security-function");
  CHECK(done["data"]["on_behalf_of"] == "jonas");
  // The next step is the security function's too; after the period peter no longer has it.
  w.clock = "2026-03-14T09:00:00Z";
  CHECK_FALSE(in_inbox(w, "peter", id, "function-decides"));
  CHECK(w.cli({"complete", task_id(w, id, "function-decides"), "--as", "peter"}).code != 0);
  auto list = w.cli({"substitute", "list", "--json"}).json();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["person"] == "jonas");
  CHECK(list[0]["substitute"] == "peter");
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("ending a period early is a record, and the substitute loses the work from then on") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  w.ok({"substitute", "set", "jonas", "--by", "peter", "--from", "2026-03-01", "--until", "2026-03-31", "--as", "anna"});
  CHECK(in_inbox(w, "peter", id, "assess-input"));
  w.ok({"substitute", "end", "1", "--as", "jonas"});
  CHECK_FALSE(in_inbox(w, "peter", id, "assess-input"));
  auto again = w.cli({"substitute", "end", "1", "--as", "jonas"});
  CHECK(again.code != 0);
  CHECK(again.err == "raciflow substitute: substitute period 1 is already over\n");
  auto trail = w.cli({"audit", "all", "--format", "json"}).json();
  CHECK(std::count_if(trail.begin(), trail.end(), [](const json& r) { return r["action"] == "substitute_set"; }) == 1);
  auto ended = std::find_if(trail.begin(), trail.end(), [](const json& r) { return r["action"] == "substitute_ended"; });
  REQUIRE(ended != trail.end());
  CHECK((*ended)["actor"] == "jonas");
  CHECK((*ended)["data"]["substitute"] == "peter");
}

TEST_CASE("a substitute is not passed on: the substitute's own substitute gets only the substitute's roles") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  w.ok({"substitute", "set", "jonas", "--by", "peter", "--from", "2026-03-01", "--until", "2026-03-31"});
  w.ok({"substitute", "set", "peter", "--by", "mette", "--from", "2026-03-01", "--until", "2026-03-31"});
  CHECK(in_inbox(w, "peter", id, "assess-input"));
  // mette is consulted on the assessment as a business function herself, never Responsible through peter.
  for (const auto& t : w.cli({"tasks", "--person", "mette", "--json"}).json()) CHECK(t["inbox"] != "responsible");
}

TEST_CASE("four eyes counts the substitute acting for the person as both of them") {
  Isms w;
  w.ok({"substitute", "set", "lars", "--by", "mette", "--from", "2026-03-01", "--until", "2026-03-31"});
  // lars drafts; mette, holding lars's top-management role for him, may not approve his draft.
  std::string first = first_line(w.ok({"message", "Policy for approval", "--as", "anna", "--var", "policy=Acceptable use"}));
  walk(w, first, {{"draft", "security-function", "lars"}, {"review", "security-committee", "karen", {"recommend=true"}}});
  CHECK(refusal(w, first, "approve", "mette").find("needs someone else (raci:separateFrom)") != std::string::npos);
  // mette drafts for lars; lars may then not approve what was drafted in his name.
  std::string second = first_line(w.ok({"message", "Policy for approval", "--as", "anna", "--var", "policy=Clean desk"}));
  walk(w, second, {{"draft", "security-function", "mette"}, {"review", "security-committee", "karen", {"recommend=true"}}});
  CHECK(completion(w, second, "draft")["data"]["on_behalf_of"] == "lars");
  CHECK(refusal(w, second, "approve", "lars").find("needs someone else (raci:separateFrom)") != std::string::npos);
  walk(w, second, {{"approve", "top-management", "karen", {"approved=true"}}});
}

TEST_CASE("substitute refuses a period that makes no sense, naming the field") {
  Agency w;
  auto refused = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "substitute");
    auto r = w.cli(args);
    CHECK(r.code != 0);
    return r.err;
  };
  CHECK(refused({"set", "jonas", "--by", "jonas", "--from", "2026-03-03", "--until", "2026-03-13"}) ==
        "raciflow substitute: 'jonas' cannot be their own substitute\n");
  CHECK(refused({"set", "jonas", "--by", "nobody", "--from", "2026-03-03", "--until", "2026-03-13"}).find("unknown person 'nobody'") !=
        std::string::npos);
  CHECK(refused({"set", "jonas", "--by", "peter", "--from", "2026-03-13", "--until", "2026-03-03"}) ==
        "raciflow substitute: the period ends (2026-03-03) before it begins (2026-03-13)\n");
  CHECK(refused({"set", "jonas", "--by", "peter", "--from", "March", "--until", "2026-03-03"}) ==
        "raciflow substitute: --from 'March' is not a date (YYYY-MM-DD)\n");
  CHECK(refused({"set", "jonas", "--by", "peter", "--from", "2026-03-03"}).find("needs --until") != std::string::npos);
  CHECK(w.cli({"substitute", "list", "--json"}).json().empty());
}
