// The condition language of sequence flows and loops: a small, total language over the
// case variables, compiled when a definition loads and evaluated by the engine.
//
//   literals    42  3.5  'text'  "text"  true  false  null  ["a", "b"]
//   names       risk   decision.outcome   (dotted paths into object variables)
//   comparison  == != < <= > >=
//   logic       and or not   (also && || !)
//   membership  grade in ["major", "minor"]
//   grouping    ( ... )
//
// A `${...}` wrapper, as written by Camunda-style modelers, is accepted and ignored.
// Evaluation never throws: an unknown variable or a type mismatch is an EvalResult with
// an error, which the engine turns into an incident.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace raciflow::definitions {

struct ExpressionNode;

struct EvalResult {
  std::unique_ptr<nlohmann::json> value;  // set when ok
  std::string error;                      // set when not ok
  bool ok() const { return value != nullptr; }
};

class Expression {
 public:
  struct SyntaxError {
    std::size_t offset = 0;  // 0-based position in the source text
    std::string message;
  };

  // Compiles `source`; on failure returns std::nullopt and fills `error`.
  static std::optional<Expression> compile(std::string_view source, SyntaxError* error = nullptr);

  EvalResult evaluate(const nlohmann::json& variables) const;
  // Convenience for conditions: true/false, or an error when the result is not a boolean.
  std::optional<bool> test(const nlohmann::json& variables, std::string* error) const;

  const std::string& source() const { return source_; }
  // The variable paths the expression reads, in order of first use ("risk", "a.b").
  const std::vector<std::string>& variables() const { return variables_; }

 private:
  std::string source_;
  std::shared_ptr<const ExpressionNode> root_;
  std::vector<std::string> variables_;
};

}  // namespace raciflow::definitions
