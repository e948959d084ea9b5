#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "store/store.h"

namespace muster::store {

struct PostgresOptions {
  std::string conninfo;     // libpq connection string, e.g. "host=/tmp port=5433 dbname=muster"
  int max_connections = 8;  // pooled connections
};

// Connects to PostgreSQL and returns a Store over it. Write transactions run SERIALIZABLE and
// are rerun on serialization failures and deadlocks, so the behaviour matches SQLite's single
// writer: several server processes may share one database. Does not migrate: call Migrate().
Result<std::unique_ptr<Store>> OpenPostgres(const PostgresOptions& options);

}  // namespace muster::store
