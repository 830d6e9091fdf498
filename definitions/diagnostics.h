// Findings about a definition file: what is wrong or doubtful, and where.
//
// Every mistake a user can make in a definition is reported as a Diagnostic naming the
// file and the line of the offending element, never as an exception or a crash. A
// Diagnostics collector gathers them in the order they are found; callers print them as
// `FILE:LINE: error: MESSAGE` or as JSON.
#pragma once

#include <string>
#include <vector>

#include "definitions/messages.h"

namespace raciflow::definitions {

enum class Severity { warning, error };

const char* to_string(Severity severity);

struct Diagnostic {
  std::string file;
  int line = 0;  // 1-based; 0 when the finding concerns the file as a whole
  Severity severity = Severity::error;
  std::string message;
  std::string element;  // the id of the element it is about, when it has one (for marking a diagram)
  Phrase said{};         // its id and values (messages.h); empty id: English only

  // `FILE:LINE: error: MESSAGE` (the line is left out when it is 0), in English or Danish.
  std::string format(Language language = Language::en) const;
  // The message in `language` (the catalogue's text, else the English message).
  std::string text(Language language) const;
};

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void error(int line, std::string message);
  void warning(int line, std::string message);
  // The same, about the element with id `element`.
  void error(int line, std::string element, std::string message);
  void warning(int line, std::string element, std::string message);
  // A finding from the catalogue (messages.h): its English text is the message.
  void error(int line, std::string element, Phrase said);
  void warning(int line, std::string element, Phrase said);

  // A finding about another file checked with this one (a form, a decision model), kept
  // with its own file and line.
  void add(Diagnostic finding);

  // Orders the findings by line, this file's before other files', keeping the order of findings on the same line.
  void sort_by_line();

  const std::string& file() const { return file_; }
  const std::vector<Diagnostic>& all() const { return findings_; }
  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }

 private:
  std::string file_;
  std::vector<Diagnostic> findings_;
  std::size_t errors_ = 0;
};

}  // namespace raciflow::definitions
