// Throws between cases: a message or signal that a flow throws acts with the rights of the
// person whose command caused it, tested over a real server with the person who may not
// see the case (docs/security.md, "Throws between cases").
#include <catch2/catch.hpp>

#include "api_support.h"

using namespace raciflow::testing;
using namespace raciflow::testing::api;

namespace {

// A process in the security function's lane: `body` between a start and an end event.
std::string one_lane(const std::string& id, const std::string& name, const std::string& root, const std::string& body) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" targetNamespace="t">
  )" + root + R"(
  <process id=")" + id + R"(" name=")" + name + R"(" isExecutable="true">
    <laneSet><lane id="l" raci:role="security-function"/></laneSet>
    )" + body + R"(
  </process>
</definitions>)";
}

// A case of `process` waits at `catch_xml` (between start and a task), started by `person`.
const char* const kWaiting = R"(
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    CATCH
    <sequenceFlow id="f2" sourceRef="wait" targetRef="review"/>
    <userTask id="review" name="Review what arrived" raci:responsible="security-function"/><sequenceFlow id="f3" sourceRef="review" targetRef="e"/><endEvent id="e"/>)";

std::string waiting(const std::string& catch_xml) {
  std::string body = kWaiting;
  body.replace(body.find("CATCH"), 5, catch_xml);
  return body;
}

// start -> throw -> end.
std::string throwing(const std::string& definition) {
  return R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <intermediateThrowEvent id="t" name="Tell the others">)" + definition + R"(</intermediateThrowEvent>
    <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>)";
}

}  // namespace

