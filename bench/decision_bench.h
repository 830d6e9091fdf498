// Decision tables measured: the sample risk method (samples/risk-level.dmn) evaluated by
// raciflow's DMN engine, against the same table written as the conditions of an exclusive
// gateway (one flow per likelihood and impact, the first that holds wins).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace raciflow::bench {

// {"decisions_per_s", "gateway_per_s", "ratio", "rules", "conditions"}: medians of `repeat`
// runs, each over every likelihood and impact `rounds` times.
nlohmann::json decision_throughput(const std::string& dmn_path, int rounds, int repeat);

}  // namespace raciflow::bench
