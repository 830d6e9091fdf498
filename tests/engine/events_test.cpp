// Event sub-processes, conditional events and link events: one small definition per rule,
// with the exact steps entered, the variables after, and a replay (Case::run) that matches.
#include "tests/engine/engine_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

std::string task(const std::string& id) { return user_task(id); }

// An event sub-process `id` started by `start_definition` (interrupting or not) that runs
// one user task `<id>-task` and ends.
std::string event_sub_process(const std::string& id, const std::string& start_definition, bool interrupting) {
  return "<subProcess id=\"" + id + "\" triggeredByEvent=\"true\">\n  <startEvent id=\"" + id + "-start\" isInterrupting=\"" +
         (interrupting ? "true" : "false") + "\">" + start_definition + "</startEvent>\n  " + task(id + "-task") +
         "  <endEvent id=\"" + id + "-end\"/>\n  " + flow(id + "-f1", id + "-start", id + "-task") + "  " +
         flow(id + "-f2", id + "-task", id + "-end") + "</subProcess>\n";
}

// The main path of a case: start -> work -> end.
std::string main_path() { return "<startEvent id=\"s\"/>\n" + task("work") + "<endEvent id=\"e\"/>\n" + flow("f0", "s", "work") + flow("f1", "work", "e"); }

const char* kMessages = R"(<message id="withdrawn" name="incident withdrawn"/><message id="info" name="more information"/>
<signal id="threat" name="threat level changed"/><error id="breach" errorCode="BREACH"/><escalation id="mandate" escalationCode="MANDATE"/>)";

}  // namespace

TEST_CASE("an interrupting message event sub-process ends the case's work and runs instead") {
  Flow f(process_xml(main_path() + event_sub_process("withdraw", R"(<messageEventDefinition messageRef="withdrawn"/>)", true),
                     kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.subscriptions.size() == 1);
  REQUIRE(c.correlate("incident withdrawn", {{"reason", "false alarm"}}));
  CHECK(c.count(EventKind::task_cancelled, "work") == 1);
  CHECK(c.open_tasks() == Steps{"withdraw-task"});
  CHECK(c.state.subscriptions.empty());  // interrupting: it cannot start twice
  REQUIRE(c.complete("withdraw-task"));
  CHECK(steps(c) == Steps{"s", "work", "withdraw-start", "withdraw-task", "withdraw-end"});
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables == json{{"reason", "false alarm"}});
}

TEST_CASE("a non-interrupting message event sub-process runs beside the case, once per message, and the case waits for it") {
  Flow f(process_xml(main_path() + event_sub_process("ask", R"(<messageEventDefinition messageRef="info"/>)", false), kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.correlate("more information"));
  REQUIRE(c.correlate("more information"));
  CHECK(c.open_tasks() == Steps{"work", "ask-task", "ask-task"});
  REQUIRE(c.complete("work"));
  CHECK(c.state.status == CaseStatus::active);  // the running event sub-processes keep it open
  CHECK(c.state.subscriptions.size() == 1);
  REQUIRE(c.complete("ask-task"));
  REQUIRE(c.complete("ask-task"));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.subscriptions.empty());  // closed with the case
  CHECK(steps(c) == Steps{"s", "work", "ask-start", "ask-task", "ask-start", "ask-task", "e", "ask-end", "ask-end"});
}

TEST_CASE("a timer event sub-process inside a sub-process is armed with it and withdrawn when it ends") {
  std::string sub = "<subProcess id=\"sub\"><startEvent id=\"ss\"/>" + task("inner") + "<endEvent id=\"se\"/>" + flow("g0", "ss", "inner") +
                    flow("g1", "inner", "se") +
                    event_sub_process("remind", "<timerEventDefinition><timeDuration>P3D</timeDuration></timerEventDefinition>", false) +
                    "</subProcess>\n";
  Flow f(process_xml("<startEvent id=\"s\"/>" + sub + "<endEvent id=\"e\"/>" + flow("f0", "s", "sub") + flow("f1", "sub", "e")));
  require_executable(f);

  Case late(f);
  REQUIRE(late.start());
  REQUIRE(late.state.timers.size() == 1);
  REQUIRE(late.tick("2026-03-05T09:00:00Z"));
  CHECK(late.open_tasks() == Steps{"inner", "remind-task"});
  CHECK(late.state.timers.empty());  // a duration fires once
  REQUIRE(late.complete("inner"));
  REQUIRE(late.complete("remind-task"));
  CHECK(steps(late) == Steps{"s", "sub", "ss", "inner", "remind-start", "remind-task", "se", "remind-end", "e"});
  CHECK(late.state.status == CaseStatus::completed);

  Case quick(f);
  REQUIRE(quick.start());
  REQUIRE(quick.complete("inner"));
  CHECK(quick.count(EventKind::timer_cancelled, "remind-start") == 1);
  CHECK(quick.state.timers.empty());
  CHECK(quick.state.status == CaseStatus::completed);
}

