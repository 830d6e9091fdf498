#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "definitions/form_schema.h"

using namespace raciflow::definitions;
using nlohmann::json;

namespace {

// A form as Camunda Modeler writes one, with `components` as given.
std::string form_text(const json& components) {
  return json{{"components", components},
              {"type", "default"},
              {"id", "assessment"},
              {"executionPlatform", "Camunda Cloud"},
              {"exporter", {{"name", "Camunda Modeler"}, {"version", "5.30.0"}}},
              {"schemaVersion", 16}}
      .dump(2);
}

FormSchema form_of(const json& components) {
  Diagnostics d("assess.form");
  auto form = parse_form_schema(form_text(components), d);
  INFO((d.all().empty() ? "" : d.all().front().format()));
  REQUIRE(form);
  return *form;
}

std::string refusal_of(const json& components) {
  Diagnostics d("assess.form");
  auto form = parse_form_schema(form_text(components), d);
  CHECK_FALSE(form);
  REQUIRE(d.has_errors());
  return d.all().front().format();
}

std::string problem(const FormSchema& form, const json& data, const json& variables = json::object()) {
  auto p = check_form_data(form, data, variables, {});
  return p ? p->message : "";
}

const json kSeverity = {{"type", "select"},
                        {"key", "severity"},
                        {"label", "Severity"},
                        {"validate", {{"required", true}}},
                        {"values", {{{"label", "Low"}, {"value", "low"}}, {{"label", "High"}, {"value", "high"}}}}};

}  // namespace

TEST_CASE("a form-js form is read with its fields, their keys, labels and rules", "[forms]") {
  auto form = form_of(json::array({
      {{"type", "text"}, {"text", "# Assessment"}},
      kSeverity,
      {{"type", "group"}, {"components", {{{"type", "textarea"}, {"key", "what"}, {"validate", {{"maxLength", 200}}}}}}},
      {{"type", "button"}, {"action", "submit"}},
  }));
  CHECK(form.id == "assessment");
  REQUIRE(form.inputs.size() == 2);
  CHECK(form.inputs[0].key == "severity");
  CHECK(form.inputs[0].required);
  CHECK(form.inputs[0].values.size() == 2);
  CHECK(form.inputs[1].key == "what");  // read through the group
  CHECK(form.inputs[1].label == "what");
  CHECK(form.inputs[1].max_length == 200u);
}

TEST_CASE("a submission with a key the form does not have is refused, naming it", "[forms]") {
  auto form = form_of(json::array({kSeverity}));
  CHECK(problem(form, {{"severity", "low"}, {"approved", true}}) == "'approved' is no field of form 'assessment'");
  CHECK(check_form_data(form, {{"severity", "low"}, {"approved", true}}, json::object(), {"approved"}) == std::nullopt);
}

TEST_CASE("a required field left out or empty is refused", "[forms]") {
  auto form = form_of(json::array({kSeverity}));
  CHECK(problem(form, json::object()) == "field 'Severity' (severity) is required");
  CHECK(problem(form, {{"severity", ""}}) == "field 'Severity' (severity) is required");
  CHECK(problem(form, {{"severity", "low"}}).empty());
}

TEST_CASE("each field takes its own type: text, number, true or false, date, date and time", "[forms]") {
  auto form = form_of(json::array({
      {{"type", "textfield"}, {"key", "title"}},
      {{"type", "number"}, {"key", "assets"}},
      {{"type", "checkbox"}, {"key", "personalData"}},
      {{"type", "datetime"}, {"key", "found"}, {"subtype", "date"}},
      {{"type", "datetime"}, {"key", "at"}, {"subtype", "datetime"}},
      {{"type", "datetime"}, {"key", "clock"}, {"subtype", "time"}},
  }));
  CHECK(problem(form, {{"title", 3}}) == "field 'title' must be text");
  CHECK(problem(form, {{"assets", "three"}}) == "field 'assets' must be a number");
  CHECK(problem(form, {{"assets", "12.5"}}).empty());  // form-js sends long numbers as text
  CHECK(problem(form, {{"personalData", "yes"}}) == "field 'personalData' must be true or false");
  CHECK(problem(form, {{"found", "2026-13-01"}}) == "field 'found' must be a date (YYYY-MM-DD)");
  CHECK(problem(form, {{"found", "2026-03-01T09:00:00Z"}}) == "field 'found' must be a date (YYYY-MM-DD)");
  CHECK(problem(form, {{"found", "2026-03-01"}}).empty());
  CHECK(problem(form, {{"at", "yesterday"}}).rfind("field 'at' must be a date and time", 0) == 0);
  CHECK(problem(form, {{"at", "2026-03-01T09:00:00Z"}}).empty());
  CHECK(problem(form, {{"clock", "25:00"}}) == "field 'clock' must be a time (HH:MM)");
  CHECK(problem(form, {{"clock", "14:30"}}).empty());
  CHECK(problem(form, {{"title", "Phishing"}, {"assets", 3}, {"personalData", false}}).empty());
}

