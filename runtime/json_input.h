// JSON that arrives from outside (HTTP bodies, --var values): parsed only when it nests
// no deeper than kMaxJsonDepth, so that no later recursive walk over it (serialising,
// copying, comparing) can run out of stack.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace raciflow::runtime {

// Arrays and objects inside each other, counting the outermost one.
inline constexpr int kMaxJsonDepth = 64;

// Whether `text` opens more than `limit` arrays or objects inside each other (brackets
// inside strings do not count). Linear, no recursion; says nothing about validity.
bool text_nests_deeper_than(std::string_view text, int limit);
// The same for a value already in memory, walked without recursion.
bool nests_deeper_than(const nlohmann::json& value, int limit);

// `text` as JSON; nullopt when it is not JSON or nests too deep, with `error` saying which
// as a predicate ("is not valid JSON", "nests ... deeper than 64 levels") for the caller
// to put after its own subject.
std::optional<nlohmann::json> parse_json_input(std::string_view text, std::string& error);

}  // namespace raciflow::runtime
