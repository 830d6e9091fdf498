// Reading files: encodings, namespaces, and every kind of malformed or hostile input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "definitions/loader.h"
#include "tests/support.h"

using namespace raciflow::definitions;
using raciflow::testing::check;
using raciflow::testing::line_of;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("raciflow-test-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& bytes) const {
    auto file = path / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }
};

struct Loaded {
  std::optional<Definitions> definitions;
  Diagnostics diagnostics{""};
};

Loaded load(const std::string& path) {
  Loaded l;
  l.diagnostics = Diagnostics(path);
  l.definitions = load_file(path, l.diagnostics);
  return l;
}

// The single finding of a refused file.
std::string only_error(const Loaded& l) {
  REQUIRE_FALSE(l.definitions);
  REQUIRE(l.diagnostics.all().size() == 1);
  REQUIRE(l.diagnostics.all()[0].severity == Severity::error);
  return l.diagnostics.all()[0].format();
}

const char* kMinimal = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <process id="p"><startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/></process>
</definitions>
)";

}  // namespace

TEST_CASE("a missing file is one clear error") {
  TempDir dir;
  auto l = load((dir.path / "absent.bpmn").string());
  CHECK(only_error(l) == (dir.path / "absent.bpmn").string() + ": error: cannot read: no such file");
}

TEST_CASE("a directory instead of a file is one clear error") {
  TempDir dir;
  auto l = load(dir.path.string());
  CHECK(only_error(l) == dir.path.string() + ": error: is a directory, not a definition file");
}

TEST_CASE("an empty file is one clear error") {
  TempDir dir;
  auto l = load(dir.write("empty.bpmn", ""));
  CHECK(only_error(l).find("error: malformed XML: the file is empty") != std::string::npos);
}

TEST_CASE("truncated XML is an error naming the line where it broke off") {
  TempDir dir;
  std::string text = kMinimal;
  text = text.substr(0, text.find("<sequenceFlow"));  // cut in the middle of line 3
  auto l = load(dir.write("truncated.bpmn", text));
  CHECK(only_error(l).find(":3: error: malformed XML: ") != std::string::npos);
}

TEST_CASE("an entity bomb is refused before any expansion") {
  TempDir dir;
  std::string bomb = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="&lol3;"/></definitions>
)";
  auto l = load(dir.write("bomb.bpmn", bomb));
  CHECK(only_error(l).find(":2: error: DOCTYPE declarations are not allowed") != std::string::npos);
}

TEST_CASE("a 100 MB file is refused by size without being parsed") {
  TempDir dir;
  std::string path = (dir.path / "huge.bpmn").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">";
    std::string chunk(1 << 20, ' ');
    for (int i = 0; i < 100; ++i) out << chunk;
    out << "</definitions>";
  }
  auto l = load(path);
  CHECK(only_error(l) == path + ": error: file is too large (100.0 MiB; definitions are limited to 16 MiB)");
}

TEST_CASE("invalid UTF-8 is an error naming its line") {
  TempDir dir;
  std::string text = kMinimal;
  text.insert(text.find("id=\"p\"") + 5, "\xC3\x28");  // a broken two-byte sequence on line 3
  auto l = load(dir.write("bad-utf8.bpmn", text));
  CHECK(only_error(l).find(":3: error: invalid UTF-8 (byte 0xC3)") != std::string::npos);
}

TEST_CASE("an unsupported encoding is refused by name") {
  auto c = check(R"(<?xml version="1.0" encoding="Shift_JIS"?><definitions/>)");
  CHECK_FALSE(c.definitions);
  CHECK(c.has_error(1, "unsupported encoding 'shift_jis': use UTF-8 or ISO-8859-1"));
}

