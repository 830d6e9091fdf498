#include "definitions/form_schema.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <re2/re2.h>

#include "definitions/iso8601.h"

namespace raciflow::definitions {

using nlohmann::json;

namespace {

// Limits on a form, so that a hostile one cannot make reading or checking it expensive.
constexpr std::size_t kMaxComponents = 500;
constexpr int kMaxGroupDepth = 8;
constexpr std::size_t kMaxPatternBytes = 1000;
constexpr std::size_t kMaxValues = 1000;

const std::set<std::string>& input_types() {
  static const std::set<std::string> types{"textfield", "textarea", "number",   "checkbox", "select",
                                           "radio",     "checklist", "taglist", "datetime", "filepicker"};
  return types;
}
const std::set<std::string>& display_types() {
  static const std::set<std::string> types{"text", "html", "image", "spacer", "separator", "button"};
  return types;
}

// The line of the first occurrence of `needle` in `text` (1-based), 0 when it is not there.
// The text at `key`: `fallback` when it is absent or null, nothing when it is not text.
std::optional<std::string> text_at(const json& c, const char* key, std::string fallback = {}) {
  if (!c.contains(key) || c[key].is_null()) return fallback;
  if (!c[key].is_string()) return std::nullopt;
  return c[key].get<std::string>();
}

int line_of(std::string_view text, const std::string& needle) {
  auto at = text.find(needle);
  if (at == std::string_view::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// Characters, not bytes: what minLength and maxLength count.
std::size_t characters(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

struct Reader {
  std::string_view text;
  Diagnostics& out;
  FormSchema form;
  std::set<std::string> keys;
  std::size_t components = 0;

  void fail(const std::string& where, const std::string& message) {
    out.error(line_of(text, "\"" + where + "\""), "form '" + form.id + "': " + message);
  }

  void read(const json& list, int depth) {
    if (!list.is_array()) return fail("components", "'components' is not a list");
    if (depth > kMaxGroupDepth) return fail("components", "groups nest deeper than " + std::to_string(kMaxGroupDepth));
    for (const auto& c : list) {
      if (++components > kMaxComponents) return fail("components", "has more than " + std::to_string(kMaxComponents) + " components");
      if (!c.is_object() || !c.contains("type") || !c["type"].is_string()) {
        fail("components", "a component has no type");
        continue;
      }
      std::string type = c["type"];
      std::string id = text_at(c, "id").value_or("");
      if (type == "group") {
        if (c.contains("path") && c["path"].is_string() && !c["path"].get<std::string>().empty()) {
          fail(id, "group '" + id + "' has a path; raciflow checks only groups without one");
          continue;
        }
        if (c.contains("conditional")) {
          fail(id, "group '" + id + "' has a condition; raciflow checks conditions on fields only");
          continue;
        }
        read(c.contains("components") ? c["components"] : json::array(), depth + 1);
        continue;
      }
      if (display_types().count(type)) {
        auto action = text_at(c, "action", "submit");
        if (type == "button" && (!action || (*action != "submit" && *action != "reset")))
          fail(id, "button '" + id + "' has an action raciflow does not know");
        continue;
      }
      if (!input_types().count(type)) {
        fail(id.empty() ? type : id, "component '" + (id.empty() ? type : id) + "' is a '" + type + "', which raciflow cannot check");
        continue;
      }
      input(c, type, id);
    }
  }

  void input(const json& c, const std::string& type, const std::string& id) {
    FormInput f;
    f.type = type;
    if (!c.contains("key") || !c["key"].is_string() || c["key"].get<std::string>().empty())
      return fail(id, "field '" + id + "' (" + type + ") has no key");
    f.key = c["key"];
    if (f.key.find('.') != std::string::npos || f.key.find('[') != std::string::npos)
      return fail(f.key, "field '" + f.key + "' has a key with a path; raciflow takes plain variable names");
    if (!keys.insert(f.key).second) return fail(f.key, "two fields have the key '" + f.key + "'");
    f.label = c.contains("label") && c["label"].is_string() && !c["label"].get<std::string>().empty() ? c["label"].get<std::string>() : f.key;
    std::string name = "field '" + f.key + "'";
    if (c.contains("valuesKey") || c.contains("valuesExpression"))
      return fail(f.key, name + " takes its values from a variable; raciflow checks only values written in the form");
    json validate = c.contains("validate") ? c["validate"] : json::object();
    if (!validate.is_object()) return fail(f.key, name + ": 'validate' is not an object");
    if (validate.contains("required")) {
      if (!validate["required"].is_boolean()) return fail(f.key, name + ": 'required' is not true or false");
      f.required = validate["required"];
    }
    auto number = [&](const char* what, std::optional<double>& into) {
      if (!validate.contains(what) || validate[what].is_null()) return true;
      if (!validate[what].is_number()) {
        fail(f.key, name + ": '" + what + "' is not a number");
        return false;
      }
      into = validate[what].get<double>();
      return true;
    };
    auto length = [&](const char* what, std::optional<std::size_t>& into) {
      if (!validate.contains(what) || validate[what].is_null()) return true;
      if (!validate[what].is_number_integer() || validate[what].get<long long>() < 0) {
        fail(f.key, name + ": '" + what + "' is not a whole number of characters");
        return false;
      }
      into = validate[what].get<std::size_t>();
      return true;
    };
    if (!number("min", f.min) || !number("max", f.max) || !length("minLength", f.min_length) || !length("maxLength", f.max_length))
      return;
    std::string pattern;
    if (validate.contains("pattern") && !validate["pattern"].is_null()) {
      if (!validate["pattern"].is_string()) return fail(f.key, name + ": 'pattern' is not text");
      pattern = validate["pattern"];
    }
    auto validation_text = text_at(validate, "validationType");
    if (!validation_text) return fail(f.key, name + ": 'validationType' is not text");
    std::string validation_type = *validation_text;
    if (validation_type == "email" && pattern.empty()) pattern = R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)";
    else if (validation_type == "phone" && pattern.empty()) pattern = R"(^\+?[0-9 ()\-]{4,}$)";
    else if (!validation_type.empty() && validation_type != "custom")
      return fail(f.key, name + ": validationType '" + validation_type + "' is unknown (email, phone or custom)");
    if (!pattern.empty()) {
      if (type != "textfield" && type != "textarea") return fail(f.key, name + ": a pattern applies to text only");
      if (pattern.size() > kMaxPatternBytes) return fail(f.key, name + ": its pattern is longer than " + std::to_string(kMaxPatternBytes) + " bytes");
      RE2::Options options;
      options.set_log_errors(false);
      options.set_max_mem(1 << 20);
      auto regex = std::make_shared<RE2>(pattern, options);
      if (!regex->ok()) return fail(f.key, name + ": pattern '" + pattern + "' is not a regular expression raciflow can run (" + regex->error() + ")");
      f.pattern = pattern;
      f.regex = std::move(regex);
    }
    if ((f.min || f.max) && type != "number") return fail(f.key, name + ": min and max apply to numbers only");
    if ((f.min_length || f.max_length) && type != "textfield" && type != "textarea")
      return fail(f.key, name + ": minLength and maxLength apply to text only");
    if (type == "select" || type == "radio" || type == "checklist" || type == "taglist") {
      if (!c.contains("values") || !c["values"].is_array() || c["values"].empty())
        return fail(f.key, name + " (" + type + ") lists no values to choose from");
      if (c["values"].size() > kMaxValues) return fail(f.key, name + " lists more than " + std::to_string(kMaxValues) + " values");
      for (const auto& v : c["values"]) {
        if (!v.is_object() || !v.contains("value") || !(v["value"].is_string() || v["value"].is_number() || v["value"].is_boolean()))
          return fail(f.key, name + ": a value to choose is not {\"label\": ..., \"value\": ...}");
        f.values.push_back(v["value"]);
      }
    }
    if (type == "datetime") {
      auto subtype = text_at(c, "subtype", "date");
      if (!subtype) return fail(f.key, name + ": 'subtype' is not text");
      f.subtype = *subtype;
      if (f.subtype != "date" && f.subtype != "time" && f.subtype != "datetime")
        return fail(f.key, name + ": subtype '" + f.subtype + "' is unknown (date, time or datetime)");
    }
    if (type == "filepicker" && c.contains("multiple") && !c["multiple"].is_null()) {
      if (!c["multiple"].is_boolean()) return fail(f.key, name + ": 'multiple' is not true or false");
      f.multiple = c["multiple"].get<bool>();
    }
    if (c.contains("conditional") && !c["conditional"].is_null()) {
      const json& conditional = c["conditional"];
      if (!conditional.is_object() || (conditional.contains("hide") && !conditional["hide"].is_string()) ||
          conditional.size() != (conditional.contains("hide") ? 1u : 0u))
        return fail(f.key, name + ": its condition is not {\"hide\": \"=...\"}");
      if (conditional.contains("hide")) {
        f.hide_text = conditional["hide"];
        std::string error;
        auto translated = feel_condition(f.hide_text, error);
        Expression::SyntaxError syntax;
        std::optional<Expression> compiled;
        if (translated) compiled = Expression::compile(*translated, &syntax);
        if (!translated || !compiled)
          return fail(f.key, name + ": condition '" + f.hide_text + "' is outside the FEEL raciflow evaluates (" +
                                 (translated ? syntax.message : error) + ")");
        f.hide = std::make_shared<const Expression>(std::move(*compiled));
      }
    }
    form.inputs.push_back(std::move(f));
  }
};

// 5 as "5", 2.5 as "2.5".
std::string number_text(double d) {
  if (d == static_cast<double>(static_cast<long long>(d)) && std::abs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return json(d).dump();
}

bool is_scalar_value(const json& v) { return v.is_string() || v.is_number() || v.is_boolean(); }

bool allowed(const FormInput& f, const json& v) {
  return std::any_of(f.values.begin(), f.values.end(), [&](const json& a) { return a == v; });
}

std::string shown(const json& v) {
  std::string text = v.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// Whether the field is hidden for these values: only a condition that holds hides it. One
// that cannot be evaluated (a comparison of text with a number) leaves it shown, and so
// checked.
bool hidden(const FormInput& f, const json& values) {
  if (!f.hide) return false;
  json filled = values;
  for (const auto& path : f.hide->variables()) {
    json* cur = &filled;
    std::size_t start = 0;
    while (cur->is_object()) {
      std::size_t dot = path.find('.', start);
      std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!cur->contains(part)) {
        (*cur)[part] = nullptr;  // what FEEL gives for a name it does not know
        break;
      }
      cur = &(*cur)[part];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
  }
  std::string error;
  auto result = f.hide->test(filled, &error);
  return result && *result;
}

std::optional<std::string> type_problem(const FormInput& f, const json& v,
                                        const std::function<bool(const json&)>& is_attachment) {
  const std::string& t = f.type;
  if (t == "textfield" || t == "textarea") {
    if (!v.is_string()) return "must be text";
    std::string s = v;
    std::size_t n = characters(s);
    if (f.min_length && n < *f.min_length) return "must be at least " + std::to_string(*f.min_length) + " characters";
    if (f.max_length && n > *f.max_length) return "must be at most " + std::to_string(*f.max_length) + " characters";
    if (f.regex && !s.empty() && !RE2::PartialMatch(s, *f.regex)) return "does not match the pattern " + f.pattern;
    return std::nullopt;
  }
  if (t == "number") {
    double d = 0;
    if (v.is_number()) {
      d = v.get<double>();
    } else if (v.is_string()) {  // form-js sends a number with many digits as text
      const std::string& s = v.get_ref<const std::string&>();
      char* end = nullptr;
      d = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || std::isspace(static_cast<unsigned char>(s.front()))) return "must be a number";
    } else {
      return "must be a number";
    }
    if (f.min && d < *f.min) return "must be at least " + number_text(*f.min);
    if (f.max && d > *f.max) return "must be at most " + number_text(*f.max);
    return std::nullopt;
  }
  if (t == "checkbox") return v.is_boolean() ? std::nullopt : std::optional<std::string>("must be true or false");
  if (t == "select" || t == "radio") {
    if (!is_scalar_value(v) || !allowed(f, v)) return shown(v) + " is not one of the values to choose";
    return std::nullopt;
  }
  if (t == "checklist" || t == "taglist") {
    if (!v.is_array()) return "must be a list of the values to choose";
    std::vector<json> seen;
    for (const auto& item : v) {
      if (!is_scalar_value(item) || !allowed(f, item)) return shown(item) + " is not one of the values to choose";
      if (std::find(seen.begin(), seen.end(), item) != seen.end()) return shown(item) + " is chosen twice";
      seen.push_back(item);
    }
    return std::nullopt;
  }
  if (t == "datetime") {
    if (!v.is_string()) return "must be a " + f.subtype + " as text";
    const std::string& s = v.get_ref<const std::string&>();
    if (f.subtype == "date") {
      if (s.size() != 10 || !parse_date_time(s + "T00:00:00Z")) return "must be a date (YYYY-MM-DD)";
    } else if (f.subtype == "time") {
      // HH:MM, optionally with seconds and an offset (form-js writes "14:30", "14:30Z" or "14:30+01:00").
      static const RE2 time(R"(([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(Z|[+-][0-9]{2}:[0-9]{2})?)");
      if (!RE2::FullMatch(s, time)) return "must be a time (HH:MM)";
    } else if (!parse_date_time(s)) {
      return "must be a date and time (ISO 8601, e.g. 2026-03-01T09:00:00Z)";
    }
    return std::nullopt;
  }
  if (t == "filepicker") {
    auto one = [&](const json& id) { return (id.is_number_integer() || id.is_string()) && is_attachment && is_attachment(id); };
    if (f.multiple && v.is_array()) {
      for (const auto& id : v)
        if (!one(id)) return shown(id) + " is no attachment of this case";
      return std::nullopt;
    }
    if (!one(v)) return shown(v) + " is no attachment of this case";
    return std::nullopt;
  }
  return "has a type raciflow cannot check";  // parse_form_schema lets no other type through
}

bool empty_value(const json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) || (v.is_array() && v.empty());
}

}  // namespace

const FormInput* FormSchema::find(const std::string& key) const {
  for (const auto& f : inputs)
    if (f.key == key) return &f;
  return nullptr;
}

std::optional<FormSchema> parse_form_schema(std::string_view text, Diagnostics& out) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    out.error(0, "is not valid JSON (a form-js form is)");
    return std::nullopt;
  }
  if (!doc.is_object() || !doc.contains("components")) {
    out.error(0, "is not a form-js form: it has no 'components'");
    return std::nullopt;
  }
  Reader reader{text, out, {}, {}, 0};
  if (!doc.contains("id") || !doc["id"].is_string() || doc["id"].get<std::string>().empty()) {
    out.error(0, "the form has no 'id', which user tasks name it by");
    return std::nullopt;
  }
  reader.form.id = doc["id"];
  if (doc.contains("name") && doc["name"].is_string()) reader.form.name = doc["name"];
  if (doc.contains("type") && doc["type"] != "default")
    reader.fail("type", "type " + doc["type"].dump() + " is not a form-js form's (\"default\")");
  std::size_t errors = out.error_count();
  reader.read(doc["components"], 0);
  if (out.error_count() > errors) return std::nullopt;
  return std::move(reader.form);
}

std::optional<std::string> feel_condition(std::string_view feel, std::string& error) {
  std::size_t i = 0;
  while (i < feel.size() && std::isspace(static_cast<unsigned char>(feel[i]))) ++i;
  if (i < feel.size() && feel[i] == '=') ++i;  // form-js marks an expression with '='
  std::string out;
  while (i < feel.size()) {
    char c = feel[i];
    if (c == '"') {  // a FEEL string; raciflow's strings take the same quotes
      std::size_t end = i + 1;
      while (end < feel.size() && feel[end] != '"') end += feel[end] == '\\' ? 2 : 1;
      if (end >= feel.size()) {
        error = "a string is not closed";
        return std::nullopt;
      }
      out.append(feel.substr(i, end + 1 - i));
      i = end + 1;
      continue;
    }
    if (c == '=') {  // FEEL's equality
      if (i + 1 < feel.size() && feel[i + 1] == '=') {
        error = "'==' is not FEEL; equality is '='";
        return std::nullopt;
      }
      out += "==";
      ++i;
      continue;
    }
    if (c == '!' || c == '<' || c == '>') {
      out += c;
      if (i + 1 < feel.size() && feel[i + 1] == '=') {
        out += '=';
        ++i;
      } else if (c == '!') {
        error = "'!' is not FEEL; use not(...)";
        return std::nullopt;
      }
      ++i;
      continue;
    }
    if (c == '&' || c == '|' || c == '\'') {
      error = std::string("'") + c + "' is not FEEL";
      return std::nullopt;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = i;
      while (end < feel.size() && (std::isalnum(static_cast<unsigned char>(feel[end])) || feel[end] == '_' || feel[end] == '.')) ++end;
      std::string_view word = feel.substr(i, end - i);
      std::size_t next = end;
      while (next < feel.size() && std::isspace(static_cast<unsigned char>(feel[next]))) ++next;
      if (next < feel.size() && feel[next] == '(' && word != "not" && word != "and" && word != "or" && word != "in") {
        error = "function '" + std::string(word) + "' is not in the subset";
        return std::nullopt;
      }
      out.append(word);
      i = end;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

std::optional<FormProblem> check_form_data(const FormSchema& form, const json& data, const json& variables,
                                           const std::set<std::string>& also_allowed,
                                           const std::function<bool(const json&)>& is_attachment) {
  if (!data.is_object()) return FormProblem{"", "the form's data must be a JSON object"};
  for (const auto& [key, value] : data.items())
    if (!form.find(key) && !also_allowed.count(key))
      return FormProblem{key, "'" + key + "' is no field of form '" + form.id + "'"};
  // What a condition reads: the case's variables, and over them what is submitted.
  json values = variables.is_object() ? variables : json::object();
  for (const auto& [key, value] : data.items()) values[key] = value;
  for (const auto& f : form.inputs) {
    std::string name = "field '" + f.label + "'" + (f.label == f.key ? "" : " (" + f.key + ")");
    bool given = data.contains(f.key) && !empty_value(data[f.key]);
    if (hidden(f, values)) {
      if (given) return FormProblem{f.key, name + " is hidden (" + f.hide_text + ") and takes no value"};
      continue;
    }
    if (!given) {
      if (f.required) return FormProblem{f.key, name + " is required"};
      continue;
    }
    if (auto problem = type_problem(f, data[f.key], is_attachment)) return FormProblem{f.key, name + " " + *problem};
  }
  return std::nullopt;
}

}  // namespace raciflow::definitions
