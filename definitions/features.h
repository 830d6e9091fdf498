// What raciflow does with each BPMN 2.0 element and attribute it reads: the feature table.
//
// The loader takes its warnings about attributes from here, deploy refuses what is
// marked refused, and docs/definition-format.md carries the table as features_markdown()
// prints it (a test compares the two), so that the documentation, the warnings and the
// engine cannot drift apart.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace raciflow::definitions {

enum class Support : std::uint8_t {
  executed,       // raciflow carries it out
  documentation,  // it describes and changes nothing in BPMN's execution semantics either
  warned,         // loaded, not carried out: every file that uses it gets a warning
  refused,        // deploy refuses a process that uses it (as the note says)
};
const char* to_string(Support support);

struct Feature {
  std::string_view element;    // BPMN element name; "*" for every element the table names
  std::string_view attribute;  // empty: the element itself (and its content); "<x>": child element x
  Support support;
  std::string_view note;
  std::string_view harmless = {};  // a value with which a warned attribute changes nothing (no warning)
};

// Every element raciflow executes, with its attributes and child elements, in the order
// of the documentation.
std::span<const Feature> features();

// The row for an attribute of an element (the element's own, else "*"); nullptr when the
// element is in the table but the attribute is not, or the element is not in the table.
const Feature* attribute_feature(std::string_view element, std::string_view attribute);
// Whether the table describes this element (so that its attributes are checked).
bool element_in_table(std::string_view element);

// Data, artifacts and resource assignments: loaded as documentation, never executed; the
// loader reports them once per kind and process.
bool is_data_or_artifact(std::string_view element);

// The feature table and the event trigger matrix as Markdown.
std::string features_markdown();

}  // namespace raciflow::definitions