TEST_CASE("a number outside min and max is refused", "[forms]") {
  auto form = form_of(json::array({{{"type", "number"}, {"key", "score"}, {"validate", {{"min", 1}, {"max", 5}}}}}));
  CHECK(problem(form, {{"score", 0}}) == "field 'score' must be at least 1");
  CHECK(problem(form, {{"score", 6}}) == "field 'score' must be at most 5");
  CHECK(problem(form, {{"score", 5}}).empty());
}

TEST_CASE("text shorter than minLength or longer than maxLength is refused, counted in characters", "[forms]") {
  auto form = form_of(json::array({{{"type", "textfield"}, {"key", "reason"}, {"validate", {{"minLength", 3}, {"maxLength", 5}}}}}));
  CHECK(problem(form, {{"reason", "ab"}}) == "field 'reason' must be at least 3 characters");
  CHECK(problem(form, {{"reason", "abcdef"}}) == "field 'reason' must be at most 5 characters");
  CHECK(problem(form, {{"reason", "æøåæø"}}).empty());  // five letters, ten bytes
}

TEST_CASE("text that does not match the field's pattern is refused", "[forms]") {
  auto form = form_of(json::array({{{"type", "textfield"}, {"key", "ref"}, {"validate", {{"pattern", "^DEV-[0-9]+$"}}}}}));
  CHECK(problem(form, {{"ref", "DEV-12"}}).empty());
  CHECK(problem(form, {{"ref", "dev 12"}}) == "field 'ref' does not match the pattern ^DEV-[0-9]+$");
}

TEST_CASE("a hostile pattern runs in time linear in its input", "[forms]") {
  // (a+)+$ backtracks exponentially in a backtracking engine on "aaaa...!"; RE2 has none.
  auto form = form_of(json::array({{{"type", "textarea"}, {"key", "text"}, {"validate", {{"pattern", "^(a+)+$"}}}}}));
  std::string hostile(100000, 'a');
  hostile += '!';
  CHECK(problem(form, {{"text", hostile}}) == "field 'text' does not match the pattern ^(a+)+$");
}

TEST_CASE("a pattern RE2 cannot run is refused when the form is read", "[forms]") {
  // A back-reference needs backtracking.
  CHECK(refusal_of(json::array({{{"type", "textfield"}, {"key", "twice"}, {"validate", {{"pattern", "(a)\\1"}}}}})).find(
            "field 'twice': pattern '(a)\\1' is not a regular expression raciflow can run") != std::string::npos);
}

TEST_CASE("select and radio take one of their values; checklist and taglist a list of them", "[forms]") {
  auto form = form_of(json::array({
      kSeverity,
      {{"type", "radio"}, {"key", "decision"}, {"values", {{{"label", "Approve"}, {"value", "approve"}}, {{"label", "Reject"}, {"value", "reject"}}}}},
      {{"type", "checklist"}, {"key", "assets"}, {"values", {{{"label", "Mail"}, {"value", "mail"}}, {{"label", "HR system"}, {"value", "hr"}}}}},
      {{"type", "taglist"}, {"key", "tags"}, {"values", {{{"label", "A"}, {"value", 1}}, {{"label", "B"}, {"value", 2}}}}},
  }));
  CHECK(problem(form, {{"severity", "medium"}}) == "field 'Severity' (severity) \"medium\" is not one of the values to choose");
  CHECK(problem(form, {{"severity", "low"}, {"decision", "maybe"}}) == "field 'decision' \"maybe\" is not one of the values to choose");
  CHECK(problem(form, {{"severity", "low"}, {"assets", "mail"}}) == "field 'assets' must be a list of the values to choose");
  CHECK(problem(form, {{"severity", "low"}, {"assets", {"mail", "crm"}}}) == "field 'assets' \"crm\" is not one of the values to choose");
  CHECK(problem(form, {{"severity", "low"}, {"assets", {"mail", "mail"}}}) == "field 'assets' \"mail\" is chosen twice");
  CHECK(problem(form, {{"severity", "low"}, {"tags", {"1"}}}) == "field 'tags' \"1\" is not one of the values to choose");
  CHECK(problem(form, {{"severity", "high"}, {"decision", "approve"}, {"assets", {"mail", "hr"}}, {"tags", {2}}}).empty());
}

TEST_CASE("a required field hidden by its condition is not required, and takes no value", "[forms]") {
  auto form = form_of(json::array({
      kSeverity,
      {{"type", "textarea"},
       {"key", "escalationReason"},
       {"validate", {{"required", true}}},
       {"conditional", {{"hide", "=severity = \"low\" or severity = null"}}}},
  }));
  CHECK(problem(form, {{"severity", "low"}}).empty());
  CHECK(problem(form, {{"severity", "high"}}) == "field 'escalationReason' is required");
  CHECK(problem(form, {{"severity", "high"}, {"escalationReason", "customer data"}}).empty());
  CHECK(problem(form, {{"severity", "low"}, {"escalationReason", "x"}}) ==
        "field 'escalationReason' is hidden (=severity = \"low\" or severity = null) and takes no value");
}

