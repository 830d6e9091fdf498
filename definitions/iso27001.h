// ISO/IEC 27001:2022: clauses 4-10 and the 93 Annex A controls, each with its title and the
// ISO/IEC 27001:2013 number(s) it corresponds to. raci:iso names them by their 2022
// numbers ("6.1.2", "A.5.24"); the Statement of Applicability lists the controls; the web
// app's clause picker is served from this table (/iso27001.js).
#pragma once

#include <string>
#include <vector>

namespace raciflow::definitions {

struct IsoItem {
  std::string number;       // "6.1.2", "A.5.24"
  std::string title;
  std::string number_2013;  // "A.16.1.1"; several separated by spaces; empty: new in 2022
  bool control() const { return number.rfind("A.", 0) == 0; }
};

// Clauses 4-10 in order, then Annex A in order.
const std::vector<IsoItem>& iso27001();
// The Annex A control with this number, with or without its "A." ("5.24", "A.5.24"); null when none.
const IsoItem* annex_a_control(const std::string& number);

}  // namespace raciflow::definitions
