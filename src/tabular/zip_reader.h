#pragma once

// Read-only access to a zip archive held in memory. Internal to tabular/.

#include <zip.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace muster::tabular {

class ZipReader {
 public:
  // Opens the archive in `bytes`, which are not copied and must outlive the reader. All Read()
  // calls together may unpack at most `budget` bytes (the zip-bomb guard). Returns BadRequest
  // on field "file" when `bytes` is not a readable zip archive.
  static Result<ZipReader> Open(std::string_view bytes, uint64_t budget);

  // Returns whether the archive holds a part named `name` (compared without case, as OPC does).
  bool Has(std::string_view name) const;

  // Returns the unpacked content of part `name`. Returns BadRequest on field "file" when it is
  // missing, damaged, encrypted, or larger than what is left of the budget (reason "too_large").
  Result<std::string> Read(std::string_view name);

 private:
  struct Discard {
    void operator()(zip_t* zip) const { zip_discard(zip); }
  };

  ZipReader(zip_t* zip, uint64_t budget) : zip_(zip), budget_left_(budget) {}

  Result<std::string> ReadIndex(zip_uint64_t index, std::string_view name);

  std::unique_ptr<zip_t, Discard> zip_;
  uint64_t budget_left_;
};

}  // namespace muster::tabular
