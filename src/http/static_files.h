#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "http/router.h"

namespace muster::http {

// Returns the media type for a file name by its extension ("app.js" -> "text/javascript;
// charset=utf-8"); application/octet-stream for unknown ones.
std::string_view ContentTypeFor(std::string_view file_name);

// Serves the built web interface from one directory:
// - files under /assets/ (content-hashed names) are cacheable for a year, immutable;
// - other files, index.html included, must be revalidated (no-cache), with an ETag;
// - a path with no extension that names no file gets index.html (client-side routes), except under
//   /api/, where unknown paths are JSON 404s;
// - nothing outside the directory can be reached: ".." segments, encoded or not, hidden files,
//   backslashes and NUL bytes are refused, and symbolic links leading out are not followed.
// Thread-safe (read-only after construction).
class StaticFiles {
 public:
  // `root` is the directory holding index.html; it may not exist yet (then every path is 404).
  explicit StaticFiles(std::filesystem::path root);

  // Answers one GET or HEAD request. Call from any thread.
  Response Serve(const Request& request) const;

  // Returns a handler serving `root`, for Router::SetFallback.
  static Handler MakeHandler(std::filesystem::path root);

 private:
  // Returns the file under root_ that `relative` names, or an empty path when none may be served.
  std::filesystem::path Resolve(std::string_view relative) const;
  Response ServeFile(const Request& request, const std::filesystem::path& file,
                     std::string_view cache_control) const;

  std::filesystem::path root_;  // canonical
};

}  // namespace muster::http
