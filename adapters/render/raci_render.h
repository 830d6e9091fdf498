// The RACI matrix as text for people and for scripts.
//   table     aligned columns for a terminal
//   csv       RFC 4180; header: step,name,<role ids...>
//   markdown  a GitHub-flavoured table
//   json      {"process": ..., "roles": [...], "steps": [...]} with the full assignment
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "definitions/raci.h"

namespace raciflow::render {

enum class RaciFormat { table, csv, markdown, json };

std::optional<RaciFormat> parse_raci_format(std::string_view name);
std::string render_raci(const definitions::RaciMatrix& matrix, RaciFormat format);

}  // namespace raciflow::render
