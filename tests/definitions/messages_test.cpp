// The catalogue of messages people read (messages.h): every id has an English and a Danish
// text with the same values, and a finding reads the same in English as it always has.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "definitions/diagnostics.h"
#include "definitions/loader.h"
#include "definitions/messages.h"
#include "definitions/validate.h"

using namespace raciflow::definitions;

namespace {

std::set<std::string> placeholders(const std::string& text) {
  static const std::regex name(R"(\{([a-z]+)\})");
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), name), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

}  // namespace

TEST_CASE("every message of the catalogue has English and Danish texts with the same values") {
  auto ids = catalogue_ids();
  REQUIRE(ids.size() >= 40);
  for (const auto& id : ids) {
    INFO(id);
    // A phrase whose values are their own names shows each template as it is.
    Phrase bare{id, {}, ""};
    std::string en = text(bare, Language::en), da = text(bare, Language::da);
    CHECK(!en.empty());
    CHECK(!da.empty());
    CHECK(en != da);
    CHECK(placeholders(en) == placeholders(da));
  }
}

TEST_CASE("a finding reads in Danish with the element's kind in Danish and its name and id as written") {
  std::string xml = R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><userTask id="t" name="Vurdér"/><endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </process>
</definitions>)";
  Diagnostics d("p.bpmn");
  auto defs = load_text(xml, "p.bpmn", d);
  REQUIRE(defs);
  validate(*defs, d);
  REQUIRE(d.all().size() == 1);
  const auto& f = d.all()[0];
  CHECK(f.said.id == "activity.no_r");
  CHECK(f.message == "userTask 'Vurdér' (t) has no Responsible role: put it in a lane or set raci:responsible");
  CHECK(f.text(Language::en) == f.message);
  CHECK(f.text(Language::da) == "brugeropgaven 'Vurdér' (t) har ingen udførende rolle (R): læg den i en bane eller sæt raci:responsible");
  CHECK(f.format(Language::da) == "p.bpmn:3: fejl: " + f.text(Language::da));
}

TEST_CASE("a language is read from --lang values and locales, English for C and POSIX, none for the rest") {
  CHECK(parse_language("da") == Language::da);
  CHECK(parse_language("da_DK.UTF-8") == Language::da);
  CHECK(parse_language("da-DK") == Language::da);
  CHECK(parse_language("en_GB.UTF-8") == Language::en);
  CHECK(parse_language("C.UTF-8") == Language::en);
  CHECK(parse_language("POSIX") == Language::en);
  CHECK_FALSE(parse_language("de_DE.UTF-8"));
  CHECK_FALSE(parse_language("dansk"));
}

TEST_CASE("the loader's findings read in Danish too: a duplicate id, a bad due, malformed XML") {
  std::string xml = R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><userTask id="s" raci:due="soon"/>
  </process>
</definitions>)";
  Diagnostics d("p.bpmn");
  load_text(xml, "p.bpmn", d);
  std::vector<std::string> danish;
  for (const auto& f : d.all()) {
    CHECK(!f.said.id.empty());
    CHECK(f.text(Language::en) == f.message);
    danish.push_back(f.text(Language::da));
  }
  CHECK(std::find(danish.begin(), danish.end(), "id'et 's' findes to gange (første gang på linje 3)") != danish.end());
  CHECK(std::any_of(danish.begin(), danish.end(), [](const std::string& t) { return t.rfind("raci:due på 's' er ikke en ISO 8601-varighed: 'soon'", 0) == 0; }));
  Diagnostics broken("b.bpmn");
  CHECK_FALSE(load_text("<definitions", "b.bpmn", broken));
  REQUIRE(broken.all().size() == 1);
  CHECK(broken.all()[0].said.id == "xml.malformed");
  CHECK(broken.all()[0].text(Language::da).rfind("ugyldig XML: ", 0) == 0);
}
