// S-FEEL, the simple FEEL of DMN decision tables (DMN 1.x, chapter 9), as far as raciflow
// evaluates it today: numbers, strings, booleans and null; names and dotted paths (a name
// may hold spaces when the decision knows it: "Monthly Salary"); + - * / ** and unary
// minus; = != < <= > >=; and the unary tests of input entries: "-", comparisons with an
// endpoint ("< 10"), intervals ("[1..5]", "(1..5]", "]1..5["), lists of tests separated by
// commas, not(...), and null. Dates, times and durations are not yet among them: an
// expression that uses them is a syntax error at compile time, never evaluated wrongly.
//
// Values are JSON values, like the case's variables. Numbers are doubles. As in FEEL, an
// operation on values of the wrong types is null, and null compared with anything but
// null is null; a test that is not true does not match.
#pragma once

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

// FEEL's equality: numbers by value, strings, booleans, null with null; else false.
bool equal(const nlohmann::json& a, const nlohmann::json& b);
// FEEL's order of two numbers or two strings: <0, 0, >0; nullopt when they do not compare.
std::optional<int> compare(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace raciflow::definitions::feel
