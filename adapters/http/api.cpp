#include "adapters/http/api.h"

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "adapters/http/login_throttle.h"
#include "adapters/http/refusal_window.h"
#include "adapters/http/vendor_assets.h"
#include "adapters/http/web_assets.h"
#include "adapters/http/work_pool.h"
#include "adapters/render/bpmn_layout.h"
#include "adapters/render/calendar_render.h"
#include "adapters/render/findings.h"
#include "adapters/render/raci_render.h"
#include "adapters/render/runtime_render.h"
#include "adapters/render/svg.h"
#include "definitions/changes.h"
#include "definitions/form.h"
#include "definitions/loader.h"
#include "definitions/raci.h"
#include "definitions/utf8.h"
#include "runtime/access.h"
#include "runtime/json_input.h"
#include "runtime/reports.h"
#include "runtime/service.h"

namespace raciflow::http {

using nlohmann::json;
using runtime::Service;
using Context = runtime::Service::Context;

namespace {

constexpr const char* kSessionCookie = "raciflow_session";

// A request the API answers with an error status.
// Every 401 and 403 lands in the audit trail as access_refused: handle() records it,
// unless the code that refused already did (`recorded`), with more context.
struct ApiError {
  int status;
  std::string code;
  std::string message;
  bool recorded = false;
  long retry_after = 0;  // seconds, for 429 and 503
};

[[noreturn]] void fail(int status, const std::string& code, const std::string& message) { throw ApiError{status, code, message}; }
[[noreturn]] void refused_and_recorded(int status, const std::string& code, const std::string& message) {
  throw ApiError{status, code, message, true};
}
[[noreturn]] void malformed(const std::string& message) { fail(400, "malformed", message); }
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

// A JSON request body: an object with only the fields the route knows, each checked.
class Body {
 public:
  Body(const HttpRequest& request, std::set<std::string> allowed) {
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
  std::string text(const std::string& field, bool required) const {
    if (!value_.contains(field)) {
      if (required) malformed("the field '" + field + "' is required");
      return "";
    }
    if (!value_[field].is_string()) malformed("the field '" + field + "' must be a string");
    return value_[field].get<std::string>();
  }
  bool has(const std::string& field) const { return value_.contains(field); }
  json object(const std::string& field) const {
    if (!value_.contains(field)) return json::object();
    if (!value_[field].is_object()) malformed("the field '" + field + "' must be an object");
    return value_[field];
  }

 private:
  json value_;
};

// Who is asking, as the organisation knows them now.
struct Caller {
  runtime::Person person;
  bool admin() const { return person.has_access(runtime::kAdminAccess); }
  bool auditor() const { return person.has_access(runtime::kAuditorAccess); }
  bool reads_all() const { return runtime::reads_all(person); }
  bool models() const { return admin() || person.has_access(runtime::kModellerAccess); }
  bool holds(const std::string& role) const { return runtime::holds_role(person, role); }
  bool holds_any(const std::vector<std::string>& roles) const { return runtime::holds_any_role(person, roles); }
};

struct Call {
  const HttpRequest& request;
  std::map<std::string, std::string> params;  // from the path
  std::map<std::string, std::string> query;
  std::optional<Caller> caller;
  const std::string& me() const { return caller->person.id; }
};

// --- pages of a list ---------------------------------------------------------------------
//
// Every list route answers one page: ?limit (1 to 1000, default 100) items, and when more
// may follow, a Link header (RFC 8288) whose rel="next" URL is this request's with
// ?after=CURSOR. The cursor is opaque to clients: they pass back what the Link gave.

constexpr int kDefaultPage = 100;
constexpr int kMaxPage = 1000;

bool all_digits(const std::string& v) {
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A numeric cursor (checked by page_of): the id or position the page starts after.
std::int64_t cursor_number(const std::string& after) { return after.empty() ? 0 : std::stoll(after); }

struct Page {
  int limit = kDefaultPage;
  std::string after;  // empty: from the start
  std::int64_t after_number() const { return cursor_number(after); }
};

Page page_of(const Call& call, bool numeric_cursor = true) {
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

// Fills a page from a source read in chunks, keeping what `keep` accepts: `read(after,
// limit)` gives the next items after a cursor in order, `cursor` names an item's place.
// Returns the cursor of the next page, if more may follow.
template <typename Item, typename Read, typename Cursor, typename Keep>
std::optional<std::string> fill_page(const Page& page, Read read, Cursor cursor, Keep keep) {
  std::string after = page.after;
  int kept = 0;
  while (true) {
    std::vector<Item> chunk = read(after, page.limit);
    for (auto& item : chunk) {
      after = cursor(item);
      if (keep(item) && ++kept == page.limit) return after;
    }
    if (static_cast<int>(chunk.size()) < page.limit) return std::nullopt;
  }
}

enum class Access { open, person, admin, reader, modeller };  // reader: admin or auditor; modeller: admin or modeller

struct Route {
  std::string method;
  std::string path;
  Access access;
  std::function<HttpResponse(Call&)> handler;
  // The path's segments after the leading '/'; "{name}" is a parameter that takes one
  // non-empty segment.
  std::vector<std::string> segments;

  // Whether `path` (split into segments) is this route's; fills the parameters when it is.
  bool matches(const std::vector<std::string_view>& parts, std::map<std::string, std::string>* params) const {
    if (parts.size() != segments.size()) return false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::string& want = segments[i];
      bool param = want.size() > 2 && want.front() == '{' && want.back() == '}';
      if (param ? parts[i].empty() : parts[i] != want) return false;
    }
    if (params)
      for (std::size_t i = 0; i < parts.size(); ++i)
        if (segments[i].front() == '{') (*params)[segments[i].substr(1, segments[i].size() - 2)] = std::string(parts[i]);
    return true;
  }
};

// "/api/cases/12" -> {"api", "cases", "12"} (views into `path`, which starts with '/').
std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 1;;) {
    std::size_t slash = path.find('/', at);
    parts.push_back(path.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at));
    if (slash == std::string_view::npos) return parts;
    at = slash + 1;
  }
}

std::int64_t task_number(const Call& call) {
  static const std::regex digits("[1-9][0-9]{0,17}");
  const auto& text = call.params.at("id");
  if (!std::regex_match(text, digits)) not_found("no task '" + text + "'");
  return std::stoll(text);
}

bool overdue(const engine::Task& t, definitions::TimePoint now) {
  bool live = t.status == engine::TaskStatus::open || t.status == engine::TaskStatus::claimed;
  return live && t.due && *t.due < now;
}

// Whether the caller may see a case: admins and auditors see every case; others the
// cases they started or whose steps involve one of their roles.
bool sees_case(const Caller& caller, const runtime::CaseRow& row, const std::vector<runtime::TaskRow>& tasks) {
  return runtime::sees_case(caller.person, row, tasks);
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

// A stored definition version and what the loader makes of it. It loaded when it was
// deployed, so a failure here means a damaged store, not a user's mistake.
struct Stored {
  runtime::DefinitionVersion version;
  definitions::Definitions definitions;
  const definitions::Process& process() const { return *definitions.find_process(version.process); }
};

Stored parsed(runtime::DefinitionVersion d) {
  definitions::Diagnostics diagnostics(d.file);
  auto defs = definitions::load_text(d.source, d.file, diagnostics);
  if (!defs || !defs->find_process(d.process))
    throw std::runtime_error("the stored definition of " + d.process + "@" + std::to_string(d.version) + " no longer loads");
  return {std::move(d), std::move(*defs)};
}

// The definition version a case or task runs on.
Stored stored(Context& c, const std::string& process, int version) {
  auto d = c.store.definition(process, version);
  if (!d) throw std::runtime_error("process " + process + "@" + std::to_string(version) + " is missing from the store");
  return parsed(std::move(*d));
}

}  // namespace

HttpResponse error_response(int status, const std::string& code, const std::string& message) {
  return json_response(status, {{"error", code}, {"message", message}});
}

// What a supervising organisation may read of a supervised one: these routes (after
// /api), each also at /api/supervised/{tenant}/... on the supervisor's side.
constexpr const char* kSupervisedReads[] = {"/cases", "/cases/{id}", "/cases/{id}/audit", "/evidence", "/report"};

struct Api::Impl {
  // Logins check passwords on this many threads, with at most this many waiting; more
  // at once are turned away with 503 and Retry-After.
  static constexpr std::size_t kLoginThreads = 2;
  static constexpr std::size_t kLoginQueue = 32;
  static constexpr int kExportBatch = 1000;  // records per read of a streamed export

