#include "support/test_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/pg_server.h"

namespace muster::testing {
namespace {

std::string last_sqlite_path;
std::string last_pg_conninfo;

std::vector<std::unique_ptr<TempDir>>& Dirs() {
  static std::vector<std::unique_ptr<TempDir>> dirs;
  return dirs;
}

std::unique_ptr<store::Store> Open(store::Backend backend) {
  Result<std::unique_ptr<store::Store>> s =
      backend == store::Backend::kSqlite
          ? store::OpenSqlite(store::SqliteOptions{.path = last_sqlite_path})
          : store::OpenPostgres(store::PostgresOptions{.conninfo = last_pg_conninfo});
  if (!s.ok()) throw std::runtime_error("cannot open test store: " + s.error().message);
  return std::move(s).value();
}

}  // namespace

TempDir::TempDir() {
  char tmpl[] = "/tmp/muster-test-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("cannot create a temporary directory");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<store::Store> NewStore(store::Backend backend) {
  if (backend == store::Backend::kSqlite) {
    Dirs().push_back(std::make_unique<TempDir>());
    last_sqlite_path = Dirs().back()->path() + "/muster.db";
  } else {
    last_pg_conninfo = PgServer::Shared().CreateDatabase();
  }
  auto store = Open(backend);
  auto v = store->Migrate();
  if (!v.ok()) throw std::runtime_error("migration failed: " + v.error().message);
  return store;
}

std::unique_ptr<store::Store> ReopenLastStore(store::Backend backend) { return Open(backend); }

std::string BackendName(store::Backend backend) {
  return backend == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace muster::testing
