#include "definitions/definition_set.h"

#include <set>

#include "definitions/loader.h"
#include "definitions/validate.h"

namespace raciflow::definitions {

std::vector<LoadedFile> load_and_validate(const std::vector<std::string>& paths, bool resolve_calls) {
  std::vector<LoadedFile> files;
  files.reserve(paths.size());
  std::set<std::string> processes;
  for (const auto& path : paths) {
    LoadedFile file{std::nullopt, Diagnostics(path)};
    file.definitions = load_file(path, file.diagnostics);
    if (file.definitions)
      for (const auto& p : file.definitions->processes) processes.insert(p.id);
    files.push_back(std::move(file));
  }
  ValidationOptions options;
  if (resolve_calls) options.callable_processes = &processes;
  for (auto& file : files) {
    if (file.definitions) validate(*file.definitions, file.diagnostics, options);
    file.diagnostics.sort_by_line();
  }
  return files;
}

}  // namespace raciflow::definitions
