// What every runtime operation throws when it says no: a one-line message for the person,
// and nothing changed.
#pragma once

#include <stdexcept>

namespace raciflow::runtime {

struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace raciflow::runtime
