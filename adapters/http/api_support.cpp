// The API's small helpers: errors, JSON answers, request bodies, queries, pages.
#include "adapters/http/api_internal.h"

namespace raciflow::http {

[[noreturn]] void fail(int status, const std::string& code, const std::string& message) { throw ApiError{status, code, message}; }
[[noreturn]] void refused_and_recorded(int status, const std::string& code, const std::string& message) {
  throw ApiError{status, code, message, true};
}
[[noreturn]] void fail(int status, const std::string& code, definitions::Phrase said, bool recorded) {
  std::string message = definitions::text(said, definitions::Language::en);
  throw ApiError{status, code, std::move(message), recorded, 0, std::move(said)};
}
[[noreturn]] void malformed(const std::string& message) { fail(400, "malformed", message); }
// The answer to a refusal of the runtime, by its kind; a denial is already in the trail.
std::pair<int, const char*> refusal_status(engine::RefusalKind kind) {
  switch (kind) {
    case engine::RefusalKind::not_found: return {404, "not_found"};
    case engine::RefusalKind::conflict: return {409, "conflict"};
    // Roles and access are answered 403 by the API's own checks before the engine runs;
    // what the engine still denies is a rule of the flow (four eyes): 422, as docs/api.md says.
    case engine::RefusalKind::forbidden:
    case engine::RefusalKind::invalid: break;
  }
  return {422, "refused"};
}

[[noreturn]] void not_found(const std::string& message) { fail(404, "not_found", message); }
[[noreturn]] void forbidden(const std::string& message) { fail(403, "forbidden", message); }
[[noreturn]] void conflict(const std::string& message) { fail(409, "conflict", message); }

HttpResponse json_response(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  // Replace, not throw: every text the API takes in is checked for UTF-8, and an error
  // message must never turn into a crash.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

HttpResponse text_response(const std::string& content_type, std::string body) {
  HttpResponse r;
  r.content_type = content_type;
  r.body = std::move(body);
  return r;
}

std::string percent_decode(const std::string& text, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
        malformed("the request path has a bad percent-escape");
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (definitions::first_invalid_utf8(out) != std::string::npos) malformed("the request path or query is not UTF-8");
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < query.size()) {
    auto end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    auto eq = pair.find('=');
    if (!pair.empty()) out[percent_decode(pair.substr(0, eq), true)] = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), true);
    start = end + 1;
  }
  return out;
}

std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t start = 0;
  while (start < header.size()) {
    auto end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(start, end - start);
    part.erase(0, part.find_first_not_of(' '));
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    start = end + 1;
  }
  return "";
}

