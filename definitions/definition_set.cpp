#include "definitions/definition_set.h"

#include <set>

#include "definitions/loader.h"
#include "definitions/validate.h"

namespace raciflow::definitions {

namespace {

// Loads each file with `load`, then validates them together.
template <typename Load>
std::vector<LoadedFile> load_all(const std::vector<std::string>& names, bool resolve_calls,
                                 const std::set<std::string>* organisation_roles, Load load) {
  std::vector<LoadedFile> files;
  files.reserve(names.size());
  std::set<std::string> processes;
  for (std::size_t i = 0; i < names.size(); ++i) {
    LoadedFile file{std::nullopt, Diagnostics(names[i])};
    file.definitions = load(i, file.diagnostics);
    if (file.definitions)
      for (const auto& p : file.definitions->processes) processes.insert(p.id);
    files.push_back(std::move(file));
  }
  ValidationOptions options;
  options.organisation_roles = organisation_roles;
  if (resolve_calls) options.callable_processes = &processes;
  for (auto& file : files) {
    if (file.definitions) validate(*file.definitions, file.diagnostics, options);
    file.diagnostics.sort_by_line();
  }
  return files;
}

}  // namespace

std::vector<LoadedFile> load_and_validate(const std::vector<std::string>& paths, bool resolve_calls,
                                          const std::set<std::string>* organisation_roles) {
  return load_all(paths, resolve_calls, organisation_roles, [&](std::size_t i, Diagnostics& d) { return load_file(paths[i], d); });
}

std::vector<LoadedFile> load_and_validate_texts(const std::vector<std::string>& names, const std::vector<std::string>& texts,
                                                bool resolve_calls, const std::set<std::string>* organisation_roles) {
  return load_all(names, resolve_calls, organisation_roles, [&](std::size_t i, Diagnostics& d) { return load_text(texts[i], names[i], d); });
}

}  // namespace raciflow::definitions
