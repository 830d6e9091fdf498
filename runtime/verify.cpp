// The read side: a case as shown, the snapshot the store keeps of it, and verifying
// the store against the trail.
#include "runtime/runtime.h"

#include <algorithm>
#include <set>
#include <thread>

#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

// --- read side ---------------------------------------------------------------------------

const definitions::Process& Runtime::process_of(const std::string& process, int version) { return flow(process, version).process(); }

const std::vector<definitions::FormField>& Runtime::form_of(const std::string& process, int version, const std::string& node) {
  const Flow& f = flow(process, version);
  auto it = f.forms.find(node);
  if (it == f.forms.end()) it = f.forms.emplace(node, definitions::form_fields(f.process(), node)).first;
  return it->second;
}

Runtime::CaseView Runtime::show(const std::string& case_id) {
  Live live = load(case_id);
  CaseView view{live.row, live.state, {}, {}};
  if (const auto* incident = live.state.incident(); incident && incident->node >= 0)
    view.incident_node = live.flow->process().nodes[incident->node].id;
  for (const auto& [id, token] : live.state.tokens) {
    const std::string& node = live.flow->process().nodes[token.node].id;
    if (std::find(view.active_nodes.begin(), view.active_nodes.end(), node) == view.active_nodes.end())
      view.active_nodes.push_back(node);
  }
  return view;
}

CaseSnapshot snapshot_of(const CaseRow& row, const CaseState& state, const definitions::Process& process) {
  CaseSnapshot s;
  s.row = row;
  s.row.status = engine::to_string(state.status);
  s.variables = state.variables;
  for (const auto& i : state.incidents) s.incident += (s.incident.empty() ? "" : "\n") + i.reason;
  for (const auto& [id, t] : state.tokens) s.tokens.push_back({id, process.nodes[t.node].id, t.scope});
  for (const auto& [id, t] : state.timers) s.timers.push_back({id, process.nodes[t.node].id, definitions::format_date_time(t.due)});
  for (const auto& [id, sub] : state.subscriptions)
    s.subscriptions.push_back({id, process.nodes[sub.node].id,
                               sub.condition ? std::string("\x1f" "condition") : sub.signal.empty() ? sub.message : signal_key(sub.signal)});
  for (const auto& [id, t] : state.tasks) s.tasks.push_back(t);
  return s;
}

namespace {

// Whether a stored task is the task the events make, in the fields the store keeps. Times
// compare as stored (to the second); no JSON is built (verify compares every task).
bool same_task(const engine::Task& a, const engine::Task& b) {
  auto second = [](definitions::TimePoint t) { return std::chrono::floor<std::chrono::seconds>(t); };
  auto same_time = [&](const std::optional<definitions::TimePoint>& x, const std::optional<definitions::TimePoint>& y) {
    return x.has_value() == y.has_value() && (!x || second(*x) == second(*y));
  };
  if (a.id != b.id || a.node_id != b.node_id || a.status != b.status || a.assignee != b.assignee || a.escalated != b.escalated ||
      a.reminded != b.reminded || a.responsible != b.responsible || a.completed_by != b.completed_by ||
      !same_time(a.due, b.due) || a.reminders.size() != b.reminders.size() || a.consultations.size() != b.consultations.size())
    return false;
  for (std::size_t i = 0; i < a.reminders.size(); ++i)
    if (second(a.reminders[i]) != second(b.reminders[i])) return false;
  for (std::size_t i = 0; i < a.consultations.size(); ++i) {
    const auto &x = a.consultations[i], &y = b.consultations[i];
    if (x.role != y.role || x.answer != y.answer || x.answered_by != y.answered_by || x.waived_by != y.waived_by) return false;
  }
  return true;
}

// The first difference between the stored state and the state the events make.
std::string difference(const CaseSnapshot& stored, const CaseSnapshot& replayed) {
  if (stored.row.status != replayed.row.status)
    return "stored status '" + stored.row.status + "', its events say '" + replayed.row.status + "'";
  if (stored.variables != replayed.variables) return "stored variables differ from its events";
  if (stored.incident != replayed.incident) return "stored incident differs from its events";
  if (stored.tokens != replayed.tokens) return "stored tokens differ from its events";
  if (stored.timers != replayed.timers) return "stored timers differ from its events";
  if (stored.subscriptions != replayed.subscriptions) return "stored message subscriptions differ from its events";
  if (stored.tasks.size() != replayed.tasks.size()) return "stored tasks differ in number from its events";
  for (std::size_t i = 0; i < stored.tasks.size(); ++i)
    if (!same_task(stored.tasks[i], replayed.tasks[i]))
      return "stored task at '" + stored.tasks[i].node_id + "' differs from its events";
  return "";
}

}  // namespace

