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
  CHECK(refused("today()").find("'today(' calls a function") != std::string::npos);
  CHECK(refused("date(\"2026-02-30\")") == "'2026-02-30' is not a date");
  CHECK(refused("duration(\"P1Y2D\")") == "'P1Y2D' is not a duration");
  CHECK(refused("date(2026)") == "date(...) takes one string, as in date(\"...\")");
  CHECK(refused("1 +") == "an expression is missing");
  CHECK(refused("(1 + 2") == "a '(' without its ')'");
  CHECK(refused("\"open") == "a string without its closing '\"'");
  CHECK(refused("[1..5", true) == "an interval ends with ']', ')' or '['");
  CHECK(refused("[1 5]", true) == "an interval needs '..' between its endpoints");
  CHECK(refused("not(1, 2", true) == "not(...) is missing its ')'");
  CHECK(refused("1 2") == "unexpected '2'");
  CHECK(refused(std::string(200, '(') + "1" + std::string(200, ')')).find("nested deeper than 64") != std::string::npos);
}

TEST_CASE("dates, times and date-times compare within their kind; a string is one only where the column's type says so") {
  auto text = [](const std::string& t, const json& vars = json::object()) { return plain(value(t, vars)); };
  CHECK(text("date(\"2026-03-01\")") == "2026-03-01");
  CHECK(value("date(\"2026-03-01\") < date(\"2026-12-24\")") == true);
  CHECK(value("date(\"2026-03-01\") = date(\"2026-03-01\")") == true);
  CHECK(value("time(\"09:30:00\") > time(\"08:00:00\")") == true);
  CHECK(value("time(\"10:00:00+01:00\") = time(\"09:00:00Z\")") == true);  // the same instant of the day
  CHECK(value("date and time(\"2026-03-01T10:00:00+01:00\") = date and time(\"2026-03-01T09:00:00Z\")") == true);
  CHECK(text("date and time(\"2026-03-01T10:00:00.5+01:00\")") == "2026-03-01T09:00:00.500Z");
  // Kinds do not meet: null, never a guess.
  CHECK(value("date(\"2026-03-01\") < time(\"09:00:00\")").is_null());
  CHECK(value("date(\"2026-03-01\") = \"2026-03-01\"") == nullptr);
  // A date typed column reads its string input as a date; an invalid one is null.
  CHECK(passes("[date(\"2026-01-01\")..date(\"2026-12-31\")]", typed("2026-06-15", "date")));
  CHECK_FALSE(passes("[date(\"2026-01-01\")..date(\"2026-12-31\")]", typed("2027-01-01", "date")));
  CHECK_FALSE(passes("< date(\"2026-01-01\")", "2025-01-01"));  // a plain string is no date
  CHECK(typed("2026-02-30", "date").is_null());
  CHECK(typed("P14D", "feel:dayTimeDuration") == value("duration(\"P14D\")"));
  CHECK(typed(12, "date") == 12);
}

TEST_CASE("date and duration arithmetic gives FEEL's kinds: days apart, a deadline, a month later at the month's end") {
  auto text = [](const std::string& t, const json& vars = json::object()) { return plain(value(t, vars)); };
  CHECK(text("date(\"2026-03-01\") - date(\"2026-02-01\")") == "P28D");
  CHECK(text("date(\"2026-03-01\") + duration(\"P14D\")") == "2026-03-15");
  CHECK(text("date(\"2026-01-31\") + duration(\"P1M\")") == "2026-02-28");
  CHECK(text("date(\"2024-02-29\") - duration(\"P1Y\")") == "2023-02-28");
  CHECK(text("date and time(\"2026-03-01T23:00:00Z\") + duration(\"PT2H30M\")") == "2026-03-02T01:30:00Z");
  CHECK(text("time(\"23:00:00\") + duration(\"PT2H\")") == "01:00:00");
  CHECK(text("duration(\"P1DT12H\") * 2") == "P3D");
  CHECK(text("duration(\"P1Y\") / 4") == "P3M");
  CHECK(value("duration(\"P30D\") / duration(\"P1D\")") == 30.0);
  CHECK(text("-duration(\"PT90M\")") == "-PT1H30M");
  CHECK(value("date(\"2026-03-01\") - date(\"2026-02-01\") > duration(\"P27D\")") == true);
  // What FEEL does not define is null: a date times two, a duration of mixed kinds added to a time.
  CHECK(value("date(\"2026-03-01\") * 2").is_null());
  CHECK(value("time(\"09:00:00\") + duration(\"P1M\")").is_null());
  CHECK(value("date(\"9999-12-31\") + duration(\"P1D\")").is_null());  // past the last date
  // Within a test: "due within 14 days of the report".
  json vars = {{"reported", value("date(\"2026-03-01\")")}};
  CHECK(passes("<= reported + duration(\"P14D\")", value("date(\"2026-03-10\")"), vars));
  CHECK_FALSE(passes("<= reported + duration(\"P14D\")", value("date(\"2026-03-20\")"), vars));
}
