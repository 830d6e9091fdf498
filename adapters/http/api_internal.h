// The API's room, shared by api.cpp (authentication, dispatch, errors) and the files that
// register its routes by resource (routes_*.cpp). Internal to adapters/http/.
#pragma once

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

#include "adapters/http/api.h"
#include "adapters/http/router.h"

namespace raciflow::http {

using nlohmann::json;
using runtime::Service;
using Context = runtime::Service::Context;

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
  definitions::Phrase said{};  // its id and values in the catalogue, when it has them
};
// A refusal from the catalogue (definitions/messages.h): the English text is the message.
[[noreturn]] void fail(int status, const std::string& code, definitions::Phrase said, bool recorded = false);
// The language a request asks its messages in: ?lang=, else the Accept-Language header's
// first tag (the web app sends the person's choice), else English.
definitions::Language request_language(const HttpRequest& request);
// An error body: {"error", "message", "text"} and "message_id" when the catalogue has it;
// "text" is the message in `language`.
HttpResponse error_response(int status, const std::string& code, const std::string& message, const std::string& message_id,
                            const std::string& text);
[[noreturn]] void fail(int status, const std::string& code, const std::string& message);
[[noreturn]] void refused_and_recorded(int status, const std::string& code, const std::string& message);
[[noreturn]] void malformed(const std::string& message);
// The answer to a refusal of the runtime, by its kind; a denial is already in the trail.
std::pair<int, const char*> refusal_status(engine::RefusalKind kind);
[[noreturn]] void not_found(const std::string& message);
[[noreturn]] void forbidden(const std::string& message);
[[noreturn]] void conflict(const std::string& message);
HttpResponse json_response(int status, const json& body);
HttpResponse text_response(const std::string& content_type, std::string body);
HttpResponse no_content();  // 204, no body
std::string percent_decode(const std::string& text, bool plus_is_space);
std::map<std::string, std::string> parse_query(const std::string& query);
std::string cookie_value(const std::string& header, const std::string& name);

// A JSON request body: an object with only the fields the route knows, each checked.
class Body {
 public:
  Body(const HttpRequest& request, std::set<std::string> allowed);
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
  runtime::Person person;  // its roles include those held today as someone's substitute
  std::vector<engine::Actor::Delegated> substituting{};  // whom, and the roles taken over
  std::vector<std::string> principals() const {
    std::vector<std::string> out;
    for (const auto& d : substituting) out.push_back(d.principal);
    return out;
  }
  bool substitutes_for(const std::string& principal) const {
    return std::any_of(substituting.begin(), substituting.end(), [&](const auto& d) { return d.principal == principal; });
  }
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
bool all_digits(const std::string& v);
// A numeric cursor (checked by page_of): the id or position the page starts after.
std::int64_t cursor_number(const std::string& after);

struct Page {
  int limit = kDefaultPage;
  std::string after;  // empty: from the start
  std::int64_t after_number() const { return cursor_number(after); }
};
Page page_of(const Call& call, bool numeric_cursor = true);
std::string percent_encode(const std::string& text);
// A page as the answer: the items, and the Link to the next page when there may be one.
HttpResponse page_response(const Call& call, const json& items, const std::optional<std::string>& next);

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
// The path's {id} as a number; anything else is 404 ("no WHAT 'x'").
std::int64_t id_number(const Call& call, const std::string& what);
std::int64_t task_number(const Call& call);
bool overdue(const engine::Task& t, definitions::TimePoint now);
json case_summary(const runtime::CaseRow& row, const std::vector<runtime::TaskRow>& tasks, const std::string& name,
                  definitions::TimePoint now);

// A stored definition version and what the loader makes of it. It loaded when it was
// deployed, so a failure here means a damaged store, not a user's mistake.
struct Stored {
  runtime::DefinitionVersion version;
  definitions::Definitions definitions;
  const definitions::Process& process() const { return *definitions.find_process(version.process); }
};
Stored parsed(runtime::DefinitionVersion d);
// ?lang: "da" or "en" (the default); anything else is malformed.
std::string language_of(Call& call);
// The definition version a case or task runs on.
Stored stored(Context& c, const std::string& process, int version);

// What a supervising organisation may read of a supervised one: these routes (after
// /api), each also at /api/supervised/{tenant}/... on the supervisor's side.
constexpr const char* kSupervisedReads[] = {"/cases", "/cases/{id}", "/cases/{id}/audit", "/evidence", "/report"};

HttpResponse error_response(int status, const std::string& code, const std::string& message);

struct Api::Impl {
  // Logins check passwords on this many threads, with at most this many waiting; more
  // at once are turned away with 503 and Retry-After.
  static constexpr std::size_t kLoginThreads = 2;
  static constexpr std::size_t kLoginQueue = 32;
  static constexpr int kExportBatch = 1000;  // records per read of a streamed export

  Service& service;
  ApiOptions options;
  Router router;
  LoginThrottle throttle;
  RefusalWindow anonymous;
  VendorAssets vendor;  // bpmn-js
  VendorAssets form_js;  // form-js, from the same node_modules
  VendorAssets dmn_js;   // dmn-js, from the same node_modules
  WorkPool logins{kLoginThreads, kLoginQueue};  // last, so it is gone before what its jobs use

