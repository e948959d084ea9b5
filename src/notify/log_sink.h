#pragma once

#include <functional>
#include <string_view>

namespace muster::notify {

// A sink for log lines (one line, no newline); called from the background threads. Lines never
// hold personal data or secrets.
using LogSink = std::function<void(std::string_view line)>;

}  // namespace muster::notify
