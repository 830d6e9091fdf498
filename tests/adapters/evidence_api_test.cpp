// Forms and evidence over the HTTP API: a completion the form refuses is 422 naming the
// field; attachments are uploaded within a limit, kept under their bare name, downloaded
// only as files, and invisible (404) to those who cannot see the case.
#include "api_support.h"

#include <fstream>

using nlohmann::json;
using namespace raciflow::testing::api;
using raciflow::testing::read_file;
using raciflow::testing::test_data;

namespace {

// The Camunda 8 assessment and its form, deployed over the API; a case of it started.
std::pair<std::string, std::int64_t> assessment(Server& s, const std::string& anna) {
  auto deployed = s.as(anna, "POST", "/api/definitions",
                       {{"name", "camunda8-form.bpmn"},
                        {"xml", read_file(test_data("camunda8-form.bpmn"))},
                        {"forms", {{"camunda8-assessment.form", read_file(test_data("camunda8-assessment.form"))}}}});
  REQUIRE(deployed.status == 201);
  CHECK(deployed.json_body()[0] == json{{"form", "deviation-assessment"}, {"version", 1}, {"new", true}});
  auto started = s.as(anna, "POST", "/api/cases", {{"process", "camunda8-assessment"}});
  REQUIRE(started.status == 201);
  std::string id = started.json_body()["id"];
  for (const auto& t : s.as(anna, "GET", "/api/tasks").json_body())
    if (t["case"] == id) return {id, t["id"].get<std::int64_t>()};
  FAIL("no task");
  return {};
}

}  // namespace

TEST_CASE("a task with a form sends the form, and a completion the form refuses is 422 naming the field", "[api]") {
  Server s;
  auto anna = s.login("anna");
  auto [id, task] = assessment(s, anna);
  auto view = s.as(anna, "GET", "/api/tasks/" + std::to_string(task)).json_body();
  CHECK(view["form"]["id"] == "deviation-assessment");
  CHECK(view["form_version"] == 1);
  auto bad = s.as(anna, "POST", "/api/tasks/" + std::to_string(task) + "/complete",
                  {{"variables", {{"severity", "high"}, {"whatHappened", "A laptop was left on the train"}}}});
  CHECK(bad.status == 422);
  CHECK(bad.json_body()["message"].get<std::string>().find("field 'Why is it severe?' (severeBecause) is required") != std::string::npos);
  auto good = s.as(anna, "POST", "/api/tasks/" + std::to_string(task) + "/complete",
                   {{"variables", {{"severity", "low"}, {"whatHappened", "A laptop was left on the train"}}}, {"comment", "checked"}});
  CHECK(good.status == 200);
}

TEST_CASE("attachments: uploaded within the limit under their bare name, downloaded only as files, hidden from those who cannot see the case", "[api]") {
  raciflow::http::ApiOptions options;
  options.attachment_limit = 100 * 1024;
  Server s(std::chrono::milliseconds(15000), false, options);
  auto anna = s.login("anna");
  const auto [id, task] = assessment(s, anna);
  auto upload = [&, id = id, task = task](const std::string& cookie, const std::string& name, const std::string& type, const std::string& bytes) {
    return s.request("POST", "/api/cases/" + id + "/attachments?name=" + name + "&task=" + std::to_string(task) + "&type=" + type, bytes,
                     {{"Cookie", cookie}, {"Content-Type", "application/octet-stream"}});
  };
  // HTML with a script, named with a path: kept as bytes under its bare name.
  std::string html = "<html><script>alert(document.cookie)</script></html>";
  auto added = upload(anna, "..%2F..%2Fetc%2Fevil.html", "text/html", html);
  REQUIRE(added.status == 201);
  json a = added.json_body();
  CHECK(a["name"] == "evil.html");
  CHECK(a["type"] == "text/html");
  CHECK(a["size"] == html.size());
  auto got = s.request("GET", a["href"].get<std::string>(), "", {{"Cookie", anna}});
  CHECK(got.status == 200);
  CHECK(got.body == html);
  CHECK(got.headers["Content-Type"] == "application/octet-stream");
  CHECK(got.headers["Content-Disposition"].rfind("attachment; filename=\"evil.html\"", 0) == 0);
  CHECK(got.headers["X-Content-Type-Options"] == "nosniff");
  CHECK(got.headers["Content-Security-Policy"].find("sandbox") != std::string::npos);

  // Above the limit: refused before the body is read in full; above the JSON limit but
  // within the attachment limit: taken.
  CHECK(upload(anna, "big.bin", "application/octet-stream", std::string(100 * 1024 + 1, 'x')).status == 413);
  CHECK(upload(anna, "scan.pdf", "application/pdf", std::string(80 * 1024, 'x')).status == 201);
  CHECK(upload(anna, "", "text/plain", "x").status == 400);
  CHECK(upload(anna, "a.txt", "text%2Fplain%0D%0AX:%20y", "x").status == 422);  // not a media type
  // A form on another site can send text/plain with the cookie, not application/octet-stream.
  CHECK(s.request("POST", "/api/cases/" + id + "/attachments?name=a.txt", "x", {{"Cookie", anna}, {"Content-Type", "text/plain"}}).status == 403);

  // Mette (business functions) has no step in this case: it does not exist for her.
  auto mette = s.login("mette");
  CHECK(s.as(mette, "GET", "/api/cases/" + id + "/attachments").status == 404);
  CHECK(s.request("GET", a["href"].get<std::string>(), "", {{"Cookie", mette}}).status == 404);
  CHECK(upload(mette, "x.txt", "text/plain", "x").status == 404);
  CHECK(s.as(mette, "POST", "/api/cases/" + id + "/comments", {{"text", "hello"}}).status == 404);
  CHECK(s.as(mette, "GET", "/api/attachments/999").status == 404);
  bool recorded = false;
  for (const auto& r : s.refusals()) recorded |= r.rfind("mette: ", 0) == 0;
  CHECK(recorded);

  // The auditor sees the case and fetches the file.
  auto ida = s.login("ida");
  CHECK(s.as(ida, "GET", "/api/cases/" + id + "/attachments").json_body().size() == 2);
  CHECK(s.request("GET", a["href"].get<std::string>(), "", {{"Cookie", ida}}).body == html);

  CHECK(s.as(anna, "POST", "/api/cases/" + id + "/comments", {{"text", "Proof attached."}}).status == 201);
  auto comments = s.as(ida, "GET", "/api/cases/" + id + "/comments").json_body();
  REQUIRE(comments.size() == 1);
  CHECK(comments[0]["person"] == "anna");
  CHECK(comments[0]["text"] == "Proof attached.");
}

