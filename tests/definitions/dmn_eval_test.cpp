// Decision tables evaluated: one test per hit policy and aggregation, default outputs,
// several outputs, requirements and invocations, and the violations that are errors.
#include <catch2/catch.hpp>

#include <string>

#include "definitions/dmn_eval.h"

using nlohmann::json;
using namespace raciflow::definitions;

namespace {

// A table over `score` with rules (test, output), under `policy`.
std::string table(const std::string& policy, const std::vector<std::pair<std::string, std::string>>& rules,
                  const std::string& output_extra = "", const std::string& output_inner = "") {
  std::string out = R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="D" namespace="urn:t">
<decision id="grade" name="Grade"><decisionTable id="t" )" + policy + R"(>
<input id="i" label="Score"><inputExpression typeRef="number"><text>score</text></inputExpression></input>
<output id="o" name="grade" )" + output_extra + ">" + output_inner + "</output>\n";
  int n = 0;
  for (const auto& [test, value] : rules)
    out += "<rule id=\"r" + std::to_string(++n) + "\"><inputEntry><text>" + test + "</text></inputEntry><outputEntry><text>" + value +
           "</text></outputEntry></rule>\n";
  return out + "</decisionTable></decision></definitions>\n";
}

DecisionEngine engine(const std::string& text) {
  Diagnostics d("t.dmn");
  auto model = load_dmn_text(text, "t.dmn", d);
  INFO((d.all().empty() ? "" : d.all().front().format()));
  REQUIRE(model);
  auto e = DecisionEngine::compile(*model, d);
  INFO((d.all().empty() ? "" : d.all().front().format()));
  REQUIRE(e);
  return *e;
}

std::vector<int> rules_of(const DecisionOutcome& o) {
  std::vector<int> out;
  for (const auto& m : o.matched) out.push_back(m.rule);
  return out;
}

const std::vector<std::pair<std::string, std::string>> kOverlapping = {
    {"&gt;= 90", "\"A\""}, {"&gt;= 50", "\"B\""}, {"&lt; 50", "\"C\""}};

}  // namespace

TEST_CASE("UNIQUE: the one rule that matches gives the result; two that match are an error, none gives null") {
  auto e = engine(table("hitPolicy=\"UNIQUE\"", {{"[90..100]", "\"A\""}, {"[50..90)", "\"B\""}, {"&lt; 50", "\"C\""}}));
  auto a = e.evaluate("grade", {{"score", 95}});
  CHECK(a.ok());
  CHECK(a.result == "A");
  CHECK(rules_of(a) == std::vector<int>{1});
  CHECK(a.inputs == json{{"grade/Score", 95}});
  CHECK(e.evaluate("Grade", {{"score", 50}}).result == "B");
  CHECK(e.evaluate("grade", {{"score", nullptr}}).result.is_null());
  auto violated = engine(table("", kOverlapping)).evaluate("grade", {{"score", 95}});  // UNIQUE is the default
  CHECK_FALSE(violated.ok());
  CHECK(violated.error == "decision table of 'grade': the UNIQUE hit policy is violated: rules 1 and 2 both match");
  CHECK(violated.result.is_null());
}

TEST_CASE("ANY: rules that match with equal outputs are fine; different outputs are an error") {
  auto e = engine(table("hitPolicy=\"ANY\"", {{"&gt;= 50", "\"pass\""}, {"&gt;= 90", "\"pass\""}, {"&gt;= 95", "\"honours\""}}));
  CHECK(e.evaluate("grade", {{"score", 92}}).result == "pass");
  auto violated = e.evaluate("grade", {{"score", 99}});
  CHECK(violated.error == "decision table of 'grade': the ANY hit policy is violated: rules 1 and 3 match with different outputs");
}

TEST_CASE("FIRST: the first rule in order that matches") {
  auto o = engine(table("hitPolicy=\"FIRST\"", kOverlapping)).evaluate("grade", {{"score", 95}});
  CHECK(o.result == "A");
  CHECK(rules_of(o) == std::vector<int>{1});
}

TEST_CASE("PRIORITY: the match whose output comes first in the output values") {
  auto e = engine(table("hitPolicy=\"PRIORITY\"", kOverlapping, "", R"(<outputValues><text>"C","B","A"</text></outputValues>)"));
  auto o = e.evaluate("grade", {{"score", 95}});
  CHECK(o.result == "B");
  CHECK(rules_of(o) == std::vector<int>{2});
}

TEST_CASE("RULE ORDER and OUTPUT ORDER: every match, in rule order or in the output values' order") {
  CHECK(engine(table("hitPolicy=\"RULE ORDER\"", kOverlapping)).evaluate("grade", {{"score", 95}}).result == json::array({"A", "B"}));
  auto ordered = engine(table("hitPolicy=\"OUTPUT ORDER\"", kOverlapping, "", R"(<outputValues><text>"C","B","A"</text></outputValues>)"));
  auto o = ordered.evaluate("grade", {{"score", 95}});
  CHECK(o.result == json::array({"B", "A"}));
  CHECK(rules_of(o) == std::vector<int>{2, 1});
  CHECK(ordered.evaluate("grade", {{"score", 10}}).result == json::array({"C"}));
}

