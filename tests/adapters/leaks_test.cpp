// Small leaks found by the second security round: counts of cases the caller cannot see,
// Host names that are not the server's (DNS rebinding), two Host headers, and character
// references that name no character.
#include <catch2/catch.hpp>

#include <filesystem>

#include "api_support.h"

using namespace raciflow::testing;
using namespace raciflow::testing::api;

TEST_CASE("validating a definition with a character reference to a surrogate answers its finding, and it does not deploy",
          "[api][hardening]") {
  Server s;
  auto anna = s.login("anna");
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" targetNamespace="t">
  <process id="odd" isExecutable="true"><laneSet><lane id="l" raci:role="security-function"/></laneSet>
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <userTask id="t" name="Check &#xD800; this"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>)";
  auto r = s.as(anna, "POST", "/api/validate", {{"name", "odd.bpmn"}, {"xml", xml}});
  REQUIRE(r.status == 200);
  CHECK(r.json_body()["ok"] == false);
  CHECK(r.json_body()["findings"][0]["line"] == 5);
  CHECK(r.json_body()["findings"][0]["message"].get<std::string>().rfind("the character reference &#xD800; names no XML character", 0) == 0);
  auto deployed = s.as(anna, "POST", "/api/definitions", {{"name", "odd.bpmn"}, {"xml", xml}});
  CHECK(deployed.status == 422);
  CHECK(s.as(anna, "GET", "/api/definitions/odd/raci").status == 404);
}

TEST_CASE("a definition version's case counts are of the cases the caller sees", "[api][hardening]") {
  Server s;
  s.w.write("review.bpmn", R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" targetNamespace="t">
  <process id="review" name="Review the firewall rules" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <userTask id="t" name="Review the rules" raci:responsible="security-function"/>
    <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>)");
  REQUIRE(s.w.cli({"deploy", s.w.path("review.bpmn"), "--as", "setup"}).code == 0);
  auto anna = s.login("anna"), lars = s.login("lars"), mette = s.login("mette");
  for (int i = 0; i < 2; ++i) REQUIRE(s.as(lars, "POST", "/api/cases", {{"process", "review"}}).status == 201);
  auto counts = [&](const std::string& who) {
    auto versions = s.as(who, "GET", "/api/definitions/review/versions").json_body();
    REQUIRE(versions.size() == 1);
    return std::make_pair(versions[0]["cases_running"].get<int>(), versions[0]["cases"].get<int>());
  };
  CHECK(counts(anna) == std::make_pair(2, 2));
  CHECK(counts(lars) == std::make_pair(2, 2));
  REQUIRE(s.as(mette, "GET", "/api/cases").json_body().empty());
  CHECK(counts(mette) == std::make_pair(0, 0));
}

TEST_CASE("a request with two Host headers is answered 400", "[api][hardening]") {
  Server s;
  auto reply = s.raw("GET /api/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: acme.isms.example.org\r\nConnection: close\r\n\r\n");
  CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(reply.find("more than one Host header") != std::string::npos);
  raciflow::http::ServerOptions options;
  auto r = raciflow::http::handle_bytes(*s.api, "GET /api/openapi.json HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", options);
  CHECK(r.status == 400);
}

TEST_CASE("a server answers only to its own host names: a rebound name is refused 421 and recorded", "[api][hardening]") {
  raciflow::http::ApiOptions options;
  options.hosts.names = {"127.0.0.1", "localhost", "isms.example.org", ".tenants.example.org"};
  Server s(std::chrono::milliseconds(15000), false, options);
  // The attacker's page at evil.example, resolved to 127.0.0.1, logs in as its own origin.
  auto rebound = s.request("POST", "/api/login", json{{"person", "lars"}, {"password", "lars-password"}}.dump(),
                           {{"Host", "evil.example:" + std::to_string(s.port)}, {"Origin", "http://evil.example:" + std::to_string(s.port)}});
  CHECK(rebound.status == 421);
  CHECK(rebound.headers.count("Set-Cookie") == 0);
  CHECK(s.request("GET", "/api/openapi.json", "", {{"Host", "evil.example"}}).status == 421);
  CHECK(s.request("GET", "/", "", {{"Host", "127.0.0.1.evil.example"}}).status == 421);
  // Its own names, with or without a port, in any case, and a name under a listed domain.
  for (const char* host : {"127.0.0.1", "localhost:8080", "ISMS.example.org", "acme.tenants.example.org:443"}) {
    INFO(host);
    CHECK(s.request("GET", "/api/openapi.json", "", {{"Host", host}}).status == 200);
  }
  CHECK(s.refusals_accounted() == 3);
}

TEST_CASE("host names: the name of a Host header, and which a server's list accepts", "[hardening]") {
  using raciflow::http::HostNames;
  using raciflow::http::host_name_of;
  CHECK(host_name_of("Example.ORG:8080") == "example.org");
  CHECK(host_name_of("example.org.") == "example.org");
  CHECK(host_name_of("[::1]:8080") == "::1");
  CHECK(host_name_of("::1").empty());
  CHECK(host_name_of("[::1]x").empty());
  HostNames any;
  CHECK(any.accepts("whatever"));
  HostNames every_address{{"localhost"}, true};
  CHECK(every_address.accepts("10.1.2.3:8080"));
  CHECK(every_address.accepts("[fe80::1]"));
  CHECK_FALSE(every_address.accepts("rebound.example"));
  CHECK_FALSE(every_address.accepts(""));
}

TEST_CASE("serve --allowed-host refuses what is not a host name, in one line, before it opens anything", "[cli][hardening]") {
  Workspace w;
  auto r = run_cli({"--db", w.db(), "serve", "--allowed-host", "evil.example/x"});
  CHECK(r.code == 2);
  CHECK(r.err.rfind("raciflow serve: --allowed-host 'evil.example/x' is not a host name (e.g. isms.example.org, or .example.org for every "
                    "name under it)\n",
                    0) == 0);
  CHECK(r.out.empty());
  CHECK(!std::filesystem::exists(w.db()));
}
