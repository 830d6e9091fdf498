#include "engine/case.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace raciflow::engine {

namespace {

struct KindName {
  EventKind kind;
  const char* name;
};

constexpr KindName kKindNames[] = {
    {EventKind::case_started, "case_started"},
    {EventKind::variables_set, "variables_set"},
    {EventKind::node_entered, "node_entered"},
    {EventKind::token_waiting, "token_waiting"},
    {EventKind::token_consumed, "token_consumed"},
    {EventKind::join_arrived, "join_arrived"},
    {EventKind::join_fired, "join_fired"},
    {EventKind::scope_started, "scope_started"},
    {EventKind::scope_ended, "scope_ended"},
    {EventKind::task_created, "task_created"},
    {EventKind::task_claimed, "task_claimed"},
    {EventKind::task_unclaimed, "task_unclaimed"},
    {EventKind::task_completed, "task_completed"},
    {EventKind::task_cancelled, "task_cancelled"},
    {EventKind::task_escalated, "task_escalated"},
    {EventKind::task_reminded, "task_reminded"},
    {EventKind::consultation_answered, "consultation_answered"},
    {EventKind::consultation_waived, "consultation_waived"},
    {EventKind::consultation_skipped, "consultation_skipped"},
    {EventKind::notification_queued, "notification_queued"},
    {EventKind::timer_scheduled, "timer_scheduled"},
    {EventKind::timer_fired, "timer_fired"},
    {EventKind::timer_cancelled, "timer_cancelled"},
    {EventKind::subscription_opened, "subscription_opened"},
    {EventKind::subscription_closed, "subscription_closed"},
    {EventKind::message_correlated, "message_correlated"},
    {EventKind::signal_thrown, "signal_thrown"},
    {EventKind::signal_caught, "signal_caught"},
    {EventKind::message_sent, "message_sent"},
    {EventKind::call_started, "call_started"},
    {EventKind::call_completed, "call_completed"},
    {EventKind::incident_raised, "incident_raised"},
    {EventKind::incident_resolved, "incident_resolved"},
    {EventKind::case_completed, "case_completed"},
    {EventKind::case_terminated, "case_terminated"},
    {EventKind::case_cancelled, "case_cancelled"},
    {EventKind::command_refused, "command_refused"},
    {EventKind::condition_changed, "condition_changed"},
    {EventKind::compensation_recorded, "compensation_recorded"},
    {EventKind::compensation_started, "compensation_started"},
    {EventKind::escalation_raised, "escalation_raised"},
    {EventKind::decision_evaluated, "decision_evaluated"},
};

[[noreturn]] void corrupt(const Event& e, const std::string& why) {
  throw std::logic_error(std::string(to_string(e.kind)) + " at '" + e.node + "': " + why);
}

int node_index(const definitions::Process& p, const Event& e) {
  int index = p.node_index(e.node);
  if (index < 0) corrupt(e, "unknown node");
  return index;
}

// The scope of a token event: the lean form leaves out the case's root scope (0).
int scope_of(const Event& e) {
  auto it = e.data.find("scope");
  if (it == e.data.end()) return 0;
  if (!it->is_number_integer()) corrupt(e, "no scope");
  return it->get<int>();
}

int id_of(const Event& e, const char* field) {
  auto it = e.data.find(field);
  if (it == e.data.end() || !it->is_number_integer()) corrupt(e, std::string("no ") + field);
  return it->get<int>();
}

void claim_id(CaseState& s, int id) {
  if (id >= s.next_id) s.next_id = id + 1;
}

template <typename Map>
auto& existing(Map& map, int id, const Event& e, const char* what) {
  auto it = map.find(id);
  if (it == map.end()) corrupt(e, std::string("no ") + what + " " + std::to_string(id));
  return it->second;
}

std::vector<std::string> strings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& s : j) out.push_back(s.get<std::string>());
  return out;
}

TimePoint time_of(const Event& e, const char* field) {
  auto t = definitions::parse_date_time(e.data.value(field, std::string()));
  if (!t) corrupt(e, std::string("bad time in ") + field);
  return *t;
}

