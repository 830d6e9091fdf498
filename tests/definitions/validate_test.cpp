// One small broken definition per error and warning class; each asserts the message and
// the line of the offending element.
#include <catch2/catch.hpp>

#include "definitions/raci.h"
#include "tests/support.h"

using raciflow::testing::bpmn;
using raciflow::testing::check;
using raciflow::testing::line_of;

namespace {

std::string lane(const std::string& role, std::initializer_list<const char*> nodes) {
  std::string out = "  <lane id=\"lane-" + role + "\" name=\"" + role + "\" raci:role=\"" + role + "\">";
  for (const char* n : nodes) out += "<flowNodeRef>" + std::string(n) + "</flowNodeRef>";
  return out + "</lane>\n";
}

std::string lanes(const std::string& body) { return "<laneSet id=\"ls\">\n" + body + "</laneSet>\n"; }

const std::string kStraight = R"(<startEvent id="s"/>
<userTask id="t" name="Do it"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
<sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
)";

// A start, one user task `t` with `attributes`, and an end, in a row.
std::string one_task(const std::string& attributes) {
  return "<startEvent id=\"s\"/>\n<userTask id=\"t\" " + attributes + R"(/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
<sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
)";
}

}  // namespace

TEST_CASE("a straight flow with a lane per role has no findings") {
  auto c = check(bpmn(kStraight, lanes(lane("security-function", {"s", "t", "e"}))));
  INFO(c.dump());
  CHECK(c.diagnostics.all().empty());
  const auto& t = *c.definitions->processes[0].find_node("t");
  CHECK(t.raci.responsible == std::vector<std::string>{"security-function"});
  CHECK(t.raci.accountable == std::vector<std::string>{"security-function"});
}

TEST_CASE("duplicate ids are an error on the second element's line") {
  std::string xml = bpmn(kStraight + "<task id=\"t\" name=\"again\"/>\n", lanes(lane("sf", {"s", "t", "e"})));
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "name=\"again\""), "duplicate id 't' (first used on line " +
                                                        std::to_string(line_of(xml, "name=\"Do it\"")) + ")"));
}

TEST_CASE("a flow to an unknown id is an error on the flow's line") {
  std::string xml = bpmn(kStraight + "<sequenceFlow id=\"f3\" sourceRef=\"t\" targetRef=\"nowhere\"/>\n",
                         lanes(lane("sf", {"s", "t", "e"})));
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"f3\""), "sequence flow 'f3' goes to unknown id 'nowhere'"));
}

TEST_CASE("a flow from an unknown id is an error on the flow's line") {
  std::string xml = bpmn(kStraight + "<sequenceFlow id=\"f3\" sourceRef=\"ghost\" targetRef=\"e\"/>\n",
                         lanes(lane("sf", {"s", "t", "e"})));
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"f3\""), "sequence flow 'f3' comes from unknown id 'ghost'"));
}

TEST_CASE("a process without a start event is an error on the process line") {
  std::string xml = bpmn("<task id=\"t\"/>\n<endEvent id=\"e\"/>\n<sequenceFlow id=\"f\" sourceRef=\"t\" targetRef=\"e\"/>\n");
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "<process"), "process 'p' has no start event"));
}

TEST_CASE("a node that no start reaches is an error on its line") {
  std::string xml = bpmn(kStraight + "<task id=\"orphan\"/>\n<sequenceFlow id=\"f3\" sourceRef=\"orphan\" targetRef=\"e\"/>\n",
                         lanes(lane("sf", {"s", "t", "e", "orphan"})));
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"orphan\""), "task 'orphan' is not reachable from a start event"));
}

TEST_CASE("a loop without an exit is an error: no end can be reached") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<task id="a"/>
<task id="b"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
<sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
<sequenceFlow id="f3" sourceRef="b" targetRef="a"/>
<sequenceFlow id="f4" sourceRef="s" targetRef="e"/>
)");
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "<task id=\"a\""), "no end event can be reached from task 'a'"));
  CHECK(c.has_error(line_of(xml, "<task id=\"b\""), "no end event can be reached from task 'b'"));
}

TEST_CASE("a loop with an exit is fine") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<task id="a"/>
<exclusiveGateway id="again" default="out"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
<sequenceFlow id="f2" sourceRef="a" targetRef="again"/>
<sequenceFlow id="back" sourceRef="again" targetRef="a"><conditionExpression>retry == true</conditionExpression></sequenceFlow>
<sequenceFlow id="out" sourceRef="again" targetRef="e"/>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK_FALSE(c.diagnostics.has_errors());
}

