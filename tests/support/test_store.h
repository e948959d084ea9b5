#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace muster::testing {

// A temporary directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Opens a fresh, migrated store of `backend`: an SQLite file in a temporary directory, or a new
// database on the shared throwaway PostgreSQL server. Aborts the test on failure.
std::unique_ptr<store::Store> NewStore(store::Backend backend);

// Opens a second store over the same database as NewStore's last call for `backend`, as a second
// server process would.
std::unique_ptr<store::Store> ReopenLastStore(store::Backend backend);

// Names a backend for parameterised test names ("Sqlite", "Postgres").
std::string BackendName(store::Backend backend);

}  // namespace muster::testing