TimerPurpose purpose_of(const Event& e) {
  std::string p = e.data.value("purpose", std::string());
  if (p == "boundary") return TimerPurpose::boundary;
  if (p == "event_gateway") return TimerPurpose::event_gateway;
  if (p == "event_sub_process") return TimerPurpose::event_sub_process;
  return TimerPurpose::catch_event;
}

}  // namespace

const char* to_string(CaseStatus status) {
  switch (status) {
    case CaseStatus::active: return "active";
    case CaseStatus::completed: return "completed";
    case CaseStatus::terminated: return "terminated";
    case CaseStatus::cancelled: return "cancelled";
    case CaseStatus::incident: return "incident";
  }
  return "?";
}

const char* to_string(TaskStatus status) {
  switch (status) {
    case TaskStatus::open: return "open";
    case TaskStatus::claimed: return "claimed";
    case TaskStatus::completed: return "completed";
    case TaskStatus::cancelled: return "cancelled";
  }
  return "?";
}

const char* to_string(EventKind kind) {
  for (const auto& k : kKindNames)
    if (k.kind == kind) return k.name;
  return "?";
}

std::optional<EventKind> event_kind_from_string(const std::string& name) {
  for (const auto& k : kKindNames)
    if (name == k.name) return k.kind;
  return std::nullopt;
}