TEST_CASE("COLLECT: a list, or its sum, minimum, maximum or count") {
  const std::vector<std::pair<std::string, std::string>> points = {{"&gt; 0", "10"}, {"&gt; 5", "5"}, {"&gt; 50", "1"}};
  CHECK(engine(table("hitPolicy=\"COLLECT\"", points)).evaluate("grade", {{"score", 7}}).result == json::array({10.0, 5.0}));
  CHECK(engine(table("hitPolicy=\"COLLECT\" aggregation=\"SUM\"", points)).evaluate("grade", {{"score", 7}}).result == 15.0);
  CHECK(engine(table("hitPolicy=\"COLLECT\" aggregation=\"MIN\"", points)).evaluate("grade", {{"score", 60}}).result == 1.0);
  CHECK(engine(table("hitPolicy=\"COLLECT\" aggregation=\"MAX\"", points)).evaluate("grade", {{"score", 60}}).result == 10.0);
  CHECK(engine(table("hitPolicy=\"COLLECT\" aggregation=\"COUNT\"", points)).evaluate("grade", {{"score", 60}}).result == 3.0);
  CHECK(engine(table("hitPolicy=\"COLLECT\" aggregation=\"COUNT\"", points)).evaluate("grade", {{"score", 0}}).result == 0.0);
  CHECK(engine(table("hitPolicy=\"COLLECT\" aggregation=\"SUM\"", points)).evaluate("grade", {{"score", 0}}).result.is_null());
  auto words = engine(table("hitPolicy=\"COLLECT\" aggregation=\"SUM\"", {{"-", "\"ten\""}})).evaluate("grade", {{"score", 1}});
  CHECK(words.error == "decision table of 'grade': COLLECT with an aggregation needs numbers, and a rule gave \"ten\"");
}

TEST_CASE("a default output answers when no rule matches") {
  auto e = engine(table("hitPolicy=\"UNIQUE\"", {{"&gt;= 90", "\"A\""}}, "", R"(<defaultOutputEntry><text>"none"</text></defaultOutputEntry>)"));
  CHECK(e.evaluate("grade", {{"score", 10}}).result == "none");
  CHECK(e.evaluate("grade", {{"score", 95}}).result == "A");
}

TEST_CASE("several outputs give an object; a decision is evaluated after those it requires, and an invocation binds a knowledge model") {
  auto e = engine(R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="D" namespace="urn:t">
<inputData id="l" name="Likelihood"/><inputData id="i" name="Impact"/>
<businessKnowledgeModel id="product" name="Product"><encapsulatedLogic>
<formalParameter name="a"/><formalParameter name="b"/><literalExpression><text>a * b</text></literalExpression>
</encapsulatedLogic></businessKnowledgeModel>
<decision id="score" name="Risk score"><variable name="Risk score"/>
<informationRequirement><requiredInput href="#l"/></informationRequirement>
<informationRequirement><requiredInput href="#i"/></informationRequirement>
<knowledgeRequirement><requiredKnowledge href="#product"/></knowledgeRequirement>
<invocation><literalExpression><text>Product</text></literalExpression>
<binding><parameter name="a"/><literalExpression><text>Likelihood</text></literalExpression></binding>
<binding><parameter name="b"/><literalExpression><text>Impact</text></literalExpression></binding>
</invocation></decision>
<decision id="level" name="Risk level">
<informationRequirement><requiredDecision href="#score"/></informationRequirement>
<decisionTable hitPolicy="FIRST">
<input label="Score"><inputExpression><text>Risk score</text></inputExpression></input>
<output name="level"/><output name="treat"/>
<rule><inputEntry><text>&gt;= 15</text></inputEntry><outputEntry><text>"high"</text></outputEntry><outputEntry><text>true</text></outputEntry></rule>
<rule><inputEntry><text>-</text></inputEntry><outputEntry><text>"low"</text></outputEntry><outputEntry><text>false</text></outputEntry></rule>
</decisionTable></decision>
</definitions>
)");
  auto high = e.evaluate("Risk level", {{"Likelihood", 4}, {"Impact", 5}});
  CHECK(high.ok());
  CHECK(high.result == json{{"level", "high"}, {"treat", true}});
  CHECK(high.inputs["level/Score"] == 20.0);
  CHECK(e.evaluate("level", {{"Likelihood", 1}, {"Impact", 5}}).result == json{{"level", "low"}, {"treat", false}});
  CHECK(e.evaluate("score", {{"Likelihood", 3}, {"Impact", 3}}).result == 9.0);
  CHECK(e.evaluate("nothing", json::object()).error == "no decision 'nothing'");
}

