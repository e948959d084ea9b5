#include "http/static_files.h"

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace muster::http {

namespace fs = std::filesystem;

std::string_view ContentTypeFor(std::string_view file_name) {
  struct Entry {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".wasm", "application/wasm"},
  };
  std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string_view extension = file_name.substr(dot);
  for (const Entry& entry : kTypes) {
    if (entry.extension == extension) return entry.type;
  }
  return "application/octet-stream";
}

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

// Returns whether the decoded path may name a file: no "..", ".", hidden or empty inner segments,
// no backslash or NUL (which some file systems or libraries read as separators or ends).
bool IsSafePath(std::string_view path) {
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return false;
  }
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    if (slash == std::string_view::npos) break;
    if (segment.empty() || segment.front() == '.') return false;
    path.remove_prefix(slash + 1);
  }
  return path.empty() || path.front() != '.';
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string ETagFor(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  const auto mtime = fs::last_write_time(file, ec).time_since_epoch().count();
  std::ostringstream tag;
  tag << "W/\"" << std::hex << size << '-' << mtime << '"';
  return tag.str();
}

}  // namespace

StaticFiles::StaticFiles(fs::path root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(root, ec);
  if (ec) root_ = root.lexically_normal();
}

Handler StaticFiles::MakeHandler(fs::path root) {
  // Shared by every copy of the handler that std::function makes.
  auto files = std::make_shared<const StaticFiles>(std::move(root));
  return [files](const Request& request) { return files->Serve(request); };
}

fs::path StaticFiles::Resolve(std::string_view relative) const {
  if (!IsSafePath(relative)) return {};
  std::error_code ec;
  fs::path candidate = fs::weakly_canonical(root_ / fs::path(relative), ec);
  if (ec) return {};
  fs::path inside = candidate.lexically_relative(root_);
  if (inside.empty() || *inside.begin() == "..") return {};
  if (!fs::is_regular_file(candidate, ec)) return {};
  return candidate;
}

Response StaticFiles::Serve(const Request& request) const {
  const Response not_found = ErrorResponse(NotFound("no such file"));
  if (request.path == "/api" || StartsWith(request.path, "/api/")) return not_found;
  std::optional<std::string> decoded = PercentDecode(request.path, false);
  if (!decoded || decoded->empty() || decoded->front() != '/') return not_found;
  std::string_view relative = std::string_view(*decoded).substr(1);
  if (!IsSafePath(relative)) return not_found;
  if (relative.empty() || relative.back() == '/') {
    fs::path index = Resolve(std::string(relative) + "index.html");
    return index.empty() ? not_found : ServeFile(request, index, kRevalidate);
  }
  if (fs::path file = Resolve(relative); !file.empty()) {
    return ServeFile(request, file, StartsWith(relative, "assets/") ? kImmutable : kRevalidate);
  }
  // A client-side route ("/shifts/12") names no file and has no extension: the app handles it.
  std::string_view last = relative.substr(relative.rfind('/') + 1);
  if (last.find('.') != std::string_view::npos || StartsWith(relative, "assets/")) return not_found;
  fs::path index = Resolve("index.html");
  return index.empty() ? not_found : ServeFile(request, index, kRevalidate);
}

Response StaticFiles::ServeFile(const Request& request, const fs::path& file,
                                std::string_view cache_control) const {
  Response response;
  response.SetHeader("Cache-Control", std::string(cache_control));
  std::string etag = ETagFor(file);
  if (request.Header("if-none-match") == std::optional<std::string_view>(etag)) {
    response.status = 304;
    response.content_type.clear();
    response.SetHeader("ETag", std::move(etag));
    return response;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return ErrorResponse(NotFound("no such file"));
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  response.content_type = std::string(ContentTypeFor(file.filename().string()));
  response.SetHeader("ETag", std::move(etag));
  return response;
}

}  // namespace muster::http