  Service& service;
  ApiOptions options;
  std::vector<Route> table;
  LoginThrottle throttle;
  RefusalWindow anonymous;
  VendorAssets vendor;
  WorkPool logins{kLoginThreads, kLoginQueue};  // last, so it is gone before what its jobs use

  Impl(Service& s, ApiOptions o)
      : service(s), options(o),
        vendor(VendorAssets::load(o.bpmn_js_dir.empty() ? VendorAssets::default_bpmn_js_dir() : o.bpmn_js_dir)) {
    build();
  }

  void add(const std::string& method, const std::string& path, Access access, std::function<HttpResponse(Call&)> handler) {
    Route r{method, path, access, std::move(handler), {}};
    for (auto part : path_segments(path)) r.segments.emplace_back(part);
    table.push_back(std::move(r));
  }

  // --- who asks

  // Who the credentials stand for. A bearer token wins over a cookie; `by_cookie` says
  // whether the browser's session cookie was what counted.
  std::optional<Caller> authenticate(const HttpRequest& request, bool* presented, bool* by_cookie) {
    std::string session = cookie_value(request.cookie, kSessionCookie);
    std::string token;
    if (request.authorization.rfind("Bearer ", 0) == 0) token = request.authorization.substr(7);
    *presented = !session.empty() || !token.empty();
    *by_cookie = token.empty() && !session.empty();
    if (!*presented) return std::nullopt;
    return service.read([&](Context& c) -> std::optional<Caller> {
      auto person = !token.empty() ? c.accounts.token_person(token) : c.accounts.session_person(session);
      if (!person) return std::nullopt;
      auto org = c.store.organisation();
      const runtime::Person* p = org ? org->find_person(*person) : nullptr;
      if (!p) return std::nullopt;
      return Caller{*p};
    });
  }

  void record_refusal(const std::string& person, const HttpRequest& request, const std::string& reason) {
    service.write([&](Context& c) {
      c.accounts.record_refusal(person, request.method + " " + request.target.substr(0, 200), reason);
      return 0;
    });
  }

  static json summary_json(const RefusalWindow::Summary& s) {
    json by_address = json::object();
    for (const auto& [address, n] : s.by_address) by_address[address] = n;
    return {{"reason", std::to_string(s.count) + " refusals of anonymous requests, counted, not recorded one by one"},
            {"count", s.count}, {"from", definitions::format_date_time(s.from)}, {"until", definitions::format_date_time(s.until)},
            {"addresses", by_address}, {"unlisted", s.unlisted}};
  }

  void refused_anonymously(const HttpRequest& request, const std::string& reason) {
    auto decision = anonymous.refused(request.remote, service.now());
    if (!decision.record_now && !decision.summary) return;
    service.write([&](Context& c) {
      if (decision.summary) c.accounts.record_refusal_data(summary_json(*decision.summary));
      if (decision.record_now) c.accounts.record_refusal("", request.method + " " + request.target.substr(0, 200), reason);
      return 0;
    });
  }

  void flush_refusals(bool force) {
    auto summary = anonymous.take(service.now(), force);
    if (!summary) return;
    service.write([&](Context& c) {
      c.accounts.record_refusal_data(summary_json(*summary));
      return 0;
    });
  }

  // --- logging in

  struct LoginAttempt {
    std::string person, password;
    runtime::Accounts::LoginKey key;
    std::shared_ptr<void> admitted;  // lets the throttle admit the next login for the name when it goes
  };

  // Everything before the password is checked: the body, the cross-site rule (a login
  // starts a cookie), the throttle, and the key to check against.
  LoginAttempt login_begin(const HttpRequest& request) {
    same_origin_only(request);
    Body body(request, {"person", "password"});
    LoginAttempt a{body.text("person", true), body.text("password", true), {}, nullptr};
    if (a.person.size() > 200 || a.password.size() > 1024) malformed("person or password is too long");
    if (auto lock = throttle.admit(a.person, request.remote, service.now())) {
      auto wait = std::max<long>(1, static_cast<long>((lock->until - service.now()).count()));
      std::string why = lock->failures == 0                ? "a login for this person is being checked"
                        : lock->scope == "person" ? "too many failed logins for this person"
                                                  : "too many failed logins from this address";
      throw ApiError{429, "too_many_requests", why + "; try again in " + std::to_string(wait) + " s", false, wait};
    }
    a.admitted = std::shared_ptr<void>(nullptr, [this, person = a.person](void*) { throttle.release(person); });
    a.key = service.read([&](Context& c) { return c.accounts.login_key(a.person); });
    return a;
  }

  HttpResponse login_finish(const HttpRequest& request, const LoginAttempt& a, bool matched) {
    auto session = service.write([&](Context& c) {
      auto s = c.accounts.finish_login(a.person, a.key, matched, options.session_lifetime, request.remote);
      if (s) {
        throttle.succeeded(a.person);
      } else if (auto lock = throttle.failed(a.person, request.remote, c.now)) {
        c.accounts.record_login_lock(lock->scope, lock->key, definitions::format_date_time(lock->until), lock->failures);
      }
      return s;
    });
    if (!session) refused_and_recorded(401, "unauthenticated", "wrong person or password");  // finish_login recorded it
    auto me = service.read([&](Context& c) {
      auto org = c.store.organisation();
      return me_json(Caller{*org->find_person(a.person)}, c);
    });
    HttpResponse r = json_response(200, me);
    r.person = a.person;
    r.headers.push_back({"Set-Cookie", session_cookie(session->secret, static_cast<long>(options.session_lifetime.count()))});
    return r;
  }

  HttpResponse handle(const HttpRequest& request) {
    std::string person;
    return finished(request, guarded(request, person, [&] {
      own_host_only(request);
      return dispatch(request, person);
    }));
  }

  // A Host that is none of the server's names is a page at another name that resolves to
  // this address (DNS rebinding): answered 421 before anything else, and recorded.
  void own_host_only(const HttpRequest& request) const {
    if (options.hosts.accepts(request.host)) return;
    fail(421, "misdirected", "this server does not answer to the host name '" + request.host.substr(0, 100) +
                                 "' (raciflow serve --allowed-host NAME adds a name)");
  }

