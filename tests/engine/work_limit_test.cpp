// One command enters at most kMaxStepsPerCommand steps: a wider graph is refused at deploy,
// a run that reaches the limit parks the rest as incidents that a retry goes on from.
#include "tests/engine/engine_support.h"

using namespace raciflow::testing;

namespace {

// start -> split -> `width` pass-through events -> join -> end, in one lane.
std::string wide(int width) {
  std::string body = R"(<startEvent id="s"/><parallelGateway id="split"/><parallelGateway id="join"/><endEvent id="e"/>
<sequenceFlow id="in" sourceRef="s" targetRef="split"/><sequenceFlow id="out" sourceRef="join" targetRef="e"/>
)";
  for (int i = 0; i < width; ++i) {
    std::string n = std::to_string(i);
    body += "<intermediateThrowEvent id=\"b" + n + "\"/><sequenceFlow id=\"a" + n + "\" sourceRef=\"split\" targetRef=\"b" + n +
            "\"/><sequenceFlow id=\"z" + n + "\" sourceRef=\"b" + n + "\" targetRef=\"join\"/>\n";
  }
  return process_xml(body);
}

std::size_t parked(const CaseState& state) {
  std::size_t n = 0;
  for (const auto& i : state.incidents) n += i.parked;
  return n;
}

}  // namespace

TEST_CASE("a parallel join over thousands of branches fires once, within one command's limit") {
  Flow f(wide(4000));  // 2 + 4000 + 4000 + 2 steps
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.count(EventKind::join_arrived, "join") == 4000);
  CHECK(c.count(EventKind::join_fired, "join") == 1);
  CHECK(c.state.joins.empty());
}

TEST_CASE("a command that reaches the step limit parks the steps left as incidents, and a retry goes on from them") {
  Flow f(wide(6000));  // 12 004 steps: more than one command may enter
  Case c(f);
  REQUIRE(c.start());
  CHECK(c.count(EventKind::node_entered) == static_cast<std::size_t>(kMaxStepsPerCommand));
  CHECK(c.state.status == CaseStatus::incident);
  std::size_t left = parked(c.state);
  CHECK(left > 0);
  CHECK(left == c.state.incidents.size());
  CHECK(c.state.incident()->reason.find("the most one command may") != std::string::npos);
  // Nothing was lost: every branch either arrived at the join or waits parked.
  CHECK(c.count(EventKind::join_arrived, "join") + left >= 6000);
  REQUIRE(c.run(command::Retry{}));
  CHECK(c.state.status == CaseStatus::completed);
  CHECK(c.count(EventKind::join_arrived, "join") == 6000);
  CHECK(c.count(EventKind::join_fired, "join") == 1);
  CHECK(c.state.incidents.empty());
}

TEST_CASE("a parallel split wider than one command's step limit cannot be deployed") {
  std::string body = R"(<startEvent id="s"/><parallelGateway id="split"/><parallelGateway id="join"/><endEvent id="e"/>
<sequenceFlow id="in" sourceRef="s" targetRef="split"/><sequenceFlow id="out" sourceRef="join" targetRef="e"/>
)";
  for (int i = 0; i <= kMaxStepsPerCommand; ++i)
    body += "<sequenceFlow id=\"a" + std::to_string(i) + "\" sourceRef=\"split\" targetRef=\"join\"/>\n";
  raciflow::definitions::Diagnostics d("test.bpmn");
  auto loaded = raciflow::definitions::load_text(process_xml(body), "test.bpmn", d);
  REQUIRE(loaded);
  auto problems = check_executable(loaded->processes.front());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "parallelGateway 'split' cannot be run: it splits into 10001 paths at once, and one command enters at most "
                               "10000 steps");
  CHECK(check_executable(raciflow::definitions::load_text(wide(100), "test.bpmn", d)->processes.front()).empty());
}
