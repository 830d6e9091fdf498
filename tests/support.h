// Helpers for tests that feed small definitions to the loader and validator.
#pragma once

#include <algorithm>
#include <string>

#include "definitions/diagnostics.h"
#include "definitions/loader.h"
#include "definitions/validate.h"

namespace raciflow::testing {

// A definitions document around `process_body`, with the four standard lanes unless
// `lanes` is given. The process id is "p".
inline std::string bpmn(const std::string& process_body, const std::string& lanes = "", const std::string& extra = "") {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d">
)") + extra + R"(<process id="p">
)" + lanes + process_body + R"(</process>
</definitions>
)";
}

// The 1-based line of the first line of `text` containing `marker`; 0 when absent.
inline int line_of(const std::string& text, const std::string& marker) {
  auto at = text.find(marker);
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

struct Checked {
  std::optional<definitions::Definitions> definitions;
  definitions::Diagnostics diagnostics{"test.bpmn"};

  bool has(definitions::Severity severity, int line, const std::string& fragment) const {
    for (const auto& d : diagnostics.all())
      if (d.severity == severity && d.line == line && d.message.find(fragment) != std::string::npos) return true;
    return false;
  }
  bool has_error(int line, const std::string& fragment) const { return has(definitions::Severity::error, line, fragment); }
  bool has_warning(int line, const std::string& fragment) const { return has(definitions::Severity::warning, line, fragment); }
  std::string dump() const {
    std::string out;
    for (const auto& d : diagnostics.all()) out += d.format() + "\n";
    return out;
  }
};

// Loads and validates `xml`; call activities resolve against `callable` plus its own processes.
// With `organisation_roles`, RACI roles are checked against them as on deploy.
inline Checked check(const std::string& xml, std::set<std::string> callable = {},
                     const std::set<std::string>* organisation_roles = nullptr) {
  Checked c;
  c.definitions = definitions::load_text(xml, "test.bpmn", c.diagnostics);
  if (c.definitions) {
    for (const auto& p : c.definitions->processes) callable.insert(p.id);
    definitions::ValidationOptions options;
    options.callable_processes = &callable;
    options.organisation_roles = organisation_roles;
    definitions::validate(*c.definitions, c.diagnostics, options);
  }
  return c;
}

}  // namespace raciflow::testing
