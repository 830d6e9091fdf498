// Loading several definition files together, the way `raciflow validate` sees them:
// every file is loaded, then each is validated with call activities resolved against
// the processes of all of them.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "definitions/diagnostics.h"
#include "definitions/model.h"

namespace raciflow::definitions {

struct LoadedFile {
  std::optional<Definitions> definitions;  // empty when the file could not be read or parsed
  Diagnostics diagnostics;
};

// `resolve_calls`: report call activities whose process is in none of the files.
// `organisation_roles`: the roles RACI attributes may name besides the lanes' (validate.h).
std::vector<LoadedFile> load_and_validate(const std::vector<std::string>& paths, bool resolve_calls,
                                          const std::set<std::string>* organisation_roles = nullptr);
// The same for files that arrived as text (an upload); `names` stand in for paths.
std::vector<LoadedFile> load_and_validate_texts(const std::vector<std::string>& names, const std::vector<std::string>& texts,
                                                bool resolve_calls, const std::set<std::string>* organisation_roles = nullptr);

}  // namespace raciflow::definitions
