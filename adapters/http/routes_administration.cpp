// Routes: administration: organisation, notifications, API tokens.
#include "adapters/http/api_internal.h"

namespace raciflow::http {

void Api::Impl::routes_administration() {
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
    return no_content();
  });
}

}  // namespace raciflow::http