  // A case's trail as CSV, streamed a thousand records a read, up to `last`: the record
  // that was the case's last when the export began. Records are only ever appended, so the
  // file is the trail at that moment however long the transfer takes.
  HttpResponse case_trail_export(const std::string& case_id, std::int64_t last) {
    HttpResponse r = text_response("text/csv; charset=utf-8", render::audit_csv_header());
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"case-" + case_id + "-audit.csv\""});
    auto after = std::make_shared<std::int64_t>(0);
    r.more = [this, case_id, last, after]() -> std::optional<std::string> {
      std::string piece;
      if (*after < last)
        service.read([&](Context& c) {
          for (const auto& record : c.store.records_page(case_id, *after, kExportBatch)) {
            if (record.seq > last) break;
            piece += render::audit_csv_line(record);
            *after = record.seq;
          }
          return 0;
        });
      if (piece.empty()) return std::nullopt;
      return piece;
    };
    return r;
  }

  // What the API answers is one person's view at one moment: no cache keeps it.
  static HttpResponse finished(const HttpRequest& request, HttpResponse response) {
    if (request.target.rfind("/api", 0) == 0) response.headers.push_back({"Cache-Control", "no-store"});
    return response;
  }

  void handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done) {
    if (!is_login(request)) return done(handle(request));
    auto copy = std::make_shared<HttpRequest>(request);
    std::optional<LoginAttempt> begun;
    std::string nobody;
    auto refused = guarded(*copy, nobody, [&] {
      own_host_only(*copy);
      begun = login_begin(*copy);
      return HttpResponse{};
    });
    if (!begun) return done(finished(*copy, std::move(refused)));
    auto attempt = std::make_shared<LoginAttempt>(std::move(*begun));
    bool queued = logins.try_post([this, copy, attempt, done] {
      std::string person;
      auto response = guarded(*copy, person, [&] {
        return login_finish(*copy, *attempt, runtime::password_matches(attempt->key.phc, attempt->password));
      });
      attempt->admitted.reset();  // counted: the next login for the name may be checked
      done(finished(*copy, std::move(response)));
    });
    if (!queued) {
      auto busy = error_response(503, "busy", "too many logins at once; try again in a moment");
      busy.headers.push_back({"Retry-After", "1"});
      done(finished(*copy, std::move(busy)));
    }
  }

  static bool is_login(const HttpRequest& request) {
    if (request.method != "POST") return false;
    try {
      return percent_decode(request.target.substr(0, request.target.find('?')), false) == "/api/login";
    } catch (const ApiError&) {
      return false;
    }
  }

  // Runs `f`, answering what it throws as the API's errors. Every 401, 403 and 421 lands in
  // the trail: a known person's each as its own record, nobody's at a bounded rate.
  template <typename F>
  HttpResponse guarded(const HttpRequest& request, std::string& person, F&& f) {
    try {
      auto response = f();
      if (response.person.empty()) response.person = person;
      return response;
    } catch (const ApiError& e) {
      if ((e.status == 401 || e.status == 403 || e.status == 421) && !e.recorded) {
        // A refusal the trail cannot hold is not given: the caller learns only that the
        // service is unavailable.
        try {
          if (person.empty()) {
            refused_anonymously(request, e.message);
          } else {
            record_refusal(person, request, e.message);
          }
        } catch (const std::exception& store) {
          return error_response(503, "unavailable", store.what());
        }
      }
      auto response = error_response(e.status, e.code, e.message);
      if (e.retry_after > 0) response.headers.push_back({"Retry-After", std::to_string(e.retry_after)});
      response.person = person;
      return response;
    } catch (const runtime::Refused& e) {
      auto response = error_response(422, "refused", e.what());
      response.person = person;
      return response;
    } catch (const runtime::StoreError& e) {
      return error_response(503, "unavailable", e.what());
    } catch (const std::exception& e) {
      return error_response(500, "internal", e.what());
    }
  }

  // Whether a supervising organisation may read this route of this organisation.
  static bool supervised_route(const std::string& path) {
    return std::any_of(std::begin(kSupervisedReads), std::end(kSupervisedReads),
                       [&](const char* read) { return path == std::string("/api") + read; });
  }

  HttpResponse handle_supervised(const HttpRequest& request, const SupervisorVisit& visit) {
    std::string person = visit.organisation + "/" + visit.person;
    return finished(request, guarded(request, person, [&] {
      auto supervisors = service.read([](Context& c) { return c.store.supervisors(); });
      if (visit.organisation.empty() || std::find(supervisors.begin(), supervisors.end(), visit.organisation) == supervisors.end())
        not_found("no supervised organisation here");
      runtime::Person visitor{person, visit.name, "", {}, {runtime::kAuditorAccess}};
      Caller as{visitor};
      return dispatch(request, person, &as, [&](const Route& route) {
        if (request.method != "GET" || !supervised_route(route.path)) not_found("a supervising organisation reads cases, evidence and the report only");
        // The read is in this organisation's trail before anything of it is answered.
        service.write([&](Context& c) {
          c.accounts.record_supervisor_read(visit.organisation, visit.person, request.method + " " + request.target.substr(0, 200));
          return 0;
        });
      });
    }));
  }

  // Forwards a supervisor's GET /api/supervised/{tenant}/REST to that organisation's Api as
  // its GET `inner` (/api/REST, with this request's query), when this organisation
  // supervises it.
  HttpResponse supervised_read(Call& call, const std::string& inner_path) {
    const auto& tenant = call.params.at("tenant");
    auto granted = service.read([](Context& c) { return c.store.supervised(); });
    Api* other = nullptr;
    if (options.other && std::find(granted.begin(), granted.end(), tenant) != granted.end()) other = options.other(tenant);
    if (!other) not_found("no supervised organisation '" + tenant + "'");
    HttpRequest inner;
    inner.method = call.request.method;
    auto question = call.request.target.find('?');
    inner.target = inner_path + (question == std::string::npos ? "" : call.request.target.substr(question));
    inner.remote = call.request.remote;
    inner.host = call.request.host;
    auto response = other->handle_supervised(inner, {options.tenant, call.me(), call.caller->person.name});
    response.person = call.me();
    for (auto& [name, value] : response.headers)  // the next page, at this address
      if (name == "Link" && value.rfind("</api/", 0) == 0) value = "</api/supervised/" + tenant + value.substr(5);
    return response;
  }

  HttpResponse dispatch(const HttpRequest& request, std::string& person, const Caller* as = nullptr,
                        const std::function<void(const Route&)>& admit = {}) {
    auto question = request.target.find('?');
    std::string raw_path = request.target.substr(0, question);
    std::string path = percent_decode(raw_path, false);
    if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos) malformed("bad request path");
    if (path.rfind("/api/", 0) != 0 && path != "/api") return static_file(request, path);
    Call call{request, {}, question == std::string::npos ? std::map<std::string, std::string>{} : parse_query(request.target.substr(question + 1)), std::nullopt};
    const Route* route = nullptr;
    bool path_known = false;
    const auto parts = path_segments(path);
    for (const auto& r : table) {
      if (!r.matches(parts, nullptr)) continue;
      path_known = true;
      if (r.method != request.method) continue;
      route = &r;
      r.matches(parts, &call.params);
      break;
    }
    const bool writes = request.method != "GET" && request.method != "HEAD";
    if (admit) {
      if (!route) not_found("no API route " + path);
      admit(*route);
    }
    if (route && route->access == Access::open) return route->handler(call);
    bool presented = false, by_cookie = false;
    call.caller = as ? std::optional<Caller>(*as) : authenticate(request, &presented, &by_cookie);
    if (!call.caller) {
      fail(401, "unauthenticated", presented ? "the session has expired or the token is not valid; log in again" : "log in first");
    }
    person = call.me();
    if (writes && by_cookie && !as) same_origin_only(request);
    if (!route) {
      if (path_known) fail(405, "method_not_allowed", request.method + " is not allowed on " + path);
      not_found("no API route " + path);
    }
    if (call.caller->auditor() && !call.caller->admin() && writes && route->path != "/api/logout")
      forbidden("auditor access reads and changes nothing");
    if (route->access == Access::admin && !call.caller->admin()) forbidden("this needs admin access");
    if (route->access == Access::reader && !call.caller->reads_all()) forbidden("this needs admin or auditor access");
    if (route->access == Access::modeller && !call.caller->models()) forbidden("this needs admin or modeller access");
    return route->handler(call);
  }

  // A browser sends the session cookie along with a request that another site makes it
  // send (a form, an image, a fetch): a change made with the cookie must come from the
  // app itself. A form cannot send application/json, a cross-origin fetch that sends it
  // needs CORS (which this server never grants), and a browser names the page's origin in
  // Origin and Sec-Fetch-Site.
  void same_origin_only(const HttpRequest& request) const {
    if (request.content_type.rfind("application/json", 0) != 0)
      forbidden("a change made with the session cookie must be sent as application/json");
    if (!request.sec_fetch_site.empty() && request.sec_fetch_site != "same-origin" && request.sec_fetch_site != "none")
      forbidden("cross-site request refused (Sec-Fetch-Site: " + request.sec_fetch_site.substr(0, 40) + ")");
    if (request.origin.empty()) return;
    bool own = options.public_origin.empty()
                   ? !request.host.empty() && (request.origin == "http://" + request.host || request.origin == "https://" + request.host)
                   : request.origin == options.public_origin;
    if (!own) forbidden("cross-origin request refused (Origin: " + request.origin.substr(0, 200) + ")");
  }

  HttpResponse static_file(const HttpRequest& request, const std::string& path) {
    if (request.method != "GET" && request.method != "HEAD") fail(405, "method_not_allowed", request.method + " is not allowed on " + path);
    if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos) malformed("the path leaves the web app's folder");
    static const std::string vendor_prefix = "/vendor/bpmn-js/";
    if (path.rfind(vendor_prefix, 0) == 0) {
      const VendorFile* file = vendor.find(path.substr(vendor_prefix.size()));
      if (!file) not_found(vendor.available() ? "no file " + path : vendor.missing());
      HttpResponse r = text_response(file->content_type, file->data);
      r.headers.push_back({"Cache-Control", "public, max-age=86400"});
      return r;
    }
    std::string name = path == "/" ? "/index.html" : path;
    const WebAsset* asset = find_web_asset(name.substr(1));
    if (!asset) not_found("no file " + path);
    HttpResponse r = text_response(asset->content_type, std::string(asset->data, asset->size));
    if (name == "/index.html") {
      // The first language is the browser's (Accept-Language); the app lets people switch.
      std::string lang = "en";
      std::string accept = request.accept_language;
      std::transform(accept.begin(), accept.end(), accept.begin(), [](unsigned char c) { return std::tolower(c); });
      auto da = accept.find("da"), en = accept.find("en");
      if (da != std::string::npos && (en == std::string::npos || da < en)) lang = "da";
      const std::string tag = "<html lang=\"en\"";
      auto at = r.body.find(tag);
      if (at != std::string::npos) r.body.replace(at, tag.size(), "<html lang=\"" + lang + "\"");
      r.headers.push_back({"Cache-Control", "no-store"});
    }
    return r;
  }

  // --- the routes

  void build();

  runtime::TaskRow load_task(Context& c, std::int64_t id) {
    auto t = c.store.find_task(id);
    if (!t) not_found("no task " + std::to_string(id));
    return *t;
  }

  runtime::CaseRow load_case(Context& c, const Call& call) {
    auto row = c.store.find_case(call.params.at("id"));
    if (!row) not_found("no case '" + call.params.at("id") + "'");
    if (!sees_case(*call.caller, *row, c.store.tasks({row->id, true}))) {
      not_found("no case '" + call.params.at("id") + "'");
    }
    return *row;
  }

  // The checks of a task command that the API answers with 403, 404 and 409; the engine
  // then decides the rest (422). Runs on the writer, so nothing changes in between.
  void check_task(Context& c, const Call& call, const runtime::TaskRow& t, const std::string& what) {
    const auto& k = t.task;
    const Caller& caller = *call.caller;
    // A task of a case the caller cannot see does not exist for them, as on reads; the
    // attempt is still in the trail.
    auto row = c.store.find_case(t.case_id);
    if (!row || !sees_case(caller, *row, c.store.tasks({t.case_id, true}))) {
      c.accounts.record_refusal(call.me(), call.request.method + " /api/tasks/" + std::to_string(t.id) + " (case " + t.case_id + ")",
                                "task " + std::to_string(t.id) + " is in a case the caller cannot see");
      throw ApiError{404, "not_found", "no task " + std::to_string(t.id), true};
    }
    bool live = k.status == engine::TaskStatus::open || k.status == engine::TaskStatus::claimed;
    std::string label = "task " + std::to_string(t.id) + " '" + k.name + "'";
    if (what == "consult") {
      bool asked = false, open = false;
      for (const auto& con : k.consultations)
        if (caller.holds(con.role)) {
          asked = true;
          open |= con.answered_by.empty();
        }
      if (!asked) deny(c, call, t, label + " does not consult any of your roles");
      if (!live) conflict(label + " is " + engine::to_string(k.status));
      if (!open) conflict(label + ": your roles have already answered");
      return;
    }
    bool responsible = caller.holds_any(k.responsible) || k.assignee == caller.person.id;
    if (!responsible) deny(c, call, t, label + " is for " + (k.responsible.empty() ? std::string("nobody") : k.responsible.front()) +
                                           ", which you do not hold");
    if (!live) conflict(label + " is already " + engine::to_string(k.status));
    if ((what == "claim" || what == "complete") && !k.assignee.empty() && k.assignee != caller.person.id)
      conflict(label + " is claimed by " + k.assignee);
    if (what == "claim" && k.assignee == caller.person.id) conflict(label + " is already claimed by you");
    if (what == "unclaim" && k.assignee.empty()) conflict(label + " is not claimed");
  }

  [[noreturn]] void deny(Context& c, const Call& call, const runtime::TaskRow& t, const std::string& message) {
    c.accounts.record_refusal(call.me(), call.request.method + " /api/tasks/" + std::to_string(t.id) + " (case " + t.case_id + ")", message);
    refused_and_recorded(403, "forbidden", message);
  }

  json task_view(Context& c, const runtime::TaskRow& t, const std::string& inbox) {
    json j = render::task_json(t, inbox);
    j["overdue"] = overdue(t.task, c.now);
    return j;
  }

  json me_json(const Caller& caller, Context& c) {
    auto org = c.store.organisation();
    json roles = json::array();
    for (const auto& r : caller.person.roles) {
      const runtime::OrgRole* role = org ? org->find_role(r) : nullptr;
      roles.push_back({{"id", r}, {"name", role ? role->name : r}});
    }
    return {{"person", caller.person.id}, {"name", caller.person.name}, {"email", caller.person.email},
            {"roles", roles}, {"access", caller.person.access}, {"organisation", org ? org->name : ""},
            {"modeler", {{"available", vendor.available()}, {"reason", vendor.available() ? "" : vendor.missing()}}}};
  }

  std::string session_cookie(const std::string& value, long max_age) const {
    return std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
           (options.secure_cookies ? "; Secure" : "");
  }
};

