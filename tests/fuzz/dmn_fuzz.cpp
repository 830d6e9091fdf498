// libFuzzer target: any bytes as a DMN decision model. A model that loads and compiles is
// evaluated, each decision over variables made of the input data's names with a few
// values of each kind, so that every hit policy and requirement runs on odd inputs.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "definitions/diagnostics.h"
#include "definitions/dmn.h"
#include "definitions/dmn_eval.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using nlohmann::json;
  namespace defs = raciflow::definitions;
  std::string text(reinterpret_cast<const char*>(data), size);
  defs::Diagnostics diagnostics("fuzz.dmn");
  auto model = defs::load_dmn_text(text, "fuzz.dmn", diagnostics);
  if (!model) return 0;
  auto engine = defs::DecisionEngine::compile(*model, diagnostics);
  if (!engine) return 0;
  const json values[] = {json(nullptr), json(0),           json(-1.5),        json(1e300),          json("high"),
                         json(true),    json::array({1, 2}), json("2026-03-01"), json("9999-12-31T23:59:59Z"), json("P14D")};
  for (std::size_t round = 0; round < std::size(values); ++round) {
    json variables = json::object();
    std::size_t i = round;
    for (const auto& input : model->inputs) variables[input.name] = values[i++ % std::size(values)];
    for (const auto& decision : model->decisions) (void)engine->evaluate(decision.id, variables);
  }
  return 0;
}
