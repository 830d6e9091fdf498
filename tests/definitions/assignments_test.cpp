// Assignments written by other modelers (BPMN's potentialOwner and humanPerformer,
// Camunda 7, Camunda 8) read as Responsible roles and checked like raci:*.
#include <catch2/catch.hpp>

#include "tests/support.h"

using namespace raciflow::definitions;
using raciflow::testing::bpmn;
using raciflow::testing::check;
using raciflow::testing::line_of;

namespace {

const char* kLanes = R"(<laneSet id="ls"><lane id="security-function"><flowNodeRef>s</flowNodeRef><flowNodeRef>t</flowNodeRef><flowNodeRef>e</flowNodeRef></lane></laneSet>
)";

// One user task `t` written as `task_xml`, between a start and an end.
std::string around(const std::string& task_xml, const std::string& extra = "") {
  return bpmn(R"(<startEvent id="s"/>)" + task_xml + R"(<endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="t"/><sequenceFlow id="f1" sourceRef="t" targetRef="e"/>
)",
              kLanes, extra);
}

const FlowNode& task(const raciflow::testing::Checked& c) { return *c.definitions->processes.front().find_node("t"); }

std::size_t warnings(const raciflow::testing::Checked& c) {
  return c.diagnostics.all().size() - c.diagnostics.error_count();
}

const std::set<std::string> kOrganisation{"security-function", "security-committee", "top-management", "business-functions"};

}  // namespace

TEST_CASE("BPMN's potentialOwner and humanPerformer name the Responsible roles with a formal expression or a resource") {
  auto owner = check(around(R"(<userTask id="t"><potentialOwner><resourceAssignmentExpression>
<formalExpression>group('security-committee')</formalExpression></resourceAssignmentExpression></potentialOwner></userTask>)"),
                     {}, &kOrganisation);
  INFO(owner.dump());
  CHECK_FALSE(owner.diagnostics.has_errors());
  CHECK(task(owner).raci.responsible == std::vector<std::string>{"security-committee"});
  CHECK(warnings(owner) == 0);

  auto performer = check(around(R"(<userTask id="t"><humanPerformer><resourceRef>business-functions</resourceRef></humanPerformer></userTask>)",
                                R"(<resource id="business-functions" name="The business functions"/>)"),
                         {}, &kOrganisation);
  INFO(performer.dump());
  CHECK(task(performer).raci.responsible == std::vector<std::string>{"business-functions"});
  CHECK(task(performer).raci.accountable == std::vector<std::string>{"business-functions"});
}

TEST_CASE("Camunda 7's candidateGroups and Camunda 8's assignmentDefinition name the Responsible roles; the assignee is a person") {
  auto seven = check(around(R"(<userTask id="t" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:candidateGroups="security-committee" camunda:assignee="karen"/>)"),
                     {}, &kOrganisation);
  INFO(seven.dump());
  CHECK(task(seven).raci.responsible == std::vector<std::string>{"security-committee"});
  CHECK(task(seven).assignee == "karen");
  CHECK(warnings(seven) == 0);

  std::string xml = around(
      R"(<userTask id="t"><extensionElements><zeebe:assignmentDefinition xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" candidateGroups="top-management,security-committee" assignee="lars"/></extensionElements></userTask>)");
  auto eight = check(xml, {}, &kOrganisation);
  INFO(eight.dump());
  CHECK(task(eight).raci.responsible == std::vector<std::string>{"top-management", "security-committee"});
  CHECK(task(eight).raci.accountable.empty());  // two Responsible roles: Accountable must be written
  CHECK(eight.has_error(line_of(xml, "<userTask"), "set raci:accountable"));
  CHECK(task(eight).assignee == "lars");
}

TEST_CASE("raci:responsible wins over another modeler's assignment on the same step") {
  auto c = check(around(R"(<userTask id="t" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" raci:responsible="security-function" camunda:candidateGroups="security-committee"/>)"),
                 {}, &kOrganisation);
  CHECK(task(c).raci.responsible == std::vector<std::string>{"security-function"});
}

TEST_CASE("a group that is no organisation role is a finding naming the step, the group and where it was written") {
  std::string xml = around(R"(<userTask id="t" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:candidateGroups="management"/>)");
  auto c = check(xml, {}, &kOrganisation);
  CHECK(c.has_error(line_of(xml, "<userTask"), "userTask 't' names unknown role 'management' in camunda:candidateGroups"));
}

TEST_CASE("an assignment written as the other engine's expression is a warning, and the task goes to its lane's role") {
  std::string xml = around(R"(<userTask id="t" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:candidateGroups="${approvers}" camunda:assignee="${initiator}"/>)");
  auto c = check(xml, {}, &kOrganisation);
  CHECK(c.has_warning(line_of(xml, "<userTask"), "camunda:candidateGroups of 't' is an expression ('${approvers}') that raciflow does not evaluate"));
  CHECK(c.has_warning(line_of(xml, "<userTask"), "camunda:assignee of 't' is an expression ('${initiator}')"));
  CHECK(task(c).raci.responsible == std::vector<std::string>{"security-function"});
  CHECK(task(c).assignee.empty());
}

TEST_CASE("the Camunda Modeler's attributes that say what a file was drawn for are documentation, without a warning") {
  std::string xml = around(R"(<userTask id="t"/>)");
  xml.replace(xml.find("id=\"d\""), 6,
              R"(id="d" xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.5.0" exporter="Camunda Modeler" exporterVersion="5.25.0")");
  auto c = check(xml, {}, &kOrganisation);
  INFO(c.dump());
  CHECK(warnings(c) == 0);
}
