// Reading a definition file safely into a parsed XML document.
//
// Refuses, with one clear finding each: a missing or unreadable path, a directory, a file
// over kMaxDefinitionBytes, an encoding other than UTF-8 or ISO-8859-1, invalid UTF-8, a
// DOCTYPE (no entity expansion, so no entity bombs), malformed XML, and elements nested
// deeper than kMaxElementDepth. ISO-8859-1 is
// converted to UTF-8 before parsing so that every later string is UTF-8.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "definitions/diagnostics.h"

namespace raciflow::definitions {

inline constexpr std::size_t kMaxDefinitionBytes = 16u * 1024 * 1024;
// Real definitions nest a few dozen levels; deeper is refused before any recursion.
inline constexpr int kMaxElementDepth = 256;

// The local name of an element when it is in namespace `ns` (default namespace or any
// prefix declared on it or an ancestor), else "".
std::string local_name_in(const pugi::xml_node& element, const char* ns);

class XmlSource {
 public:
  // Returns nullptr after reporting why the file cannot be used.
  static std::unique_ptr<XmlSource> read_file(const std::string& path, Diagnostics& diagnostics);
  static std::unique_ptr<XmlSource> from_text(std::string bytes, Diagnostics& diagnostics);

  const pugi::xml_document& document() const { return document_; }
  // 1-based line of a node of document().
  int line_of(const pugi::xml_node& node) const;
  int line_of_offset(std::ptrdiff_t offset) const;

 private:
  std::string text_;  // UTF-8
  std::vector<std::size_t> line_starts_;
  pugi::xml_document document_;
};

}  // namespace raciflow::definitions
