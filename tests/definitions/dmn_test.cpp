// The DMN reader: decision models as dmn-js (Camunda Modeler) and other tools write them,
// read into decisions, tables, requirements and knowledge models, with the mistakes a
// FILE:LINE: error each.
#include <catch2/catch.hpp>

#include <string>

#include "definitions/changes.h"
#include "definitions/dmn.h"

using namespace raciflow::definitions;

namespace {

// A risk matrix as dmn-js writes it (DMN 1.3, default namespace, a diagram beside).
const std::string kRiskMatrix = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/"
    xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="risk-method" name="Risk method" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="risk-level" name="Risk level">
    <informationRequirement id="ir1"><requiredInput href="#likelihood" /></informationRequirement>
    <informationRequirement id="ir2"><requiredInput href="#impact" /></informationRequirement>
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="in1" label="Likelihood">
        <inputExpression id="ie1" typeRef="number"><text>likelihood</text></inputExpression>
        <inputValues id="iv1"><text>[1..5]</text></inputValues>
      </input>
      <input id="in2" label="Impact">
        <inputExpression id="ie2" typeRef="number"><text>impact</text></inputExpression>
      </input>
      <output id="out1" label="Level" name="level" typeRef="string">
        <outputValues id="ov1"><text>"high","medium","low"</text></outputValues>
      </output>
      <output id="out2" label="Treatment required" name="treatment" typeRef="boolean" />
      <rule id="r1">
        <description>Likely and severe</description>
        <inputEntry id="r1i1"><text>&gt;= 4</text></inputEntry>
        <inputEntry id="r1i2"><text>&gt;= 4</text></inputEntry>
        <outputEntry id="r1o1"><text>"high"</text></outputEntry>
        <outputEntry id="r1o2"><text>true</text></outputEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2i1"><text>-</text></inputEntry>
        <inputEntry id="r2i2"><text></text></inputEntry>
        <outputEntry id="r2o1"><text>"low"</text></outputEntry>
        <outputEntry id="r2o2"><text>false</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <inputData id="likelihood" name="Likelihood"><variable id="v1" name="likelihood" typeRef="number" /></inputData>
  <inputData id="impact" name="Impact" />
  <dmndi:DMNDI><dmndi:DMNDiagram id="d1"><dmndi:DMNShape id="s1" dmnElementRef="risk-level"><dc:Bounds height="80" width="180" x="160" y="100" /></dmndi:DMNShape></dmndi:DMNDiagram></dmndi:DMNDI>
</definitions>
)";

std::string model(const std::string& body, const std::string& ns = "https://www.omg.org/spec/DMN/20211108/MODEL/") {
  return "<dmn:definitions xmlns:dmn=\"" + ns + "\" id=\"defs\" name=\"Test\" namespace=\"urn:test\">\n" + body + "</dmn:definitions>\n";
}

