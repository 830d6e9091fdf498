// S-FEEL, the simple FEEL of DMN decision tables (DMN 1.x, chapter 9), as far as raciflow
// evaluates it today: numbers, strings, booleans and null; names and dotted paths (a name
// may hold spaces when the decision knows it: "Monthly Salary"); + - * / ** and unary
// minus; = != < <= > >=; and the unary tests of input entries: "-", comparisons with an
// endpoint ("< 10"), intervals ("[1..5]", "(1..5]", "]1..5["), lists of tests separated by
// commas, not(...), and null; dates, times, date-times and durations: the literals
// date("2026-03-01"), time("09:30:00"), date and time("2026-03-01T09:30:00Z") and
// duration("P14D") / duration("P1Y2M"), compared within their kind and combined as FEEL
// does (date - date is a days and time duration, date + duration a date, duration * 2 a
// duration). A date-time without a zone is read as UTC. Any other function call is a
// syntax error at compile time, never evaluated wrongly.
//
// Values are JSON values, like the case's variables. Numbers are doubles. As in FEEL, an
// operation on values of the wrong types is null, and null compared with anything but
// null is null; a test that is not true does not match.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace raciflow::definitions::feel {

struct Node;

struct CompileError {
  std::size_t offset = 0;
  std::string message;
};

// Names that may hold spaces, as the decision declares them (inputs, decisions, parameters).
using Names = std::set<std::string, std::less<>>;

class SimpleExpression {
 public:
  static std::optional<SimpleExpression> compile(std::string_view text, const Names& names, CompileError* error);
  // The value, or null when FEEL says null; never throws.
  nlohmann::json evaluate(const nlohmann::json& variables) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

// An input entry: does the input's value pass?
class UnaryTests {
 public:
  static std::optional<UnaryTests> compile(std::string_view text, const Names& names, CompileError* error);
  bool matches(const nlohmann::json& input, const nlohmann::json& variables) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  bool any_ = false;      // "-" or empty
  bool negated_ = false;  // not(...)
  std::shared_ptr<const Node> tests_;  // a list of tests; one must pass
};

// The kinds of FEEL's temporal values (feel_time.cpp).
enum class Temporal : std::uint8_t { date = 1, time = 2, date_time = 3, days_time = 4, years_months = 5 };

// The value of a temporal literal's text (the string inside date("...")), or nullopt when
// the text is not one; duration text with years or months is a years and months duration.
std::optional<nlohmann::json> temporal(Temporal kind, std::string_view text);
std::optional<Temporal> temporal_kind(const nlohmann::json& value);
// A string read as the DMN typeRef says (date, time, dateTime, dayTimeDuration,
// yearMonthDuration; "feel:" prefixes allowed): the temporal value, null when the text is
// not one. Other values and other types are returned as they are.
nlohmann::json typed(const nlohmann::json& value, std::string_view type_ref);
// `value` with every temporal value inside it turned into its ISO 8601 text, for the
// result, the trail and the case variables.
nlohmann::json plain(nlohmann::json value);
std::optional<int> compare_temporal(const nlohmann::json& a, const nlohmann::json& b);
// + - * / where one side is temporal; null when FEEL gives none.
nlohmann::json temporal_arithmetic(const std::string& op, const nlohmann::json& a, const nlohmann::json& b);
nlohmann::json temporal_negate(const nlohmann::json& a);

// FEEL's equality: numbers by value, strings, booleans, temporal values within their kind,
// null with null; else false.
bool equal(const nlohmann::json& a, const nlohmann::json& b);
// FEEL's order of two numbers or two strings: <0, 0, >0; nullopt when they do not compare.
std::optional<int> compare(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace raciflow::definitions::feel
