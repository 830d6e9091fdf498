#include "adapters/http/api_internal.h"

#include "definitions/iso27001.h"

namespace raciflow::http {

void Api::Impl::add(const std::string& method, const std::string& path, Access access, std::function<HttpResponse(Call&)> handler) {
  router.add(method, path, access, std::move(handler));
}

// A person as a caller: with the roles they hold today as someone's substitute.
static Caller caller_of(Context& c, const runtime::Person& person) {
  Caller caller{person, c.runtime.delegations(person.id)};
  caller.person.roles = runtime::roles_today(person.roles, caller.substituting);
  return caller;
}

// Who the credentials stand for. A bearer token wins over a cookie; `by_cookie` says
// whether the browser's session cookie was what counted.
std::optional<Caller> Api::Impl::authenticate(const HttpRequest& request, bool* presented, bool* by_cookie) {
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
    return caller_of(c, *p);
  });
}

void Api::Impl::record_refusal(const std::string& person, const HttpRequest& request, const std::string& reason) {
  service.write([&](Context& c) {
    c.accounts.record_refusal(person, request.method + " " + request.target.substr(0, 200), reason);
    return 0;
  });
}

json Api::Impl::summary_json(const RefusalWindow::Summary& s) {
  json by_address = json::object();
  for (const auto& [address, n] : s.by_address) by_address[address] = n;
  return {{"reason", std::to_string(s.count) + " refusals of anonymous requests, counted, not recorded one by one"},
          {"count", s.count}, {"from", definitions::format_date_time(s.from)}, {"until", definitions::format_date_time(s.until)},
          {"addresses", by_address}, {"unlisted", s.unlisted}};
}

void Api::Impl::refused_anonymously(const HttpRequest& request, const std::string& reason) {
  auto decision = anonymous.refused(request.remote, service.now());
  if (!decision.record_now && !decision.summary) return;
  service.write([&](Context& c) {
    if (decision.summary) c.accounts.record_refusal_data(summary_json(*decision.summary));
    if (decision.record_now) c.accounts.record_refusal("", request.method + " " + request.target.substr(0, 200), reason);
    return 0;
  });
}

void Api::Impl::flush_refusals(bool force) {
  auto summary = anonymous.take(service.now(), force);
  if (!summary) return;
  service.write([&](Context& c) {
    c.accounts.record_refusal_data(summary_json(*summary));
    return 0;
  });
}

