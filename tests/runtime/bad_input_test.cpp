// Bad input to the runtime commands: one line on stderr, exit 1, nothing changed.
#include <catch2/catch.hpp>

#include "runtime/organisation.h"
#include "runtime_support.h"

using namespace raciflow::testing;

namespace {

struct Refusal {
  std::vector<std::string> args;
  std::string message;
};

}  // namespace

TEST_CASE("bad input is refused with one line, exit 1, and changes nothing in the database") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  std::string task = task_id(w, id, "assess-input");
  w.ok({"complete", task, "--as", "anna", "--var", "severity=high"});
  std::string open = task_id(w, id, "committee-decides");
  std::string broken = test_data("broken.bpmn");
  std::string complex = w.write("complex.bpmn", R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d">
<process id="complex"><laneSet id="ls"><lane id="l" raci:role="security-function"><flowNodeRef>s</flowNodeRef><flowNodeRef>g</flowNodeRef><flowNodeRef>e</flowNodeRef><flowNodeRef>split</flowNodeRef></lane></laneSet>
<startEvent id="s"/>
<complexGateway id="g"/>
<endEvent id="e"/><parallelGateway id="split"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="split"/>
<sequenceFlow id="f1" sourceRef="split" targetRef="g"/><sequenceFlow id="f3" sourceRef="split" targetRef="g"/>
<sequenceFlow id="f2" sourceRef="g" targetRef="e"/>
</process></definitions>
)");

  const std::vector<Refusal> refusals = {
      {{"complete", "999", "--as", "anna"}, "raciflow complete: no task 999"},
      {{"complete", "abc", "--as", "anna"}, "raciflow complete: 'abc' is not a task id (a number, as 'raciflow tasks' shows)"},
      {{"complete", task, "--as", "anna"}, "raciflow complete: task " + task + ": 'Assess the input' is already completed"},
      {{"claim", task, "--as", "anna"}, "raciflow claim: task " + task + ": 'Assess the input' is already completed"},
      {{"unclaim", open, "--as", "karen"}, "raciflow unclaim: task " + open + ": 'Decide what, how and by whom' is not claimed"},
      {{"show", "42"}, "raciflow show: no case '42'"},
      {{"cancel", "42", "--as", "anna", "--reason", "x"}, "raciflow cancel: no case '42'"},
      {{"retry", id, "--as", "anna"}, "raciflow retry: case " + id + ": case " + id + " has no incident to retry"},
      {{"audit", "42"}, "raciflow audit: no case '42'"},
      {{"tasks", "--case", "42"}, "raciflow tasks: no case '42'"},
      {{"tasks", "--role", "security"},
       "raciflow tasks: unknown role 'security' (roles: top-management, security-committee, security-function, "
       "business-functions, it-operations, hr, procurement, dpo, internal-audit)"},
      {{"tasks", "--person", "nobody"}, "raciflow tasks: unknown person 'nobody' (not in the organisation 'Example Agency')"},
      {{"start", "no-such-process", "--as", "anna"}, "raciflow start: no deployed process 'no-such-process' (deployed: corrective-action, deviation-handling)"},
      {{"start", "deviation-handling", "--as", "anna"},
       "raciflow start: process deviation-handling has no plain start event; start it with a message"},
      {{"start", "deviation-handling", "--as", "nobody"}, "raciflow start: unknown person 'nobody' (not in the organisation 'Example Agency')"},
      {{"complete", open, "--as", "karen", "--var", "decision"}, "raciflow complete: --var 'decision' is not NAME=VALUE"},
      {{"complete", open, "--as", "karen", "--var", "1x=2"},
       "raciflow complete: --var '1x=2': '1x' is not a variable name (letters, digits and _, not first a digit)"},
      {{"complete", open, "--as", "karen", "--var", "a=1", "--var", "a=2"}, "raciflow complete: --var a is given twice"},
      {{"message", "Nobody listens", "--as", "anna"},
       "raciflow message: no case waits for message 'Nobody listens' and no deployed process starts with it"},
      {{"consult", open, "--as", "mette", "--answer", "yes"},
       "raciflow consult: task " + open + ": mette holds none of the roles still to be consulted on 'Decide what, how and by whom' (security-function)"},
      {{"deploy", complex}, "raciflow deploy: " + complex + ":4: error: complexGateway 'g' cannot be run: a complex gateway that joins needs an activationCondition in raciflow's language (over the variables and activationCount)"},
      {{"deploy", w.path("missing.bpmn")}, ""},
      {{"deploy", broken}, ""},
      {{"org", "load", w.path("missing.xml")}, ""},
      {{"--clock", "yesterday", "tick"}, ""},
  };
  for (const auto& refusal : refusals) {
    INFO(refusal.args[0] << " " << (refusal.args.size() > 1 ? refusal.args[1] : ""));
    std::string before = w.dump(/*with_audit=*/false);
    auto r = w.cli(refusal.args);
    CHECK(r.code == (refusal.args[0] == "--clock" ? 2 : 1));
    CHECK(r.out.empty());
    if (!refusal.message.empty()) CHECK(r.err == refusal.message + "\n");
    if (refusal.args[0] != "--clock") CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(w.dump(false) == before);
  }
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a refusal that is not about who acts leaves the audit trail as it was") {
  Agency w;
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  std::string before = w.dump();
  CHECK(w.cli({"complete", "999", "--as", "anna"}).code == 1);
  CHECK(w.cli({"complete", task_id(w, id, "assess-input"), "--as", "anna", "--var", "oops"}).code == 1);
  CHECK(w.dump() == before);
}