TEST_CASE("a cell that is not S-FEEL is refused when compiled, naming the rule and the column") {
  Diagnostics d("t.dmn");
  auto model = load_dmn_text(table("hitPolicy=\"FIRST\"", {{"&gt;= 90", "\"A\""}, {"today()", "\"B\""}}), "t.dmn", d);
  REQUIRE(model);
  CHECK_FALSE(DecisionEngine::compile(*model, d));
  REQUIRE(d.error_count() == 1);
  CHECK(d.all()[0].line == 6);
  CHECK(d.all()[0].message.rfind("decision table of 'grade', rule 2, input 'Score' (1): 'today()' is not S-FEEL raciflow evaluates: "
                                 "'today(' calls a function",
                                 0) == 0);
}

TEST_CASE("an input outside the column's input values is an error of the evaluation, never a quiet miss") {
  std::string text = table(R"(hitPolicy="FIRST")", {{"&lt; 5", R"("low")"}, {"-", R"("high")"}});
  text.replace(text.find("</inputExpression>"), 18, "</inputExpression><inputValues><text>[1..10]</text></inputValues>");
  auto e = engine(text);
  CHECK(e.evaluate("grade", {{"score", 3}}).result == "low");
  auto outside = e.evaluate("grade", {{"score", 11}});
  CHECK(outside.error == "decision table of 'grade': input 'Score' is 11, which is not among its values ([1..10])");
  CHECK(outside.result.is_null());
  CHECK(e.evaluate("grade", json::object()).result == "high");  // an unknown input is null, which the values do not judge
}

TEST_CASE("a whole number computed in FEEL is a whole number in the result and the inputs") {
  auto e = engine(table(R"(hitPolicy="FIRST")", {{"-", "score * 2"}}));
  auto o = e.evaluate("grade", {{"score", 3}});
  CHECK(o.result.is_number_integer());
  CHECK(o.result.dump() == "6");
  CHECK(e.evaluate("grade", {{"score", 1.25}}).result.dump() == "2.5");
}

TEST_CASE("a date-typed column reads the case's date string as a date, and a date result is ISO 8601 text") {
  // The deadline of a security incident: reported when, how severe -> due by. The column
  // reads `reported` as a date; the input data typed as a date makes it one in the outputs too.
  const std::string text = R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="deadlines" name="Deadlines" namespace="urn:t">
  <decision id="due" name="Due">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i1" label="Reported"><inputExpression id="e1" typeRef="date"><text>reported</text></inputExpression></input>
      <input id="i2" label="Severity"><inputExpression id="e2" typeRef="string"><text>severity</text></inputExpression></input>
      <output id="o1" name="due" typeRef="date" />
      <output id="o2" name="window" typeRef="dayTimeDuration" />
      <rule id="before-2026"><inputEntry><text>&lt; date("2026-01-01")</text></inputEntry><inputEntry><text>-</text></inputEntry>
        <outputEntry><text>reported + duration("P30D")</text></outputEntry><outputEntry><text>duration("P30D")</text></outputEntry></rule>
      <rule id="high"><inputEntry><text>-</text></inputEntry><inputEntry><text>"high"</text></inputEntry>
        <outputEntry><text>reported + duration("PT72H")</text></outputEntry><outputEntry><text>duration("PT72H")</text></outputEntry></rule>
      <rule id="other"><inputEntry><text>-</text></inputEntry><inputEntry><text>-</text></inputEntry>
        <outputEntry><text>reported + duration("P14D")</text></outputEntry><outputEntry><text>duration("P14D")</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <inputData id="reported" name="reported"><variable id="v" name="reported" typeRef="date" /></inputData>
</definitions>)";
  Diagnostics d("deadlines.dmn");
  auto model = load_dmn_text(text, "deadlines.dmn", d);
  REQUIRE(model);
  auto e = DecisionEngine::compile(*model, d);
  for (const auto& f : d.all()) FAIL_CHECK(f.format());
  REQUIRE(e);
  auto high = e->evaluate("due", {{"reported", "2026-03-01"}, {"severity", "high"}});
  CHECK(high.ok());
  CHECK(high.result == json{{"due", "2026-03-04"}, {"window", "P3D"}});
  CHECK(high.inputs["due/Reported"] == "2026-03-01");  // the trail shows the date as text
  CHECK(e->evaluate("due", {{"reported", "2025-12-31"}, {"severity", "high"}}).result["due"] == "2026-01-30");
  CHECK(e->evaluate("due", {{"reported", "2026-03-01"}, {"severity", "low"}}).result["due"] == "2026-03-15");
  // Not a date: the comparisons are null, no rule but the catch-all matches, and it adds nothing to null.
  auto odd = e->evaluate("due", {{"reported", "1 March"}, {"severity", "low"}});
  CHECK(odd.result == json{{"due", nullptr}, {"window", "P14D"}});
}
