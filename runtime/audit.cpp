#include "runtime/audit.h"

#include <array>
#include <stdexcept>

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

namespace raciflow::runtime {

using nlohmann::json;

std::string sha256_hex(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed in libcrypto");
  return to_hex(digest.data(), length);
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 0xf];
  }
  return out;
}

std::optional<std::string> from_hex(const std::string& text) {
  if (text.size() % 2) return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  std::string out(text.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = digit(text[2 * i]), lo = digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string chain_hash(const AuditRecord& r, const std::string& previous) {
  // A JSON array of the stored fields: unambiguous, whatever the fields contain.
  // A lean record's events are one more member; a record without them hashes as records
  // did before the lean form, so old chains verify unchanged.
  json content = json::array({r.prev_hash.empty() ? previous : r.prev_hash, r.seq, r.time, r.case_id, r.process,
                              r.version, r.node, r.action, r.actor, r.role, r.raci, r.data});
  if (!r.events.empty()) content.push_back(r.events);
  return sha256_hex(content.dump());
}

AuditRecord record_of(const engine::Event& e, const std::string& case_id, const std::string& process, int version) {
  AuditRecord r;
  r.time = definitions::format_date_time(e.time);
  r.case_id = case_id;
  r.process = process;
  r.version = version;
  r.node = e.node;
  r.action = engine::to_string(e.kind);
  r.actor = e.actor;
  r.role = e.role;
  r.raci = e.raci;
  r.data = e.data.dump();
  return r;
}

namespace {

using engine::EventKind;

// Events that only follow from the record's head: the trail keeps them inside it.
bool follows(EventKind kind) {
  switch (kind) {
    case EventKind::node_entered:
    case EventKind::token_waiting:
    case EventKind::token_consumed:
    case EventKind::join_arrived:
    case EventKind::join_fired:
    case EventKind::scope_started:
    case EventKind::scope_ended:
    case EventKind::task_created:
    case EventKind::task_cancelled:
    case EventKind::timer_scheduled:
    case EventKind::timer_cancelled:
    case EventKind::subscription_opened:
    case EventKind::subscription_closed:
    case EventKind::compensation_recorded:
    case EventKind::case_completed:
      return true;
    default:
      return false;
  }
}

struct Group {
  int head = -1;  // index into the command's events; -1: a token_moved record
  std::vector<int> members;
};

// Short names for the events that follow a head, the most frequent in the trail; the rest
// are stored by their full names. Never change one: stored records use them.
constexpr std::pair<EventKind, const char*> kShort[] = {
    {EventKind::node_entered, "n"},     {EventKind::token_waiting, "w"},      {EventKind::token_consumed, "c"},
    {EventKind::join_arrived, "ja"},    {EventKind::join_fired, "jf"},        {EventKind::scope_started, "ss"},
    {EventKind::scope_ended, "se"},     {EventKind::task_created, "t"},       {EventKind::task_cancelled, "tx"},
    {EventKind::timer_scheduled, "ts"}, {EventKind::timer_cancelled, "tc"},   {EventKind::subscription_opened, "so"},
    {EventKind::subscription_closed, "sc"}, {EventKind::case_completed, "cc"}, {EventKind::variables_set, "v"},
};

std::string short_name(EventKind kind) {
  for (const auto& [k, name] : kShort)
    if (k == kind) return name;
  return engine::to_string(kind);
}

std::optional<EventKind> kind_named(const std::string& name) {
  for (const auto& [k, n] : kShort)
    if (name == n) return k;
  return engine::event_kind_from_string(name);
}

// The item that stands for a token_waiting at a task and the task_created for that token
// right after it, with the same time and actor: the task's item, under this name.
constexpr const char* kWaitingTask = "tw";

bool waits_for_task(const engine::Event& w, const engine::Event& t) {
  return w.kind == EventKind::token_waiting && t.kind == EventKind::task_created && w.node == t.node &&
         w.time == t.time && w.actor == t.actor && w.role == t.role && w.raci == t.raci && t.data.contains("token") &&
         w.data == json{{"token", t.data["token"]}};
}

// The variables a person sets with a step, as its head already states them: what stands in
// their place is "=" (the head's variables and Accountable, in the head's role).
json head_variables(const json& head) {
  json out = json::object();
  for (const char* key : {"accountable", "variables"})
    if (auto it = head.find(key); it != head.end()) out[key] = *it;
  return out;
}

std::string where(const AuditRecord& r) { return "audit record " + std::to_string(r.seq) + ": "; }

engine::Event read_event(const AuditRecord& r, const std::string& action, const std::string& node, json data) {
  engine::Event e;
  auto kind = kind_named(action);
  if (!kind) throw std::runtime_error(where(r) + "unknown action '" + action + "'");
  e.kind = *kind;
  auto time = definitions::parse_date_time(r.time);
  if (!time) throw std::runtime_error(where(r) + "unreadable time '" + r.time + "'");
  e.time = *time;
  e.node = node;
  e.actor = r.actor;
  e.role = r.role;
  e.raci = r.raci;
  e.data = std::move(data);
  return e;
}

}  // namespace

std::vector<AuditRecord> records_of(const std::vector<engine::Event>& events, const std::string& case_id,
                                    const std::string& process, int version) {
  std::vector<Group> groups;
  for (int i = 0; i < static_cast<int>(events.size()); ++i) {
    const engine::Event& e = events[i];
    Group* current = groups.empty() ? nullptr : &groups.back();
    const engine::Event* head = current && current->head >= 0 ? &events[current->head] : nullptr;
    bool lone = current && current->members.size() == 1;
    if (current && follows(e.kind)) {
      current->members.push_back(i);
    } else if (current && head && e.kind == EventKind::variables_set && head->kind == EventKind::case_started && lone) {
      current->members.push_back(i);  // the variables a case starts with
    } else if (current && head && e.kind == EventKind::task_completed && head->kind == EventKind::variables_set && lone &&
               head->node == e.node && head->actor == e.actor) {
      current->members.push_back(i);  // the variables a person sets by completing the step
      current->head = i;
    } else {
      groups.push_back(Group{follows(e.kind) ? -1 : i, {i}});
    }
  }
  std::vector<AuditRecord> records;
  records.reserve(groups.size());
  for (const Group& g : groups) {
    if (g.head >= 0 && g.members.size() == 1) {
      records.push_back(record_of(events[g.head], case_id, process, version));
      continue;
    }
    const engine::Event& first = events[g.members.front()];
    AuditRecord r;
    if (g.head >= 0) {
      r = record_of(events[g.head], case_id, process, version);
    } else {
      r = record_of(first, case_id, process, version);
      r.action = kTokenMoved;
      r.role.clear();
      r.raci.clear();
      r.data = "{}";
    }
    const engine::Event& base = g.head >= 0 ? events[g.head] : first;
    json list = json::array();
    for (std::size_t m = 0; m < g.members.size(); ++m) {
      int i = g.members[m];
      if (i == g.head) {
        list.push_back(0);
        continue;
      }
      const engine::Event& e = events[i];
      // A token that waits at a task and the task opened for it: one "tw" item.
      if (m + 1 < g.members.size() && waits_for_task(e, events[g.members[m + 1]])) continue;
      bool folded = m > 0 && e.kind == EventKind::task_created && waits_for_task(events[g.members[m - 1]], e);
      json item = json::array({folded ? kWaitingTask : short_name(e.kind), e.node});
      if (g.head >= 0 && e.kind == EventKind::variables_set && e.node == base.node && e.role == base.role &&
          e.raci == base.raci && e.time == base.time && e.actor == base.actor && e.data == head_variables(base.data)) {
        item.push_back("=");
        list.push_back(std::move(item));
        continue;
      }
      // What differs from the record: its time and actor, or a role (events that follow
      // a head have none, as a rule).
      json extra = json::object();
      if (e.time != base.time) extra["time"] = definitions::format_date_time(e.time);
      if (e.actor != base.actor) extra["actor"] = e.actor;
      if (!e.role.empty()) extra["role"] = e.role;
      if (!e.raci.empty()) extra["raci"] = e.raci;
      if (!e.data.empty() || !extra.empty()) {
        // A path's step names its flow alone: the flow id stands for {"flow": id}.
        if (e.data.size() == 1 && e.data.contains("flow") && e.data["flow"].is_string() && e.kind != EventKind::variables_set)
          item.push_back(e.data["flow"]);
        else
          item.push_back(e.data);
      }
      if (!extra.empty()) item.push_back(std::move(extra));
      list.push_back(std::move(item));
    }
    r.events = list.dump();
    records.push_back(std::move(r));
  }
  return records;
}

std::vector<engine::Event> events_of(const AuditRecord& r) try {
  json data = json::parse(r.data, nullptr, false);
  if (data.is_discarded()) throw std::runtime_error(where(r) + "its data is not JSON");
  if (r.action == kAttachmentAdded || r.action == kCommentAdded) return {};
  if (r.events.empty()) return {read_event(r, r.action, r.node, std::move(data))};
  json list = json::parse(r.events, nullptr, false);
  if (!list.is_array()) throw std::runtime_error(where(r) + "its events are not a JSON array");
  std::vector<engine::Event> out;
  out.reserve(list.size());
  bool head = false;
  for (auto& item : list) {
    if (item.is_number_integer() && item.get<int>() == 0 && !head && r.action != kTokenMoved) {
      out.push_back(read_event(r, r.action, r.node, data));
      head = true;
      continue;
    }
    if (item.is_array() && item.size() == 3 && item[2] == "=" && item[0] == "v" && item[1].is_string() &&
        r.action != kTokenMoved) {
      // The variables the head states (a completion's come just before it), in its role.
      out.push_back(read_event(r, "v", item[1].get<std::string>(), head_variables(data)));
      continue;
    }
    if (!item.is_array() || item.size() < 2 || item.size() > 4 || !item[0].is_string() || !item[1].is_string() ||
        (item.size() > 2 && !item[2].is_object() && !item[2].is_string()) || (item.size() > 3 && !item[3].is_object()))
      throw std::runtime_error(where(r) + "event " + std::to_string(out.size() + 1) + " of it is not [kind, node, data]");
    json event_data = json::object();
    if (item.size() > 2 && item[2].is_string())
      event_data["flow"] = std::move(item[2]);
    else if (item.size() > 2)
      event_data = std::move(item[2]);
    bool waiting = item[0] == kWaitingTask;
    if (waiting && !event_data.contains("token"))
      throw std::runtime_error(where(r) + "event " + std::to_string(out.size() + 1) + " of it opens a task for no token");
    engine::Event e = read_event(r, waiting ? "t" : item[0].get<std::string>(), item[1].get<std::string>(), std::move(event_data));
    e.role.clear();
    e.raci.clear();
    if (item.size() > 3) {
      const json& extra = item[3];
      if (extra.contains("time")) {
        auto time = extra["time"].is_string() ? definitions::parse_date_time(extra["time"].get<std::string>()) : std::nullopt;
        if (!time) throw std::runtime_error(where(r) + "an event of it has an unreadable time");
        e.time = *time;
      }
      e.actor = extra.value("actor", e.actor);
      e.role = extra.value("role", e.role);
      e.raci = extra.value("raci", e.raci);
    }
    if (waiting) {
      engine::Event w;
      w.kind = EventKind::token_waiting;
      w.time = e.time;
      w.node = e.node;
      w.actor = e.actor;
      w.role = e.role;
      w.raci = e.raci;
      w.data = json::object();
      w.data["token"] = e.data["token"];
      out.push_back(std::move(w));
    }
    out.push_back(std::move(e));
  }
  if (r.action != kTokenMoved && !head) throw std::runtime_error(where(r) + "its events do not hold its own");
  return out;
} catch (const json::exception&) {
  throw std::runtime_error(where(r) + "its events do not read as [kind, node, data, fields]");
}

bool holds(const AuditRecord& r, engine::EventKind kind) {
  const char* name = engine::to_string(kind);
  if (r.action == name) return true;
  bool named = r.events.find('"' + short_name(kind) + '"') != std::string::npos ||
               ((kind == EventKind::task_created || kind == EventKind::token_waiting) &&
                r.events.find(std::string("\"") + kWaitingTask + '"') != std::string::npos);
  if (!named) return false;  // the common case: no parse
  for (const auto& e : events_of(r))
    if (e.kind == kind) return true;
  return false;
}

ChainHead append_chained(AuditStore& store, std::vector<AuditRecord> records) {
  ChainHead head = store.chain_head().value_or(ChainHead{});
  for (auto& r : records) {
    r.seq = head.seq + 1;
    r.prev_hash.clear();  // not stored: the hash covers the previous record's (runtime/audit.h)
    r.hash = chain_hash(r, head.hash);
    store.append(r);
    head = {r.seq, r.hash};
  }
  return head;
}

}  // namespace raciflow::runtime
