// S-FEEL as decision tables use it: expressions in output entries and literal
// expressions, unary tests in input entries, FEEL's null where types do not meet.
#include <catch2/catch.hpp>

#include "definitions/feel.h"

using nlohmann::json;
using namespace raciflow::definitions::feel;

namespace {

json value(const std::string& text, const json& vars = json::object(), const Names& names = {}) {
  CompileError error;
  auto e = SimpleExpression::compile(text, names, &error);
  INFO(text << ": " << error.message);
  REQUIRE(e);
  return e->evaluate(vars);
}

bool passes(const std::string& tests, const json& input, const json& vars = json::object()) {
  CompileError error;
  auto t = UnaryTests::compile(tests, {}, &error);
  INFO(tests << ": " << error.message);
  REQUIRE(t);
  return t->matches(input, vars);
}

std::string refused(const std::string& text, bool tests = false) {
  CompileError error;
  bool ok = tests ? UnaryTests::compile(text, {}, &error).has_value() : SimpleExpression::compile(text, {}, &error).has_value();
  return ok ? "" : error.message;
}

}  // namespace

TEST_CASE("S-FEEL arithmetic follows precedence, and a wrong type or a division by zero is null") {
  CHECK(value("1 + 2 * 3") == 7.0);
  CHECK(value("(1 + 2) * 3") == 9.0);
  CHECK(value("2 ** 3 ** 2") == 64.0);  // left to right, as FEEL's grammar has it
  CHECK(value("-4 + 10 / 4") == -1.5);
  CHECK(value("likelihood * impact", {{"likelihood", 4}, {"impact", 5}}) == 20.0);
  CHECK(value("\"risk \" + level", {{"level", "high"}}) == "risk high");
  CHECK(value("1 / 0").is_null());
  CHECK(value("\"a\" * 2").is_null());
  CHECK(value("missing + 1").is_null());
}

TEST_CASE("S-FEEL comparisons give true, false, or null when the types do not compare") {
  CHECK(value("3 > 2") == true);
  CHECK(value("\"b\" >= \"a\"") == true);
  CHECK(value("2 = 2.0") == true);
  CHECK(value("null = null") == true);
  CHECK(value("x = null", {{"x", 1}}) == false);
  CHECK(value("1 < \"2\"").is_null());
  CHECK(value("true != false") == true);
}

TEST_CASE("names may hold spaces when the decision declares them, and paths read into objects") {
  Names names{"Monthly Salary", "Monthly"};
  CHECK(value("Monthly Salary * 12", {{"Monthly Salary", 1000}, {"Monthly", 1}}, names) == 12000.0);
  CHECK(value("applicant.age + 1", {{"applicant", {{"age", 41}}}}) == 42.0);
  CHECK(value("applicant.address.city", {{"applicant", {{"age", 41}}}}).is_null());
}

TEST_CASE("unary tests: any, comparisons, intervals with open and closed ends, lists, not, null") {
  CHECK(passes("-", 5));
  CHECK(passes("", nullptr));
  CHECK(passes("< 10", 9));
  CHECK_FALSE(passes("< 10", 10));
  CHECK(passes("<= 10", 10));
  CHECK(passes("[1..5]", 1));
  CHECK(passes("[1..5]", 5));
  CHECK_FALSE(passes("(1..5]", 1));
  CHECK_FALSE(passes("]1..5]", 1));
  CHECK_FALSE(passes("[1..5)", 5));
  CHECK_FALSE(passes("[1..5[", 5));
  CHECK(passes("[1.5..2.5]", 2));
  CHECK(passes("\"low\",\"medium\"", "medium"));
  CHECK_FALSE(passes("\"low\",\"medium\"", "high"));
  CHECK(passes("not(\"low\", \"medium\")", "high"));
  CHECK_FALSE(passes("not(\"low\")", "low"));
  CHECK(passes("null", nullptr));
  CHECK_FALSE(passes("null", 0));
  CHECK(passes("< limit", 3, {{"limit", 4}}));
  CHECK(passes("-1", -1));
  CHECK(passes("[-5..-1]", -3));
}

TEST_CASE("a null or mistyped input passes no test but '-' and null") {
  CHECK_FALSE(passes("< 10", nullptr));
  CHECK_FALSE(passes("[1..5]", "3"));
  CHECK_FALSE(passes("\"3\"", 3));
  CHECK_FALSE(passes("not(< 10)", nullptr) == false);  // not() of no match is a match
}

TEST_CASE("what S-FEEL does not have is refused when compiled, naming it") {
  CHECK(refused("date(\"2026-01-01\")").find("'date(' calls a function") != std::string::npos);
  CHECK(refused("1 +") == "an expression is missing");
  CHECK(refused("(1 + 2") == "a '(' without its ')'");
  CHECK(refused("\"open") == "a string without its closing '\"'");
  CHECK(refused("[1..5", true) == "an interval ends with ']', ')' or '['");
  CHECK(refused("[1 5]", true) == "an interval needs '..' between its endpoints");
  CHECK(refused("not(1, 2", true) == "not(...) is missing its ')'");
  CHECK(refused("1 2") == "unexpected '2'");
  CHECK(refused(std::string(200, '(') + "1" + std::string(200, ')')).find("nested deeper than 64") != std::string::npos);
}
