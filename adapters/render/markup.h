// Small helpers for the HTML and SVG the renderers write.
#pragma once

#include <string>

namespace raciflow::render {

// Escapes &, <, >, " and ' for HTML and SVG text and attribute values.
std::string xml_escape(const std::string& text);

}  // namespace raciflow::render
