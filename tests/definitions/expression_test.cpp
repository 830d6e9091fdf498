#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "definitions/expression.h"

using raciflow::definitions::Expression;
using nlohmann::json;

namespace {

bool holds(const std::string& source, const json& vars) {
  auto expr = Expression::compile(source);
  REQUIRE(expr);
  std::string error;
  auto result = expr->test(vars, &error);
  INFO(error);
  REQUIRE(result);
  return *result;
}

std::string eval_error(const std::string& source, const json& vars) {
  auto expr = Expression::compile(source);
  REQUIRE(expr);
  auto result = expr->evaluate(vars);
  REQUIRE_FALSE(result.ok());
  return result.error;
}

Expression::SyntaxError syntax_error(const std::string& source) {
  Expression::SyntaxError error;
  REQUIRE_FALSE(Expression::compile(source, &error));
  return error;
}

}  // namespace

TEST_CASE("conditions compare numbers, strings, booleans and null") {
  json vars = {{"risk", 12}, {"grade", "major"}, {"approved", true}, {"owner", nullptr}, {"score", 2.5}};
  CHECK(holds("risk >= 12", vars));
  CHECK_FALSE(holds("risk < 12", vars));
  CHECK(holds("risk == 12.0", vars));
  CHECK(holds("score > 2 and score <= 2.5", vars));
  CHECK(holds("grade == 'major'", vars));
  CHECK(holds("grade != \"minor\"", vars));
  CHECK(holds("approved", vars));
  CHECK(holds("approved == true", vars));
  CHECK(holds("owner == null", vars));
  CHECK(holds("risk > -1", vars));
  CHECK(holds("'apple' < 'banana'", vars));
}

TEST_CASE("conditions combine with and, or, not and their symbolic forms") {
  json vars = {{"a", true}, {"b", false}};
  CHECK(holds("a and not b", vars));
  CHECK(holds("a && !b", vars));
  CHECK(holds("b or a", vars));
  CHECK(holds("b || a", vars));
  CHECK_FALSE(holds("not (a or b)", vars));
  CHECK(holds("a or b and b", vars));  // and binds tighter than or
}

TEST_CASE("membership tests a value against a list") {
  json vars = {{"grade", "minor"}, {"levels", {1, 2, 3}}};
  CHECK(holds("grade in [\"major\", \"minor\"]", vars));
  CHECK_FALSE(holds("grade in ['major']", vars));
  CHECK(holds("2 in levels", vars));
  CHECK_FALSE(holds("grade in []", vars));
}

TEST_CASE("dotted paths read into object variables") {
  json vars = {{"decision", {{"outcome", "accept"}, {"by", {{"role", "top-management"}}}}}};
  CHECK(holds("decision.outcome == 'accept' and decision.by.role == 'top-management'", vars));
}

TEST_CASE("a Camunda-style ${...} wrapper is accepted") {
  CHECK(holds("${approved}", json{{"approved", true}}));
  CHECK(holds("  ${ clarified == 'yes' }  ", json{{"clarified", "yes"}}));
}

TEST_CASE("an expression lists the variables it reads") {
  auto expr = Expression::compile("a.b > 1 or c == a.b or d in [1]");
  REQUIRE(expr);
  CHECK(expr->variables() == std::vector<std::string>{"a.b", "c", "d"});
}

TEST_CASE("evaluation errors name the problem instead of guessing") {
  CHECK(eval_error("missing == 1", json::object()) == "unknown variable 'missing'");
  CHECK(eval_error("a.b == 1", json{{"a", 5}}) == "unknown variable 'a.b'");
  CHECK(eval_error("n < 'x'", json{{"n", 1}}).find("cannot order 1 and \"x\"") == 0);
  CHECK(eval_error("n and true", json{{"n", 1}}) == "operand of 'and' is 1, not true or false");
  CHECK(eval_error("n in 5", json{{"n", 1}}) == "right side of 'in' is 5, not a list");
  auto expr = Expression::compile("n");
  std::string error;
  CHECK_FALSE(expr->test(json{{"n", 3}}, &error));
  CHECK(error == "condition gives 3, not true or false");
}

TEST_CASE("syntax errors say what and where") {
  CHECK(syntax_error("").message == "empty expression");
  CHECK(syntax_error("a = 1").message == "'=' is not an operator; compare with '=='");
  CHECK(syntax_error("a = 1").offset == 2);
  CHECK(syntax_error("(a == 1").message == "expected ')' but found 'end of expression'");
  CHECK(syntax_error("a == 'open").message == "unterminated string");
  CHECK(syntax_error("a < b < c").message.find("comparisons do not chain") == 0);
  CHECK(syntax_error("a ==").message == "expression ends too early");
  CHECK(syntax_error("and a").message == "'and' needs an operand before it");
  CHECK(syntax_error("a b").message == "unexpected 'b'");
  CHECK(syntax_error("a # b").message == "unexpected character '#'");
  CHECK(syntax_error("${a ==}").offset == 6);  // offsets count from the start of the source
}

TEST_CASE("a whole number beyond 64 bits or a number beyond double range is a syntax error (found by fuzzing)") {
  CHECK(syntax_error("risk == 99999999999999999999").message == "'99999999999999999999' is too large for a whole number (at most 19 digits)");
  CHECK(syntax_error("risk < 1e999").message == "'1e999' is too large for a number");
  CHECK(Expression::compile("risk == 9223372036854775807"));
  CHECK(Expression::compile("risk == -9223372036854775807"));
}

TEST_CASE("an expression that is not valid UTF-8 is a syntax error at the first bad byte (found by fuzzing)") {
  auto error = syntax_error("grade == 'ma\x93jor'");
  CHECK(error.message == "invalid UTF-8");
  CHECK(error.offset == 12);
}

TEST_CASE("an expression nested deeper than 64 levels is a syntax error, not a stack overflow (found by fuzzing)") {
  const std::string message = "the expression nests deeper than 64 levels";
  CHECK(syntax_error(std::string(2500, '(')).message == message);
  CHECK(syntax_error(std::string(5000, '[') + std::string(5000, ']')).message == message);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  CHECK(syntax_error(nots + "true").message == message);
  std::string chain = "a";
  for (int i = 0; i < 5000; ++i) chain += " or a";
  CHECK(syntax_error(chain).message == message);
  // Real conditions are far from the limit.
  CHECK(Expression::compile("((risk > 3 and not (grade in ['major', 'minor'])) or approved == false)"));
  std::string thirty = "a";
  for (int i = 0; i < 30; ++i) thirty += " and a";
  CHECK(Expression::compile(thirty));
}