TEST_CASE("an exclusive split with a flow that has neither condition nor default is an error") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<exclusiveGateway id="g"/>
<endEvent id="e1"/>
<endEvent id="e2"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
<sequenceFlow id="yes" sourceRef="g" targetRef="e1"><conditionExpression>ok</conditionExpression></sequenceFlow>
<sequenceFlow id="bare" sourceRef="g" targetRef="e2"/>
)");
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"bare\""),
                    "sequence flow 'bare' leaves the exclusive split 'g' with neither a condition nor being its default"));
  CHECK(c.diagnostics.error_count() == 1);
}

TEST_CASE("an inclusive split with a flow that has neither condition nor default is an error") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<inclusiveGateway id="g"/>
<endEvent id="e1"/>
<endEvent id="e2"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
<sequenceFlow id="a" sourceRef="g" targetRef="e1"><conditionExpression>x &gt; 1</conditionExpression></sequenceFlow>
<sequenceFlow id="bare" sourceRef="g" targetRef="e2"/>
)");
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"bare\""), "leaves the inclusive split 'g'"));
}

TEST_CASE("a condition that does not parse is an error on its line") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<exclusiveGateway id="g" default="other"/>
<endEvent id="e1"/>
<endEvent id="e2"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
<sequenceFlow id="broken" sourceRef="g" targetRef="e1">
  <conditionExpression>risk &gt;= </conditionExpression>
</sequenceFlow>
<sequenceFlow id="other" sourceRef="g" targetRef="e2"/>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_error(line_of(xml, "risk &gt;="), "condition on 'broken' does not parse: expression ends too early"));
}

TEST_CASE("a RACI attribute naming a role the organisation does not have is an error listing the roles") {
  std::string xml = bpmn(one_task(R"(raci:consulted="legal")"), lanes(lane("security-function", {"s", "t", "e"})));
  std::set<std::string> org{"security-function", "top-management"};
  auto c = check(xml, {}, &org);
  CHECK(c.has_error(line_of(xml, "id=\"t\""),
                    "userTask 't' names unknown role 'legal' in raci:consulted (roles: security-function, top-management)"));
}

TEST_CASE("a RACI attribute may name an organisation role that has no lane") {
  std::string xml = bpmn(one_task(R"(raci:accountable="top-management" raci:consulted="security-committee")"),
                         lanes(lane("security-function", {"s", "t", "e"})));
  std::set<std::string> org{"security-function", "top-management", "security-committee"};
  auto c = check(xml, {}, &org);
  INFO(c.dump());
  CHECK(c.diagnostics.all().empty());
  auto matrix = raciflow::definitions::raci_matrix(c.definitions->processes.front());
  REQUIRE(matrix.columns.size() == 3);  // the lane's role, then the others as the step names them
  CHECK(matrix.columns[1].id == "top-management");
  CHECK(matrix.rows.front().cells == std::vector<std::string>{"R", "A", "C"});
}

TEST_CASE("without an organisation a role that is no lane's is a warning that it was not checked") {
  std::string xml = bpmn(one_task(R"(raci:informed="top-management")"), lanes(lane("security-function", {"s", "t", "e"})));
  auto c = check(xml);
  CHECK_FALSE(c.diagnostics.has_errors());
  CHECK(c.has_warning(line_of(xml, "id=\"t\""), "userTask 't' names role 'top-management' in raci:informed, which is no lane's "
                                                  "role: not checked without an organisation (validate --org FILE)"));
}

TEST_CASE("a lane holding a step whose role the organisation does not have is an error, an empty one a warning") {
  std::string xml = bpmn(kStraight, lanes(lane("security-function", {"s", "t", "e"}) + lane("legal", {})));
  std::set<std::string> org{"top-management"};
  auto c = check(xml, {}, &org);
  INFO(c.dump());
  CHECK(c.has_error(line_of(xml, "id=\"lane-security-function\""),
                    "lane 'security-function' (lane-security-function) has role 'security-function', which the organisation does not "
                    "have: its tasks would reach no one; choose one of the organisation's roles"));
  CHECK(c.has_warning(line_of(xml, "id=\"lane-legal\""), "lane 'legal' (lane-legal) has role 'legal', which the organisation does not have"));
}