bool all_digits(const std::string& v) {
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A numeric cursor (checked by page_of): the id or position the page starts after.
std::int64_t cursor_number(const std::string& after) { return after.empty() ? 0 : std::stoll(after); }

Page page_of(const Call& call, bool numeric_cursor) {
  Page page;
  if (auto it = call.query.find("limit"); it != call.query.end()) {
    const std::string& v = it->second;
    bool digits = !v.empty() && v.size() <= 4 && all_digits(v);
    if (!digits || std::stoi(v) < 1 || std::stoi(v) > kMaxPage)
      malformed("limit is a whole number from 1 to " + std::to_string(kMaxPage));
    page.limit = std::stoi(v);
  }
  if (auto it = call.query.find("after"); it != call.query.end()) {
    const std::string& v = it->second;
    bool ok = !v.empty() && v.size() <= 200;
    if (ok && numeric_cursor)
      ok = v.size() <= 18 && all_digits(v);
    if (!ok) malformed("after is the cursor from a previous page's Link header");
    page.after = v;
  }
  return page;
}

std::string percent_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A page as the answer: the items, and the Link to the next page when there may be one.
HttpResponse page_response(const Call& call, const json& items, const std::optional<std::string>& next) {
  HttpResponse r = json_response(200, items);
  if (!next) return r;
  const std::string& target = call.request.target;
  std::size_t question = target.find('?');
  std::string query;
  for (const auto& [name, value] : call.query)
    if (name != "after") query += (query.empty() ? "" : "&") + percent_encode(name) + "=" + percent_encode(value);
  query += (query.empty() ? "" : "&") + std::string("after=") + percent_encode(*next);
  r.headers.push_back({"Link", "<" + target.substr(0, question) + "?" + query + ">; rel=\"next\""});
  return r;
}

std::int64_t id_number(const Call& call, const std::string& what) {
  static const std::regex digits("[1-9][0-9]{0,17}");
  const auto& text = call.params.at("id");
  if (!std::regex_match(text, digits)) not_found("no " + what + " '" + text + "'");
  return std::stoll(text);
}

std::int64_t task_number(const Call& call) { return id_number(call, "task"); }

bool overdue(const engine::Task& t, definitions::TimePoint now) {
  bool live = t.status == engine::TaskStatus::open || t.status == engine::TaskStatus::claimed;
  return live && t.due && *t.due < now;
}

json case_summary(const runtime::CaseRow& row, const std::vector<runtime::TaskRow>& tasks, const std::string& name,
                  definitions::TimePoint now) {
  json j = render::case_row_json(row);
  j["process_name"] = name;
  json current = json::array();
  bool late = false;
  for (const auto& t : tasks) {
    bool live = t.task.status == engine::TaskStatus::open || t.task.status == engine::TaskStatus::claimed;
    if (!live) continue;
    current.push_back({{"task", t.id}, {"node", t.task.node_id}, {"name", t.task.name}, {"role", t.task.responsible},
                       {"due", t.task.due ? json(definitions::format_date_time(*t.task.due)) : json(nullptr)},
                       {"overdue", overdue(t.task, now)}});
    late |= overdue(t.task, now);
  }
  j["current"] = current;
  j["overdue"] = late;
  return j;
}

Stored parsed(runtime::DefinitionVersion d) {
  definitions::Diagnostics diagnostics(d.file);
  auto defs = definitions::load_text(d.source, d.file, diagnostics);
  if (!defs || !defs->find_process(d.process))
    throw std::runtime_error("the stored definition of " + d.process + "@" + std::to_string(d.version) + " no longer loads");
  return {std::move(d), std::move(*defs)};
}

std::string language_of(Call& call) {
  std::string lang = call.query.count("lang") ? call.query["lang"] : "en";
  if (lang != "en" && lang != "da") malformed("lang is da or en");
  return lang;
}

// The definition version a case or task runs on.
Stored stored(Context& c, const std::string& process, int version) {
  auto d = c.store.definition(process, version);
  if (!d) throw std::runtime_error("process " + process + "@" + std::to_string(version) + " is missing from the store");
  return parsed(std::move(*d));
}

Body::Body(const HttpRequest& request, std::set<std::string> allowed) {
  if (request.body.empty()) {
    value_ = json::object();
    return;
  }
  if (request.content_type.rfind("application/json", 0) != 0)
    fail(415, "unsupported_media_type", "send the body as application/json");
  std::string error;
  auto parsed = runtime::parse_json_input(request.body, error);
  if (!parsed) malformed("the body " + error);
  value_ = std::move(*parsed);
  if (!value_.is_object()) malformed("the body must be a JSON object");
  for (const auto& [key, v] : value_.items())
    if (!allowed.count(key)) {
      std::string known;
      for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
      malformed("unknown field '" + key + "' (known: " + known + ")");
    }
}

HttpResponse error_response(int status, const std::string& code, const std::string& message) {
  return json_response(status, {{"error", code}, {"message", message}});
}

HttpResponse error_response(int status, const std::string& code, const std::string& message, const std::string& message_id,
                            const std::string& text) {
  json body{{"error", code}, {"message", message}, {"text", text}};
  if (!message_id.empty()) body["message_id"] = message_id;
  return json_response(status, body);
}

definitions::Language request_language(const HttpRequest& request) {
  auto query = request.target.find('?');
  if (query != std::string::npos) {
    std::string_view q = std::string_view(request.target).substr(query + 1);
    for (std::size_t at = 0; at <= q.size();) {
      auto end = q.find('&', at);
      if (end == std::string_view::npos) end = q.size();
      std::string_view pair = q.substr(at, end - at);
      if (pair.rfind("lang=", 0) == 0)
        if (auto l = definitions::parse_language(pair.substr(5))) return *l;
      at = end + 1;
    }
  }
  std::string_view accept = request.accept_language;
  auto first = accept.substr(0, accept.find_first_of(",;"));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  if (auto l = definitions::parse_language(first)) return *l;
  return definitions::Language::en;
}

}  // namespace raciflow::http