TEST_CASE("a signal a flow throws continues only cases its thrower may signal, and passes only the variables the catch receives",
          "[api][hardening][throws]") {
  Server s;
  const std::string signal = R"(<signal id="sig" name="Threat level changed"/>)";
  s.w.write("watch.bpmn", one_lane("watch", "Watch the threat level", signal,
                                   waiting(R"(<intermediateCatchEvent id="wait" name="The threat level changes" raci:receives="level">
      <signalEventDefinition signalRef="sig"/></intermediateCatchEvent>)")));
  s.w.write("raise.bpmn", one_lane("raise", "Raise the threat level", signal, throwing(R"(<signalEventDefinition signalRef="sig"/>)")));
  REQUIRE(s.w.cli({"deploy", s.w.path("watch.bpmn"), s.w.path("raise.bpmn"), "--as", "setup"}).code == 0);
  auto lars = s.login("lars"), mette = s.login("mette"), karen = s.login("karen");
  std::string watched = s.as(lars, "POST", "/api/cases", {{"process", "watch"}}).json_body()["id"];
  REQUIRE(s.as(mette, "GET", "/api/cases/" + watched).status == 404);

  // Mette (business functions) may start the throwing process, as anyone may, but not
  // throw a signal: her throw stays in her own case.
  REQUIRE(s.as(mette, "POST", "/api/signals", {{"name", "Threat level changed"}}).status == 403);
  auto hers = s.as(mette, "POST", "/api/cases", {{"process", "raise"}, {"variables", {{"approved", true}, {"level", "high"}}}});
  REQUIRE(hers.status == 201);
  CHECK(s.as(mette, "GET", "/api/cases/" + hers.json_body()["id"].get<std::string>()).json_body()["status"] == "completed");
  auto untouched = s.as(lars, "GET", "/api/cases/" + watched).json_body();
  CHECK(untouched["variables"].empty());
  CHECK(s.as(lars, "GET", "/api/tasks?case=" + watched).json_body().empty());  // still waiting
  // Karen sees it no more than Mette and holds no role that throws signals: the same.
  REQUIRE(s.as(karen, "POST", "/api/cases", {{"process", "raise"}, {"variables", {{"level", "severe"}}}}).status == 201);
  CHECK(s.as(lars, "GET", "/api/tasks?case=" + watched).json_body().empty());

  // Lars holds the security function, who may signal: his throw continues the case, which
  // takes the level it receives and nothing else of the throwing case's variables.
  REQUIRE(s.as(lars, "POST", "/api/cases", {{"process", "raise"}, {"variables", {{"approved", true}, {"level", "high"}}}}).status == 201);
  auto moved = s.as(lars, "GET", "/api/cases/" + watched).json_body();
  CHECK(moved["variables"] == json{{"level", "high"}});
  CHECK(s.as(lars, "GET", "/api/tasks?case=" + watched).json_body().size() == 1);
  // The trail of the case it continued names who caused the throw.
  bool named = false;
  for (const auto& r : s.w.cli({"audit", watched, "--format", "json"}).json())
    named |= r["action"] == "signal_caught" && r["actor"] == "lars";
  CHECK(named);
  CHECK(s.w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a message a flow throws continues only cases its sender sees, and passes only the variables the catch receives",
          "[api][hardening][throws]") {
  Server s;
  const std::string message = R"(<message id="m" name="Supplier answered"/>)";
  s.w.write("supplier.bpmn", one_lane("supplier-check", "Supplier check", message,
                                      waiting(R"(<intermediateCatchEvent id="wait" name="The supplier answers" raci:receives="answer">
      <messageEventDefinition messageRef="m"/></intermediateCatchEvent>)")));
  s.w.write("answer.bpmn", one_lane("answer", "Pass on the supplier's answer", message, throwing(R"(<messageEventDefinition messageRef="m"/>)")));
  REQUIRE(s.w.cli({"deploy", s.w.path("supplier.bpmn"), s.w.path("answer.bpmn"), "--as", "setup"}).code == 0);
  auto lars = s.login("lars"), mette = s.login("mette");
  std::string waiting_case = s.as(lars, "POST", "/api/cases", {{"process", "supplier-check"}, {"key", "SUP-1"}}).json_body()["id"];
  REQUIRE(s.as(mette, "GET", "/api/cases/" + waiting_case).status == 404);

  // Mette's case throws the message with the same key: it does not reach a case she cannot see.
  auto hers = s.as(mette, "POST", "/api/cases",
                   {{"process", "answer"}, {"key", "SUP-1"}, {"variables", {{"approved", true}, {"answer", "yes"}}}});
  REQUIRE(hers.status == 201);
  CHECK(s.as(lars, "GET", "/api/cases/" + waiting_case).json_body()["variables"].empty());
  CHECK(s.as(lars, "GET", "/api/tasks?case=" + waiting_case).json_body().empty());

  // Lars started the waiting case: his throw reaches it, with the answer only.
  REQUIRE(s.as(lars, "POST", "/api/cases",
               {{"process", "answer"}, {"key", "SUP-1"}, {"variables", {{"approved", true}, {"answer", "yes"}}}})
              .status == 201);
  CHECK(s.as(lars, "GET", "/api/cases/" + waiting_case).json_body()["variables"] == json{{"answer", "yes"}});
  CHECK(s.as(lars, "GET", "/api/tasks?case=" + waiting_case).json_body().size() == 1);
  CHECK(s.w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a throw the clock causes acts with the rights of the person who started the throwing case", "[api][hardening][throws]") {
  Server s;
  const std::string signal = R"(<signal id="sig" name="Threat level changed"/>)";
  s.w.write("watch.bpmn", one_lane("watch", "Watch the threat level", signal,
                                   waiting(R"(<intermediateCatchEvent id="wait" name="The threat level changes">
      <signalEventDefinition signalRef="sig"/></intermediateCatchEvent>)")));
  // A minute's wait first, so that the throw happens in the clock's command, not Mette's.
  s.w.write("later.bpmn", one_lane("later", "Raise it later", signal, R"(
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="pause"/>
    <intermediateCatchEvent id="pause" name="A minute"><timerEventDefinition><timeDuration>PT1M</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="pause" targetRef="t"/>
    <intermediateThrowEvent id="t" name="Raise"><signalEventDefinition signalRef="sig"/></intermediateThrowEvent>
    <sequenceFlow id="f3" sourceRef="t" targetRef="e"/><endEvent id="e"/>)"));
  REQUIRE(s.w.cli({"deploy", s.w.path("watch.bpmn"), s.w.path("later.bpmn"), "--as", "setup"}).code == 0);
  auto lars = s.login("lars"), mette = s.login("mette");
  std::string watched = s.as(lars, "POST", "/api/cases", {{"process", "watch"}}).json_body()["id"];
  std::string hers = s.as(mette, "POST", "/api/cases", {{"process", "later"}}).json_body()["id"];
  s.now = s.now.load() + std::chrono::minutes(2);
  s.service->write([](raciflow::runtime::Service::Context& c) { return c.runtime.tick(); });
  CHECK(s.as(mette, "GET", "/api/cases/" + hers).json_body()["status"] == "completed");
  CHECK(s.as(lars, "GET", "/api/tasks?case=" + watched).json_body().empty());
}