  Impl(Service& s, ApiOptions o)
      : service(s), options(o),
        vendor(VendorAssets::load(o.bpmn_js_dir.empty() ? VendorAssets::default_bpmn_js_dir() : o.bpmn_js_dir)),
        form_js(VendorAssets::load(VendorAssets::form_js_dir_beside(o.bpmn_js_dir.empty() ? VendorAssets::default_bpmn_js_dir() : o.bpmn_js_dir),
                                 VendorPackage::form_js)),
        dmn_js(VendorAssets::load(VendorAssets::dmn_js_dir_beside(o.bpmn_js_dir.empty() ? VendorAssets::default_bpmn_js_dir() : o.bpmn_js_dir),
                                VendorPackage::dmn_js)) {
    make_sso();
    build();
  }

  void add(const std::string& method, const std::string& path, Access access, std::function<HttpResponse(Call&)> handler);

  // --- who asks

  std::optional<Caller> authenticate(const HttpRequest& request, bool* presented, bool* by_cookie);

  void record_refusal(const std::string& person, const HttpRequest& request, const std::string& reason);

  static json summary_json(const RefusalWindow::Summary& s);

  void refused_anonymously(const HttpRequest& request, const std::string& reason);

  void flush_refusals(bool force);

  // --- logging in

  struct LoginAttempt {
    std::string person, password;
    runtime::Accounts::LoginKey key;
    std::shared_ptr<void> admitted;  // lets the throttle admit the next login for the name when it goes
  };

  LoginAttempt login_begin(const HttpRequest& request);

  HttpResponse login_finish(const HttpRequest& request, const LoginAttempt& a, bool matched);

  HttpResponse handle(const HttpRequest& request);

  void own_host_only(const HttpRequest& request) const;

  HttpResponse case_trail_export(const std::string& case_id, std::int64_t last);

  static HttpResponse finished(const HttpRequest& request, HttpResponse response);

  void handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done);

  static bool is_login(const HttpRequest& request);

  // --- single sign-on (routes_sso.cpp)

  struct Sso;
  std::shared_ptr<Sso> sso;  // null: not configured
  void make_sso();
  std::string own_origin(const HttpRequest& request) const;
  HttpResponse sso_failed(const std::string& reason, const std::string& message);
  static bool is_sso_callback(const HttpRequest& request);
  HttpResponse sso_callback(const HttpRequest& request);

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
      auto language = request_language(request);
      auto response = e.said.id.empty() ? error_response(e.status, e.code, e.message, "", e.message)
                                        : error_response(e.status, e.code, e.message, e.said.id, definitions::text(e.said, language));
      if (e.retry_after > 0) response.headers.push_back({"Retry-After", std::to_string(e.retry_after)});
      response.person = person;
      return response;
    } catch (const runtime::Refused& e) {
      auto [status, code] = refusal_status(e.kind);
      auto response = error_response(status, code, e.what(), e.said.id, e.text(request_language(request)));
      response.person = person;
      return response;
    } catch (const runtime::StoreError& e) {
      return error_response(503, "unavailable", e.what());
    } catch (const std::exception& e) {
      return error_response(500, "internal", e.what());
    }
  }

  static bool supervised_route(const std::string& path);

  HttpResponse handle_supervised(const HttpRequest& request, const SupervisorVisit& visit);

  HttpResponse supervised_read(Call& call, const std::string& inner_path);

  HttpResponse dispatch(const HttpRequest& request, std::string& person, const Caller* as = nullptr,
                        const std::function<void(const Route&)>& admit = {});

  void same_origin_only(const HttpRequest& request, bool upload = false) const;

  HttpResponse static_file(const HttpRequest& request, const std::string& path);

  // --- the routes

  void build();
  // Each group of routes registers itself, in its own file (routes_GROUP.cpp).
  void routes_sessions();  // logging in and out, who am I, the OpenAPI document
  void routes_sso();       // single sign-on
  void routes_definitions();  // definitions and the Model screen: deploy, validate, templates, versions, changes, diagrams
  void routes_cases();  // cases: list, start, read, diagram, trail, cancel, retry
  void routes_tasks();  // tasks: inboxes, claim, unclaim, complete, consult
  void routes_evidence();  // attachments and comments on cases
  void routes_messages();  // messages and signals from outside
  void routes_people();  // substitutes
  void routes_supervision();  // the audit trail, its verification, the outbox, supervised organisations
  void routes_year();  // the ISMS year: wheel, plan, agenda, evidence, report
  void routes_registers();  // the registers: risks, deviations, corrective actions, incidents, findings
  void routes_administration();  // administration: organisation, notifications, API tokens

  runtime::TaskRow load_task(Context& c, std::int64_t id);

  runtime::CaseRow load_case(Context& c, const Call& call);

  void check_task(Context& c, const Call& call, const runtime::TaskRow& t, const std::string& what);

  [[noreturn]] void deny(Context& c, const Call& call, const runtime::TaskRow& t, definitions::Phrase said) {
    std::string message = definitions::text(said, definitions::Language::en);
    c.accounts.record_refusal(call.me(), call.request.method + " /api/tasks/" + std::to_string(t.id) + " (case " + t.case_id + ")", message);
    fail(403, "forbidden", std::move(said), true);
  }

  json task_view(Context& c, const runtime::TaskRow& t, const std::string& inbox);

  json me_json(const Caller& caller, Context& c);

  std::string session_cookie(const std::string& value, long max_age) const;
};

}  // namespace raciflow::http