TEST_CASE("a non-interrupting cycle timer event sub-process starts once per repetition while its scope runs") {
  Flow f(process_xml(main_path() + event_sub_process("weekly", "<timerEventDefinition><timeCycle>R2/P7D</timeCycle></timerEventDefinition>", false)));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.tick("2026-03-09T09:00:00Z"));
  REQUIRE(c.tick("2026-03-16T09:00:00Z"));
  REQUIRE(c.tick("2026-03-23T09:00:00Z"));
  CHECK(c.count(EventKind::node_entered, "weekly-start") == 2);
  CHECK(c.state.timers.empty());
}

TEST_CASE("an error that no boundary catches starts the process's error event sub-process, which ends the case's work") {
  std::string sub = "<subProcess id=\"sub\"><startEvent id=\"ss\"/><endEvent id=\"fail\"><errorEventDefinition errorRef=\"breach\"/></endEvent>" +
                    flow("g0", "ss", "fail") + "</subProcess>\n";
  Flow f(process_xml("<startEvent id=\"s\"/><parallelGateway id=\"split\"/>" + sub + task("other") + "<endEvent id=\"e\"/>" +
                         flow("f0", "s", "split") + flow("f1", "split", "sub") + flow("f2", "split", "other") +
                         flow("f3", "sub", "e") + flow("f4", "other", "e") +
                         event_sub_process("handle", R"(<errorEventDefinition errorRef="breach"/>)", true),
                     kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.incidents.empty());
  CHECK(c.count(EventKind::task_cancelled, "other") == 1);
  CHECK(c.open_tasks() == Steps{"handle-task"});
  REQUIRE(c.complete("handle-task"));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK_FALSE(c.entered("e"));
}

TEST_CASE("a non-interrupting escalation event sub-process takes the matter up while the thrower goes on") {
  std::string sub = "<subProcess id=\"sub\"><startEvent id=\"ss\"/><intermediateThrowEvent id=\"raise\"><escalationEventDefinition "
                    "escalationRef=\"mandate\"/></intermediateThrowEvent>" +
                    task("inner") + "<endEvent id=\"se\"/>" + flow("g0", "ss", "raise") + flow("g1", "raise", "inner") +
                    flow("g2", "inner", "se") +
                    event_sub_process("up", R"(<escalationEventDefinition escalationRef="mandate"/>)", false) + "</subProcess>\n";
  Flow f(process_xml("<startEvent id=\"s\"/>" + sub + "<endEvent id=\"e\"/>" + flow("f0", "s", "sub") + flow("f1", "sub", "e"),
                     kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == Steps{"inner", "up-task"});
  REQUIRE(c.complete("inner"));
  REQUIRE(c.complete("up-task"));
  CHECK(steps(c) == Steps{"s", "sub", "ss", "raise", "up-start", "inner", "up-task", "se", "up-end", "e"});
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("an interrupting escalation event sub-process stops the thrower's path") {
  Flow f(process_xml("<startEvent id=\"s\"/><intermediateThrowEvent id=\"raise\"><escalationEventDefinition escalationRef=\"mandate\"/>"
                     "</intermediateThrowEvent>" + task("after") + "<endEvent id=\"e\"/>" + flow("f0", "s", "raise") +
                         flow("f1", "raise", "after") + flow("f2", "after", "e") +
                         event_sub_process("up", R"(<escalationEventDefinition escalationRef="mandate"/>)", true),
                     kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == Steps{"up-task"});
  CHECK_FALSE(c.entered("after"));
}

TEST_CASE("a signal event sub-process inside an event sub-process is armed only while the outer one runs") {
  std::string inner = event_sub_process("stop", R"(<signalEventDefinition signalRef="threat"/>)", true);
  std::string outer = "<subProcess id=\"review\" triggeredByEvent=\"true\"><startEvent id=\"review-start\" isInterrupting=\"false\">"
                      "<messageEventDefinition messageRef=\"info\"/></startEvent>" +
                      task("review-task") + "<endEvent id=\"review-end\"/>" + flow("r1", "review-start", "review-task") +
                      flow("r2", "review-task", "review-end") + inner + "</subProcess>\n";
  Flow f(process_xml(main_path() + outer, kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK_FALSE(c.run(command::Signal{"threat level changed"}));  // nothing waits for it yet
  REQUIRE(c.correlate("more information"));
  REQUIRE(c.run(command::Signal{"threat level changed"}));
  // The inner one interrupts the outer event sub-process only; the case's work goes on.
  CHECK(c.open_tasks() == Steps{"work", "stop-task"});
  REQUIRE(c.complete("stop-task"));
  REQUIRE(c.complete("work"));
  CHECK(steps(c) == Steps{"s", "work", "review-start", "review-task", "stop-start", "stop-task", "stop-end", "e"});
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("a conditional intermediate event waits until the variables make its condition hold") {
  Flow f(process_xml("<startEvent id=\"s\"/>" + task("assess") +
                     "<intermediateCatchEvent id=\"high\"><conditionalEventDefinition><condition>risk &gt;= 15</condition>"
                     "</conditionalEventDefinition></intermediateCatchEvent>" +
                     task("treat") + "<endEvent id=\"e\"/>" + flow("f0", "s", "high") + flow("f1", "high", "treat") +
                     flow("f2", "treat", "e") + flow("f3", "s", "assess") + flow("f4", "assess", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());  // `risk` is not set: the condition does not hold yet
  CHECK(c.open_tasks() == Steps{"assess"});
  REQUIRE(c.complete("assess", {{"risk", 20}}));
  CHECK(c.open_tasks() == Steps{"treat"});
  CHECK(c.count(EventKind::condition_changed, "high") == 1);

  Case at_once(f);
  REQUIRE(at_once.start({{"risk", 16}}));  // holds when reached: passes at once
  CHECK(at_once.open_tasks() == Steps{"assess", "treat"});
}

TEST_CASE("a non-interrupting conditional boundary fires each time its condition comes to hold, not while it keeps holding") {
  Flow f(process_xml("<startEvent id=\"s\"/>" + task("work") + "<userTask id=\"edit\" raci:responsible=\"security-function\">"
                     "<standardLoopCharacteristics><loopCondition>done != true</loopCondition></standardLoopCharacteristics></userTask>"
                     "<boundaryEvent id=\"overdue\" attachedToRef=\"work\" cancelActivity=\"false\"><conditionalEventDefinition>"
                     "<condition>late == true</condition></conditionalEventDefinition></boundaryEvent>" +
                     task("chase") + "<endEvent id=\"e\"/><endEvent id=\"e2\"/><endEvent id=\"e3\"/><parallelGateway id=\"split\"/>" +
                     flow("f0", "s", "split") + flow("f1", "split", "work") + flow("f2", "split", "edit") + flow("f3", "work", "e") +
                     flow("f4", "overdue", "chase") + flow("f5", "chase", "e2") + flow("f6", "edit", "e3")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"done", false}}));
  REQUIRE(c.complete("edit", {{"late", true}}));
  CHECK(c.count(EventKind::task_created, "chase") == 1);
  REQUIRE(c.complete("edit", {{"note", "still late"}}));
  CHECK(c.count(EventKind::task_created, "chase") == 1);  // it kept holding
  REQUIRE(c.complete("edit", {{"late", false}}));
  REQUIRE(c.complete("edit", {{"late", true}, {"done", true}}));
  CHECK(c.count(EventKind::task_created, "chase") == 2);  // it ceased and came to hold again
  CHECK(c.open_tasks() == Steps{"work", "chase", "chase"});
}

TEST_CASE("an interrupting conditional event sub-process ends the case's work when its condition comes to hold") {
  Flow f(process_xml(main_path() +
                     event_sub_process("stop", "<conditionalEventDefinition><condition>status == 'withdrawn'</condition></conditionalEventDefinition>",
                                       true)));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == Steps{"work"});
  REQUIRE(c.complete("work", {{"status", "open"}}));
  CHECK(c.state.status == CaseStatus::completed);  // the armed event sub-process does not keep it open

  Case stopped(f);
  REQUIRE(stopped.start({{"status", "open"}}));
  REQUIRE(stopped.complete("work", {{"status", "withdrawn"}}));
  // Completing `work` ended the main path; the condition came to hold as it did.
  CHECK(stopped.entered("stop-start"));
  CHECK(stopped.open_tasks() == Steps{"stop-task"});
}

TEST_CASE("a link throw continues at the link catch of the same name in its scope") {
  Flow f(process_xml(R"(<startEvent id="s"/><intermediateThrowEvent id="go"><linkEventDefinition name="page2"/></intermediateThrowEvent>
<intermediateCatchEvent id="arrive"><linkEventDefinition name="page2"/></intermediateCatchEvent>)" +
                     task("next") + "<endEvent id=\"e\"/>" + flow("f0", "s", "go") + flow("f1", "arrive", "next") +
                     flow("f2", "next", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(steps(c) == Steps{"s", "go", "arrive", "next"});
  REQUIRE(c.complete("next"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("the deploy check refuses event sub-processes and link events it cannot run, naming what is wrong") {
  auto problems_of = [](const std::string& body) {
    Flow f(process_xml(body, kMessages));
    std::vector<std::string> out;
    for (const auto& p : check_executable(f.process())) out.push_back(p.message);
    return out;
  };
  CHECK(problems_of(main_path() + event_sub_process("x", "", true)) ==
        std::vector<std::string>{"event sub-process 'x' cannot be run: its start event 'x-start' has no trigger (message, timer, signal, "
                                 "error, escalation or conditional)",
                                 "startEvent 'x-start' cannot be run: none startEvents are not executed"});
  CHECK(problems_of(main_path() + event_sub_process("x", R"(<errorEventDefinition errorRef="breach"/>)", false)) ==
        std::vector<std::string>{"event sub-process 'x' cannot be run: an error start event is always interrupting "
                                 "(isInterrupting=\"false\" on 'x-start')"});
  CHECK(problems_of(R"(<startEvent id="s"/><intermediateThrowEvent id="go"><linkEventDefinition name="on"/></intermediateThrowEvent>
<intermediateCatchEvent id="a"><linkEventDefinition name="on"/></intermediateCatchEvent>
<intermediateCatchEvent id="b"><linkEventDefinition name="on"/></intermediateCatchEvent><endEvent id="e"/>)" +
                    flow("f0", "s", "go") + flow("f1", "a", "e") + flow("f2", "b", "e")) ==
        std::vector<std::string>{"intermediateThrowEvent 'go' cannot be run: link 'on' needs exactly one catching link event in the "
                                 "same scope (2 found)"});
}

TEST_CASE("a parallel multi-instance sub-process runs one scope per item, each step seeing its own item; outputs are collected in order") {
  Flow f(process_xml(R"(<startEvent id="s"/>
<subProcess id="per-unit">
  <multiInstanceLoopCharacteristics raci:collection="units" raci:elementVariable="unit" raci:outputVariable="result" raci:outputCollection="results"/>
  <startEvent id="ps"/><exclusiveGateway id="which" default="plain"/>)" + task("check-hr") + task("check") +
                     "<endEvent id=\"pe\"/><endEvent id=\"pe2\"/>" + flow("g0", "ps", "which") + flow("hr", "which", "check-hr", "unit == 'hr'") +
                     flow("plain", "which", "check") + flow("g1", "check-hr", "pe") + flow("g2", "check", "pe2") +
                     "</subProcess><endEvent id=\"e\"/>" + flow("f0", "s", "per-unit") + flow("f1", "per-unit", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"units", {"it", "hr", "procurement"}}}));
  CHECK(c.open_tasks() == Steps{"check", "check-hr", "check"});  // the gateway read each instance's own unit
  REQUIRE(c.task("check-hr"));
  CHECK(c.task("check-hr")->locals == json{{"loopCounter", 1}, {"unit", "hr"}});
  REQUIRE(c.complete("check-hr", {{"result", "hr ok"}}));
  REQUIRE(c.complete("check", {{"result", "it ok"}}));
  CHECK(c.state.status == CaseStatus::active);
  REQUIRE(c.complete("check", {{"result", "procurement ok"}}));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables["results"] == json{"it ok", "hr ok", "procurement ok"});
  CHECK_FALSE(c.state.variables.contains("unit"));  // an instance's own variables stay its own
}

TEST_CASE("a sequential multi-instance call activity calls one case after another; its completion condition ends it early") {
  Flow f(process_xml(R"(<startEvent id="s"/>
<callActivity id="audit-unit" calledElement="unit-audit">
  <multiInstanceLoopCharacteristics isSequential="true" raci:collection="units" raci:elementVariable="unit">
    <completionCondition>findings &gt; 0</completionCondition>
  </multiInstanceLoopCharacteristics>
</callActivity><endEvent id="e"/>)" + flow("f0", "s", "audit-unit") + flow("f1", "audit-unit", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"units", {"it", "hr", "procurement"}}, {"findings", 0}}));
  auto calls = [&] {
    std::vector<std::pair<int, std::string>> out;
    for (const auto& e : c.log)
      if (e.kind == EventKind::call_started) out.emplace_back(e.data["token"].get<int>(), e.data["variables"]["unit"].get<std::string>());
    return out;
  };
  REQUIRE(calls().size() == 1);
  CHECK(calls()[0].second == "it");
  REQUIRE(c.run(command::CompleteCall{calls()[0].first, {{"findings", 0}}}));
  REQUIRE(calls().size() == 2);
  CHECK(calls()[1].second == "hr");
  REQUIRE(c.run(command::CompleteCall{calls()[1].first, {{"findings", 2}}}));
  CHECK(calls().size() == 2);  // procurement is never audited: the condition held
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("an error inside one instance of a multi-instance sub-process is caught on the whole activity, withdrawing every instance") {
  Flow f(process_xml(R"(<startEvent id="s"/>
<subProcess id="per-unit">
  <multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
  <startEvent id="ps"/>)" + task("check") + R"(<exclusiveGateway id="ok" default="fine"/><endEvent id="pe"/>
  <endEvent id="broken"><errorEventDefinition errorRef="breach"/></endEvent>)" +
                         flow("g0", "ps", "check") + flow("g1", "check", "ok") + flow("fine", "ok", "pe") +
                         flow("bad", "ok", "broken", "breach == true") + R"(</subProcess>
<boundaryEvent id="caught" attachedToRef="per-unit"><errorEventDefinition errorRef="breach"/></boundaryEvent>)" +
                         task("report") + "<endEvent id=\"e\"/><endEvent id=\"e2\"/>" + flow("f0", "s", "per-unit") +
                         flow("f1", "per-unit", "e") + flow("f2", "caught", "report") + flow("f3", "report", "e2"),
                     kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"breach", false}}));
  REQUIRE(c.complete("check"));
  REQUIRE(c.complete("check", {{"breach", true}}));
  CHECK(c.open_tasks() == Steps{"report"});
  CHECK(c.count(EventKind::task_cancelled, "check") == 1);
  CHECK(c.state.multi.empty());
  CHECK(c.count(EventKind::scope_ended, "per-unit") == 3);
}

TEST_CASE("a complex join fires when its activation condition holds and absorbs the late tokens of that activation") {
  Flow f(process_xml("<startEvent id=\"s\"/><complexGateway id=\"ask\"/>" + task("legal") + task("it") + task("hr") +
                     R"(<complexGateway id="two-of-three"><activationCondition>activationCount &gt;= 2</activationCondition></complexGateway>)" +
                     task("decide") + "<endEvent id=\"e\"/>" + flow("f0", "s", "ask") + flow("a1", "ask", "legal", "true") +
                     flow("a2", "ask", "it", "true") + flow("a3", "ask", "hr", "askHr == true") + flow("b1", "legal", "two-of-three") +
                     flow("b2", "it", "two-of-three") + flow("b3", "hr", "two-of-three") + flow("f1", "two-of-three", "decide") +
                     flow("f2", "decide", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"askHr", true}}));
  CHECK(c.open_tasks() == Steps{"legal", "it", "hr"});  // the complex split took every flow whose condition holds
  REQUIRE(c.complete("legal"));
  CHECK(c.task("decide") == nullptr);
  REQUIRE(c.complete("hr"));
  CHECK(c.open_tasks() == Steps{"it", "decide"});  // two of three: it goes on without waiting for IT
  REQUIRE(c.complete("it"));                      // absorbed: no second decision
  CHECK(c.count(EventKind::task_created, "decide") == 1);
  CHECK(c.state.absorbing.empty());
  REQUIRE(c.complete("decide"));
  CHECK(c.state.status == CaseStatus::completed);

  // Without HR two arrive, the gateway fires, and its reset ends at once: nothing else can come.
  Case two(f);
  REQUIRE(two.start({{"askHr", false}}));
  REQUIRE(two.complete("legal"));
  REQUIRE(two.complete("it"));
  CHECK(two.state.absorbing.empty());
  CHECK(two.open_tasks() == Steps{"decide"});
}

TEST_CASE("the deploy check refuses a complex join without an activation condition") {
  Flow f(process_xml("<startEvent id=\"s\"/><parallelGateway id=\"split\"/><complexGateway id=\"join\"/><endEvent id=\"e\"/>" +
                     flow("f0", "s", "split") + flow("f1", "split", "join") + flow("f2", "split", "join") + flow("f3", "join", "e")));
  auto problems = check_executable(f.process());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "complexGateway 'join' cannot be run: a complex gateway that joins needs an activationCondition in "
                               "raciflow's language (over the variables and activationCount)");
}

TEST_CASE("a receive task that instantiates starts its process with the message and passes on at once") {
  Flow f(process_xml(R"(<receiveTask id="report-in" instantiate="true" messageRef="info"/>)" + task("triage") + "<endEvent id=\"e\"/>" +
                         flow("f0", "report-in", "triage") + flow("f1", "triage", "e"),
                     kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"summary", "phishing"}}, "more information"));
  CHECK(steps(c) == Steps{"report-in", "triage"});
  CHECK(c.count(EventKind::message_correlated, "report-in") == 1);
  CHECK(c.state.subscriptions.empty());
  CHECK(c.state.variables["summary"] == "phishing");

  Case plain(f);
  CHECK_FALSE(plain.start());
  CHECK(plain.refusal == "process p has no plain start event; start it with a message");
}

TEST_CASE("an ad-hoc sub-process opens all its steps at once, in any order, until its completion condition holds") {
  std::string checklist = R"(<adHocSubProcess id="checklist">)" + task("backups") + task("logs") + task("access") + task("follow-up") +
                          flow("g1", "access", "follow-up") +
                          R"(<completionCondition>backupsOk == true and logsOk == true</completionCondition></adHocSubProcess>)";
  Flow f(process_xml("<startEvent id=\"s\"/>" + checklist + task("sign") + "<endEvent id=\"e\"/>" + flow("f0", "s", "checklist") +
                     flow("f1", "checklist", "sign") + flow("f2", "sign", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.open_tasks() == Steps{"backups", "logs", "access"});  // what a flow leads to waits for its flow
  REQUIRE(c.complete("logs", {{"logsOk", true}}));
  REQUIRE(c.complete("access"));
  CHECK(c.open_tasks() == Steps{"backups", "follow-up"});
  REQUIRE(c.complete("backups", {{"backupsOk", true}}));
  CHECK(c.open_tasks() == Steps{"sign"});  // the condition holds: follow-up is withdrawn
  CHECK(c.count(EventKind::task_cancelled, "follow-up") == 1);
  CHECK(steps(c) == Steps{"s", "checklist", "backups", "logs", "access", "follow-up", "sign"});

  Flow all(process_xml(R"(<startEvent id="s"/><adHocSubProcess id="checklist">)" + task("a") + task("b") +
                       "</adHocSubProcess><endEvent id=\"e\"/>" + flow("f0", "s", "checklist") + flow("f1", "checklist", "e")));
  require_executable(all);
  Case every(all);
  REQUIRE(every.start());
  REQUIRE(every.complete("b"));
  CHECK(every.state.status == CaseStatus::active);
  REQUIRE(every.complete("a"));  // without a condition: done when every step is
  CHECK(every.state.status == CaseStatus::completed);
}

namespace {

// An activity `id` with a compensation boundary whose association points to handler `undo`.
std::string compensable(const std::string& id, const std::string& undo, const std::string& extra = "") {
  return "<userTask id=\"" + id + "\" raci:responsible=\"security-function\">" + extra + "</userTask>\n<boundaryEvent id=\"" + id +
         "-comp\" attachedToRef=\"" + id + "\"><compensateEventDefinition/></boundaryEvent>\n<userTask id=\"" + undo +
         "\" isForCompensation=\"true\" raci:responsible=\"security-function\"/>\n<association id=\"" + id + "-a\" sourceRef=\"" + id +
         "-comp\" targetRef=\"" + undo + "\"/>\n";
}

}  // namespace

TEST_CASE("a compensation throw runs the handlers of the completed activities, the last completed first, then goes on") {
  Flow f(process_xml("<startEvent id=\"s\"/>" + compensable("grant", "revoke") + compensable("create", "delete") + task("review") +
                     R"(<exclusiveGateway id="keep" default="yes"/><intermediateThrowEvent id="undo"><compensateEventDefinition/></intermediateThrowEvent>)" +
                     "<endEvent id=\"kept\"/><endEvent id=\"undone\"/>" + flow("f0", "s", "grant") + flow("f1", "grant", "create") +
                     flow("f2", "create", "review") + flow("f3", "review", "keep") + flow("yes", "keep", "kept") +
                     flow("no", "keep", "undo", "rollback == true") + flow("f4", "undo", "undone")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("grant"));
  REQUIRE(c.complete("create"));
  CHECK(c.state.compensable.size() == 2);
  REQUIRE(c.complete("review", {{"rollback", true}}));
  CHECK(c.open_tasks() == Steps{"delete"});  // the last completed is undone first
  REQUIRE(c.complete("delete"));
  CHECK(c.open_tasks() == Steps{"revoke"});
  REQUIRE(c.complete("revoke"));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.compensable.empty());
  CHECK(steps(c) == Steps{"s", "grant", "create", "review", "keep", "undo", "delete", "revoke", "undone"});
  // The handlers' tasks are in the trail with their RACI, as any step.
  CHECK(c.count(EventKind::task_completed, "revoke") == 1);
}

TEST_CASE("a compensation throw with an activityRef undoes that activity only, once per completed instance of a multi-instance one") {
  Flow f(process_xml("<startEvent id=\"s\"/>" +
                     compensable("grant", "revoke",
                                 R"(<multiInstanceLoopCharacteristics raci:collection="systems" raci:elementVariable="system"/>)") +
                     compensable("notify", "retract") +
                     R"(<intermediateThrowEvent id="undo"><compensateEventDefinition activityRef="grant"/></intermediateThrowEvent><endEvent id="e"/>)" +
                     flow("f0", "s", "grant") + flow("f1", "grant", "notify") + flow("f2", "notify", "undo") + flow("f3", "undo", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"systems", {"mail", "erp"}}}));
  REQUIRE(c.complete("grant"));
  REQUIRE(c.complete("grant"));
  REQUIRE(c.complete("notify"));
  CHECK(c.open_tasks() == Steps{"revoke"});
  REQUIRE(c.complete("revoke"));
  CHECK(c.open_tasks() == Steps{"revoke"});  // one handler run per completed instance
  REQUIRE(c.complete("revoke"));
  CHECK(c.count(EventKind::task_created, "retract") == 0);
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.compensable.size() == 1);  // notify is still compensable
}

TEST_CASE("an error event sub-process's compensation end event undoes the scope's completed work; what did not complete is not undone") {
  std::string on_error = R"(<subProcess id="failed" triggeredByEvent="true"><startEvent id="fs"><errorEventDefinition errorRef="breach"/></startEvent>
<endEvent id="fe"><compensateEventDefinition/></endEvent><sequenceFlow id="x1" sourceRef="fs" targetRef="fe"/></subProcess>)";
  std::string inner = "<subProcess id=\"setup\"><startEvent id=\"ss\"/>" + compensable("account", "remove-account") +
                      "<endEvent id=\"se\"/>" + flow("g0", "ss", "account") + flow("g1", "account", "se") + "</subProcess>\n";
  Flow f(process_xml("<startEvent id=\"s\"/>" + inner + compensable("grant", "revoke") + compensable("pending", "never") +
                         R"(<endEvent id="boom"><errorEventDefinition errorRef="breach"/></endEvent>)" + flow("f0", "s", "setup") +
                         flow("f1", "setup", "grant") + flow("f2", "grant", "pending") + flow("f3", "pending", "boom") + on_error,
                     kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("account"));  // inside the sub-process: compensable through it, as it has no handler of its own
  REQUIRE(c.complete("grant"));
  REQUIRE(c.complete("pending"));  // then the error
  CHECK(c.open_tasks() == Steps{"never"});  // pending completed last; it is undone first
  REQUIRE(c.complete("never"));
  REQUIRE(c.complete("revoke"));
  REQUIRE(c.complete("remove-account"));
  CHECK(c.state.status == CaseStatus::completed);
}

TEST_CASE("a transaction's cancel end event undoes what the transaction completed, then leaves through its cancel boundary") {
  std::string tx = "<transaction id=\"onboard\"><startEvent id=\"ts\"/>" + compensable("badge", "collect-badge") +
                   compensable("laptop", "collect-laptop") + R"(<exclusiveGateway id="cleared" default="ok"/><endEvent id="te"/>
<endEvent id="abort"><cancelEventDefinition/></endEvent>)" +
                   flow("t0", "ts", "badge") + flow("t1", "badge", "laptop") + flow("t2", "laptop", "cleared") + flow("ok", "cleared", "te") +
                   flow("no", "cleared", "abort", "screening == 'failed'") + "</transaction>\n";
  Flow f(process_xml("<startEvent id=\"s\"/>" + tx + R"(<boundaryEvent id="cancelled" attachedToRef="onboard"><cancelEventDefinition/></boundaryEvent>)" +
                     task("inform") + "<endEvent id=\"e\"/><endEvent id=\"e2\"/>" + flow("f0", "s", "onboard") + flow("f1", "onboard", "e") +
                     flow("f2", "cancelled", "inform") + flow("f3", "inform", "e2")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  REQUIRE(c.complete("badge"));
  REQUIRE(c.complete("laptop", {{"screening", "failed"}}));
  CHECK(c.open_tasks() == Steps{"collect-laptop"});
  REQUIRE(c.complete("collect-laptop"));
  REQUIRE(c.complete("collect-badge"));
  CHECK(c.open_tasks() == Steps{"inform"});
  CHECK(c.entered("cancelled"));
  CHECK_FALSE(c.entered("e"));
  CHECK(c.state.compensable.empty());

  Case fine(f);
  REQUIRE(fine.start());
  REQUIRE(fine.complete("badge"));
  REQUIRE(fine.complete("laptop", {{"screening", "passed"}}));
  CHECK(fine.state.status == CaseStatus::completed);
}

TEST_CASE("an escalation from a called case is caught by the call activity's boundary by its code; one nothing catches changes nothing") {
  Flow f(process_xml(R"(<startEvent id="s"/><callActivity id="call" calledElement="child"/><endEvent id="e"/>
<boundaryEvent id="up" attachedToRef="call"><escalationEventDefinition escalationRef="mandate"/></boundaryEvent>)" +
                         task("decide") + "<endEvent id=\"e2\"/>" + flow("f0", "s", "call") + flow("f1", "call", "e") +
                         flow("f2", "up", "decide") + flow("f3", "decide", "e2"),
                     kMessages));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start());
  int token = c.state.tokens.begin()->first;
  REQUIRE(c.run(command::Escalate{token, "BUDGET"}));  // another code: nothing catches it
  CHECK(c.entered("up") == false);
  CHECK(c.count(EventKind::escalation_raised) == 1);
  REQUIRE(c.run(command::Escalate{token, "MANDATE"}));
  CHECK(c.open_tasks() == Steps{"decide"});
  CHECK(c.state.tokens.count(token) == 0);  // interrupting: the call is withdrawn
  REQUIRE(c.run(command::Escalate{token, "MANDATE"}));  // the call has ended: nothing happens
  CHECK(c.open_tasks() == Steps{"decide"});
}