TEST_CASE("a lane drawn without a role holding a step cannot be deployed against an organisation") {
  std::string xml = bpmn(kStraight, R"(<laneSet id="ls"><lane id="Lane_1h3ro2s" name="Sikkerhed"><flowNodeRef>s</flowNodeRef>
<flowNodeRef>t</flowNodeRef><flowNodeRef>e</flowNodeRef></lane></laneSet>
)");
  std::set<std::string> org{"security-function"};
  auto c = check(xml, {}, &org);
  INFO(c.dump());
  CHECK(c.has_error(line_of(xml, "id=\"Lane_1h3ro2s\""), "lane 'Sikkerhed' (Lane_1h3ro2s) has no raci:role: its tasks would reach no one; "
                                                          "choose one of the organisation's roles"));
}

TEST_CASE("a user task without a Responsible role is an error") {
  std::string xml = bpmn(kStraight);  // no lanes at all
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"t\""), "userTask 'Do it' (t) has no Responsible role: put it in a lane or set raci:responsible"));
}

TEST_CASE("a user task with two Responsible roles and no Accountable is an error") {
  std::string xml = bpmn(one_task(R"(raci:responsible="a b")"), lanes(lane("a", {"s", "t", "e"}) + lane("b", {})));
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"t\""), "userTask 't' needs exactly one Accountable role, has none"));
}

TEST_CASE("a user task with two Accountable roles is an error") {
  std::string xml = bpmn(one_task(R"(raci:accountable="a b")"), lanes(lane("a", {"s", "t", "e"}) + lane("b", {})));
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"t\""), "userTask 't' needs exactly one Accountable role, has a, b"));
}

TEST_CASE("raci:separateFrom naming an unknown activity is an error") {
  std::string xml = bpmn(one_task(R"(raci:separateFrom="nobody")"), lanes(lane("sf", {"s", "t", "e"})));
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"t\""), "raci:separateFrom of userTask 't' names unknown activity 'nobody'"));
}

TEST_CASE("a bad ISO 8601 duration in raci:due is an error") {
  std::string xml = bpmn(one_task(R"(raci:due="P5X")"), lanes(lane("sf", {"s", "t", "e"})));
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"t\""), "raci:due of 't' is not an ISO 8601 duration: 'P5X'"));
}

TEST_CASE("bad ISO 8601 timer dates, durations and cycles are errors on their lines") {
  std::string xml = bpmn(R"(<startEvent id="s"><timerEventDefinition>
  <timeDate>2026-02-30T09:00:00Z</timeDate>
</timerEventDefinition></startEvent>
<intermediateCatchEvent id="wait"><timerEventDefinition>
  <timeDuration>5 days</timeDuration>
</timerEventDefinition></intermediateCatchEvent>
<intermediateCatchEvent id="tick"><timerEventDefinition>
  <timeCycle>every week</timeCycle>
</timerEventDefinition></intermediateCatchEvent>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
<sequenceFlow id="f2" sourceRef="wait" targetRef="tick"/>
<sequenceFlow id="f3" sourceRef="tick" targetRef="e"/>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_error(line_of(xml, "<timeDate>"), "timeDate of 's' is not an ISO 8601 date: '2026-02-30T09:00:00Z' (no such calendar date"));
  CHECK(c.has_error(line_of(xml, "<timeDuration>"), "timeDuration of 'wait' is not an ISO 8601 duration: '5 days'"));
  CHECK(c.has_error(line_of(xml, "<timeCycle>"), "timeCycle of 'tick' is not an ISO 8601 repeating interval: 'every week'"));
}

TEST_CASE("a call activity to a process that is not loaded is an error") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<callActivity id="call" calledElement="corrective-action"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
<sequenceFlow id="f2" sourceRef="call" targetRef="e"/>
)");
  auto c = check(xml);
  CHECK(c.has_error(line_of(xml, "id=\"call\""),
                    "callActivity 'call' calls process 'corrective-action', which is not in the loaded files"));
  auto resolved = check(xml, {"corrective-action"});
  CHECK_FALSE(resolved.diagnostics.has_errors());
}

TEST_CASE("an element that is loaded but not executed is a warning on its line") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<endEvent id="e"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></endEvent>
<sequenceFlow id="f1" sourceRef="s" targetRef="e"/>
<textAnnotation id="note"><text>why</text></textAnnotation>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_warning(line_of(xml, "<endEvent"), "endEvent 'e' is loaded but not executed: timer endEvents are not executed"));
  CHECK(c.has_warning(line_of(xml, "<textAnnotation"), "<textAnnotation> in process 'p' is loaded but not executed"));
  CHECK_FALSE(c.diagnostics.has_errors());
}

