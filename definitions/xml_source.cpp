#include "definitions/xml_source.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

#include "definitions/utf8.h"

namespace raciflow::definitions {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The encoding named by `<?xml ... encoding="..."?>`, lower-cased; empty when none.
std::string declared_encoding(std::string_view text) {
  if (text.substr(0, 5) != "<?xml") return {};
  auto end = text.find("?>");
  std::string_view decl = text.substr(0, end);
  auto at = decl.find("encoding");
  if (at == std::string_view::npos) return {};
  at = decl.find_first_of("\"'", at);
  if (at == std::string_view::npos) return {};
  auto close = decl.find(decl[at], at + 1);
  if (close == std::string_view::npos) return {};
  return lower(std::string(decl.substr(at + 1, close - at - 1)));
}

std::string latin1_to_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (unsigned char c : in) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

int line_at(std::string_view text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

// XML 1.0's Char production: what a character reference may name.
bool is_xml_char(unsigned long c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// The first character reference (&#N; or &#xN;) outside comments and CDATA that names no
// XML character (a surrogate, U+FFFE, something above U+10FFFF ...): its offset and text.
// Checked on the raw text, because the parser would decode it into bytes that are not UTF-8.
std::optional<std::pair<std::size_t, std::string>> bad_character_reference(std::string_view text) {
  std::size_t at = 0;
  while ((at = text.find_first_of("<&", at)) != std::string_view::npos) {
    if (text[at] == '<') {
      std::string_view close = text.substr(at, 4) == "<!--" ? "-->" : text.substr(at, 9) == "<![CDATA[" ? "]]>" : "";
      if (close.empty()) {
        ++at;
        continue;
      }
      at = text.find(close, at);
      if (at == std::string_view::npos) return std::nullopt;  // unclosed: the parser reports it
      continue;
    }
    if (text.substr(at, 2) != "&#") {
      ++at;
      continue;
    }
    std::size_t begin = at + 2;
    bool hex = begin < text.size() && text[begin] == 'x';
    std::size_t digits = begin + (hex ? 1 : 0);
    std::size_t end = text.find(';', digits);
    if (end == std::string_view::npos || end == digits) {
      at = digits;  // malformed: the parser reports it
      continue;
    }
    unsigned long code = 0;
    bool ok = true;
    for (std::size_t i = digits; i < end && ok; ++i) {
      int d = std::isdigit(static_cast<unsigned char>(text[i])) ? text[i] - '0'
              : hex && std::isxdigit(static_cast<unsigned char>(text[i]))
                  ? std::tolower(static_cast<unsigned char>(text[i])) - 'a' + 10
                  : -1;
      if (d < 0) ok = false;
      else if (code > 0x10FFFF) code = 0x110000;  // stays out of range without overflowing
      else code = code * (hex ? 16 : 10) + static_cast<unsigned long>(d);
    }
    if (ok && !is_xml_char(code)) return std::make_pair(at, std::string(text.substr(at, end - at + 1)));
    at = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::unique_ptr<XmlSource> XmlSource::read_file(const std::string& path, Diagnostics& diagnostics) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    diagnostics.error(0, "", Phrase{"file.missing", {}, ""});
    return nullptr;
  }
  if (fs::is_directory(status)) {
    diagnostics.error(0, "", Phrase{"file.directory", {}, ""});
    return nullptr;
  }
  if (!fs::is_regular_file(status)) {
    diagnostics.error(0, "", Phrase{"file.not_regular", {}, ""});
    return nullptr;
  }
  auto size = fs::file_size(path, ec);
  if (ec) {
    diagnostics.error(0, "", Phrase{"file.unreadable_because", {{"why", ec.message()}}, ""});
    return nullptr;
  }
  if (size > kMaxDefinitionBytes) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(size) / (1024.0 * 1024.0));
    diagnostics.error(0, "", Phrase{"file.too_large", {{"size", std::string(buf)}, {"limit", std::to_string(kMaxDefinitionBytes / (1024 * 1024))}}, ""});
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error(0, "", Phrase{"file.unreadable", {}, ""});
    return nullptr;
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    diagnostics.error(0, "", Phrase{"file.changed", {}, ""});
    return nullptr;
  }
  return from_text(std::move(bytes), diagnostics);
}

std::unique_ptr<XmlSource> XmlSource::from_text(std::string bytes, Diagnostics& diagnostics) {
  if (bytes.size() > kMaxDefinitionBytes) {
    diagnostics.error(0, "", Phrase{"xml.too_large", {{"limit", std::to_string(kMaxDefinitionBytes / (1024 * 1024))}}, ""});
    return nullptr;
  }
  auto starts_with = [&](std::string_view prefix) { return std::string_view(bytes).substr(0, prefix.size()) == prefix; };
  if (starts_with("\xFF\xFE") || starts_with("\xFE\xFF") || starts_with(std::string_view("\0\0\xFE\xFF", 4))) {
    diagnostics.error(1, "", Phrase{"xml.utf16", {}, ""});
    return nullptr;
  }
  if (starts_with("\xEF\xBB\xBF")) bytes.erase(0, 3);
  if (bytes.find_first_not_of(" \t\r\n") == std::string::npos) {
    diagnostics.error(1, "", Phrase{"xml.empty", {}, ""});
    return nullptr;
  }

  auto source = std::make_unique<XmlSource>();
  std::string encoding = declared_encoding(bytes);
  if (encoding == "iso-8859-1" || encoding == "latin1" || encoding == "latin-1" || encoding == "iso_8859-1" ||
      encoding == "l1") {
    source->text_ = latin1_to_utf8(bytes);
  } else if (encoding.empty() || encoding == "utf-8" || encoding == "utf8" || encoding == "us-ascii" ||
             encoding == "ascii") {
    std::size_t bad = first_invalid_utf8(bytes);
    if (bad != std::string::npos) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(bytes[bad])));
      diagnostics.error(line_at(bytes, bad), "", Phrase{"xml.bad_utf8", {{"byte", std::string(buf)}}, ""});
      return nullptr;
    }
    source->text_ = std::move(bytes);
  } else {
    diagnostics.error(1, "", Phrase{"xml.encoding", {{"encoding", encoding}}, ""});
    return nullptr;
  }

  const std::string& text = source->text_;
  if (auto bad = bad_character_reference(text)) {
    diagnostics.error(line_at(text, bad->first), "", Phrase{"xml.bad_reference", {{"reference", bad->second.substr(0, 24)}}, ""});
    return nullptr;
  }
  source->line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') source->line_starts_.push_back(i + 1);

  // parse_doctype makes a DOCTYPE visible so that it can be refused below; pugixml never
  // expands user-defined entities either way.
  unsigned options = pugi::parse_default | pugi::parse_doctype;
  pugi::xml_parse_result result =
      source->document_.load_buffer(text.data(), text.size(), options, pugi::encoding_utf8);
  if (!result) {
    diagnostics.error(source->line_of_offset(result.offset), "", Phrase{"xml.malformed", {{"why", std::string(result.description())}}, ""});
    return nullptr;
  }
  for (pugi::xml_node node : source->document_.children()) {
    if (node.type() == pugi::node_doctype) {
      diagnostics.error(source->line_of(node), "", Phrase{"xml.doctype", {}, ""});
      return nullptr;
    }
  }
  // Iterative, so that a hostile nesting depth cannot exhaust the stack here either.
  std::vector<std::pair<pugi::xml_node, int>> stack{{source->document_.document_element(), 1}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (depth > kMaxElementDepth) {
      diagnostics.error(source->line_of(node), "", Phrase{"xml.too_deep", {{"depth", std::to_string(kMaxElementDepth)}}, ""});
      return nullptr;
    }
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling())
      if (child.type() == pugi::node_element) stack.emplace_back(child, depth + 1);
  }
  return source;
}

int XmlSource::line_of_offset(std::ptrdiff_t offset) const {
  if (offset < 0) return 0;
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<std::size_t>(offset));
  return static_cast<int>(it - line_starts_.begin());
}

int XmlSource::line_of(const pugi::xml_node& node) const { return line_of_offset(node.offset_debug()); }

std::string local_name_in(const pugi::xml_node& element, const char* ns) {
  std::string qname = element.name();
  auto colon = qname.find(':');
  std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
  std::string local = colon == std::string::npos ? qname : qname.substr(colon + 1);
  std::string attribute = prefix.empty() ? "xmlns" : "xmlns:" + prefix;
  for (pugi::xml_node n = element; n && n.type() == pugi::node_element; n = n.parent())
    if (pugi::xml_attribute a = n.attribute(attribute.c_str())) return std::strcmp(a.value(), ns) == 0 ? local : "";
  return "";
}

}  // namespace raciflow::definitions
