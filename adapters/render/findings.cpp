#include "adapters/render/findings.h"

#include <nlohmann/json.hpp>

namespace raciflow::render {

nlohmann::json finding_json(const definitions::Diagnostic& d, definitions::Language language) {
  return {{"file", d.file},
          {"line", d.line},
          {"severity", definitions::to_string(d.severity)},
          {"message", d.message},
          {"element", d.element.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.element)},
          {"message_id", d.said.id.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.said.id)},
          {"text", d.text(language)}};
}

}  // namespace raciflow::render
