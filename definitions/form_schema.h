// A form-js form (the JSON schema that Camunda Modeler and the Model screen write, and that
// a user task names with zeebe:formDefinition or raci:form), read as far as raciflow checks
// what a person submits against it. The browser renders the form; the server decides what
// it accepts: check_form_data() below, on every completion, whatever the client.
//
// Components that take input: textfield, textarea, number, checkbox, select, radio,
// checklist, taglist, datetime, filepicker (its value: ids of the case's attachments).
// Components that only show something (text, html, image, spacer, separator, button) are
// allowed; groups are read through. Anything else, values taken from a variable
// (valuesKey), a pattern RE2 cannot compile, or a `conditional.hide` outside the FEEL
// subset below is refused when the form is read, so that nothing is accepted and then
// left unchecked.
//
// The FEEL subset of `conditional.hide` ("=severity = \"low\""): comparisons (= != < <= >
// >=), and/or/not, `in [..]`, literals and paths. A variable the form and the case do not
// have is null, as in FEEL.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "definitions/diagnostics.h"
#include "definitions/expression.h"

namespace re2 {
class RE2;
}

namespace raciflow::definitions {

struct FormInput {
  std::string key;       // the variable it sets
  std::string type;      // the form-js component type
  std::string label;     // as the form shows it; the key when it has none
  std::string subtype;   // datetime: date, time or datetime
  bool required = false;
  std::optional<double> min, max;                    // number
  std::optional<std::size_t> min_length, max_length; // text, in characters
  std::string pattern;                               // text: as written (or the validationType's)
  std::shared_ptr<const re2::RE2> regex;
  std::vector<nlohmann::json> values;                // select, radio, checklist, taglist
  bool multiple = false;                             // filepicker
  std::string hide_text;                             // conditional.hide as written
  std::shared_ptr<const Expression> hide;
};

struct FormSchema {
  std::string id;
  std::string name;  // the form's name, when it has one
  std::vector<FormInput> inputs;  // in the form's order
  const FormInput* find(const std::string& key) const;
};

// The form in `text`; nullopt with every reason in `out` when raciflow cannot check it.
std::optional<FormSchema> parse_form_schema(std::string_view text, Diagnostics& out);

// A FEEL expression of the subset above (with or without its leading '=') in raciflow's
// condition language; nullopt with `error` set when it is outside the subset.
std::optional<std::string> feel_condition(std::string_view feel, std::string& error);

struct FormProblem {
  std::string field;    // the key, or "" when it is about the whole submission
  std::string message;  // names the field by its label and key
};

// What is wrong with `data`, submitted for `form`, the first problem; nullopt when nothing.
// `variables` are the case's (what a `conditional.hide` may read beside the form's own
// fields); `also_allowed` are keys outside the form that the step accepts too (its
// decision fields). `is_attachment` says whether a value names an attachment of the case,
// for filepicker fields (empty: none does).
std::optional<FormProblem> check_form_data(const FormSchema& form, const nlohmann::json& data, const nlohmann::json& variables,
                                           const std::set<std::string>& also_allowed,
                                           const std::function<bool(const nlohmann::json&)>& is_attachment = {});

}  // namespace raciflow::definitions