// Everything before the password is checked: the body, the cross-site rule (a login
// starts a cookie), the throttle, and the key to check against.
Api::Impl::LoginAttempt Api::Impl::login_begin(const HttpRequest& request) {
  if (!options.passwords) forbidden("passwords are switched off on this server; log in with single sign-on");
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

HttpResponse Api::Impl::login_finish(const HttpRequest& request, const LoginAttempt& a, bool matched) {
  auto session = service.write([&](Context& c) {
    auto s = c.accounts.finish_login(a.person, a.key, matched, options.session_lifetime, request.remote);
    if (s) {
      throttle.succeeded(a.person);
    } else if (auto lock = throttle.failed(a.person, request.remote, c.now)) {
      c.accounts.record_login_lock(lock->scope, lock->key, definitions::format_date_time(lock->until), lock->failures);
    }
    return s;
  });
  if (!session) fail(401, "unauthenticated", definitions::Phrase{"login.failed", {}, ""}, true);  // finish_login recorded it
  auto me = service.read([&](Context& c) {
    auto org = c.store.organisation();
    return me_json(caller_of(c, *org->find_person(a.person)), c);
  });
  HttpResponse r = json_response(200, me);
  r.person = a.person;
  r.headers.push_back({"Set-Cookie", session_cookie(session->secret, static_cast<long>(options.session_lifetime.count()))});
  return r;
}

HttpResponse Api::Impl::handle(const HttpRequest& request) {
  std::string person;
  return finished(request, guarded(request, person, [&] {
    own_host_only(request);
    return dispatch(request, person);
  }));
}

// A Host that is none of the server's names is a page at another name that resolves to
// this address (DNS rebinding): answered 421 before anything else, and recorded.
void Api::Impl::own_host_only(const HttpRequest& request) const {
  if (options.hosts.accepts(request.host)) return;
  fail(421, "misdirected", "this server does not answer to the host name '" + request.host.substr(0, 100) +
                               "' (raciflow serve --allowed-host NAME adds a name)");
}

// A case's trail as CSV, streamed a thousand records a read, up to `last`: the record
// that was the case's last when the export began. Records are only ever appended, so the
// file is the trail at that moment however long the transfer takes.
HttpResponse Api::Impl::case_trail_export(const std::string& case_id, std::int64_t last) {
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
HttpResponse Api::Impl::finished(const HttpRequest& request, HttpResponse response) {
  if (request.target.rfind("/api", 0) == 0) response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

void Api::Impl::handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done) {
  if (is_sso_callback(request) && sso) {
    // The code is redeemed at the provider: on the login pool, never on an I/O thread.
    auto copy = std::make_shared<HttpRequest>(request);
    bool queued = logins.try_post([this, copy, done] { done(handle(*copy)); });
    if (!queued) {
      auto busy = error_response(503, "busy", "too many logins at once; try again in a moment");
      busy.headers.push_back({"Retry-After", "1"});
      done(finished(*copy, std::move(busy)));
    }
    return;
  }
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

bool Api::Impl::is_login(const HttpRequest& request) {
  if (request.method != "POST") return false;
  try {
    return percent_decode(request.target.substr(0, request.target.find('?')), false) == "/api/login";
  } catch (const ApiError&) {
    return false;
  }
}

// Whether a supervising organisation may read this route of this organisation.
bool Api::Impl::supervised_route(const std::string& path) {
  return std::any_of(std::begin(kSupervisedReads), std::end(kSupervisedReads),
                     [&](const char* read) { return path == std::string("/api") + read; });
}

HttpResponse Api::Impl::handle_supervised(const HttpRequest& request, const SupervisorVisit& visit) {
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
HttpResponse Api::Impl::supervised_read(Call& call, const std::string& inner_path) {
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

HttpResponse Api::Impl::dispatch(const HttpRequest& request, std::string& person, const Caller* as,
                      const std::function<void(const Route&)>& admit) {
  auto question = request.target.find('?');
  std::string raw_path = request.target.substr(0, question);
  std::string path = percent_decode(raw_path, false);
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos) malformed("bad request path");
  if (path.rfind("/api/", 0) != 0 && path != "/api") return static_file(request, path);
  Call call{request, {}, question == std::string::npos ? std::map<std::string, std::string>{} : parse_query(request.target.substr(question + 1)), std::nullopt};
  const auto [route, path_known] = router.find(request.method, path, call.params);
  const bool writes = request.method != "GET" && request.method != "HEAD";
  if (admit) {
    if (!route) not_found("no API route " + path);
    admit(*route);
  }
  if (route && route->access == Access::open) return route->handler(call);
  bool presented = false, by_cookie = false;
  call.caller = as ? std::optional<Caller>(*as) : authenticate(request, &presented, &by_cookie);
  if (!call.caller) {
    fail(401, "unauthenticated", definitions::Phrase{presented ? "login.expired" : "login.first", {}, ""});
  }
  person = call.me();
  if (writes && by_cookie && !as) same_origin_only(request, route && route->path == "/api/cases/{id}/attachments");
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
// An upload's body is the file, not JSON: it may have any type but the three a form can
// send (the app sends application/octet-stream and the file's type in ?type=).
void Api::Impl::same_origin_only(const HttpRequest& request, bool upload) const {
  if (upload) {
    std::string type = request.content_type.substr(0, request.content_type.find(';'));
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
    if (type.empty() || type == "text/plain" || type == "multipart/form-data" || type == "application/x-www-form-urlencoded")
      forbidden("an upload with the session cookie must not be sent as " + (type.empty() ? std::string("no type") : type) +
                " (send application/octet-stream and the file's type in ?type=)");
  } else if (request.content_type.rfind("application/json", 0) != 0) {
    forbidden("a change made with the session cookie must be sent as application/json");
  }
  if (!request.sec_fetch_site.empty() && request.sec_fetch_site != "same-origin" && request.sec_fetch_site != "none")
    forbidden("cross-site request refused (Sec-Fetch-Site: " + request.sec_fetch_site.substr(0, 40) + ")");
  if (request.origin.empty()) return;
  bool own = options.public_origin.empty()
                 ? !request.host.empty() && (request.origin == "http://" + request.host || request.origin == "https://" + request.host)
                 : request.origin == options.public_origin;
  if (!own) forbidden("cross-origin request refused (Origin: " + request.origin.substr(0, 200) + ")");
}

HttpResponse Api::Impl::static_file(const HttpRequest& request, const std::string& path) {
  if (request.method != "GET" && request.method != "HEAD") fail(405, "method_not_allowed", request.method + " is not allowed on " + path);
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos) malformed("the path leaves the web app's folder");
  for (const auto& [prefix, package] : {std::pair<std::string, const VendorAssets*>{"/vendor/bpmn-js/", &vendor},
                                        std::pair<std::string, const VendorAssets*>{"/vendor/form-js/", &form_js},
                                        std::pair<std::string, const VendorAssets*>{"/vendor/dmn-js/", &dmn_js}}) {
    if (path.rfind(prefix, 0) != 0) continue;
    const VendorFile* file = package->find(path.substr(prefix.size()));
    if (!file) not_found(package->available() ? "no file " + path : package->missing());
    HttpResponse r = text_response(file->content_type, file->data);
    r.headers.push_back({"Cache-Control", "public, max-age=86400"});
    return r;
  }
  std::string name = path == "/" ? "/index.html" : path;
  if (name == "/iso27001.js") {
    // The clauses and controls for the Model screen's picker, from the one table raciflow
    // keeps (definitions/iso27001.h): [number, title, 2013 numbers].
    static const std::string module = [] {
      json rows = json::array();
      for (const auto& item : definitions::iso27001()) rows.push_back({item.number, item.title, item.number_2013});
      return "// ISO/IEC 27001:2022 clauses 4-10 and Annex A controls with their 2013 numbers, served by raciflow.\n"
             "export const ISO_27001 = " + rows.dump() + ";\n";
    }();
    return text_response("text/javascript; charset=utf-8", module);
  }
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

runtime::TaskRow Api::Impl::load_task(Context& c, std::int64_t id) {
  auto t = c.store.find_task(id);
  if (!t) fail(404, "not_found", definitions::Phrase{"task.no_such", {{"task", std::to_string(id)}}, ""});
  return *t;
}

runtime::CaseRow Api::Impl::load_case(Context& c, const Call& call) {
  auto row = runtime::visible_case(c.store, call.caller->person, call.params.at("id"));
  if (!row) fail(404, "not_found", definitions::Phrase{"case.unknown", {{"case", call.params.at("id")}}, ""});
  return *row;
}

// The checks of a task command that the API answers with 403, 404 and 409; the engine
// then decides the rest (422). Runs on the writer, so nothing changes in between.
void Api::Impl::check_task(Context& c, const Call& call, const runtime::TaskRow& t, const std::string& what) {
  const auto& k = t.task;
  const Caller& caller = *call.caller;
  // A task of a case the caller cannot see does not exist for them, as on reads; the
  // attempt is still in the trail.
  if (!runtime::visible_case(c.store, caller.person, t.case_id)) {
    c.accounts.record_refusal(call.me(), call.request.method + " /api/tasks/" + std::to_string(t.id) + " (case " + t.case_id + ")",
                              "task " + std::to_string(t.id) + " is in a case the caller cannot see");
    fail(404, "not_found", definitions::Phrase{"task.no_such", {{"task", std::to_string(t.id)}}, ""}, true);
  }
  bool live = k.status == engine::TaskStatus::open || k.status == engine::TaskStatus::claimed;
  std::string number = std::to_string(t.id);
  definitions::Words label{"task " + number + " '" + k.name + "'", "opgave " + number + " '" + k.name + "'"};
  auto said = [&](const char* id, std::vector<std::pair<std::string, definitions::Words>> values) {
    values.insert(values.begin(), {"task", label});
    return definitions::Phrase{id, std::move(values), ""};
  };
  if (what == "consult") {
    bool asked = false, open = false;
    for (const auto& con : k.consultations)
      if (caller.holds(con.role)) {
        asked = true;
        open |= con.answered_by.empty();
      }
    if (!asked) deny(c, call, t, said("task.consults_not_you", {}));
    if (k.status == engine::TaskStatus::completed) fail(409, "conflict", said("consult.late", {}));
    if (!live) fail(409, "conflict", said("task.is", {{"status", engine::status_words(k.status)}}));
    if (!open) fail(409, "conflict", said("consult.answered_already", {}));
    return;
  }
  if (what == "waive") {
    if (!caller.holds_any(k.accountable))
    {
      std::string roles;
      for (const auto& r : k.accountable) roles += (roles.empty() ? "" : ", ") + r;
      deny(c, call, t, said("task.not_accountable", {{"roles", roles}}));
    }
    if (!live) fail(409, "conflict", said("task.already", {{"status", engine::status_words(k.status)}}));
    return;
  }
  bool responsible = caller.holds_any(k.responsible) || k.assignee == caller.person.id;
  if (!responsible) deny(c, call, t, said("task.for_role", {{"role", k.responsible.empty() ? definitions::Words{"nobody", "ingen"} : definitions::Words{k.responsible.front()}}}));
  if (!live) fail(409, "conflict", said("task.already", {{"status", engine::status_words(k.status)}}));
  if ((what == "claim" || what == "complete") && !k.assignee.empty() && k.assignee != caller.person.id &&
      !(what == "complete" && caller.substitutes_for(k.assignee)))
    fail(409, "conflict", said("task.claimed_by", {{"person", k.assignee}}));
  if (what == "claim" && k.assignee == caller.person.id) fail(409, "conflict", said("task.claimed_by_you", {}));
  if (what == "unclaim" && k.assignee.empty()) fail(409, "conflict", said("task.not_claimed", {}));
}

json Api::Impl::task_view(Context& c, const runtime::TaskRow& t, const std::string& inbox) {
  json j = render::task_json(t, inbox);
  j["overdue"] = overdue(t.task, c.now);
  return j;
}

json Api::Impl::me_json(const Caller& caller, Context& c) {
  auto org = c.store.organisation();
  json roles = json::array();
  for (const auto& r : caller.person.roles) {
    const runtime::OrgRole* role = org ? org->find_role(r) : nullptr;
    roles.push_back({{"id", r}, {"name", role ? role->name : r}});
  }
  json substituting = json::array();  // whose work the caller takes today, and in which roles
  for (const auto& d : caller.substituting) {
    const runtime::Person* p = org ? org->find_person(d.principal) : nullptr;
    substituting.push_back({{"person", d.principal}, {"name", p ? p->name : d.principal}, {"roles", d.roles}});
  }
  return {{"person", caller.person.id}, {"name", caller.person.name}, {"email", caller.person.email},
          {"roles", roles}, {"substituting", substituting}, {"access", caller.person.access}, {"organisation", org ? org->name : ""},
          {"modeler", {{"available", vendor.available()}, {"reason", vendor.available() ? "" : vendor.missing()}}},
          {"forms", {{"available", form_js.available()}, {"reason", form_js.available() ? "" : form_js.missing()}}},
          {"decisions", {{"available", dmn_js.available()}, {"reason", dmn_js.available() ? "" : dmn_js.missing()}}}};
}

std::string Api::Impl::session_cookie(const std::string& value, long max_age) const {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
         (options.secure_cookies ? "; Secure" : "");
}

void Api::Impl::build() {
  routes_sessions();
  routes_sso();
  routes_definitions();
  routes_cases();
  routes_evidence();
  routes_tasks();
  routes_messages();
  routes_supervision();
  routes_people();
  routes_year();
  routes_registers();
  routes_administration();
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
  for (const auto& r : impl_->router.routes()) out.push_back({r.method, r.path, r.access == Access::open});
  return out;
}

std::string Api::openapi() { return std::string(openapi_document()); }

}  // namespace raciflow::http