TEST_CASE("a root that is not BPMN definitions is refused") {
  auto c = check("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"/>\n");
  CHECK_FALSE(c.definitions);
  CHECK(c.has_error(2, "not a BPMN 2.0 file: the root element is <html> in namespace http://www.w3.org/1999/xhtml"));
}

TEST_CASE("ISO-8859-1 files load and their text becomes UTF-8") {
  std::string text =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
      "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">\n"
      "<bpmn:process id=\"p\"><bpmn:startEvent id=\"s\" name=\"Afvigelse modtaget (\xE6\xF8\xE5)\"/>"
      "<bpmn:endEvent id=\"e\"/><bpmn:sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/></bpmn:process>\n"
      "</bpmn:definitions>\n";
  auto c = check(text);
  INFO(c.dump());
  REQUIRE(c.definitions);
  CHECK(c.definitions->processes[0].find_node("s")->name == "Afvigelse modtaget (\xC3\xA6\xC3\xB8\xC3\xA5)");
  CHECK(c.diagnostics.all().empty());
}

TEST_CASE("the BPMN namespace is recognised under any prefix and as the default namespace") {
  for (std::string prefix : {"", "bpmn:", "semantic:", "model:"}) {
    std::string ns = prefix.empty() ? "xmlns" : "xmlns:" + prefix.substr(0, prefix.size() - 1);
    std::string text = "<" + prefix + "definitions " + ns + "=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" " +
                       "xmlns:r=\"urn:raciflow:1\"><" + prefix + "process id=\"p\"><" + prefix +
                       "laneSet><" + prefix + "lane id=\"l\" r:role=\"hr\"><" + prefix + "flowNodeRef>t</" + prefix +
                       "flowNodeRef></" + prefix + "lane></" + prefix + "laneSet><" + prefix +
                       "startEvent id=\"s\"/><" + prefix + "userTask id=\"t\" r:due=\"PT4H\"/><" + prefix +
                       "endEvent id=\"e\"/><" + prefix + "sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/><" +
                       prefix + "sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/></" + prefix + "process></" +
                       prefix + "definitions>";
    INFO(text);
    auto c = check(text);
    REQUIRE(c.definitions);
    const auto& t = *c.definitions->processes[0].find_node("t");
    CHECK(t.kind == NodeKind::user_task);
    CHECK(t.role == "hr");
    CHECK(t.due->milliseconds == 4 * 3600 * 1000);
  }
}

TEST_CASE("elements in a foreign namespace that look like BPMN are not taken for BPMN") {
  auto c = check(raciflow::testing::bpmn(R"(<startEvent id="s"/>
<x:userTask xmlns:x="urn:other" id="fake"/>
<endEvent id="e"/>
<sequenceFlow id="f" sourceRef="s" targetRef="e"/>
)"));
  REQUIRE(c.definitions);
  CHECK(c.definitions->processes[0].find_node("fake") == nullptr);
}

TEST_CASE("the loader keeps what the engine needs: events, timers, boundaries, sub-processes, conditions") {
  std::string xml = raciflow::testing::bpmn(R"(<startEvent id="s"><messageEventDefinition messageRef="m"/></startEvent>
<subProcess id="sub">
  <startEvent id="sub-s"/>
  <userTask id="inner" raci:responsible="sf"/>
  <endEvent id="sub-e"/>
  <sequenceFlow id="sf1" sourceRef="sub-s" targetRef="inner"/>
  <sequenceFlow id="sf2" sourceRef="inner" targetRef="sub-e"/>
</subProcess>
<boundaryEvent id="late" attachedToRef="sub" cancelActivity="false"><timerEventDefinition><timeDuration>P2D</timeDuration></timerEventDefinition></boundaryEvent>
<exclusiveGateway id="g" default="no"/>
<endEvent id="e1"><terminateEventDefinition/></endEvent>
<endEvent id="e2"><errorEventDefinition errorRef="err"/></endEvent>
<endEvent id="e3"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
<sequenceFlow id="f2" sourceRef="sub" targetRef="g"/>
<sequenceFlow id="yes" sourceRef="g" targetRef="e1"><conditionExpression>${grade in ['major', 'minor']}</conditionExpression></sequenceFlow>
<sequenceFlow id="no" sourceRef="g" targetRef="e2"/>
<sequenceFlow id="f3" sourceRef="late" targetRef="e3"/>
)", "<laneSet id=\"ls\"><lane id=\"sf\"><flowNodeRef>s</flowNodeRef><flowNodeRef>sub</flowNodeRef><flowNodeRef>late</flowNodeRef>"
    "<flowNodeRef>g</flowNodeRef><flowNodeRef>e1</flowNodeRef><flowNodeRef>e2</flowNodeRef><flowNodeRef>e3</flowNodeRef></lane></laneSet>\n",
                                            "<message id=\"m\" name=\"Input\"/><error id=\"err\" errorCode=\"E1\"/>\n");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.diagnostics.all().empty());
  const auto& p = c.definitions->processes[0];
  CHECK(p.nodes.size() == 10);
  CHECK(p.flows.size() == 7);
  CHECK(p.find_node("s")->trigger == EventTrigger::message);
  CHECK(p.find_node("s")->message_ref == "m");
  CHECK(p.find_node("inner")->parent == p.node_index("sub"));
  CHECK(p.find_node("inner")->role == "sf");
  CHECK(p.find_node("late")->timer->duration->days == 2);
  CHECK_FALSE(p.find_node("late")->cancel_activity);
  CHECK(p.find_node("e1")->trigger == EventTrigger::terminate);
  CHECK(p.find_node("e2")->error_ref == "err");
  const auto& yes = *std::find_if(p.flows.begin(), p.flows.end(), [](const auto& f) { return f.id == "yes"; });
  REQUIRE(yes.condition->compiled);
  CHECK(yes.condition->compiled->variables() == std::vector<std::string>{"grade"});
}