TEST_CASE("an unknown element never crashes and never vanishes: it is a warning with its line") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<wormhole id="w"/>
<foo:gadget xmlns:foo="urn:vendor"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="e"/>
)");
  auto c = check(xml);
  CHECK(c.has_warning(line_of(xml, "<wormhole"), "unknown element <wormhole> is ignored"));
  CHECK(c.has_warning(line_of(xml, "<foo:gadget"), "unknown element <foo:gadget> (urn:vendor) is ignored"));
}

TEST_CASE("a parallel join fed by an exclusive split is a warning: a fake join") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<exclusiveGateway id="x" default="f2"/>
<task id="a"/>
<task id="b"/>
<parallelGateway id="join"/>
<endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="x"/>
<sequenceFlow id="f1" sourceRef="x" targetRef="a"><conditionExpression>go</conditionExpression></sequenceFlow>
<sequenceFlow id="f2" sourceRef="x" targetRef="b"/>
<sequenceFlow id="f3" sourceRef="a" targetRef="join"/>
<sequenceFlow id="f4" sourceRef="b" targetRef="join"/>
<sequenceFlow id="f5" sourceRef="join" targetRef="e"/>
)");
  auto c = check(xml);
  CHECK(c.has_warning(line_of(xml, "id=\"join\""), "parallel join 'join' is fed by the exclusive split 'x'"));
}

TEST_CASE("a parallel join fed by a parallel split is not a fake join") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<parallelGateway id="fork"/>
<task id="a"/>
<task id="b"/>
<parallelGateway id="join"/>
<endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="fork"/>
<sequenceFlow id="f1" sourceRef="fork" targetRef="a"/>
<sequenceFlow id="f2" sourceRef="fork" targetRef="b"/>
<sequenceFlow id="f3" sourceRef="a" targetRef="join"/>
<sequenceFlow id="f4" sourceRef="b" targetRef="join"/>
<sequenceFlow id="f5" sourceRef="join" targetRef="e"/>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.diagnostics.all().empty());
}

TEST_CASE("a gateway with one way in and one way out is a warning") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<parallelGateway id="g"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
<sequenceFlow id="f2" sourceRef="g" targetRef="e"/>
)");
  auto c = check(xml);
  CHECK(c.has_warning(line_of(xml, "id=\"g\""), "parallelGateway 'g' has one way in and one way out: it does nothing"));
}

TEST_CASE("a lane that holds no step and no RACI letter is a warning") {
  std::string xml = bpmn(kStraight, lanes(lane("security-function", {"s", "t", "e"}) + lane("top-management", {})));
  auto c = check(xml);
  CHECK(c.has_warning(line_of(xml, "id=\"lane-top-management\""),
                      "lane 'top-management' (lane-top-management) with role 'top-management' holds no step and is named in no RACI attribute"));
}

TEST_CASE("an activity in no lane is a warning, and an error unless R is explicit") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<userTask id="loose"/>
<userTask id="placed" raci:responsible="sf"/>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="loose"/>
<sequenceFlow id="f2" sourceRef="loose" targetRef="placed"/>
<sequenceFlow id="f3" sourceRef="placed" targetRef="e"/>
)", lanes(lane("sf", {"s", "e"})));
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_warning(line_of(xml, "id=\"loose\""), "userTask 'loose' is in no lane"));
  CHECK(c.has_error(line_of(xml, "id=\"loose\""), "userTask 'loose' is in no lane and has no raci:responsible"));
  CHECK(c.has_warning(line_of(xml, "id=\"placed\""), "userTask 'placed' is in no lane"));
  CHECK_FALSE(c.has_error(line_of(xml, "id=\"placed\""), ""));
}

TEST_CASE("nested lanes: the innermost lane is the role, and its raci:role wins over its id") {
  std::string xml = bpmn(kStraight, R"(<laneSet id="ls">
  <lane id="outer" name="Business functions" raci:role="business-functions">
    <flowNodeRef>s</flowNodeRef><flowNodeRef>t</flowNodeRef><flowNodeRef>e</flowNodeRef>
    <childLaneSet id="cls">
      <lane id="lane-hr" name="HR" raci:role="hr"><flowNodeRef>t</flowNodeRef></lane>
      <lane id="it-operations" name="IT operations"/>
    </childLaneSet>
  </lane>
</laneSet>
)");
  auto c = check(xml);
  const auto& p = c.definitions->processes[0];
  CHECK(p.find_node("t")->role == "hr");
  CHECK(p.find_node("s")->role == "business-functions");
  REQUIRE(p.find_role("it-operations"));
  CHECK(c.has_warning(line_of(xml, "id=\"it-operations\""), "lane 'IT operations' (it-operations) with role 'it-operations' holds no step"));
}