TEST_CASE("a multi-instance takes BPMN's data form: loopDataInputRef names a data object, inputDataItem the element") {
  Flow f(process_xml(R"(<dataObject id="units-object" name="units"/><dataObjectReference id="units-ref" dataObjectRef="units-object"/>
<startEvent id="s"/>
<userTask id="fix" raci:responsible="security-function">
  <multiInstanceLoopCharacteristics isSequential="true">
    <loopDataInputRef>units-ref</loopDataInputRef><inputDataItem id="item" name="unit"/>
    <loopDataOutputRef>results</loopDataOutputRef><outputDataItem id="out" name="result"/>
    <completionCondition>nrOfCompletedInstances &gt;= 1</completionCondition>
  </multiInstanceLoopCharacteristics>
</userTask><endEvent id="e"/>)" + flow("f0", "s", "fix") + flow("f1", "fix", "e")));
  require_executable(f);
  Case c(f);
  REQUIRE(c.start({{"units", {"hr", "it"}}}));
  REQUIRE(c.task("fix"));
  CHECK(c.task("fix")->locals == json{{"loopCounter", 0}, {"unit", "hr"}});
  REQUIRE(c.complete("fix", {{"result", "done"}}));  // the completion condition holds after the first
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.state.variables["results"] == json{"done", nullptr});
  CHECK(c.count(EventKind::task_created, "fix") == 1);
}
