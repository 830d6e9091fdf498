// The `raciflow` command line. Exit codes: 0 ok, 1 failed or invalid input, 2 usage.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace raciflow::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Runs one command; `args` excludes the program name. Writes results to `out` and
// findings and errors to `err`.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace raciflow::cli
