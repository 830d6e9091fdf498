#include "runtime/json_input.h"

#include <utility>
#include <vector>

namespace raciflow::runtime {

bool text_nests_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

bool nests_deeper_than(const nlohmann::json& value, int limit) {
  std::vector<std::pair<const nlohmann::json*, int>> pending{{&value, 1}};
  while (!pending.empty()) {
    auto [v, depth] = pending.back();
    pending.pop_back();
    if (!v->is_structured()) continue;
    if (depth > limit) return true;
    for (const auto& child : *v) pending.push_back({&child, depth + 1});
  }
  return false;
}

std::optional<nlohmann::json> parse_json_input(std::string_view text, std::string& error) {
  if (text_nests_deeper_than(text, kMaxJsonDepth)) {
    error = "nests arrays and objects deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return std::nullopt;
  }
  auto value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    error = "is not valid JSON";
    return std::nullopt;
  }
  return value;
}

}  // namespace raciflow::runtime