TEST_CASE("a field's condition reads the case's variables beside the form's, and unknown names are null", "[forms]") {
  auto form = form_of(json::array({
      {{"type", "textfield"}, {"key", "note"}, {"validate", {{"required", true}}},
       {"conditional", {{"hide", "=not(kind in [\"incident\", \"breach\"]) and missing != 1"}}}},
  }));
  CHECK(problem(form, json::object(), {{"kind", "deviation"}}).empty());
  CHECK(problem(form, json::object(), {{"kind", "breach"}}) == "field 'note' is required");
}

TEST_CASE("a condition outside the FEEL subset is refused when the form is read", "[forms]") {
  auto refusal = [](const std::string& hide) {
    return refusal_of(json::array({{{"type", "textfield"}, {"key", "note"}, {"conditional", {{"hide", hide}}}}}));
  };
  CHECK(refusal("=is defined(severity)").find("field 'note': condition '=is defined(severity)' is outside the FEEL raciflow evaluates") !=
        std::string::npos);
  CHECK(refusal("=count(assets) > 2").find("function 'count' is not in the subset") != std::string::npos);
  CHECK(refusal("=severity == \"low\"").find("'==' is not FEEL") != std::string::npos);
  CHECK(refusal("=a +").find("outside the FEEL raciflow evaluates") != std::string::npos);
}

TEST_CASE("a form raciflow cannot check is refused with the reason, never half read", "[forms]") {
  CHECK(refusal_of(json::array({{{"type", "dynamiclist"}, {"id", "List_1"}}})).find("'List_1' is a 'dynamiclist', which raciflow cannot check") !=
        std::string::npos);
  CHECK(refusal_of(json::array({{{"type", "select"}, {"key", "who"}, {"valuesKey", "people"}}})).find("takes its values from a variable") !=
        std::string::npos);
  CHECK(refusal_of(json::array({{{"type", "textfield"}, {"key", "a"}}, {{"type", "number"}, {"key", "a"}}})).find("two fields have the key 'a'") !=
        std::string::npos);
  CHECK(refusal_of(json::array({{{"type", "textfield"}, {"id", "Field_1"}}})).find("field 'Field_1' (textfield) has no key") != std::string::npos);
  CHECK(refusal_of(json::array({{{"type", "number"}, {"key", "n"}, {"validate", {{"min", "one"}}}}})).find("'min' is not a number") !=
        std::string::npos);
  Diagnostics d("x.form");
  CHECK_FALSE(parse_form_schema("{\"components\": [", d));
  CHECK(d.all().front().format() == "x.form: error: is not valid JSON (a form-js form is)");
  Diagnostics no_id("y.form");
  CHECK_FALSE(parse_form_schema(R"({"components": []})", no_id));
  CHECK(no_id.all().front().message == "the form has no 'id', which user tasks name it by");
}

TEST_CASE("a component attribute of the wrong JSON type is refused, never thrown", "[forms]") {
  CHECK(refusal_of(json::array({{{"type", "textfield"}, {"id", json::object()}}})).find("has no key") != std::string::npos);
  CHECK(refusal_of(json::array({{{"type", "button"}, {"id", "b"}, {"action", 3}}})).find("button 'b' has an action") != std::string::npos);
  CHECK(refusal_of(json::array({{{"type", "textfield"}, {"key", "t"}, {"validate", {{"validationType", json::array()}}}}}))
            .find("'validationType' is not text") != std::string::npos);
  CHECK(refusal_of(json::array({{{"type", "datetime"}, {"key", "d"}, {"subtype", 1}}})).find("'subtype' is not text") != std::string::npos);
  CHECK(refusal_of(json::array({{{"type", "filepicker"}, {"key", "f"}, {"multiple", "yes"}}})).find("'multiple' is not true or false") !=
        std::string::npos);
}

TEST_CASE("a refusal in a form names the line of the field it is about", "[forms]") {
  Diagnostics d("assess.form");
  parse_form_schema(form_text(json::array({{{"type", "textfield"}, {"key", "ok"}}, {{"type", "number"}, {"key", "bad"}, {"validate", {{"max", "x"}}}}})), d);
  REQUIRE(d.has_errors());
  CHECK(d.all().front().line > 1);
}

TEST_CASE("a filepicker field takes attachments of the case, one or (when multiple) a list", "[forms]") {
  auto form = form_of(json::array({{{"type", "filepicker"}, {"key", "proof"}, {"multiple", true}, {"validate", {{"required", true}}}}}));
  auto is_attachment = [](const json& id) { return id == 7; };
  CHECK(check_form_data(form, {{"proof", {7}}}, json::object(), {}, is_attachment) == std::nullopt);
  auto p = check_form_data(form, {{"proof", {7, 8}}}, json::object(), {}, is_attachment);
  REQUIRE(p);
  CHECK(p->message == "field 'proof' 8 is no attachment of this case");
  CHECK(check_form_data(form, json::object(), json::object(), {}, is_attachment)->message == "field 'proof' is required");
}
