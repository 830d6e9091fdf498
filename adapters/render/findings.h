// Findings about a definition as JSON, the same for `raciflow validate --json` and the
// API's validation: {"file", "line", "severity", "message", "element", "message_id", "text"}
// per finding, with `element` the id of the element it is about, or null; `message` in
// English always (scripts read it), `message_id` its id in the catalogue (messages.h) or
// null, `text` the message in `language`.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "definitions/diagnostics.h"

namespace raciflow::render {

nlohmann::json finding_json(const definitions::Diagnostic& finding, definitions::Language language = definitions::Language::en);

}  // namespace raciflow::render
