#include "bench/decision_bench.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "definitions/dmn_eval.h"
#include "definitions/expression.h"

namespace raciflow::bench {

namespace {

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

nlohmann::json decision_throughput(const std::string& dmn_path, int rounds, int repeat) {
  std::ifstream in(dmn_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  definitions::Diagnostics d(dmn_path);
  auto model = definitions::load_dmn_text(text.str(), dmn_path, d);
  auto engine = model ? definitions::DecisionEngine::compile(*model, d) : std::nullopt;
  if (!engine) throw std::runtime_error(dmn_path + " does not compile as a decision model");

  // The gateway: one condition per cell of the 4 x 4 matrix, in the table's rule order,
  // each giving the level that rule gives.
  struct Flow {
    definitions::Expression condition;
    std::string level;
  };
  std::vector<Flow> flows;
  for (int l = 1; l <= 4; ++l)
    for (int i = 1; i <= 4; ++i) {
      int score = l * i;
      std::string level = score <= 3 ? "low" : score <= 7 ? "medium" : score <= 11 ? "high" : "critical";
      auto c = definitions::Expression::compile("likelihood == " + std::to_string(l) + " and impact == " + std::to_string(i));
      if (!c) throw std::runtime_error("a gateway condition does not compile");
      flows.push_back({*c, level});
    }
  std::vector<nlohmann::json> inputs;
  for (int l = 1; l <= 4; ++l)
    for (int i = 1; i <= 4; ++i) inputs.push_back({{"likelihood", l}, {"impact", i}});

  using Clock = std::chrono::steady_clock;
  std::vector<double> table_rates, gateway_rates;
  for (int r = 0; r < repeat; ++r) {
    long agreed = 0;
    auto t = Clock::now();
    for (int k = 0; k < rounds; ++k)
      for (const auto& vars : inputs) agreed += engine->evaluate("risk-level", vars).ok();
    double seconds = std::chrono::duration<double>(Clock::now() - t).count();
    if (agreed != rounds * static_cast<long>(inputs.size())) throw std::runtime_error("the risk table failed to decide");
    table_rates.push_back(static_cast<double>(agreed) / seconds);

    long taken = 0;
    t = Clock::now();
    for (int k = 0; k < rounds; ++k)
      for (const auto& vars : inputs)
        for (const auto& f : flows) {
          std::string error;
          if (f.condition.test(vars, &error).value_or(false)) {
            taken += !f.level.empty();
            break;
          }
        }
    seconds = std::chrono::duration<double>(Clock::now() - t).count();
    if (taken != rounds * static_cast<long>(inputs.size())) throw std::runtime_error("the gateway took no flow");
    gateway_rates.push_back(static_cast<double>(taken) / seconds);
  }
  double table = median_of(table_rates), gateway = median_of(gateway_rates);
  return {{"decisions_per_s", table}, {"gateway_per_s", gateway}, {"ratio", table / gateway},
          {"rules", model->decisions.front().logic.table->rules.size()}, {"conditions", flows.size()}};
}

}  // namespace raciflow::bench
