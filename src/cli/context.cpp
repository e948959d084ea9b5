#include "cli/context.h"

#include <cstdlib>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace muster::cli {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace

void AddStoreOptions(Args& args) { args.Option("db").Option("pg").Option("key-file"); }

Result<std::unique_ptr<Context>> OpenContext(const Args& args, bool create_key) {
  auto ctx = std::make_unique<Context>();
  std::optional<std::string> pg = args.Get("pg");
  std::optional<std::string> db = args.Get("db");
  if (pg && db) return BadRequest("give either --db or --pg, not both", "pg");
  if (!pg && !db) {
    pg = Env("MUSTER_PG");
    if (!pg) db = Env("MUSTER_DB").value_or("muster.db");
  }
  if (pg) {
    MUSTER_ASSIGN(ctx->store, store::OpenPostgres({.conninfo = *pg}));
    ctx->description = "PostgreSQL";
    ctx->key_path = "muster.key";
  } else {
    MUSTER_ASSIGN(ctx->store, store::OpenSqlite({.path = *db}));
    ctx->description = "SQLite " + *db;
    ctx->key_path = *db + ".key";
  }
  if (auto k = Env("MUSTER_KEY_FILE")) ctx->key_path = *k;
  if (auto k = args.Get("key-file")) ctx->key_path = *k;
  auto version = ctx->store->Migrate();
  if (!version.ok()) {
    return Unavailable("cannot prepare the database (" + ctx->description +
                       "): " + version.error().message);
  }
  MUSTER_ASSIGN(auto keys, crypto::Keyring::Load(ctx->key_path, create_key));
  ctx->keys.emplace(std::move(keys));
  return ctx;
}

}  // namespace muster::cli