TEST_CASE("the Model screen's validation takes the forms to deploy with, names a form found nowhere, and offers the gateways' variables as keys", "[api][modeler]") {
  Server s;
  auto anna = s.login("anna");
  std::string xml = read_file(test_data("camunda8-form.bpmn"));
  auto alone = s.as(anna, "POST", "/api/validate", {{"name", "camunda8-form.bpmn"}, {"xml", xml}}).json_body();
  CHECK(alone["ok"] == false);
  bool named = false;
  for (const auto& f : alone["findings"])
    named |= f["element"] == "Activity_assess" &&
             f["message"].get<std::string>().find("shows form 'deviation-assessment', which is neither deployed nor among the forms given") !=
                 std::string::npos;
  CHECK(named);
  auto with = s.as(anna, "POST", "/api/validate",
                   {{"name", "camunda8-form.bpmn"}, {"xml", xml}, {"forms", {{"a.form", read_file(test_data("camunda8-assessment.form"))}}}})
                  .json_body();
  CHECK(with["ok"] == true);
  CHECK(with["fields"]["Activity_assess"][0]["name"] == "severity");
  CHECK(with["fields"]["Activity_assess"][0]["options"] == json::array({"high"}));
  // A form raciflow cannot check is an error naming the form file.
  auto odd = s.as(anna, "POST", "/api/validate",
                  {{"name", "camunda8-form.bpmn"}, {"xml", xml},
                   {"forms", {{"a.form", json{{"id", "deviation-assessment"}, {"components", {{{"type", "iframe"}, {"id", "x"}}}}}}}}})
                 .json_body();
  CHECK(odd["ok"] == false);
  CHECK(odd["findings"][0]["file"] == "a.form");
  CHECK(odd["findings"][0]["line"] == 4);  // the component's line in the form's JSON, as sent (dumped)
  CHECK(odd["findings"][0]["message"].get<std::string>().find("component 'x' is a 'iframe'") != std::string::npos);
  // Nothing was deployed.
  CHECK(s.as(anna, "GET", "/api/forms/deviation-assessment").status == 404);
}

TEST_CASE("a deployed form is read by version, a completed task sends what was submitted", "[api]") {
  Server s;
  auto anna = s.login("anna");
  auto [id, task] = assessment(s, anna);
  auto form = s.as(anna, "GET", "/api/forms/deviation-assessment");
  REQUIRE(form.status == 200);
  CHECK(form.json_body()["version"] == 1);
  CHECK(form.json_body()["schema"]["id"] == "deviation-assessment");
  CHECK(s.as(anna, "GET", "/api/forms/deviation-assessment?version=1").status == 200);
  CHECK(s.as(anna, "GET", "/api/forms/deviation-assessment?version=2").status == 404);
  CHECK(s.as(anna, "GET", "/api/forms/deviation-assessment?version=one").status == 400);
  CHECK(s.as(anna, "GET", "/api/forms/nothing-like-it").status == 404);
  CHECK(s.as(anna, "GET", "/api/tasks/" + std::to_string(task)).json_body().count("submitted") == 0);
  json variables{{"severity", "low"}, {"whatHappened", "A laptop was left on the train"}};
  REQUIRE(s.as(anna, "POST", "/api/tasks/" + std::to_string(task) + "/complete", {{"variables", variables}}).status == 200);
  CHECK(s.as(anna, "GET", "/api/tasks/" + std::to_string(task)).json_body()["submitted"] == variables);
}
