// What people add to a case beside its steps: files (attachments) and comments. Each is a
// record in the case's trail; a file's bytes are kept in the store and its SHA-256 in the
// record, so that `audit verify` notices bytes changed afterwards.
#include <algorithm>

#include "definitions/utf8.h"
#include "runtime/access.h"
#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

namespace {

// The longest file name kept, in bytes.
constexpr std::size_t kMaxFileName = 200;

// A media type as `type/subtype`, nothing else (no parameters, no line breaks).
bool is_media_type(const std::string& t) {
  auto slash = t.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == t.size() || t.size() > 100) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '+' || c == '-';
  }) && std::count(t.begin(), t.end(), '/') == 1;
}

// The file name a person gave, as kept: its last path component, without control
// characters; refused when nothing is left.
std::string attachment_name(const std::string& given) {
  std::string name = given;
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  name.erase(std::remove_if(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }),
             name.end());
  if (name == "." || name == "..") name.clear();
  return name;
}

// The case `person` adds to, and the step of `task` in it (0: the case itself). A case they
// take no part in does not exist for them; a task not of the case is not found.
struct Target {
  Person person;
  CaseRow row;
  std::string node;
};
Target target_of(Store& store, const std::string& case_id, std::int64_t task, const std::string& person) {
  auto org = store.organisation();
  const Person* p = org ? org->find_person(person) : nullptr;
  auto row = store.find_case(case_id);
  auto tasks = row ? store.tasks({case_id, true}) : std::vector<TaskRow>{};
  if (!p || !row || !takes_part(*p, *row, tasks)) throw Refused("no case " + case_id, RefusalKind::not_found);
  std::string node;
  if (task > 0) {
    auto t = std::find_if(tasks.begin(), tasks.end(), [&](const TaskRow& r) { return r.id == task; });
    if (t == tasks.end()) throw Refused("case " + case_id + " has no task " + std::to_string(task), RefusalKind::not_found);
    node = t->task.node_id;
  }
  return {*p, *row, node};
}

// A record of `target`'s case about what its person added.
AuditRecord record_for(const Target& target, const char* action, const std::string& time, json data) {
  AuditRecord r;
  r.time = time;
  r.case_id = target.row.id;
  r.process = target.row.process;
  r.version = target.row.version;
  r.node = target.node;
  r.action = action;
  r.actor = target.person.id;
  r.data = data.dump();
  return r;
}

}  // namespace

std::int64_t Runtime::attach(const std::string& case_id, std::int64_t task, const std::string& given_name, const std::string& type,
                             const std::string& bytes, const std::string& person) {
  std::string name = attachment_name(given_name);
  if (name.empty()) throw Refused("the attachment needs a file name");
  if (name.size() > kMaxFileName) throw Refused("the file name is longer than " + std::to_string(kMaxFileName) + " bytes");
  if (definitions::first_invalid_utf8(name) != std::string::npos) throw Refused("the file name is not UTF-8");
  std::string media = type.empty() ? "application/octet-stream" : type;
  if (!is_media_type(media)) throw Refused("'" + type + "' is not a media type (type/subtype)");
  if (bytes.size() > attachment_limit_)
    throw Refused("the file is " + std::to_string(bytes.size()) + " bytes, more than the limit of " + std::to_string(attachment_limit_));
  return transact([&] {
    Target target = target_of(store_, case_id, task, person);
    Attachment a{0, case_id, task, name, media, static_cast<std::int64_t>(bytes.size()), sha256_hex(bytes), now_text(), target.person.id};
    a.id = store_.add_attachment(a, bytes);
    json data{{"attachment", a.id}, {"name", a.name}, {"type", a.type}, {"size", a.size}, {"sha256", a.sha256}};
    if (task > 0) data["task"] = task;
    append(record_for(target, kAttachmentAdded, a.added_at, std::move(data)));
    return a.id;
  });
}

void Runtime::comment(const std::string& case_id, const std::string& person, const std::string& text, std::int64_t task) {
  std::string trimmed = text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
  if (trimmed.empty()) throw Refused("the comment is empty");
  if (trimmed.size() > kMaxCommentBytes) throw Refused("the comment is longer than " + std::to_string(kMaxCommentBytes) + " bytes");
  if (definitions::first_invalid_utf8(trimmed) != std::string::npos) throw Refused("the comment is not UTF-8");
  transact([&] {
    Target target = target_of(store_, case_id, task, person);
    json data{{"text", trimmed}};
    if (task > 0) data["task"] = task;
    append(record_for(target, kCommentAdded, now_text(), std::move(data)));
    return 0;
  });
}

std::vector<Comment> Runtime::comments(const std::string& case_id) {
  std::vector<Comment> out;
  store_.scan_records(case_id, [&](const AuditRecord& r) {
    if (r.action != kCommentAdded) return;
    json data = json::parse(r.data, nullptr, false);
    if (!data.is_object()) return;
    out.push_back({r.seq, r.time, r.actor, data.value("text", std::string()), data.value("task", std::int64_t{0})});
  });
  return out;
}

}  // namespace raciflow::runtime