TEST_CASE("an organisation file's single sign-on part is checked, each mistake naming its line") {
  Workspace w;
  w.write("org.xml", R"(<organisation xmlns="urn:raciflow:org:1" name="A">
  <role id="security-function"/>
  <person id="anna" name="Anna" subject="00u1"/>
  <person id="bo" name="Bo" subject="00u1"/>
  <sso>
    <group value="isms-sf" role="security-fuction"/>
    <group value="isms-all"/>
    <group value="isms-root" access="root"/>
    <group value="isms-x" role="security-function" rights="all"/>
    <team value="isms-y"/>
  </sso>
</organisation>
)");
  auto r = w.cli({"org", "load", w.path("org.xml")});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow org: " + w.path("org.xml") + ":4: error: person 'bo' has the subject '00u1' of another person (and 5 more)\n");
  raciflow::definitions::Diagnostics d("org.xml");
  CHECK(!raciflow::runtime::read_organisation(w.path("org.xml"), d));
  std::vector<std::string> found;
  for (const auto& f : d.all()) found.push_back(std::to_string(f.line) + ": " + f.message);
  CHECK(found == std::vector<std::string>{
                     "4: person 'bo' has the subject '00u1' of another person",
                     "7: group 'isms-all' grants nothing: give it a role or an access",
                     "8: group 'isms-root' grants unknown access 'root' (admin, auditor, modeller)",
                     "9: unknown attribute 'rights' on <group>; it takes value, role and access",
                     "10: unknown element <team> in <sso>; expected <group value=\"...\" role=\"...\"/>",
                     "6: group 'isms-sf' grants unknown role 'security-fuction'"});
  CHECK_FALSE(std::filesystem::exists(w.db()));
}

TEST_CASE("an organisation file with mistakes is refused naming the line") {
  Workspace w;
  SECTION("an unknown role") {
    w.write("org.xml", R"(<organisation xmlns="urn:raciflow:org:1" name="A">
  <role id="security-function"/>
  <person id="anna" name="Anna">
    <member role="security-fuction"/>
  </person>
</organisation>
)");
    auto r = w.cli({"org", "load", w.path("org.xml")});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow org: " + w.path("org.xml") + ":4: error: person 'anna' is a member of unknown role 'security-fuction'\n");
  }
  SECTION("the wrong namespace") {
    w.write("org.xml", "<organisation name=\"A\"/>\n");
    auto r = w.cli({"org", "load", w.path("org.xml")});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow org: " + w.path("org.xml") +
                       ":1: error: the root element is <organisation>, not <organisation xmlns=\"urn:raciflow:org:1\">\n");
  }
  SECTION("a person twice") {
    w.write("org.xml", R"(<o:organisation xmlns:o="urn:raciflow:org:1" name="A">
  <o:person id="anna"/>
  <o:person id="anna"/>
</o:organisation>
)");
    auto r = w.cli({"org", "load", w.path("org.xml")});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow org: " + w.path("org.xml") + ":3: error: person 'anna' is defined twice\n");
  }
  SECTION("a language raciflow does not speak") {
    w.write("org.xml", "<organisation xmlns=\"urn:raciflow:org:1\" name=\"A\"\n  lang=\"de\"/>\n");
    auto r = w.cli({"org", "load", w.path("org.xml")});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow org: " + w.path("org.xml") + ":1: error: the organisation's lang is da or en, not 'de'\n");
  }
  CHECK_FALSE(std::filesystem::exists(w.db()));
}