VerifyReport Runtime::verify(const std::function<void(std::int64_t, std::int64_t)>& progress) {
  VerifyReport report;
  const std::int64_t total = store_.record_count();
  const auto last = store_.last_records();
  std::map<std::string, CaseRow> rows;
  for (auto& row : store_.cases("", "")) rows.emplace(row.id, std::move(row));
  report.cases = static_cast<std::int64_t>(rows.size());

  // A case being replayed as its records go by: its state, and what its case_started said.
  struct Replay {
    Live live;
    json started;
    bool failed = false;
  };
  std::map<std::string, Replay> open;
  std::set<std::string> done;
  std::vector<std::string> case_problems;  // in the order the cases' last records come
  std::int64_t expected_inbox = 0;
  auto finish = [&](const std::string& id, Replay& r) {
    if (r.failed) return;
    CaseSnapshot replayed = snapshot_of(r.live.row, r.live.state, r.live.flow->process());
    auto stored = store_.load_snapshot(id);
    std::string diff = stored ? difference(*stored, replayed) : "it has no stored state";
    const CaseRow& row = r.live.row;
    if (diff.empty() && (r.started.value("key", "") != row.key ||
                         (row.parent_case.empty() ? r.started.contains("parent")
                                                  : r.started.value("parent", json::object()).value("case", "") != row.parent_case)))
      diff = "its stored key or calling case differs from its case_started event";
    // The inbox index: every live task under each of its keys (the count below catches
    // keys left behind).
    for (const auto& [local, task] : r.live.state.tasks) {
      auto keys = inbox_keys(task);
      expected_inbox += static_cast<std::int64_t>(keys.size());
      if (!diff.empty() || keys.empty()) continue;
      auto global = store_.task_id(id, local);
      for (const auto& key : keys)
        if (!global || !store_.inbox_holds(key, *global)) {
          diff = "the inbox index lacks its task at '" + task.node_id + "' under " + key;
          break;
        }
    }
    if (!diff.empty()) case_problems.push_back("case " + id + ": " + diff);
  };

  // Hashing and reading events is most of the work and needs nothing shared: a batch of
  // records is split over the cores; the chain's order and the replays stay in this thread.
  const unsigned workers = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  constexpr std::size_t kBatch = 4096;
  struct Checked {
    bool hash_ok = false;
    std::vector<Event> events;
    std::string error;
  };
  std::vector<AuditRecord> batch;
  std::vector<Checked> checked;
  // Each attachment's record: its seq and the SHA-256 it sealed.
  std::map<std::int64_t, std::pair<std::int64_t, std::string>> sealed;
  std::string previous;
  std::int64_t expected = 1;
  bool chain_ok = true;
  auto run_batch = [&] {
    checked.assign(batch.size(), Checked{});
    auto work = [&](std::size_t from, std::size_t to) {
      for (std::size_t k = from; k < to; ++k) {
        const AuditRecord& r = batch[k];
        checked[k].hash_ok = chain_hash(r, k == 0 ? previous : batch[k - 1].hash) == r.hash;
        if (r.case_id.empty()) continue;
        try {
          checked[k].events = events_of(r);
        } catch (const std::exception& e) {
          checked[k].error = e.what();
        }
      }
    };
    std::vector<std::thread> threads;
    std::size_t share = (batch.size() + workers - 1) / workers;
    for (unsigned w = 1; w < workers && w * share < batch.size(); ++w)
      threads.emplace_back(work, w * share, std::min(batch.size(), (w + 1) * share));
    work(0, std::min(batch.size(), share));
    for (auto& t : threads) t.join();

    for (std::size_t k = 0; k < batch.size() && chain_ok; ++k) {
      const AuditRecord& r = batch[k];
      std::string where = "audit record " + std::to_string(r.seq) + " (" + r.action +
                          (r.case_id.empty() ? "" : ", case " + r.case_id) + ")";
      if (r.seq != expected)
        report.problems.push_back("audit record " + std::to_string(expected) + " is missing (the next one is " + std::to_string(r.seq) + ")");
      else if (!r.prev_hash.empty() && r.prev_hash != previous)
        report.problems.push_back(where + ": does not link to the record before it");
      else if (!checked[k].hash_ok)
        report.problems.push_back(where + ": its content does not match its hash; it was changed after it was written");
      chain_ok = report.problems.empty();
      previous = r.hash;
      ++expected;
      if (chain_ok && r.action == kAttachmentAdded) {
        json data = json::parse(r.data, nullptr, false);
        if (data.is_object() && data.contains("attachment") && data["attachment"].is_number_integer())
          sealed[data["attachment"].get<std::int64_t>()] = {r.seq, data.value("sha256", std::string())};
      }
      if (r.case_id.empty() || !chain_ok) continue;

      auto it = open.find(r.case_id);
      if (it == open.end()) {
        auto row = rows.find(r.case_id);
        if (row == rows.end() || done.count(r.case_id)) continue;  // a refusal about no case; verify names stray cases below
        it = open.emplace(r.case_id, Replay{Live{row->second, {}, nullptr}, json(), false}).first;
        try {
          it->second.live.flow = &flow(row->second.process, row->second.version);
        } catch (const std::exception& e) {
          case_problems.push_back("case " + r.case_id + ": its events do not replay: " + e.what());
          it->second.failed = true;
        }
      }
      Replay& replay = it->second;
      if (!replay.failed) {
        try {
          if (!checked[k].error.empty()) throw std::runtime_error(checked[k].error);
          for (const Event& e : checked[k].events) {
            if (e.kind == EventKind::case_started && replay.started.is_null()) replay.started = e.data;
            engine::apply(replay.live.state, e, replay.live.flow->process());
          }
        } catch (const std::exception& e) {
          case_problems.push_back("case " + r.case_id + ": its events do not replay: " + e.what());
          replay.failed = true;
        }
      }
      if (auto end = last.find(r.case_id); end != last.end() && end->second == r.seq) {
        finish(r.case_id, replay);
        done.insert(r.case_id);
        open.erase(it);
      }
    }
    report.records += static_cast<std::int64_t>(batch.size());
    batch.clear();
    if (progress) progress(report.records, total);
  };
  store_.scan_records("", [&](const AuditRecord& r) {
    if (!chain_ok) return;
    batch.push_back(r);
    if (batch.size() == kBatch) run_batch();
  });
  if (chain_ok && !batch.empty()) run_batch();
  if (!chain_ok) return report;
  for (const auto& [id, row] : rows)
    if (!done.count(id)) case_problems.push_back("case " + id + ": it has no events in the trail");
  if (case_problems.empty() && store_.inbox_size() != expected_inbox)
    case_problems.push_back("the inbox index holds " + std::to_string(store_.inbox_size()) + " entries where the live tasks make " +
                            std::to_string(expected_inbox));
  // Every file's bytes against the hash its record sealed, and every sealed file still there.
  for (const auto& a : store_.attachments("")) {
    std::string what = "attachment " + std::to_string(a.id) + " '" + a.name + "' of case " + a.case_id;
    auto it = sealed.find(a.id);
    if (it == sealed.end()) {
      case_problems.push_back(what + ": no record in the trail adds it");
      continue;
    }
    auto bytes = store_.attachment_bytes(a.id);
    if (!bytes || sha256_hex(*bytes) != it->second.second || a.sha256 != it->second.second)
      case_problems.push_back(what + ": its bytes changed after audit record " + std::to_string(it->second.first) + " sealed them");
    sealed.erase(it);
  }
  for (const auto& [id, record] : sealed)
    case_problems.push_back("attachment " + std::to_string(id) + ", sealed in audit record " + std::to_string(record.first) +
                            ", is missing from the store");
  report.problems = std::move(case_problems);
  return report;
}

}  // namespace raciflow::runtime
