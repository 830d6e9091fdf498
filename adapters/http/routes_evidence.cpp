// Routes: what people add to a case beside its steps: attachments (upload, list, download)
// and comments. Who may see the case may list and download; who takes part in it may add.
// A case or file the caller cannot see does not exist for them (404), and the attempt is
// in the trail.
#include "adapters/http/api_internal.h"

#include "runtime/access.h"

namespace raciflow::http {

namespace {

// A file name for Content-Disposition: RFC 6266's quoted fallback in ASCII, and the name
// itself percent-encoded (RFC 5987), so that nothing in it can end the header.
std::string disposition(const std::string& name) {
  std::string ascii, encoded;
  for (unsigned char c : name) {
    ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

json attachment_json(const runtime::Attachment& a) {
  return {{"id", a.id},     {"case", a.case_id},   {"task", a.task == 0 ? json(nullptr) : json(a.task)},
          {"name", a.name}, {"type", a.type},      {"size", a.size},
          {"sha256", a.sha256}, {"added_at", a.added_at}, {"added_by", a.added_by},
          {"href", "/api/attachments/" + std::to_string(a.id)}};
}

std::int64_t optional_task(const std::string& text) {
  if (text.empty()) return 0;
  static const std::regex digits("[1-9][0-9]{0,17}");
  if (!std::regex_match(text, digits)) malformed("task must be a task id (a number)");
  return std::stoll(text);
}

}  // namespace

void Api::Impl::routes_evidence() {
  // A read of a case the caller cannot see: 404, and the attempt in the trail (written
  // after the read, by the writer).
  auto unseen = [this](Call& call, const std::string& what) -> HttpResponse {
    record_refusal(call.me(), call.request, what + " is not one the caller can see");
    throw ApiError{404, "not_found", "no " + what, true};
  };
  // A write the runtime refused as about a case the caller cannot take part in: the same.
  auto written = [this](Call& call, const std::function<void()>& write) {
    try {
      write();
    } catch (const runtime::Refused& e) {
      if (e.kind != runtime::RefusalKind::not_found) throw;
      record_refusal(call.me(), call.request, e.what());
      throw ApiError{404, "not_found", e.what(), true};
    }
  };
  add("GET", "/api/cases/{id}/attachments", Access::person, [this, unseen](Call& call) {
    auto out = service.read([&](Context& c) -> std::optional<json> {
      auto row = runtime::visible_case(c.store, call.caller->person, call.params.at("id"));
      if (!row) return std::nullopt;
      json list = json::array();
      for (const auto& a : c.store.attachments(row->id)) list.push_back(attachment_json(a));
      return list;
    });
    if (!out) return unseen(call, "case '" + call.params.at("id") + "'");
    return json_response(200, *out);
  });
  // The body is the file's bytes, as they are; ?name= its file name (folders are dropped),
  // ?type= (else Content-Type) its media type, ?task= the task it belongs to.
  add("POST", "/api/cases/{id}/attachments", Access::person, [this, written](Call& call) {
    std::string name = call.query["name"];
    if (name.empty()) malformed("give the file's name as ?name=");
    std::int64_t task = optional_task(call.query["task"]);
    std::string type = call.query.count("type") ? call.query["type"] : call.request.content_type;
    if (auto semicolon = type.find(';'); semicolon != std::string::npos) type = type.substr(0, semicolon);
    while (!type.empty() && type.back() == ' ') type.pop_back();
    runtime::Attachment added;
    written(call, [&] {
      added = service.write([&](Context& c) {
        c.runtime.set_attachment_limit(options.attachment_limit);
        auto id = c.runtime.attach(call.params.at("id"), task, name, type, call.request.body, call.me());
        return *c.store.find_attachment(id);
      });
    });
    return json_response(201, attachment_json(added));
  });
  add("GET", "/api/attachments/{attachment}", Access::person, [this, unseen](Call& call) {
    static const std::regex digits("[1-9][0-9]{0,17}");
    const std::string& text = call.params.at("attachment");
    if (!std::regex_match(text, digits)) not_found("no attachment '" + text + "'");
    auto found = service.read([&](Context& c) -> std::optional<std::pair<runtime::Attachment, std::string>> {
      auto a = c.store.find_attachment(std::stoll(text));
      if (!a || !runtime::visible_case(c.store, call.caller->person, a->case_id)) return std::nullopt;
      return std::make_pair(*a, c.store.attachment_bytes(a->id).value_or(""));
    });
    if (!found) return unseen(call, "attachment '" + text + "'");
    // Only ever a download: the bytes as bytes, never rendered in the app's origin.
    HttpResponse r = text_response("application/octet-stream", std::move(found->second));
    r.headers.push_back({"Content-Disposition", disposition(found->first.name)});
    r.headers.push_back({"Content-Security-Policy", "sandbox; default-src 'none'"});
    r.headers.push_back({"X-Raciflow-SHA256", found->first.sha256});
    return r;
  });
  add("GET", "/api/cases/{id}/comments", Access::person, [this, unseen](Call& call) {
    auto out = service.read([&](Context& c) -> std::optional<json> {
      auto row = runtime::visible_case(c.store, call.caller->person, call.params.at("id"));
      if (!row) return std::nullopt;
      json list = json::array();
      for (const auto& m : c.runtime.comments(row->id))
        list.push_back({{"seq", m.seq}, {"time", m.time}, {"person", m.person}, {"text", m.text},
                        {"task", m.task == 0 ? json(nullptr) : json(m.task)}});
      return list;
    });
    if (!out) return unseen(call, "case '" + call.params.at("id") + "'");
    return json_response(200, *out);
  });
  add("POST", "/api/cases/{id}/comments", Access::person, [this, written](Call& call) {
    Body body(call.request, {"text", "task"});
    std::string text = body.text("text", true);
    std::int64_t task = 0;
    if (body.has("task")) task = optional_task(body.text("task", false));
    written(call, [&] {
      service.write([&](Context& c) {
        c.runtime.comment(call.params.at("id"), call.me(), text, task);
        return 0;
      });
    });
    return json_response(201, {{"case", call.params.at("id")}});
  });
}

}  // namespace raciflow::http
