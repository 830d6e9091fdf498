// Plain-text tables aligned by display width (UTF-8 aware), for terminal output.
#pragma once

#include <string>
#include <vector>

namespace raciflow::render {

// Number of code points, which is the display width for the scripts raciflow meets
// (Latin, including Danish æøå).
std::size_t display_width(const std::string& utf8);

// Header row, a rule, then the rows; columns separated by two spaces.
std::string format_text_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// One RFC 4180 field: quoted when it holds a comma, a quote or a line break; a value that
// starts with =, +, -, @, tab or carriage return gets a leading ' so that no spreadsheet
// runs it as a formula.
std::string csv_field(const std::string& value);
// The same leading ' alone, for a spreadsheet's text cells.
std::string formula_safe(const std::string& value);

}  // namespace raciflow::render
