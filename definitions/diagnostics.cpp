#include "definitions/diagnostics.h"

#include <algorithm>

namespace raciflow::definitions {

const char* to_string(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

std::string Diagnostic::text(Language language) const {
  return said.id.empty() || language == Language::en ? message : definitions::text(said, language);
}

std::string Diagnostic::format(Language language) const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  out += language == Language::da ? (severity == Severity::error ? "fejl" : "advarsel") : to_string(severity);
  out += ": ";
  out += text(language);
  return out;
}

void Diagnostics::error(int line, std::string message) { error(line, "", std::move(message)); }

void Diagnostics::warning(int line, std::string message) { warning(line, "", std::move(message)); }

void Diagnostics::error(int line, std::string element, std::string message) {
  findings_.push_back({file_, line, Severity::error, std::move(message), std::move(element)});
  ++errors_;
}

void Diagnostics::warning(int line, std::string element, std::string message) {
  findings_.push_back({file_, line, Severity::warning, std::move(message), std::move(element)});
}

void Diagnostics::error(int line, std::string element, Phrase said) {
  std::string message = definitions::text(said, Language::en);
  findings_.push_back({file_, line, Severity::error, std::move(message), std::move(element), std::move(said)});
  ++errors_;
}

void Diagnostics::warning(int line, std::string element, Phrase said) {
  std::string message = definitions::text(said, Language::en);
  findings_.push_back({file_, line, Severity::warning, std::move(message), std::move(element), std::move(said)});
}

void Diagnostics::add(Diagnostic finding) {
  if (finding.severity == Severity::error) ++errors_;
  findings_.push_back(std::move(finding));
}

void Diagnostics::sort_by_line() {
  std::stable_sort(findings_.begin(), findings_.end(), [this](const Diagnostic& a, const Diagnostic& b) {
    bool a_other = a.file != file_, b_other = b.file != file_;
    if (a_other != b_other) return b_other;
    return a.line < b.line;
  });
}

}  // namespace raciflow::definitions
