// Routes: people's own arrangements: substitutes while they are away, calendar feeds.
#include "adapters/http/api_internal.h"
#include "adapters/render/ics.h"

namespace raciflow::http {

namespace {

// Whether the caller takes part in a substitute period: as the person away or as the
// substitute. Others do not learn it exists (404), except the admin and the auditor.
bool sees(const Caller& caller, const runtime::Substitution& s) {
  return caller.reads_all() || s.person == caller.person.id || s.substitute == caller.person.id;
}

}  // namespace

void Api::Impl::routes_people() {
  add("GET", "/api/substitutes", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      json out = json::array();
      for (const auto& s : c.runtime.substitutions())
        if (sees(*call.caller, s)) out.push_back(runtime::to_json(s));
      return out;
    }));
  });
  // A person names their own substitute; the admin names one for anyone.
  add("POST", "/api/substitutes", Access::person, [this](Call& call) {
    Body body(call.request, {"person", "substitute", "from", "until"});
    std::string person = body.text("person", false);
    if (person.empty()) person = call.me();
    if (person != call.me() && !call.caller->admin()) forbidden("only the admin names a substitute for someone else");
    std::string substitute = body.text("substitute", true), from = body.text("from", true), until = body.text("until", true);
    return json_response(201, service.write([&](Context& c) {
      return runtime::to_json(c.runtime.set_substitute(person, substitute, from, until, call.me()));
    }));
  });
  // Ends a period early: the person away, or the admin; the substitute cannot.
  add("POST", "/api/substitutes/{id}/end", Access::person, [this](Call& call) {
    std::int64_t id = id_number(call, "substitute period");
    return json_response(200, service.write([&](Context& c) {
      auto all = c.runtime.substitutions();
      auto it = std::find_if(all.begin(), all.end(), [&](const runtime::Substitution& s) { return s.id == id; });
      if (it == all.end() || !sees(*call.caller, *it)) not_found("no substitute period " + std::to_string(id));
      if (it->person != call.me() && !call.caller->admin())
        forbidden("only " + it->person + " or the admin ends this substitute period");
      return runtime::to_json(c.runtime.end_substitute(id, call.me()));
    }));
  });

  // A person's calendar feed. Calendar clients cannot log in, so the address holds a
  // secret of the person's own (POST /api/me/calendar-feed); it reads this feed and
  // nothing else. A wrong or revoked address is 404, counted with the anonymous refusals.
  add("GET", "/api/calendar/{feed}", Access::open, [this](Call& call) {
    static const std::regex shape("[0-9a-f]{64}\\.ics");
    const std::string feed = call.params["feed"];
    std::optional<std::pair<std::string, std::string>> found;  // whose, and the feed
    if (std::regex_match(feed, shape)) {
      found = service.read([&](Context& c) -> std::optional<std::pair<std::string, std::string>> {
        auto person = c.accounts.calendar_feed_person(feed.substr(0, 64));
        if (!person) return std::nullopt;
        auto calendar = c.runtime.personal_calendar(*person);
        if (calendar.person.empty()) return std::nullopt;  // no longer in the organisation
        auto org = c.store.organisation();
        auto language = call.query.count("lang") ? request_language(call.request)
                                                  : definitions::parse_language(org->language).value_or(definitions::Language::en);
        return std::make_pair(*person, render::calendar_ics(calendar, language, service.now(), own_origin(call.request)));
      });
    }
    if (!found) {
      HttpRequest shown = call.request;  // the trail keeps no secret, even a wrong one
      shown.target = "/api/calendar/...";
      refused_anonymously(shown, "no calendar feed at this address");
      not_found("no calendar feed at this address");
    }
    service.write([&](Context& c) {
      c.accounts.calendar_feed_read(found->first, call.request.remote);
      return 0;
    });
    auto response = text_response("text/calendar; charset=utf-8", std::move(found->second));
    response.person = found->first;
    return response;
  });
  // The caller's own feed: whether there is one (never its secret), a new one (the address
  // is shown this once; the previous one stops working), or none.
  add("GET", "/api/me/calendar-feed", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) {
      auto feed = c.store.calendar_feed(call.me());
      if (!feed) return json{{"active", false}};
      return json{{"active", true}, {"created_at", feed->created_at}, {"created_by", feed->created_by}};
    }));
  });
  add("POST", "/api/me/calendar-feed", Access::person, [this](Call& call) {
    std::string secret = service.write([&](Context& c) { return c.accounts.issue_calendar_feed(call.me(), call.me()); });
    std::string path = "/api/calendar/" + secret + ".ics";
    return json_response(201, {{"path", path}, {"url", own_origin(call.request) + path}});
  });
  add("DELETE", "/api/me/calendar-feed", Access::person, [this](Call& call) {
    bool revoked = service.write([&](Context& c) { return c.accounts.revoke_calendar_feed(call.me(), call.me()); });
    if (!revoked) not_found("you have no calendar feed");
    return no_content();
  });

  // The caller's choice of e-mail: each notification, or a daily or weekly digest, with
  // when the organisation sends digests.
  auto digest_of = [](Context& c, const std::string& person) {
    auto org = c.store.organisation();
    return json{{"digest", c.runtime.digest_choice(person)},
                {"time", org ? org->digest_time : "07:00"},
                {"day", org ? org->digest_day : "monday"}};
  };
  add("GET", "/api/me/digest", Access::person, [this, digest_of](Call& call) {
    return json_response(200, service.read([&](Context& c) { return digest_of(c, call.me()); }));
  });
  add("PUT", "/api/me/digest", Access::person, [this, digest_of](Call& call) {
    Body body(call.request, {"digest"});
    std::string choice = body.text("digest", true);
    return json_response(200, service.write([&](Context& c) {
      c.runtime.choose_digest(call.me(), choice, call.me());
      return digest_of(c, call.me());
    }));
  });
}

}  // namespace raciflow::http
