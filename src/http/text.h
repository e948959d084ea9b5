#pragma once

#include <string>
#include <string_view>

// Small string helpers shared by the http/ sources; not part of the folder's public interface.
namespace muster::http {

// Returns whether `a` and `b` are equal ignoring ASCII case (header names, media types).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Returns `text` without leading and trailing spaces and tabs.
std::string_view TrimSpace(std::string_view text);
// Appends `text` to `out` as the inside of a JSON string (quotes, backslashes, control characters
// escaped); for hand-built log lines that must stay one line of valid JSON.
void AppendJsonEscaped(std::string& out, std::string_view text);

}  // namespace muster::http
