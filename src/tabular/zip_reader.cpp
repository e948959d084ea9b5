#include "tabular/zip_reader.h"

#include <algorithm>

namespace muster::tabular {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr uint64_t kMaxReserve = 16 << 20;

Error FileError(std::string message, std::string reason) {
  Error e = BadRequest(std::move(message), "file");
  e.reason = std::move(reason);
  return e;
}

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

}  // namespace

Result<ZipReader> ZipReader::Open(std::string_view bytes, uint64_t budget) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return Internal("cannot wrap the upload for libzip");
  }
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (zip == nullptr) {
    // On failure the source still belongs to the caller.
    zip_source_free(source);
    bool not_zip = zip_error_code_zip(&error) == ZIP_ER_NOZIP;
    std::string detail = zip_error_strerror(&error);
    zip_error_fini(&error);
    if (not_zip) return FileError("not an XLSX file (not a zip archive)", "not_xlsx");
    return FileError("damaged XLSX file: " + detail, "syntax");
  }
  zip_error_fini(&error);
  return ZipReader(zip, budget);
}

bool ZipReader::Has(std::string_view name) const {
  return zip_name_locate(zip_.get(), std::string(name).c_str(), ZIP_FL_NOCASE) >= 0;
}

Result<std::string> ZipReader::Read(std::string_view name) {
  zip_int64_t index = zip_name_locate(zip_.get(), std::string(name).c_str(), ZIP_FL_NOCASE);
  if (index < 0) {
    return FileError("damaged XLSX file: part " + std::string(name) + " is missing", "syntax");
  }
  return ReadIndex(static_cast<zip_uint64_t>(index), name);
}

Result<std::string> ZipReader::ReadIndex(zip_uint64_t index, std::string_view name) {
  auto too_large = [&] {
    return FileError(
        "XLSX file unpacks to more than the allowed size (at " + std::string(name) + ")",
        "too_large");
  };
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(zip_.get(), index, 0, &stat) == 0 && (stat.valid & ZIP_STAT_SIZE) &&
      stat.size > budget_left_) {
    return too_large();
  }
  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(zip_.get(), index, 0));
  if (file == nullptr) {
    return FileError(
        "cannot read part " + std::string(name) + " of the XLSX file: " + zip_strerror(zip_.get()),
        "syntax");
  }
  std::string content;
  if (stat.valid & ZIP_STAT_SIZE) content.reserve(std::min<uint64_t>(stat.size, kMaxReserve));
  char buffer[kChunk];
  while (true) {
    zip_int64_t got = zip_fread(file.get(), buffer, sizeof buffer);
    if (got < 0) {
      return FileError(
          "damaged XLSX file: part " + std::string(name) + ": " + zip_file_strerror(file.get()),
          "syntax");
    }
    if (got == 0) break;
    if (static_cast<uint64_t>(got) > budget_left_ - content.size()) return too_large();
    content.append(buffer, static_cast<size_t>(got));
  }
  budget_left_ -= content.size();
  return content;
}

}  // namespace muster::tabular