bool has_error(const Diagnostics& d, int line, const std::string& fragment) {
  for (const auto& f : d.all())
    if (f.severity == Severity::error && f.line == line && f.message.find(fragment) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a decision table as dmn-js writes it loads with its hit policy, inputs, outputs and rules") {
  Diagnostics d("risk.dmn");
  auto m = load_dmn_text(kRiskMatrix, "risk.dmn", d);
  REQUIRE(m);
  CHECK(d.all().empty());
  CHECK(m->id == "risk-method");
  REQUIRE(m->decisions.size() == 1);
  const Decision& level = m->decisions[0];
  CHECK(level.name == "Risk level");
  CHECK(level.variable == "Risk level");
  CHECK(level.required_inputs == std::vector<std::string>{"likelihood", "impact"});
  REQUIRE(level.logic.table);
  const DecisionTable& t = *level.logic.table;
  CHECK(t.hit_policy == HitPolicy::first);
  CHECK(std::string(hit_policy_name(t.hit_policy)) == "FIRST");
  REQUIRE(t.inputs.size() == 2);
  CHECK(t.inputs[0].expression == "likelihood");
  CHECK(t.inputs[0].type_ref == "number");
  CHECK(t.inputs[0].allowed == "[1..5]");
  REQUIRE(t.outputs.size() == 2);
  CHECK(t.outputs[0].name == "level");
  CHECK(t.outputs[0].allowed == R"("high","medium","low")");
  REQUIRE(t.rules.size() == 2);
  CHECK(t.rules[0].inputs == std::vector<std::string>{">= 4", ">= 4"});
  CHECK(t.rules[0].outputs == std::vector<std::string>{R"("high")", "true"});
  CHECK(t.rules[0].description == "Likely and severe");
  CHECK(t.rules[1].inputs == std::vector<std::string>{"-", ""});
  CHECK(t.rules[1].line == 26);
  CHECK(m->inputs.size() == 2);
  CHECK(m->find("Risk level") == &level);
  CHECK(m->find("risk-level") == &level);
  CHECK(m->find("nothing") == nullptr);
  CHECK(is_dmn(kRiskMatrix));
}

TEST_CASE("every DMN namespace from 1.2 to 1.5 loads, under any prefix; another root is refused") {
  for (const char* ns : {"http://www.omg.org/spec/DMN/20180521/MODEL/", "https://www.omg.org/spec/DMN/20191111/MODEL/",
                         "https://www.omg.org/spec/DMN/20211108/MODEL/", "https://www.omg.org/spec/DMN/20230324/MODEL/"}) {
    Diagnostics d("x.dmn");
    INFO(ns);
    CHECK(load_dmn_text(model(R"(<dmn:decision id="a" name="A"><dmn:literalExpression><dmn:text>1 + 1</dmn:text></dmn:literalExpression></dmn:decision>
)", ns), "x.dmn", d));
  }
  Diagnostics bpmn("x.dmn");
  CHECK_FALSE(load_dmn_text(R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>)", "x.dmn", bpmn));
  CHECK(has_error(bpmn, 1, "not a DMN 1.2 to 1.5 'definitions'"));
}

TEST_CASE("a rule with too few or too many entries, an unknown hit policy and an aggregation without COLLECT are errors on their lines") {
  Diagnostics d("bad.dmn");
  auto m = load_dmn_text(model(R"(<dmn:decision id="a" name="A">
<dmn:decisionTable id="t" hitPolicy="SOMETIMES" aggregation="SUM">
<dmn:input id="i"><dmn:inputExpression><dmn:text>x</dmn:text></dmn:inputExpression></dmn:input>
<dmn:output id="o" name="y"/>
<dmn:rule id="r1"><dmn:outputEntry><dmn:text>1</dmn:text></dmn:outputEntry></dmn:rule>
<dmn:rule id="r2"><dmn:inputEntry><dmn:text>1</dmn:text></dmn:inputEntry><dmn:inputEntry><dmn:text>2</dmn:text></dmn:inputEntry><dmn:outputEntry><dmn:text>1</dmn:text></dmn:outputEntry></dmn:rule>
</dmn:decisionTable>
</dmn:decision>
)"), "bad.dmn", d);
  CHECK_FALSE(m);
  CHECK(has_error(d, 3, "unknown hitPolicy 'SOMETIMES'"));
  CHECK(has_error(d, 3, "an aggregation needs the COLLECT hit policy"));
  CHECK(has_error(d, 6, "rule 1 (r1) has 0 input entries for 1 inputs"));
  CHECK(has_error(d, 7, "rule 2 (r2) has 2 input entries for 1 inputs"));
}

TEST_CASE("several outputs need distinct names, and COLLECT with an aggregation a single output") {
  Diagnostics d("bad.dmn");
  CHECK_FALSE(load_dmn_text(model(R"(<dmn:decision id="a" name="A">
<dmn:decisionTable id="t" hitPolicy="COLLECT" aggregation="MAX">
<dmn:output id="o1" name="y"/>
<dmn:output id="o2" name="y"/>
<dmn:output id="o3"/>
</dmn:decisionTable>
</dmn:decision>
)"), "bad.dmn", d));
  CHECK(has_error(d, 5, "two outputs are named 'y'"));
  CHECK(has_error(d, 6, "with several outputs each needs a name"));
  CHECK(has_error(d, 3, "an aggregation needs a single output"));
}

TEST_CASE("requirements name decisions, inputs and knowledge of the file; a cycle is an error; a decision's requirements come first") {
  Diagnostics d("drg.dmn");
  auto m = load_dmn_text(model(R"(<dmn:decision id="final" name="Final">
<dmn:informationRequirement><dmn:requiredDecision href="#score"/></dmn:informationRequirement>
<dmn:informationRequirement><dmn:requiredDecision href="#base"/></dmn:informationRequirement>
<dmn:literalExpression><dmn:text>score + base</dmn:text></dmn:literalExpression>
</dmn:decision>
<dmn:decision id="score" name="Score">
<dmn:informationRequirement><dmn:requiredDecision href="#base"/></dmn:informationRequirement>
<dmn:literalExpression><dmn:text>base * 2</dmn:text></dmn:literalExpression>
</dmn:decision>
<dmn:decision id="base" name="Base"><dmn:literalExpression><dmn:text>1</dmn:text></dmn:literalExpression></dmn:decision>
)"), "drg.dmn", d);
  REQUIRE(m);
  std::vector<std::string> order;
  for (const Decision* x : m->evaluation_order(*m->find("final"))) order.push_back(x->id);
  CHECK(order == std::vector<std::string>{"base", "score", "final"});

  Diagnostics cyclic("cycle.dmn");
  CHECK_FALSE(load_dmn_text(model(R"(<dmn:decision id="a" name="A">
<dmn:informationRequirement><dmn:requiredDecision href="#b"/></dmn:informationRequirement>
<dmn:literalExpression><dmn:text>b</dmn:text></dmn:literalExpression>
</dmn:decision>
<dmn:decision id="b" name="B">
<dmn:informationRequirement><dmn:requiredDecision href="#a"/></dmn:informationRequirement>
<dmn:informationRequirement><dmn:requiredInput href="#nowhere"/></dmn:informationRequirement>
<dmn:literalExpression><dmn:text>a</dmn:text></dmn:literalExpression>
</dmn:decision>
)"), "cycle.dmn", cyclic));
  CHECK(has_error(cyclic, 6, "decision 'b' requires itself through 'a'"));
  CHECK(has_error(cyclic, 6, "requires input data 'nowhere', which the file does not have"));
}

TEST_CASE("a decision invokes a business knowledge model it requires, binding its parameters") {
  Diagnostics d("bkm.dmn");
  auto m = load_dmn_text(model(R"(<dmn:businessKnowledgeModel id="score-bkm" name="Score">
<dmn:encapsulatedLogic>
<dmn:formalParameter name="likelihood" typeRef="number"/><dmn:formalParameter name="impact" typeRef="number"/>
<dmn:literalExpression><dmn:text>likelihood * impact</dmn:text></dmn:literalExpression>
</dmn:encapsulatedLogic>
</dmn:businessKnowledgeModel>
<dmn:decision id="risk" name="Risk">
<dmn:knowledgeRequirement><dmn:requiredKnowledge href="#score-bkm"/></dmn:knowledgeRequirement>
<dmn:invocation>
<dmn:literalExpression><dmn:text>Score</dmn:text></dmn:literalExpression>
<dmn:binding><dmn:parameter name="likelihood"/><dmn:literalExpression><dmn:text>l</dmn:text></dmn:literalExpression></dmn:binding>
<dmn:binding><dmn:parameter name="impact"/><dmn:literalExpression><dmn:text>i</dmn:text></dmn:literalExpression></dmn:binding>
</dmn:invocation>
</dmn:decision>
)"), "bkm.dmn", d);
  REQUIRE(m);
  const Decision& risk = *m->find("risk");
  REQUIRE(risk.logic.invocation);
  CHECK(risk.logic.invocation->knowledge == "score-bkm");
  REQUIRE(risk.logic.invocation->bindings.size() == 2);
  CHECK(risk.logic.invocation->bindings[1].first == "impact");
  CHECK(risk.logic.invocation->bindings[1].second.text == "i");
  const KnowledgeModel* k = m->find_knowledge("score-bkm");
  REQUIRE(k);
  CHECK(k->parameters.size() == 2);
  REQUIRE(k->logic.literal);
  CHECK(k->logic.literal->text == "likelihood * impact");
}

TEST_CASE("an expression of a level raciflow does not evaluate is refused by name, and a decision needs one expression") {
  Diagnostics d("level3.dmn");
  CHECK_FALSE(load_dmn_text(model(R"(<dmn:decision id="ctx" name="Context">
<dmn:context><dmn:contextEntry><dmn:literalExpression><dmn:text>1</dmn:text></dmn:literalExpression></dmn:contextEntry></dmn:context>
</dmn:decision>
<dmn:decision id="empty" name="Empty"/>
<dmn:decision id="twice" name="Twice">
<dmn:literalExpression><dmn:text>1</dmn:text></dmn:literalExpression>
<dmn:literalExpression><dmn:text>2</dmn:text></dmn:literalExpression>
</dmn:decision>
<dmn:decision id="twice" name="Again"><dmn:literalExpression><dmn:text>3</dmn:text></dmn:literalExpression></dmn:decision>
)"), "level3.dmn", d));
  CHECK(has_error(d, 3, "'ctx' is a context; raciflow evaluates decision tables, literal expressions and invocations"));
  CHECK(has_error(d, 5, "'empty' has no decision table, literal expression or invocation to evaluate"));
  CHECK(has_error(d, 6, "'twice' has more than one expression"));
  CHECK(has_error(d, 10, "duplicate id 'twice' (first on line 6)"));
}

TEST_CASE("the rules a modeller adds, removes or edits are listed by decision, matched by id, each as one line") {
  Diagnostics d("risk.dmn");
  auto before = load_dmn_text(kRiskMatrix, "risk.dmn", d);
  REQUIRE(before);
  std::string edited = kRiskMatrix;
  // r1 now needs treatment at a likelihood of 3; r2 is gone; r3 is new.
  edited.replace(edited.find("<text>&gt;= 4</text>"), 20, "<text>&gt;= 3</text>");
  auto r2 = edited.find("      <rule id=\"r2\">");
  auto r2_end = edited.find("</rule>", r2) + 8;
  edited.replace(r2, r2_end - r2, R"(      <rule id="r3">
        <inputEntry id="r3i1"><text>-</text></inputEntry>
        <inputEntry id="r3i2"><text>[2..3]</text></inputEntry>
        <outputEntry id="r3o1"><text>"medium"</text></outputEntry>
        <outputEntry id="r3o2"><text>true</text></outputEntry>
      </rule>
)");
  auto after = load_dmn_text(edited, "risk.dmn", d);
  REQUIRE(after);
  REQUIRE_FALSE(d.has_errors());
  auto changes = compare_rules(*before, *after);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].kind == StepChange::Kind::changed);
  CHECK(changes[0].decision == "risk-level");
  CHECK(changes[0].decision_name == "Risk level");
  CHECK(changes[0].rule == "r1");
  CHECK(changes[0].number == 1);
  CHECK(changes[0].before == "Likelihood: >= 4, Impact: >= 4 → Level: \"high\", Treatment required: true (Likely and severe)");
  CHECK(changes[0].after == "Likelihood: >= 3, Impact: >= 4 → Level: \"high\", Treatment required: true (Likely and severe)");
  CHECK(changes[1].kind == StepChange::Kind::added);
  CHECK(changes[1].rule == "r3");
  CHECK(changes[1].number == 2);
  CHECK(changes[1].before.empty());
  CHECK(changes[1].after == "Impact: [2..3] → Level: \"medium\", Treatment required: true");
  CHECK(changes[2].kind == StepChange::Kind::removed);
  CHECK(changes[2].rule == "r2");
  CHECK(changes[2].after.empty());
  CHECK(changes[2].before == "- → Level: \"low\", Treatment required: false");
  // A model against itself changes nothing; against no model every rule is new.
  CHECK(compare_rules(*after, *after).empty());
  CHECK(compare_rules(DecisionModel{}, *before).size() == 2);
}