void Api::Impl::build() {
  // The server logs in through handle_async(), which checks the password on the login
  // pool; this is the same login, waited for on the caller's thread.
  add("POST", "/api/login", Access::open, [this](Call& call) {
    auto attempt = login_begin(call.request);
    return login_finish(call.request, attempt, runtime::password_matches(attempt.key.phc, attempt.password));
  });
  add("POST", "/api/logout", Access::person, [this](Call& call) {
    std::string session = cookie_value(call.request.cookie, kSessionCookie);
    if (!session.empty()) service.write([&](Context& c) {
      c.accounts.logout(session);
      return 0;
    });
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    r.headers.push_back({"Set-Cookie", session_cookie("", 0)});
    return r;
  });
  add("GET", "/api/me", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) { return me_json(*call.caller, c); }));
  });
  add("GET", "/api/openapi.json", Access::open, [](Call&) { return text_response("application/json", Api::openapi()); });

  // --- definitions
  add("GET", "/api/definitions", Access::person, [this](Call& call) {
    Page page = page_of(call, false);  // the cursor is a process id
    auto [items, next] = service.read([&](Context& c) {
      json out = json::array();
      std::optional<std::string> next;
      for (const auto& d : c.store.latest_definitions()) {
        if (!page.after.empty() && d.process <= page.after) continue;
        if (static_cast<int>(out.size()) == page.limit) {
          next = out.back()["process"].get<std::string>();
          break;
        }
        // How a case can start: plain start events and message start events (by name).
        json starts = json::array();
        auto s = parsed(d);
        for (const auto& n : s.process().nodes) {
          if (n.kind != definitions::NodeKind::start_event || n.parent >= 0) continue;
          if (n.trigger == definitions::EventTrigger::none) {
            starts.push_back({{"node", n.id}, {"name", n.name}, {"message", nullptr}});
          } else if (n.trigger == definitions::EventTrigger::message) {
            std::string message = n.message_ref;
            for (const auto& m : s.definitions.messages)
              if (m.id == n.message_ref && !m.name.empty()) message = m.name;
            starts.push_back({{"node", n.id}, {"name", n.name}, {"message", message}});
          }
        }
        out.push_back({{"process", d.process}, {"version", d.version}, {"name", d.name}, {"file", d.file},
                       {"deployed_at", d.deployed_at}, {"deployed_by", d.deployed_by}, {"starts", starts}});
      }
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
  add("POST", "/api/validate", Access::modeller, [this](Call& call) {
    Body body(call.request, {"name", "xml"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "upload.bpmn";
    if (name.find('/') != std::string::npos || name.size() > 200) malformed("the field 'name' is a file name, without folders");
    // A read: nothing is deployed; called processes are looked up among those deployed.
    auto findings = service.read([&](Context& c) { return c.runtime.check_text(name, xml); });
    json list = json::array();
    for (const auto& d : findings.all()) list.push_back(render::finding_json(d));
    // The RACI matrix of the first executable process, as `raciflow raci --format json`
    // prints it, when the file loads: the modeler shows it live.
    json raci = nullptr;
    definitions::Diagnostics loading(name);
    if (auto defs = definitions::load_text(xml, name, loading); defs && !loading.has_errors())
      for (const auto& p : defs->processes)
        if (p.executable && !p.nodes.empty()) {
          raci = json::parse(render::render_raci(definitions::raci_matrix(p), render::RaciFormat::json));
          break;
        }
    return json_response(200, {{"ok", !findings.has_errors()}, {"findings", list}, {"raci", raci}});
  });
  // The samples' flows, to start a model from (GET the list, then one file).
  add("GET", "/api/templates", Access::modeller, [](Call&) {
    // The templates are compiled in: read once.
    static const json list = [] {
      json out = json::array();
      for (const WebAsset* t : flow_templates()) {
        definitions::Diagnostics ignored(t->name);
        auto defs = definitions::load_text(std::string(t->data, t->size), t->name, ignored);
        if (!defs || defs->processes.empty()) continue;
        const auto& p = defs->processes.front();
        out.push_back({{"file", t->name}, {"process", p.id}, {"name", p.name.empty() ? p.id : p.name}});
      }
      return out;
    }();
    return json_response(200, list);
  });
  add("GET", "/api/templates/{file}", Access::modeller, [](Call& call) {
    for (const WebAsset* t : flow_templates())
      if (call.params.at("file") == t->name) return text_response("application/xml", std::string(t->data, t->size));
    not_found("no template '" + call.params.at("file") + "'");
  });
  add("POST", "/api/definitions", Access::modeller, [this](Call& call) {
    Body body(call.request, {"name", "xml"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "upload.bpmn";
    if (name.find('/') != std::string::npos || name.size() > 200) malformed("the field 'name' is a file name, without folders");
    auto deployed = service.write([&](Context& c) { return c.runtime.deploy_text(name, xml, call.me()); });
    json out = json::array();
    for (const auto& d : deployed) out.push_back({{"process", d.process}, {"version", d.version}, {"new", d.is_new}});
    return json_response(201, out);
  });
  auto definition = [this](Call& call, Context& c) {
    std::optional<runtime::DefinitionVersion> d;
    if (call.query.count("version")) {
      static const std::regex digits("[1-9][0-9]{0,8}");
      if (!std::regex_match(call.query["version"], digits)) malformed("version must be a positive number");
      d = c.store.definition(call.params.at("process"), std::stoi(call.query["version"]));
    } else {
      d = c.store.latest_definition(call.params.at("process"));
    }
    if (!d) not_found("no deployed process '" + call.params.at("process") + "'");
    return *d;
  };
  add("GET", "/api/definitions/{process}", Access::person, [this, definition](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      auto s = parsed(definition(call, c));
      const auto& d = s.version;
      const auto& p = s.process();
      json lanes = json::array(), steps = json::array();
      for (const auto& l : p.lanes) lanes.push_back({{"id", l.id}, {"role", l.role}, {"name", l.name}});
      for (const auto& n : p.nodes)
        steps.push_back({{"id", n.id}, {"name", n.name}, {"kind", definitions::element_name(n.kind)}, {"role", n.role},
                         {"iso", n.iso}});
      json versions = json::array();
      for (int v = 1; v <= d.version || c.store.definition(d.process, v); ++v)
        if (c.store.definition(d.process, v)) versions.push_back(v);
      return json{{"process", d.process}, {"version", d.version}, {"name", d.name}, {"file", d.file},
                  {"deployed_at", d.deployed_at}, {"deployed_by", d.deployed_by}, {"digest", d.digest},
                  {"versions", versions}, {"lanes", lanes}, {"steps", steps}};
    }));
  });
  add("GET", "/api/definitions/{process}/xml", Access::person, [this, definition](Call& call) {
    auto d = service.read([&](Context& c) { return definition(call, c); });
    // ?layout=missing: a file written by hand gets a drawing (raciflow layout) so that a
    // modeler can open it; one that has a drawing is sent as deployed.
    if (call.query.count("layout")) {
      if (call.query["layout"] != "missing") malformed("layout must be 'missing'");
      if (d.source.find("BPMNShape") == std::string::npos) {
        definitions::Diagnostics ignored(d.file);
        auto defs = definitions::load_text(d.source, d.file, ignored);
        try {
          if (defs) d.source = render::layout_bpmn(d.source, *defs);
        } catch (const std::runtime_error& e) {
          throw runtime::Refused("process '" + d.process + "' has no drawing and cannot be laid out: " + e.what());
        }
      }
    }
    // A download, never a document rendered on the app's origin (XML can carry script).
    std::string file = d.process + "-v" + std::to_string(d.version) + ".bpmn";
    for (char& ch : file)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_') ch = '_';
    HttpResponse r = text_response("application/xml", std::move(d.source));
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + file + "\""});
    return r;
  });
  add("GET", "/api/definitions/{process}/versions", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      const std::string& process = call.params.at("process");
      if (!c.store.latest_definition(process)) not_found("no deployed process '" + process + "'");
      // Counted over the cases the caller sees, like the case list: no count tells of others.
      std::map<int, std::pair<int, int>> cases;  // version -> (active, all)
      for (const auto& row : c.store.cases("", process)) {
        if (!call.caller->reads_all() && !sees_case(*call.caller, row, c.store.tasks({row.id, true}))) continue;
        auto& [active, all] = cases[row.version];
        active += row.status == "active" || row.status == "incident";
        ++all;
      }
      json out = json::array();
      for (int v = c.store.latest_definition(process)->version; v >= 1; --v) {
        auto d = c.store.definition(process, v);
        if (!d) continue;
        out.push_back({{"version", v}, {"name", d->name}, {"deployed_at", d->deployed_at}, {"deployed_by", d->deployed_by},
                       {"digest", d->digest}, {"cases_running", cases[v].first}, {"cases", cases[v].second}});
      }
      return out;
    }));
  });
  add("POST", "/api/definitions/{process}/changes", Access::modeller, [this](Call& call) {
    Body body(call.request, {"name", "xml"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "upload.bpmn";
    const std::string& process = call.params.at("process");
    definitions::Diagnostics diagnostics(name);
    auto uploaded = definitions::load_text(xml, name, diagnostics);
    if (!uploaded || diagnostics.has_errors()) {
      std::string first;
      for (const auto& d : diagnostics.all())
        if (d.severity == definitions::Severity::error && first.empty()) first = d.format();
      throw runtime::Refused("the file does not load (" + first + "); validate it first");
    }
    const definitions::Process* after = uploaded->find_process(process);
    if (!after) throw runtime::Refused(name + " holds no process '" + process + "'");
    return json_response(200, service.read([&](Context& c) {
      std::optional<Stored> before;
      if (auto d = c.store.latest_definition(process)) before = parsed(std::move(*d));
      definitions::Process nothing;
      json changes = json::array();
      for (const auto& change : definitions::compare_steps(before ? before->process() : nothing, *after)) {
        auto letters = [](const definitions::Raci& r) {
          return json{{"R", r.responsible}, {"A", r.accountable}, {"C", r.consulted}, {"I", r.informed}};
        };
        json j = {{"step", change.step}, {"change", definitions::to_string(change.kind)},
                  {"name", {{"before", change.name_before}, {"after", change.name_after}}},
                  {"renamed", change.renamed()}, {"raci_changed", change.raci_changed()}};
        if (change.kind != definitions::StepChange::Kind::added) j["raci_before"] = letters(change.raci_before);
        if (change.kind != definitions::StepChange::Kind::removed) j["raci_after"] = letters(change.raci_after);
        changes.push_back(j);
      }
      return json{{"process", process}, {"from_version", before ? json(before->version.version) : json(nullptr)}, {"changes", changes}};
    }));
  });
  add("GET", "/api/definitions/{process}/raci", Access::person, [this, definition](Call& call) {
    return text_response("application/json", service.read([&](Context& c) {
      return render::render_raci(definitions::raci_matrix(parsed(definition(call, c)).process()), render::RaciFormat::json);
    }));
  });
  add("GET", "/api/definitions/{process}/diagram", Access::person, [this, definition](Call& call) {
    return text_response("image/svg+xml", service.read([&](Context& c) {
      auto s = parsed(definition(call, c));
      return render::process_svg(s.version.source, s.definitions, s.version.process);
    }));
  });

  // --- cases
  add("GET", "/api/cases", Access::person, [this](Call& call) {
    static const std::set<std::string> statuses = {"", "active", "completed", "terminated", "cancelled", "incident"};
    std::string status = call.query["status"], process = call.query["process"], role = call.query["role"];
    std::string late = call.query["overdue"];
    if (!statuses.count(status)) malformed("unknown status '" + status + "' (active, completed, terminated, cancelled, incident)");
    if (!late.empty() && late != "true" && late != "false") malformed("overdue is true or false");
    Page page = page_of(call);
    auto [items, next] = service.read([&](Context& c) {
      std::map<std::string, std::string> names;
      for (const auto& d : c.store.latest_definitions()) names[d.process] = d.name;
      json out = json::array();
      auto next = fill_page<runtime::CaseRow>(
          page, [&](const std::string& after, int limit) { return c.store.cases(status, process, cursor_number(after), limit); },
          [](const runtime::CaseRow& row) { return std::to_string(row.position); },
          [&](const runtime::CaseRow& row) {
            auto tasks = c.store.tasks({row.id, true});
            if (!sees_case(*call.caller, row, tasks)) return false;
            if (!role.empty() && std::none_of(tasks.begin(), tasks.end(), [&](const runtime::TaskRow& t) {
                  return std::find(t.task.responsible.begin(), t.task.responsible.end(), role) != t.task.responsible.end();
                }))
              return false;
            json summary = case_summary(row, tasks, names[row.process], c.now);
            if (late == "true" && !summary["overdue"].get<bool>()) return false;
            if (late == "false" && summary["overdue"].get<bool>()) return false;
            out.push_back(summary);
            return true;
          });
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
  add("POST", "/api/cases", Access::person, [this](Call& call) {
    Body body(call.request, {"process", "variables", "key"});
    std::string process = body.text("process", true), key = body.text("key", false);
    json variables = body.object("variables");
    auto id = service.write([&](Context& c) {
      if (!c.store.latest_definition(process)) not_found("no deployed process '" + process + "'");
      return c.runtime.start(process, call.me(), variables, key);
    });
    return json_response(201, {{"id", id}});
  });
  add("GET", "/api/cases/{id}", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      auto row = load_case(c, call);
      auto view = c.runtime.show(row.id);
      auto tasks = c.store.tasks({row.id, true});
      json j = render::case_json(view, tasks);
      json list = json::array();
      for (const auto& t : tasks) list.push_back(task_view(c, t, runtime::inbox_reason(t.task, call.caller->person.roles, call.me())));
      j["tasks"] = list;
      auto d = c.store.definition(row.process, row.version);
      j["process_name"] = d ? d->name : row.process;
      j["children"] = json::array();
      for (const auto& child : c.store.children(row.id)) j["children"].push_back(render::case_row_json(child));
      return j;
    }));
  });
  add("GET", "/api/cases/{id}/diagram", Access::person, [this](Call& call) {
    // ?format=json: the marks alone, for the web app's own renderer (bpmn-js) over the
    // process version's XML.
    std::string format = call.query.count("format") ? call.query["format"] : "svg";
    if (format != "svg" && format != "json") malformed("format must be svg or json");
    auto answer = service.read([&](Context& c) {
      auto row = load_case(c, call);
      auto view = c.runtime.show(row.id);
      render::DiagramMarks marks;
      c.store.scan_records(row.id, [&](const runtime::AuditRecord& r) {
        for (const auto& e : runtime::events_of(r))
          if (e.kind == engine::EventKind::node_entered && !e.node.empty()) marks.done.insert(e.node);
      });
      for (const auto& n : view.active_nodes) {
        marks.active.insert(n);
        marks.done.erase(n);
      }
      for (const auto& t : c.store.tasks({row.id, false}))
        if (overdue(t.task, c.now)) marks.overdue.insert(t.task.node_id);
      if (!view.incident_node.empty()) marks.incident.insert(view.incident_node);
      if (format == "json")
        return json{{"process", row.process}, {"version", row.version}, {"done", marks.done}, {"active", marks.active},
                    {"overdue", marks.overdue}, {"incident", marks.incident}}
            .dump();
      auto s = stored(c, row.process, row.version);
      return render::process_svg(s.version.source, s.definitions, s.version.process, marks);
    });
    return format == "json" ? text_response("application/json", answer) : text_response("image/svg+xml", answer);
  });
  add("GET", "/api/cases/{id}/audit", Access::person, [this](Call& call) {
    std::string format = call.query.count("format") ? call.query["format"] : "json";
    if (format != "json" && format != "csv") malformed("unknown format '" + format + "' (json, csv)");
    Page page = page_of(call);
    return service.read([&](Context& c) {
      auto row = load_case(c, call);
      if (format == "csv") return case_trail_export(row.id, c.store.chain_head(row.id).value_or(runtime::ChainHead{}).seq);
      auto records = c.store.records_page(row.id, page.after_number(), page.limit + 1);
      json out = json::array();
      std::optional<std::string> next;
      for (const auto& r : records) {
        if (static_cast<int>(out.size()) == page.limit) {
          next = std::to_string(out.back()["seq"].get<std::int64_t>());
          break;
        }
        out.push_back(render::audit_json(r));
      }
      return page_response(call, out, next);
    });
  });
  add("POST", "/api/cases/{id}/cancel", Access::admin, [this](Call& call) {
    Body body(call.request, {"reason"});
    std::string reason = body.text("reason", true);
    service.write([&](Context& c) {
      auto row = load_case(c, call);
      if (row.status != "active" && row.status != "incident") conflict("case " + row.id + " is already " + row.status);
      c.runtime.cancel(row.id, call.me(), reason);
      return 0;
    });
    return json_response(200, {{"id", call.params["id"]}, {"status", "cancelled"}});
  });
  add("POST", "/api/cases/{id}/retry", Access::admin, [this](Call& call) {
    Body body(call.request, {"variables"});
    json variables = body.object("variables");
    auto status = service.write([&](Context& c) {
      auto row = load_case(c, call);
      if (row.status != "incident") conflict("case " + row.id + " has no incident (it is " + row.status + ")");
      c.runtime.retry(row.id, call.me(), variables);
      return c.store.find_case(row.id)->status;
    });
    return json_response(200, {{"id", call.params["id"]}, {"status", status}});
  });

  // --- tasks
  add("GET", "/api/tasks", Access::person, [this](Call& call) {
    std::string case_id = call.query["case"], scope = call.query["scope"];
    bool all = call.query["all"] == "true";
    if (!scope.empty() && scope != "mine" && scope != "all") malformed("scope is mine or all");
    if (scope == "all" && !call.caller->reads_all()) forbidden("scope=all needs admin or auditor access");
    Page page = page_of(call);
    auto [items, next] = service.read([&](Context& c) {
      if (!case_id.empty()) {
        call.params["id"] = case_id;
        load_case(c, call);
      }
      // The caller's own inbox of live tasks comes from the inbox index; the rest (a case's
      // tasks, everyone's, closed ones) from the task list.
      bool inbox = scope != "all" && case_id.empty() && !all;
      json out = json::array();
      auto next = fill_page<runtime::TaskRow>(
          page,
          [&](const std::string& after, int limit) {
            runtime::TaskFilter f{case_id, all};
            f.inbox = inbox;
            f.roles = call.caller->person.roles;
            f.person = call.me();
            f.after = cursor_number(after);
            f.limit = limit;
            return c.store.tasks(f);
          },
          [](const runtime::TaskRow& t) { return std::to_string(t.id); },
          [&](const runtime::TaskRow& t) {
            std::string why = runtime::inbox_reason(t.task, call.caller->person.roles, call.me());
            bool mine = !why.empty() || t.task.completed_by == call.me();
            if (scope != "all" && case_id.empty() && !mine) return false;
            out.push_back(task_view(c, t, why));
            return true;
          });
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
  add("GET", "/api/tasks/{id}", Access::person, [this](Call& call) {
    auto id = task_number(call);
    return json_response(200, service.read([&](Context& c) {
      auto t = load_task(c, id);
      auto row = c.store.find_case(t.case_id);
      if (!row || !sees_case(*call.caller, *row, c.store.tasks({t.case_id, true}))) not_found("no task " + std::to_string(id));
      json j = task_view(c, t, runtime::inbox_reason(t.task, call.caller->person.roles, call.me()));
      auto s = stored(c, t.process, t.version);
      json fields = json::array();
      const definitions::FlowNode* node = s.process().find_node(t.task.node_id);
      for (const auto& f : c.runtime.form_of(t.process, t.version, t.task.node_id)) {
        json answers = json::object();
        for (const auto& [value, label] : f.answers) answers[value] = label;
        fields.push_back({{"name", f.name}, {"type", f.type}, {"options", f.options}, {"used_in", f.used_in}, {"label", f.label},
                          {"answers", answers}});
      }
      j["fields"] = fields;
      j["documentation"] = node ? node->documentation : "";
      j["iso"] = node ? node->iso : std::vector<std::string>{};
      j["gap"] = node && node->gap ? json{{"text", node->gap->text}, {"when", node->gap->when_text}} : json(nullptr);
      j["process_name"] = s.version.name;
      j["variables"] = c.runtime.show(t.case_id).state.variables;
      return j;
    }));
  });
  auto task_command = [this](const std::string& what, std::set<std::string> fields,
                             std::function<void(Context&, const Call&, std::int64_t, const Body&)> run) {
    add("POST", "/api/tasks/{id}/" + what, Access::person, [this, what, fields, run](Call& call) {
      auto id = task_number(call);
      Body body(call.request, fields);
      // The answer is the task as the command left it, read in the command's own
      // transaction: no second trip to a reader.
      return json_response(200, service.write([&](Context& c) {
        auto t = load_task(c, id);
        check_task(c, call, t, what);
        run(c, call, id, body);
        return task_view(c, load_task(c, id), "");
      }));
    });
  };
  task_command("claim", {}, [](Context& c, const Call& call, std::int64_t id, const Body&) { c.runtime.claim(id, call.me()); });
  task_command("unclaim", {}, [](Context& c, const Call& call, std::int64_t id, const Body&) { c.runtime.unclaim(id, call.me()); });
  task_command("complete", {"variables", "comment"}, [](Context& c, const Call& call, std::int64_t id, const Body& body) {
    json variables = body.object("variables");
    std::string comment = body.text("comment", false);
    if (!comment.empty()) variables["comment"] = comment;
    // The runtime refuses what the step's form needs and is missing, as for the CLI.
    c.runtime.complete(id, call.me(), variables);
  });
  task_command("consult", {"answer"}, [](Context& c, const Call& call, std::int64_t id, const Body& body) {
    std::string answer = body.text("answer", true);
    if (answer.empty()) malformed("the field 'answer' is empty");
    c.runtime.consult(id, call.me(), answer);
  });

  // --- messages
  add("POST", "/api/messages", Access::person, [this](Call& call) {
    Body body(call.request, {"name", "key", "variables"});
    std::string name = body.text("name", true), key = body.text("key", false);
    json variables = body.object("variables");
    auto cases = service.write([&](Context& c) {
      // A message continues only cases the sender may see; to the sender, the others do
      // not wait (docs/api.md).
      runtime::Runtime::CaseFilter visible;
      if (!call.caller->reads_all())
        visible = [&](const std::string& id) {
          auto row = c.store.find_case(id);
          return row && sees_case(*call.caller, *row, c.store.tasks({id, true}));
        };
      return c.runtime.message(name, call.me(), key, variables, visible);
    });
    return json_response(200, {{"cases", cases}});
  });
  // A signal from outside ("the threat level changed"): the admin, or the security
  // function, whose work it is to judge threats (docs/api.md).
  add("POST", "/api/signals", Access::person, [this](Call& call) {
    if (!runtime::may_signal(call.caller->person))
      forbidden("only the admin and the " + std::string(runtime::kSignalRole) + " role may throw a signal");
    Body body(call.request, {"name", "variables"});
    std::string name = body.text("name", true);
    json variables = body.object("variables");
    auto reached = service.write([&](Context& c) {
      auto out = c.runtime.signal(name, call.me(), variables);
      // The signal reaches every waiting case; the answer names only those the caller sees.
      auto visible = [&](std::vector<std::string>& ids) {
        if (call.caller->reads_all()) return;
        ids.erase(std::remove_if(ids.begin(), ids.end(), [&](const std::string& id) {
                    auto row = c.store.find_case(id);
                    return !row || !sees_case(*call.caller, *row, c.store.tasks({id, true}));
                  }),
                  ids.end());
      };
      visible(out.continued);
      visible(out.started);
      return out;
    });
    return json_response(200, {{"continued", reached.continued}, {"started", reached.started}});
  });

  // --- audit
  add("GET", "/api/audit", Access::reader, [this](Call& call) {
    std::string format = call.query.count("format") ? call.query["format"] : "json";
    if (format != "json" && format != "csv") malformed("unknown format '" + format + "' (json, csv)");
    Page page = page_of(call);
    return service.read([&](Context& c) {
      auto records = c.store.records_page("", page.after_number(), page.limit);
      std::optional<std::string> next;
      if (static_cast<int>(records.size()) == page.limit) next = std::to_string(records.back().seq);
      if (format == "csv") {
        HttpResponse r = text_response("text/csv; charset=utf-8", render::audit_csv(records));
        if (next) r.headers = page_response(call, json::array(), next).headers;
        return r;
      }
      json out = json::array();
      for (const auto& r : records) out.push_back(render::audit_json(r));
      return page_response(call, out, next);
    });
  });
  add("GET", "/api/audit/verify", Access::reader, [this](Call&) {
    return json_response(200, service.read([&](Context& c) {
      auto report = c.runtime.verify();
      return json{{"ok", report.ok()}, {"records", report.records}, {"cases", report.cases}, {"problems", report.problems}};
    }));
  });

  // --- the ISMS year: wheel, plan, agenda, evidence, report
  auto year_of = [](Call& call, definitions::TimePoint now) {
    static const std::regex four_digits("[12][0-9]{3}");
    if (!call.query.count("year")) return static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
    if (!std::regex_match(call.query["year"], four_digits)) malformed("year must be a year such as 2026");
    return std::stoi(call.query["year"]);
  };
  auto format_of = [](Call& call, std::initializer_list<const char*> allowed) {
    std::string format = call.query.count("format") ? call.query["format"] : *allowed.begin();
    std::string list;
    for (const char* a : allowed) {
      if (format == a) return format;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    malformed("unknown format '" + format + "' (" + list + ")");
  };
  add("GET", "/api/wheel", Access::person, [this, year_of, format_of](Call& call) {
    std::string format = format_of(call, {"json", "svg"});
    return service.read([&](Context& c) {
      if (!c.store.wheel()) not_found("no wheel is loaded");
      int year = year_of(call, c.now);
      auto entries = c.runtime.wheel_year(year);
      auto plan = c.store.plan_items();
      if (format == "svg") return text_response("image/svg+xml", render::wheel_svg(year, entries, plan, definitions::format_date_time(c.now)));
      return json_response(200, render::wheel_json(year, entries, plan));
    });
  });
  add("PUT", "/api/wheel", Access::admin, [this](Call& call) {
    Body body(call.request, {"name", "xml"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "annual-wheel.xml";
    auto loaded = service.write([&](Context& c) { return c.runtime.load_wheel_text(name, xml, call.me()); });
    json deployed = json::array();
    for (const auto& d : loaded.deployed) deployed.push_back({{"process", d.process}, {"version", d.version}, {"new", d.is_new}});
    return json_response(200, {{"activities", loaded.activities}, {"plan_items_changed", loaded.plan_items}, {"deployed", deployed}});
  });
  add("GET", "/api/plan", Access::person, [this](Call&) {
    return json_response(200, service.read([&](Context& c) {
      json out = json::array();
      for (const auto& p : c.store.plan_items()) out.push_back(runtime::to_json(p));
      return out;
    }));
  });
  add("PUT", "/api/plan/{id}", Access::person, [this](Call& call) {
    static const char* const kFields[] = {"name", "responsible", "start", "deadline", "risk", "case", "status", "note"};
    Body body(call.request, std::set<std::string>(std::begin(kFields), std::end(kFields)));
    std::string id = call.params["id"];
    auto saved = service.write([&](Context& c) {
      auto existing = c.store.plan_item(id);
      // The admin plans; the person responsible for an item may report on it.
      if (!call.caller->admin() && !(existing && existing->responsible == call.me()))
        forbidden("only the admin or the person responsible changes plan item '" + id + "'");
      definitions::PlanItem item = existing.value_or(definitions::PlanItem{});
      item.id = id;
      std::map<std::string, std::string*> fields{{"name", &item.name},         {"responsible", &item.responsible}, {"start", &item.start},
                                                 {"deadline", &item.deadline}, {"risk", &item.risk},               {"case", &item.case_id},
                                                 {"status", &item.status},     {"note", &item.note}};
      for (auto& [field, target] : fields)
        if (body.has(field)) *target = body.text(field, false);
      if (!call.caller->admin() && item.responsible != existing->responsible)
        forbidden("only the admin hands a plan item to someone else");
      return c.runtime.put_plan_item(item, call.me());
    });
    return json_response(200, runtime::to_json(saved));
  });
  add("GET", "/api/agenda", Access::person, [this, format_of](Call& call) {
    std::string format = format_of(call, {"json", "markdown", "html"});
    std::string since;
    if (call.query.count("since")) {
      auto t = definitions::parse_date_time(call.query["since"]);
      if (!t) malformed("since must be an ISO 8601 date or date-time");
      since = definitions::format_date_time(*t);
    }
    return service.read([&](Context& c) {
      if (since.empty()) since = runtime::last_meeting(c.store, c.runtime);
      if (since.empty()) since = "1970-01-01T00:00:00Z";
      auto agenda = runtime::build_agenda(c.store, c.runtime, since);
      agenda.generated_at = definitions::format_date_time(c.now);
      // Each person sees on it only the cases they may see.
      if (!call.caller->reads_all())
        for (auto& section : agenda.sections)
          std::erase_if(section.cases, [&](const runtime::AgendaCase& a) {
            auto row = c.store.find_case(a.id);
            return !row || !sees_case(*call.caller, *row, c.store.tasks({a.id, true}));
          });
      if (format == "markdown") return text_response("text/markdown; charset=utf-8", render::agenda_markdown(agenda));
      if (format == "html") return text_response("text/html; charset=utf-8", render::agenda_html(agenda));
      return json_response(200, render::agenda_json(agenda));
    });
  });
  add("GET", "/api/evidence", Access::reader, [this, format_of](Call& call) {
    std::string format = format_of(call, {"json", "markdown"});
    return service.read([&](Context& c) {
      auto evidence = runtime::build_evidence(c.store, c.runtime, c.now);
      if (format == "markdown") return text_response("text/markdown; charset=utf-8", render::evidence_markdown(evidence));
      return json_response(200, render::evidence_json(evidence));
    });
  });
  add("GET", "/api/report", Access::reader, [this, year_of, format_of](Call& call) {
    std::string format = format_of(call, {"json", "markdown", "html"});
    return service.read([&](Context& c) {
      auto report = runtime::build_report(c.store, c.runtime, year_of(call, c.now), c.now);
      if (format == "markdown") return text_response("text/markdown; charset=utf-8", render::report_markdown(report));
      if (format == "html") return text_response("text/html; charset=utf-8", render::report_html(report));
      return json_response(200, render::report_json(report));
    });
  });

  // --- organisation, notifications, tokens
  add("GET", "/api/organisation", Access::person, [this](Call&) {
    return json_response(200, service.read([&](Context& c) {
      auto org = c.store.organisation();
      if (!org) not_found("no organisation is loaded");
      return runtime::to_json(*org);
    }));
  });
  add("PUT", "/api/organisation", Access::admin, [this](Call& call) {
    Body body(call.request, {"name", "xml"});
    std::string name = body.text("name", false), xml = body.text("xml", true);
    if (name.empty()) name = "organisation.xml";
    auto org = service.write([&](Context& c) { return c.runtime.load_organisation_text(name, xml, call.me()); });
    return json_response(200, runtime::to_json(org));
  });
  add("GET", "/api/notifications", Access::person, [this](Call& call) {
    // The newest first: a page is those older than the cursor.
    Page page = page_of(call);
    auto [items, next] = service.read([&](Context& c) {
      json out = json::array();
      const auto* roles = call.caller->reads_all() ? nullptr : &call.caller->person.roles;
      auto items = c.store.notifications(roles, page.after_number(), page.limit + 1);
      std::optional<std::string> next;
      for (const auto& item : items) {
        if (static_cast<int>(out.size()) == page.limit) {
          next = std::to_string(out.back()["id"].get<std::int64_t>());
          break;
        }
        json j = render::outbox_json(item);
        if (auto t = item.task ? c.store.find_task(item.task) : std::nullopt) j["name"] = t->task.name;
        out.push_back(j);
      }
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
  // Supervision: a supervising organisation's admins and auditors read the organisations
  // it supervises, through their own server's address.
  add("GET", "/api/supervised", Access::reader, [this](Call&) {
    auto granted = service.read([](Context& c) { return c.store.supervised(); });
    json list = json::array();
    for (const auto& id : granted)
      if (options.other && options.other(id)) list.push_back({{"tenant", id}});
    return json_response(200, list);
  });
  for (std::string read : kSupervisedReads)
    add("GET", "/api/supervised/{tenant}" + read, Access::reader, [this, read](Call& call) {
      std::string inner = "/api" + read;
      if (auto at = inner.find("{id}"); at != std::string::npos) inner.replace(at, 4, percent_encode(call.params.at("id")));
      return supervised_read(call, inner);
    });
  add("GET", "/api/outbox", Access::reader, [this](Call& call) {
    std::string status = call.query["status"];
    if (status != "" && status != "pending" && status != "delivered" && status != "failed") malformed("status is pending, delivered or failed");
    Page page = page_of(call);
    auto [items, next] = service.read([&](Context& c) {
      json out = json::array();
      auto page_items = c.store.outbox(status, page.after_number(), page.limit);
      for (const auto& i : page_items) out.push_back(render::outbox_json(i));
      std::optional<std::string> next;
      if (static_cast<int>(page_items.size()) == page.limit) next = std::to_string(page_items.back().id);
      return std::make_pair(out, next);
    });
    return page_response(call, items, next);
  });
  add("GET", "/api/tokens", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      json out = json::array();
      for (const auto& t : c.store.tokens())
        if (t.person == call.me() || call.caller->reads_all())
          out.push_back({{"id", t.id}, {"person", t.person}, {"name", t.name}, {"created_at", t.created_at},
                         {"expires_at", t.expires_at.empty() ? json(nullptr) : json(t.expires_at)}, {"revoked", t.revoked}});
      return out;
    }));
  });
  add("POST", "/api/tokens", Access::person, [this](Call& call) {
    Body body(call.request, {"person", "name", "expires"});
    std::string person = body.text("person", false), name = body.text("name", false), expires = body.text("expires", false);
    if (person.empty()) person = call.me();
    if (person != call.me() && !call.caller->admin()) forbidden("a token for someone else needs admin access");
    std::optional<definitions::TimePoint> until;
    if (!expires.empty()) {
      std::string why;
      until = definitions::parse_date_time(expires, &why);
      if (!until) malformed("expires is not an ISO 8601 date-time (" + why + ")");
    }
    auto made = service.write([&](Context& c) { return c.accounts.create_token(person, name, until, call.me()); });
    return json_response(201, {{"id", made.id}, {"person", person}, {"token", made.secret}});
  });
  add("DELETE", "/api/tokens/{id}", Access::person, [this](Call& call) {
    static const std::regex digits("[1-9][0-9]{0,17}");
    if (!std::regex_match(call.params["id"], digits)) not_found("no API token '" + call.params["id"] + "'");
    std::int64_t id = std::stoll(call.params["id"]);
    service.write([&](Context& c) {
      std::optional<runtime::ApiToken> token;
      for (const auto& t : c.store.tokens())
        if (t.id == id) token = t;
      if (!token) not_found("no API token " + std::to_string(id));
      if (token->person != call.me() && !call.caller->admin()) forbidden("token " + std::to_string(id) + " is not yours");
      c.accounts.revoke_token(id, call.me());
      return 0;
    });
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    return r;
  });
}

Api::Api(Service& service, ApiOptions options) : impl_(std::make_unique<Impl>(service, options)) {}
Api::~Api() = default;

HttpResponse Api::handle_supervised(const HttpRequest& request, const SupervisorVisit& visit) {
  return impl_->handle_supervised(request, visit);
}

HttpResponse Api::handle(const HttpRequest& request) {
  HttpResponse response = impl_->handle(request);
  if (response.more) {
    while (auto piece = response.more()) response.body += *piece;
    response.more = nullptr;
  }
  return response;
}

void Api::handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done) {
  impl_->handle_async(request, std::move(done));
}

void Api::flush_refusals(bool force) { impl_->flush_refusals(force); }

std::string Api::modeler_unavailable() const { return impl_->vendor.available() ? "" : impl_->vendor.missing(); }

std::vector<RouteInfo> Api::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : impl_->table) out.push_back({r.method, r.path, r.access == Access::open});
  return out;
}

std::string Api::openapi() { return std::string(openapi_document()); }

}  // namespace raciflow::http
