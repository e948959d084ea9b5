#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "store/store.h"

namespace muster::store {

struct SqliteOptions {
  std::string path;            // database file; created if missing
  bool synchronous_full = false;  // FULL survives power loss; NORMAL (default) survives crashes
  int max_readers = 8;            // pooled read connections
};

// Opens (creating if needed) an SQLite database in WAL mode with foreign keys on, and returns a
// Store over it. Write transactions are serialised in-process and begin IMMEDIATE, so they never
// deadlock; contention with other processes is absorbed by busy waiting and reruns, never
// reaching a caller as SQLITE_BUSY. Does not migrate: call Migrate().
Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options);

}  // namespace muster::store
