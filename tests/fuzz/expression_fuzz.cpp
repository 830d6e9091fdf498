// libFuzzer target: the expression language. The first line is compiled; when it
// compiles it is evaluated against the JSON on the remaining lines (or a fixed set of
// variables when that is not JSON), as a value and as a condition.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "definitions/expression.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  std::string_view source = input.substr(0, newline);
  raciflow::definitions::Expression::SyntaxError error;
  auto expression = raciflow::definitions::Expression::compile(source, &error);
  if (!expression) return 0;
  nlohmann::json variables = nlohmann::json::object();
  if (newline != std::string_view::npos) variables = nlohmann::json::parse(input.substr(newline + 1), nullptr, false);
  if (variables.is_discarded() || !variables.is_object())
    variables = {{"risk", 3}, {"grade", "major"}, {"approved", false}, {"score", 2.5}, {"tags", {"a", "b"}},
                 {"asset", {{"owner", "it"}, {"value", 12}}}, {"none", nullptr}};
  (void)expression->evaluate(variables);
  std::string why;
  (void)expression->test(variables, &why);
  return 0;
}
