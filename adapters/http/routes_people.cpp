// Routes: people's own arrangements: substitutes while they are away.
#include "adapters/http/api_internal.h"

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
}

}  // namespace raciflow::http
