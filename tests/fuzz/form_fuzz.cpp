// libFuzzer target: any bytes as a form-js form, and as a FEEL condition. A form that
// parses is checked against a submission made from its own fields (a value of each
// field's type, the first allowed value where it has values) and against the bytes
// themselves read as a submission, with a case whose variables are the bytes too.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "definitions/diagnostics.h"
#include "definitions/form_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using nlohmann::json;
  namespace defs = raciflow::definitions;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  (void)defs::feel_condition(text, error);
  defs::Diagnostics diagnostics("fuzz.form");
  auto form = defs::parse_form_schema(text, diagnostics);
  if (!form) return 0;
  json submission = json::object();
  for (const auto& input : form->inputs) {
    if (!input.values.empty()) {
      submission[input.key] = input.type == "checklist" || input.type == "taglist" ? json::array({input.values.front()}) : input.values.front();
    } else if (input.type == "number") {
      submission[input.key] = input.min ? *input.min : 1;
    } else if (input.type == "checkbox") {
      submission[input.key] = true;
    } else if (input.type == "filepicker") {
      submission[input.key] = 1;
    } else {
      submission[input.key] = std::string(input.min_length.value_or(1) % 64 + 1, 'a');
    }
  }
  auto any_attachment = [](const json& id) { return id.is_number_integer() && id.get<std::int64_t>() == 1; };
  json variables = json::parse(text, nullptr, false);
  if (!variables.is_object()) variables = json::object();
  (void)defs::check_form_data(*form, submission, variables, {"comment"}, any_attachment);
  (void)defs::check_form_data(*form, variables, submission, {}, nullptr);
  return 0;
}