void apply(CaseState& s, const Event& e, const definitions::Process& p) {
  switch (e.kind) {
    case EventKind::case_started:
      s.id = e.data.value("case", std::string());
      s.process = e.data.value("process", std::string());
      s.version = e.data.value("version", 0);
      s.status = CaseStatus::active;
      s.scopes[0] = Scope{0, -1, -1, -1};
      break;
    case EventKind::variables_set:
      if (auto it = e.data.find("variables"); it != e.data.end() && it->is_object()) s.variables.update(*it);
      break;
    case EventKind::node_entered:
    case EventKind::notification_queued:
    case EventKind::message_sent:
    case EventKind::message_correlated:
    case EventKind::signal_thrown:
    case EventKind::signal_caught:
    case EventKind::escalation_raised:
    case EventKind::decision_evaluated:  // the result lands by the variables_set after it
    case EventKind::call_started:
    case EventKind::call_completed:
    case EventKind::command_refused:
      break;  // the record of what happened; the state changes through the events around it
    case EventKind::token_waiting: {
      int id = id_of(e, "token");
      Token token;
      token.id = id;
      token.node = node_index(p, e);
      token.scope = scope_of(e);
      token.loop = e.data.value("loop", 0);
      token.body = e.data.value("body", -1);
      token.instance = e.data.value("instance", -1);
      if (auto locals = e.data.find("locals"); locals != e.data.end() && locals->is_object() && !locals->empty())
        token.locals = *locals;
      for (const auto& id : strings(e.data.value("compensate", nlohmann::json::array()))) {
        int node = p.node_index(id);
        if (node < 0) corrupt(e, "unknown activity to compensate " + id);
        token.compensate.push_back(node);
      }
      token.compensation_scope = e.data.value("compensation_scope", -1);
      token.cancels = e.data.value("cancels", false);
      token.compensating = e.data.value("compensating", -1);
      if (token.body >= 0) existing(s.multi, token.body, e, "multi-instance body").created++;
      s.tokens[id] = std::move(token);
      if (auto m = e.data.find("multi"); m != e.data.end()) {
        MultiBody body;
        body.node = node_index(p, e);
        body.instances = m->value("instances", 0);
        body.items = m->value("items", nlohmann::json::array());
        body.sequential = m->value("sequential", false);
        s.multi[id] = std::move(body);
      }
      claim_id(s, id);
      break;
    }
    case EventKind::token_consumed: {
      auto it = s.tokens.find(id_of(e, "token"));
      if (it == s.tokens.end()) corrupt(e, "no such token");
      if (auto body = s.multi.find(it->second.body); body != s.multi.end() && !e.data.value("withdrawn", false))
        body->second.completed++;
      s.multi.erase(it->first);
      s.tokens.erase(it);
      break;
    }
    case EventKind::join_arrived: {
      int node = node_index(p, e);
      int flow = p.flow_index(e.data.value("flow", std::string()));
      if (flow < 0 || p.flows[flow].target != node) corrupt(e, "unknown incoming flow");
      s.joins[{node, scope_of(e)}].push_back(flow);
      break;
    }
    case EventKind::join_fired: {
      auto key = std::make_pair(node_index(p, e), scope_of(e));
      if (e.data.value("reset", false)) {  // a complex gateway's reset phase is over
        s.absorbing.erase(key);
        break;
      }
      // The earliest arrival on each flow the join consumed leaves; linear in the arrivals.
      auto& arrivals = s.joins[key];
      std::unordered_map<int, int> consumed;  // flow -> arrivals to take
      for (const auto& flow_id : strings(e.data.value("flows", nlohmann::json::array()))) {
        int f = p.flow_index(flow_id);
        if (f < 0) corrupt(e, "no arrival on " + flow_id);
        ++consumed[f];
      }
      std::size_t kept = 0;
      for (int f : arrivals) {
        auto it = consumed.find(f);
        if (it != consumed.end() && it->second > 0) {
          --it->second;
          continue;
        }
        arrivals[kept++] = f;
      }
      for (const auto& [f, left] : consumed)
        if (left > 0) corrupt(e, "no arrival on " + p.flows[f].id);
      arrivals.resize(kept);
      if (arrivals.empty()) s.joins.erase(key);
      if (e.data.value("absorbed", false)) {  // consumed in the reset phase
        auto& waiting = s.absorbing[key];
        for (const auto& flow_id : strings(e.data.value("flows", nlohmann::json::array())))
          std::erase_if(waiting, [&](int f) { return p.flows[f].id == flow_id; });
        if (waiting.empty()) s.absorbing.erase(key);
      }
      if (auto absorb = e.data.find("absorb"); absorb != e.data.end()) {
        std::vector<int> flows;
        for (const auto& flow_id : strings(*absorb))
          for (int f : p.nodes[key.first].incoming)
            if (p.flows[f].id == flow_id) flows.push_back(f);
        if (!flows.empty()) s.absorbing[key] = std::move(flows);
      }
      break;
    }
    case EventKind::scope_started: {
      int id = id_of(e, "scope");
      s.scopes[id] = Scope{id, node_index(p, e), id_of(e, "parent"), id_of(e, "token")};
      claim_id(s, id);
      break;
    }
    case EventKind::scope_ended: {
      auto it = s.scopes.find(id_of(e, "scope"));
      if (it == s.scopes.end()) corrupt(e, "no such scope");
      const Scope sc = it->second;
      s.scopes.erase(it);
      // Its compensable activities pass to the scope around it, unless it was cancelled or
      // has a compensation handler of its own (recorded for it as it completes).
      if (std::none_of(s.compensable.begin(), s.compensable.end(), [&](const auto& entry) { return entry.second == sc.id; }))
        break;  // the common case: nothing compensable in it, nothing to look up
      bool completed = e.data.value("how", std::string()) != "cancelled";
      bool own_handler = false;
      if (sc.node >= 0)
        for (const auto& n : p.nodes) {
          own_handler |= n.kind == definitions::NodeKind::boundary_event && n.trigger == definitions::EventTrigger::compensate &&
                         n.attached_to == p.nodes[sc.node].id;
          own_handler |= n.kind == definitions::NodeKind::start_event && n.trigger == definitions::EventTrigger::compensate &&
                         n.parent >= 0 && p.nodes[n.parent].parent == sc.node;  // a compensation event sub-process
        }
      for (auto entry = s.compensable.begin(); entry != s.compensable.end();) {
        if (entry->second != sc.id) {
          ++entry;
        } else if (completed && !own_handler) {
          entry->second = sc.parent;
          ++entry;
        } else {
          entry = s.compensable.erase(entry);
        }
      }
      break;
    }
    case EventKind::compensation_recorded:
      s.compensable.emplace_back(node_index(p, e), id_of(e, "scope"));
      break;
    case EventKind::compensation_started: {
      Token& t = existing(s.tokens, id_of(e, "token"), e, "token");
      int activity = node_index(p, e);
      if (t.compensate.empty() || t.compensate.front() != activity) corrupt(e, "not the next activity to compensate");
      t.compensate.erase(t.compensate.begin());
      auto entry = std::find(s.compensable.rbegin(), s.compensable.rend(), std::make_pair(activity, id_of(e, "scope")));
      if (entry == s.compensable.rend()) corrupt(e, "no such compensable activity");
      s.compensable.erase(std::next(entry).base());
      break;
    }
    case EventKind::task_created: {
      Task t;
      t.id = id_of(e, "task");
      t.token = id_of(e, "token");
      t.node = node_index(p, e);
      t.node_id = e.node;
      // A field the event leaves out is the node's (the lean form); events written before
      // it name them all.
      const definitions::FlowNode& n = p.nodes[t.node];
      t.name = e.data.value("name", n.name);
      auto roles = [&](const char* field, const std::vector<std::string>& node_roles) {
        auto it = e.data.find(field);
        return it == e.data.end() ? node_roles : strings(*it);
      };
      t.responsible = roles("responsible", n.raci.responsible);
      t.accountable = roles("accountable", n.raci.accountable);
      t.consulted = roles("consulted", n.raci.consulted);
      t.informed = roles("informed", n.raci.informed);
      for (const auto& role : t.consulted) t.consultations.push_back({role, {}, {}, {}, {}, {}});
      t.instance = e.data.value("instance", -1);
      t.locals = e.data.value("locals", nlohmann::json::object());
      t.created = e.time;
      if (auto body = s.multi.find(t.token); body != s.multi.end() && t.instance >= 0) body->second.created++;
      if (e.data.contains("due")) t.due = time_of(e, "due");
      if (auto a = e.data.find("assignee"); a != e.data.end() && a->is_string()) {
        t.assignee = a->get<std::string>();
        t.status = TaskStatus::claimed;
      }
      if (e.data.contains("reminders"))
        for (const auto& r : e.data["reminders"]) {
          auto at = r.is_string() ? definitions::parse_date_time(r.get<std::string>()) : std::nullopt;
          if (!at) throw std::logic_error("task_created at '" + e.node + "' has an unreadable reminder time");
          t.reminders.push_back(*at);
        }
      s.tasks[t.id] = std::move(t);
      claim_id(s, id_of(e, "task"));
      break;
    }
    case EventKind::task_claimed: {
      Task& t = existing(s.tasks, id_of(e, "task"), e, "task");
      t.status = TaskStatus::claimed;
      t.assignee = e.actor;
      break;
    }
    case EventKind::task_unclaimed: {
      Task& t = existing(s.tasks, id_of(e, "task"), e, "task");
      t.status = TaskStatus::open;
      t.assignee.clear();
      break;
    }
    case EventKind::task_completed: {
      Task& t = existing(s.tasks, id_of(e, "task"), e, "task");
      t.status = TaskStatus::completed;
      t.assignee = e.actor;
      t.completed_by = e.actor;
      s.completions.emplace_back(t.node_id, e.actor);
      if (auto principal = e.data.find("on_behalf_of"); principal != e.data.end() && principal->is_string())
        s.completions.emplace_back(t.node_id, principal->get<std::string>());  // a substitute's step is the principal's too
      if (auto body = s.multi.find(t.token); body != s.multi.end()) body->second.completed++;
      break;
    }
    case EventKind::task_cancelled:
      existing(s.tasks, id_of(e, "task"), e, "task").status = TaskStatus::cancelled;
      break;
    case EventKind::task_escalated: {
      Task& t = existing(s.tasks, id_of(e, "task"), e, "task");
      t.escalated = true;
      t.reminded = static_cast<int>(t.reminders.size());  // past the due date, reminders are moot
      break;
    }
    case EventKind::task_reminded: {
      Task& t = existing(s.tasks, id_of(e, "task"), e, "task");
      int reminded = e.data.value("reminded", -1);
      if (reminded <= t.reminded || reminded > static_cast<int>(t.reminders.size()))
        throw std::logic_error("task_reminded at '" + e.node + "' does not follow the task's reminders");
      t.reminded = reminded;
      break;
    }
    case EventKind::consultation_answered: {
      Task& t = existing(s.tasks, id_of(e, "task"), e, "task");
      std::string role = e.data.value("role", std::string());
      auto it = std::find_if(t.consultations.begin(), t.consultations.end(), [&](const Consultation& c) { return c.role == role; });
      if (it == t.consultations.end()) corrupt(e, "no consultation for " + role);
      it->answer = e.data.value("answer", std::string());
      it->answered_by = e.actor;
      it->answered_at = e.time;
      break;
    }
    case EventKind::consultation_waived: {
      Task& t = existing(s.tasks, id_of(e, "task"), e, "task");
      for (const auto& role : strings(e.data.value("roles", nlohmann::json::array()))) {
        auto it = std::find_if(t.consultations.begin(), t.consultations.end(), [&](const Consultation& c) { return c.role == role; });
        if (it == t.consultations.end()) corrupt(e, "no consultation for " + role);
        it->waived_by = e.actor;
        it->waive_reason = e.data.value("reason", std::string());
      }
      break;
    }
    case EventKind::consultation_skipped:  // a record of what completion left unanswered; the task completes next
      existing(s.tasks, id_of(e, "task"), e, "task");
      break;
    case EventKind::timer_scheduled: {
      Timer t;
      t.id = id_of(e, "timer");
      t.node = node_index(p, e);
      t.token = id_of(e, "token");
      t.due = time_of(e, "due");
      t.purpose = purpose_of(e);
      t.remaining = e.data.value("remaining", 0);
      t.scope = e.data.value("scope", -1);
      t.alternative = e.data.value("alternative", -1);
      s.timers[t.id] = t;
      claim_id(s, t.id);
      break;
    }
    case EventKind::timer_fired:
    case EventKind::timer_cancelled:
      if (!s.timers.erase(id_of(e, "timer"))) corrupt(e, "no such timer");
      break;
    case EventKind::subscription_opened: {
      Subscription sub;
      sub.id = id_of(e, "subscription");
      sub.node = node_index(p, e);
      sub.token = id_of(e, "token");
      sub.message = e.data.value("message", std::string());
      sub.signal = e.data.value("signal", std::string());
      sub.condition = e.data.value("condition", false);
      sub.purpose = purpose_of(e);
      sub.scope = e.data.value("scope", -1);
      sub.alternative = e.data.value("alternative", -1);
      s.subscriptions[sub.id] = sub;
      claim_id(s, sub.id);
      break;
    }
    case EventKind::condition_changed:
      existing(s.subscriptions, id_of(e, "subscription"), e, "subscription").held = e.data.value("holds", false);
      break;
    case EventKind::subscription_closed:
      if (!s.subscriptions.erase(id_of(e, "subscription"))) corrupt(e, "no such subscription");
      break;
    case EventKind::incident_raised:
      s.status = CaseStatus::incident;
      s.incidents.push_back(
          Incident{e.data.value("reason", std::string()), p.node_index(e.node), id_of(e, "token"), id_of(e, "scope")});
      if (e.data.value("parked", false)) {
        Incident& parked = s.incidents.back();
        parked.parked = true;
        if (auto flow = e.data.find("flow"); flow != e.data.end()) {
          parked.flow = flow->is_string() ? p.flow_index(flow->get<std::string>()) : -1;
          if (parked.flow < 0) corrupt(e, "unknown flow of a parked step");
        }
        parked.loop = e.data.value("loop", 0);
        parked.compensates = e.data.value("compensating", -1);
      }
      if (e.data.value("reenter", false)) {
        s.incidents.back().reenter = true;
        s.incidents.back().loop = e.data.value("loop", 0);
        s.incidents.back().compensates = e.data.value("compensating", -1);
      }
      break;
    case EventKind::incident_resolved: {
      // Searched from the newest: a retry of parked steps resolves them newest first, so
      // each is found and erased at the end, linear in their number.
      int token = id_of(e, "token");
      auto it = std::find_if(s.incidents.rbegin(), s.incidents.rend(), [&](const Incident& i) { return i.token == token; });
      if (it == s.incidents.rend()) corrupt(e, "no incident on that token");
      s.incidents.erase(std::next(it).base());
      s.status = s.incidents.empty() ? CaseStatus::active : CaseStatus::incident;
      break;
    }
    case EventKind::case_completed: s.status = CaseStatus::completed; break;
    case EventKind::case_terminated: s.status = CaseStatus::terminated; break;
    case EventKind::case_cancelled: s.status = CaseStatus::cancelled; break;
  }
}

std::optional<TimePoint> Task::next_alert() const {
  if (!live()) return std::nullopt;
  if (reminded < static_cast<int>(reminders.size())) return reminders[reminded];
  if (due && !escalated) return due;
  return std::nullopt;
}

}  // namespace raciflow::engine
