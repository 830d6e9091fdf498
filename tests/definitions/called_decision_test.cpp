// The decision a business-rule task evaluates, as raciflow, Camunda 8 and Camunda 7 write
// it, and what raciflow refuses of it rather than evaluate some other way.
#include <catch2/catch.hpp>

#include "definitions/dmn_eval.h"
#include "tests/support.h"

using namespace raciflow::definitions;
using raciflow::testing::bpmn;
using raciflow::testing::check;
using nlohmann::json;

namespace {

const char* kNamespaces = R"(xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:camunda="http://camunda.org/schema/1.0/bpmn")";

// One task `t` written as `task_xml`, between a start and an end.
raciflow::testing::Checked around(const std::string& task_xml) {
  std::string body = R"(<startEvent id="s"/>)" + task_xml + R"(<endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="t"/><sequenceFlow id="f1" sourceRef="t" targetRef="e"/>)";
  std::string xml = bpmn(body);
  xml.replace(xml.find(R"(id="d">)"), 7, std::string(R"(id="d" )") + kNamespaces + ">");
  return check(xml);
}

const FlowNode& task(const raciflow::testing::Checked& c) { return *c.definitions->processes.front().find_node("t"); }

}  // namespace

TEST_CASE("a business-rule task names its decision the raciflow, Camunda 8 or Camunda 7 way") {
  auto raci = around(R"(<businessRuleTask id="t" raci:decision="risk-level" raci:resultVariable="risk"/>)");
  INFO(raci.dump());
  REQUIRE(task(raci).called_decision);
  CHECK(task(raci).called_decision->decision == "risk-level");
  CHECK(task(raci).called_decision->result_variable == "risk");
  CHECK(task(raci).called_decision->mapping == CalledDecision::Mapping::dmn);
  CHECK(raci.diagnostics.all().empty());

  auto zeebe = around(R"(<businessRuleTask id="t"><extensionElements><zeebe:calledDecision decisionId="risk-level" resultVariable="risk"/>
</extensionElements></businessRuleTask>)");
  REQUIRE(task(zeebe).called_decision);
  CHECK(task(zeebe).called_decision->decision == "risk-level");
  CHECK(zeebe.diagnostics.all().empty());

  auto camunda = around(R"(<businessRuleTask id="t" camunda:decisionRef="risk-level" camunda:resultVariable="risk"
 camunda:decisionRefBinding="version" camunda:decisionRefVersion="2" camunda:mapDecisionResult="singleEntry"/>)");
  INFO(camunda.dump());
  REQUIRE(task(camunda).called_decision);
  CHECK(task(camunda).called_decision->version == 2);
  CHECK(task(camunda).called_decision->mapping == CalledDecision::Mapping::single_entry);
  CHECK(camunda.diagnostics.all().empty());  // the camunda: attributes are read, not "not executed"
}

TEST_CASE("a business-rule task without a decision passes through with a warning") {
  auto c = around(R"(<businessRuleTask id="t"/>)");
  CHECK_FALSE(c.diagnostics.has_errors());
  CHECK(c.has_warning(4, "names no decision"));
}

TEST_CASE("what raciflow cannot honour of a called decision is refused with the task's line") {
  auto refused = [](const std::string& xml, const std::string& fragment) {
    auto c = around(xml);
    INFO(c.dump());
    CHECK(c.diagnostics.has_errors());
    bool found = false;
    for (const auto& d : c.diagnostics.all()) found = found || (d.line == 4 && d.message.find(fragment) != std::string::npos);
    CHECK(found);
    CHECK_FALSE(c.has_warning(4, "names no decision"));  // refused, not ignored
  };
  refused(R"(<businessRuleTask id="t"><extensionElements><zeebe:calledDecision decisionId="x" resultVariable="r" bindingType="deployment"/>
</extensionElements></businessRuleTask>)",
          "binds the decision by 'deployment'");
  refused(R"(<businessRuleTask id="t" camunda:decisionRef="x" camunda:resultVariable="r" camunda:decisionRefTenantId="a"/>)",
          "camunda:decisionRefTenantId of 't' is not one raciflow can honour");
  refused(R"(<businessRuleTask id="t" camunda:decisionRef="x" camunda:resultVariable="r" camunda:decisionRefBinding="version"/>)",
          "must be a version number");
  refused(R"(<businessRuleTask id="t" raci:decision="x"/>)", "gives no result variable");
  refused(R"(<businessRuleTask id="t" raci:decision="=x" raci:resultVariable="r"/>)", "is an expression");
  refused(R"(<businessRuleTask id="t" raci:decision="x" raci:resultVariable="a b"/>)", "is not a variable name");
  refused(R"(<businessRuleTask id="t" raci:decision="x" raci:resultVariable="r" camunda:decisionRef="y"/>)", "names two decisions");
}

TEST_CASE("a decision named on another kind of task has no effect, and says so") {
  auto c = around(R"(<userTask id="t" raci:decision="x" raci:resultVariable="r"/>)");
  CHECK(c.has_warning(4, "only a business-rule task evaluates a decision"));
  CHECK_FALSE(task(c).called_decision);
}

TEST_CASE("Camunda 7's mapDecisionResult shapes a result as rows, one entry, or the entries of a one-output table") {
  Diagnostics d("m.dmn");
  auto model = load_dmn_text(R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="m" name="M" namespace="urn:t">
<decision id="many" name="Many"><decisionTable hitPolicy="COLLECT">
<input label="N"><inputExpression typeRef="number"><text>n</text></inputExpression></input>
<output name="tag" typeRef="string"/>
<rule><inputEntry><text>&gt; 0</text></inputEntry><outputEntry><text>"positive"</text></outputEntry></rule>
<rule><inputEntry><text>&gt; 10</text></inputEntry><outputEntry><text>"large"</text></outputEntry></rule>
</decisionTable></decision></definitions>)",
                             "m.dmn", d);
  REQUIRE(model);
  const Decision& many = *model->find("many");
  const json result = json::array({"positive", "large"});
  std::string error;
  using M = CalledDecision::Mapping;
  CHECK(*shape_result(many, result, M::result_list, &error) == json::array({{{"tag", "positive"}}, {{"tag", "large"}}}));
  CHECK(*shape_result(many, result, M::collect_entries, &error) == result);
  CHECK_FALSE(shape_result(many, result, M::single_entry, &error));
  CHECK(error == "camunda:mapDecisionResult is singleEntry, but 2 rules matched");
  CHECK(*shape_result(many, json::array({"positive"}), M::single_result, &error) == json{{"tag", "positive"}});
  CHECK(*shape_result(many, json::array(), M::single_entry, &error) == nullptr);
}