TEST_CASE("RACI defaults: R from the lane, A from a single R, explicit values kept") {
  std::string xml = bpmn(one_task(R"(raci:accountable="security-committee" raci:consulted="security-function" raci:informed="top-management security-committee" raci:iso="10.2 A.5.26" raci:due="P5D")"), lanes(lane("business-functions", {"s", "t", "e"}) + lane("security-committee", {}) + lane("security-function", {}) +
          lane("top-management", {})));
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.diagnostics.all().empty());
  const auto& t = *c.definitions->processes[0].find_node("t");
  CHECK(t.raci.responsible == std::vector<std::string>{"business-functions"});
  CHECK(t.raci.accountable == std::vector<std::string>{"security-committee"});
  CHECK(t.raci.informed == std::vector<std::string>{"top-management", "security-committee"});
  CHECK(t.iso == std::vector<std::string>{"10.2", "A.5.26"});
  CHECK(t.due->days == 5);
}

TEST_CASE("a loopMaximum, testBefore or quantity that is not a number or flag is an error naming the attribute") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<userTask id="t" raci:responsible="a" raci:accountable="a" startQuantity="many">
  <standardLoopCharacteristics testBefore="yes" loopMaximum="0"><loopCondition>again</loopCondition></standardLoopCharacteristics>
</userTask>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
<sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
)", lanes(lane("a", {"s", "t", "e"})));
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_error(line_of(xml, "id=\"t\""), "startQuantity of 't' is 'many', not a whole number of at least 1"));
  CHECK(c.has_error(line_of(xml, "testBefore"), "testBefore of 't' is 'yes', not true or false"));
  CHECK(c.has_error(line_of(xml, "testBefore"), "loopMaximum of 't' is '0', not a whole number of at least 1"));
}

TEST_CASE("an eventDefinitionRef to nothing is an error, and a repeating cycle on an intermediate timer a warning") {
  std::string xml = bpmn(R"(<startEvent id="s"/>
<intermediateCatchEvent id="lost"><eventDefinitionRef>nowhere</eventDefinitionRef></intermediateCatchEvent>
<intermediateCatchEvent id="tick"><timerEventDefinition><timeCycle>R3/PT10M</timeCycle></timerEventDefinition></intermediateCatchEvent>
<endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="lost"/>
<sequenceFlow id="f2" sourceRef="lost" targetRef="tick"/>
<sequenceFlow id="f3" sourceRef="tick" targetRef="e"/>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_error(line_of(xml, "<eventDefinitionRef>"), "eventDefinitionRef of 'lost' names 'nowhere', which is no event definition at the root of the file"));
  CHECK(c.has_warning(line_of(xml, "R3/PT10M"), "timeCycle of 'tick' repeats, but an intermediate catch event fires once"));
}

TEST_CASE("a multi-instance without a count, or with its raci attributes at odds, is an error naming what is missing") {
  auto mi = [](const std::string& inner) {
    return bpmn("<startEvent id=\"s\"/>\n<userTask id=\"t\" raci:responsible=\"a\" raci:accountable=\"a\">\n" + inner +
                    "\n</userTask>\n<endEvent id=\"e\"/>\n<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>\n"
                    "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>\n",
                lanes(lane("a", {"s", "t", "e"})));
  };
  auto errors_of = [&](const std::string& inner, std::initializer_list<const char*> expected) {
    std::string xml = mi(inner);
    auto c = check(xml);
    INFO(c.dump());
    for (const char* e : expected) CHECK(c.has_error(line_of(xml, "<multiInstanceLoopCharacteristics"), e));
    return c.diagnostics.has_errors();
  };
  errors_of("<multiInstanceLoopCharacteristics/>", {"the multi-instance of 't' needs a loopCardinality or a raci:collection: how many instances?"});
  errors_of(R"(<multiInstanceLoopCharacteristics raci:collection="xs"><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>)",
            {"has both a loopCardinality and a raci:collection; choose one"});
  errors_of(R"(<multiInstanceLoopCharacteristics raci:elementVariable="x" raci:outputVariable="o"><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>)",
            {"has a raci:elementVariable without a raci:collection", "needs both raci:outputVariable and raci:outputCollection, or neither"});
  CHECK_FALSE(errors_of(R"(<multiInstanceLoopCharacteristics raci:collection="units" raci:elementVariable="unit" raci:roleFromElement="true"/>)", {}));
}