TEST_CASE("a condition in a foreign expression language is kept but not evaluated, with a warning") {
  std::string xml = raciflow::testing::bpmn(R"(<startEvent id="s"/>
<exclusiveGateway id="g" default="b"/>
<endEvent id="e1"/>
<endEvent id="e2"/>
<sequenceFlow id="f" sourceRef="s" targetRef="g"/>
<sequenceFlow id="a" sourceRef="g" targetRef="e1"><conditionExpression language="http://www.w3.org/1999/XPath">getDataObject('x')</conditionExpression></sequenceFlow>
<sequenceFlow id="b" sourceRef="g" targetRef="e2"/>
)");
  auto c = check(xml);
  CHECK(c.has_warning(line_of(xml, "getDataObject"), "condition on 'a' is in the expression language http://www.w3.org/1999/XPath and is not evaluated"));
  CHECK_FALSE(c.diagnostics.has_errors());
}

TEST_CASE("raci:gap and raci:gapWhen load together on human tasks; a half or a misplaced pair is an error") {
  using namespace raciflow::testing;
  auto ok = check(bpmn(R"(<startEvent id="s"/><userTask id="q" name="Policy?" raci:responsible="security-function" raci:gapWhen="q1 == false" raci:gap="No policy"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="q"/><sequenceFlow id="f2" sourceRef="q" targetRef="e"/>
)", R"(<laneSet><lane id="l" raci:role="security-function"><flowNodeRef>s</flowNodeRef><flowNodeRef>q</flowNodeRef><flowNodeRef>e</flowNodeRef></lane></laneSet>
)"));
  INFO(ok.dump());
  CHECK_FALSE(ok.diagnostics.has_errors());
  const auto* q = ok.definitions->processes.front().find_node("q");
  REQUIRE(q->gap);
  CHECK(q->gap->text == "No policy");
  CHECK(q->gap->when);

  std::string half = bpmn(R"(<userTask id="q" raci:gap="No policy"/>
)");
  CHECK(check(half).has_error(line_of(half, "<userTask"), "'q' needs both raci:gap (the gap's text) and raci:gapWhen"));
  std::string bad = bpmn(R"(<userTask id="q" raci:gap="No policy" raci:gapWhen="q1 =="/>
)");
  CHECK(check(bad).has_error(line_of(bad, "<userTask"), "raci:gapWhen of 'q' does not parse"));
  std::string service = bpmn(R"(<serviceTask id="q" raci:gap="No policy" raci:gapWhen="q1 == false"/>
)");
  CHECK(check(service).has_error(line_of(service, "<serviceTask"), "raci:gap on 'q' needs a user or manual task"));
}

TEST_CASE("every attribute raciflow does not carry out is a warning naming it, once per element and attribute") {
  using raciflow::testing::bpmn;
  std::string xml = bpmn(R"(<startEvent id="s"/>
<serviceTask id="archive" implementation="##WebService"/>
<serviceTask id="archive-2" implementation="##WebService"/>
<userTask id="approve" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:formKey="embedded:app:forms/approve.html" raci:responsible="security-function"/>
<exclusiveGateway id="g" flavour="sweet" default="f3"/>
<endEvent id="e"/><endEvent id="e2"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="archive" isImmediate="true"/>
<sequenceFlow id="f1" sourceRef="archive" targetRef="archive-2" isImmediate="false"/>
<sequenceFlow id="f2" sourceRef="archive-2" targetRef="approve"/>
<sequenceFlow id="f4" sourceRef="approve" targetRef="g"/>
<sequenceFlow id="f3" sourceRef="g" targetRef="e"/>
<sequenceFlow id="f5" sourceRef="g" targetRef="e2"><conditionExpression>late == true</conditionExpression></sequenceFlow>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_warning(line_of(xml, "id=\"archive\""), "serviceTask 'archive' is loaded but not executed: passes through: raciflow calls no services; "
                                                      "further serviceTasks in process 'p' are not reported"));
  CHECK_FALSE(c.has_warning(line_of(xml, "id=\"archive-2\""), "archive-2"));  // reported once
  CHECK(c.has_warning(line_of(xml, "camunda:formKey"),
                      "attributes in namespace http://camunda.org/schema/1.0/bpmn (first: camunda:formKey on <userTask> 'approve') are not "
                      "executed by raciflow"));
  CHECK(c.has_warning(line_of(xml, "flavour"), "attribute flavour on <exclusiveGateway> 'g' is not BPMN 2.0 as raciflow reads it and is ignored"));
  CHECK_FALSE(c.has_warning(line_of(xml, "isImmediate=\"true\""), "isImmediate"));  // what raciflow does anyway
  CHECK(c.has_warning(line_of(xml, "isImmediate=\"false\""), "isImmediate on <sequenceFlow> 'f1' is loaded but not executed"));
  CHECK_FALSE(c.diagnostics.has_errors());
}

TEST_CASE("a due date, reminders or four-eyes on a step no person completes is a warning: it would have no effect") {
  using raciflow::testing::bpmn;
  std::string xml = bpmn(R"(<startEvent id="s"/>
<subProcess id="sub" raci:due="P5D" raci:responsible="security-function"><startEvent id="ss"/><endEvent id="se"/><sequenceFlow id="g" sourceRef="ss" targetRef="se"/></subProcess>
<serviceTask id="svc" raci:separateFrom="sub" raci:remind="P1D"/>
<endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="sub"/><sequenceFlow id="f1" sourceRef="sub" targetRef="svc"/><sequenceFlow id="f2" sourceRef="svc" targetRef="e"/>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_warning(line_of(xml, "<subProcess"), "raci:due on subProcess 'sub' has no effect: only user and manual tasks fall due"));
  CHECK(c.has_warning(line_of(xml, "<serviceTask"), "raci:separateFrom on serviceTask 'svc' has no effect"));
  CHECK(c.has_warning(line_of(xml, "<serviceTask"), "raci:remind on serviceTask 'svc' has no effect"));
  CHECK_FALSE(c.diagnostics.has_errors());
}

TEST_CASE("a multi-instance whose BPMN data form names no variable, or names its list twice, is an error on its line") {
  using raciflow::testing::bpmn;
  std::string xml = bpmn(R"(<startEvent id="s"/><dataObject id="units" name="Affected units"/>
<userTask id="a" raci:responsible="security-function"><multiInstanceLoopCharacteristics>
<loopDataInputRef>affected units</loopDataInputRef></multiInstanceLoopCharacteristics></userTask>
<userTask id="b" raci:responsible="security-function"><multiInstanceLoopCharacteristics raci:collection="list">
<loopDataInputRef>list</loopDataInputRef></multiInstanceLoopCharacteristics></userTask>
<endEvent id="e"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="a"/><sequenceFlow id="f1" sourceRef="a" targetRef="b"/><sequenceFlow id="f2" sourceRef="b" targetRef="e"/>
)");
  auto c = check(xml);
  INFO(c.dump());
  CHECK(c.has_error(line_of(xml, "<loopDataInputRef>affected"),
                    "<loopDataInputRef> of 'a' names 'affected units', which is no variable name (letters, digits and _): name the data object so"));
  CHECK(c.has_error(line_of(xml, "raci:collection=\"list\""), "the multi-instance of 'b' gives raci:collection and its BPMN data form both"));
}

TEST_CASE("a character reference to a surrogate or beyond U+10FFFF is refused with its line, in comments and CDATA not") {
  for (const char* reference : {"&#xD800;", "&#xdfff;", "&#55296;", "&#x110000;", "&#x1;", "&#xFFFE;", "&#99999999999999999;"}) {
    INFO(reference);
    std::string text = kMinimal;
    text.replace(text.find(R"(<startEvent id="s"/>)"), 20, std::string("\n<startEvent id=\"s\" name=\"A") + reference + "\"/>");
    Diagnostics d("refs.bpmn");
    CHECK_FALSE(load_text(text, "refs.bpmn", d));
    REQUIRE(d.all().size() == 1);
    CHECK(d.all()[0].line == 4);
    CHECK(d.all()[0].message.find(std::string("the character reference ") + reference + " names no XML character") == 0);
  }
  std::string fine = kMinimal;
  fine.replace(fine.find(R"(<startEvent id="s"/>)"), 20,
               R"(<!-- &#xD800; --><startEvent id="s" name="&#x1F512; &#233; &#10;"><documentation><![CDATA[&#xD800;]]></documentation></startEvent>)");
  Diagnostics d("refs.bpmn");
  auto loaded = load_text(fine, "refs.bpmn", d);
  REQUIRE(loaded);
  CHECK(loaded->processes[0].nodes[0].name == "\xF0\x9F\x94\x92 \xC3\xA9 \n");
}

TEST_CASE("raci:receives lists the variables a catch of a message or signal takes from another case's throw") {
  std::string xml = raciflow::testing::bpmn(R"(
  <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
  <intermediateCatchEvent id="wait" raci:receives="level  reason"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent>
  <sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
  <endEvent id="e" raci:receives="level"/>
  <receiveTask id="r" raci:receives="x-y"/>)", "", R"(<signal id="sig" name="Threat"/>)");
  auto c = check(xml);
  INFO(c.dump());
  REQUIRE(c.definitions);
  CHECK(c.definitions->processes[0].find_node("wait")->receives == std::vector<std::string>{"level", "reason"});
  CHECK(c.has_error(line_of(xml, "<endEvent id=\"e\""),
                    "raci:receives on 'e' needs a start, catch or boundary event of a message or signal, or a receive task"));
  CHECK(c.has_error(line_of(xml, "<receiveTask"), "raci:receives of 'r' must list variable names, not 'x-y'"));
}

TEST_CASE("a register declaration is read with its columns and heat map, and each mistake in it is an error naming its line") {
  TempDir dir;
  // The one error of a file that loads (and is then refused for it).
  auto one_error = [](const Loaded& l) {
    REQUIRE(l.diagnostics.error_count() == 1);
    for (const auto& d : l.diagnostics.all())
      if (d.severity == Severity::error) return d.format();
    return std::string();
  };
  auto file = [&](const std::string& process_attributes, const std::string& declaration) {
    return dir.write("register.bpmn", R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d">
  <process id="p" )" + process_attributes + R"(>
    <extensionElements>)" + declaration + R"(</extensionElements>
    <startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>
  </process>
</definitions>
)");
  };
  const std::string good = R"(<raci:register name="Risk register" nameDa="Risikoregister" review="P1Y">
      <raci:column variable="asset" carry="true" label="Asset" labelDa="Aktiv"/>
      <raci:column variable="risk.level" label="Level" labelDa="Niveau"/>
      <raci:heatMap size="5" likelihood="l" impact="i"/>
    </raci:register>)";
  auto loaded = load(file(R"(raci:register="risks")", good));
  REQUIRE(loaded.definitions);
  const RegisterDeclaration& keeps = loaded.definitions->processes[0].keeps;
  CHECK(keeps.id == "risks");
  CHECK(keeps.name_da == "Risikoregister");
  REQUIRE(keeps.columns.size() == 2);
  CHECK(keeps.columns[0].carry);
  CHECK(keeps.columns[1].variable == "risk.level");
  CHECK(keeps.heat_map.size == 5);
  CHECK(loaded.diagnostics.all().empty());

  CHECK(one_error(load(file(R"(raci:register="Risks!")", good))) ==
        dir.path.string() + "/register.bpmn:3: error: raci:register of process 'p' is 'Risks!'; a register id is lower-case letters, digits and '-', such as risks");
  CHECK(one_error(load(file("", good))).find(":4: error: <raci:register> in process 'p' declares a register, but the process has no "
                                              "raci:register naming it") != std::string::npos);
  auto column = [&](const std::string& c) {
    return one_error(load(file(R"(raci:register="risks")", R"(<raci:register name="R" nameDa="R">
      )" + c + R"(
    </raci:register>)")));
  };
  CHECK(column(R"(<raci:column variable="a" type="colour" label="A" labelDa="A"/>)")
            .find(":5: error: column 'a' of register 'risks' has type 'colour'; expected text, number, yesno, date, role or list") !=
        std::string::npos);
  CHECK(column(R"(<raci:column variable="a" label="A"/>)").find("needs both label and labelDa") != std::string::npos);
  CHECK(column(R"(<raci:column variable="a b" label="A" labelDa="A"/>)").find("has variable 'a b'") != std::string::npos);
  CHECK(column(R"(<raci:heatMap size="11" likelihood="l" impact="i"/>)").find("has size '11'; expected 2 to 10") != std::string::npos);
  CHECK(column(R"(<raci:heatMap size="4" likelihood="l" impact="i" residualLikelihood="r"/>)").find("both residualLikelihood and residualImpact") !=
        std::string::npos);
  // An attribute raciflow does not know is not silently dropped.
  auto unknown = load(file(R"(raci:register="risks")", R"(<raci:register name="R" nameDa="R" colour="red"/>)"));
  REQUIRE(unknown.definitions);
  CHECK(unknown.diagnostics.all().at(0).format().find("warning: unknown attribute colour on <raci:register> is ignored") != std::string::npos);
}
