// UTF-8 checks for text that arrives from outside: files, HTTP requests, command lines.
// Everything raciflow stores and prints as JSON must be valid UTF-8 (the JSON writer
// refuses anything else), so each entry point checks it once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace raciflow::definitions {

// Offset of the first byte that is not part of well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), or npos when all of `text` is.
std::size_t first_invalid_utf8(std::string_view text);

// `text` with each byte that is not well-formed UTF-8 replaced by U+FFFD: for recording
// what a client sent when it cannot be refused first.
std::string valid_utf8(std::string_view text);

}  // namespace raciflow::definitions
