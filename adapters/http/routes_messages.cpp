// Routes: messages and signals from outside.
#include "adapters/http/api_internal.h"

namespace raciflow::http {

void Api::Impl::routes_messages() {
  add("POST", "/api/messages", Access::person, [this](Call& call) {
    Body body(call.request, {"name", "key", "variables"});
    std::string name = body.text("name", true), key = body.text("key", false);
    json variables = body.object("variables");
    auto cases = service.write([&](Context& c) {
      // A message continues only cases the sender may see; to the sender, the others do
      // not wait (docs/api.md).
      runtime::Runtime::CaseFilter visible;
      if (!call.caller->reads_all())
        visible = [&](const std::string& id) { return runtime::visible_case(c.store, call.caller->person, id).has_value(); };
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
        std::erase_if(ids, [&](const std::string& id) { return !runtime::visible_case(c.store, call.caller->person, id); });
      };
      visible(out.continued);
      visible(out.started);
      return out;
    });
    return json_response(200, {{"continued", reached.continued}, {"started", reached.started}});
  });
}

}  // namespace raciflow::http
