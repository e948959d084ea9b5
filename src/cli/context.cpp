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

// Reads the SQLite durability setting: "normal" or "full".
Result<bool> SynchronousFull(const std::optional<std::string>& sync) {
  if (!sync || *sync == "normal") return false;
  if (*sync == "full") return true;
  return BadRequest("--sync (or MUSTER_SYNC) takes normal or full", "sync");
}

}  // namespace

void AddStoreOptions(Args& args) {
  args.Option("db").Option("pg").Option("key-file").Option("sync");
}

Result<std::unique_ptr<Context>> OpenContext(const Args& args, bool create_key) {
  StoreTarget target{args.Get("db"), args.Get("pg"), args.Get("key-file"), args.Get("sync")};
  if (target.pg && target.db) return BadRequest("give either --db or --pg, not both", "pg");
  if (!target.pg && !target.db) {
    target.pg = Env("MUSTER_PG");
    if (!target.pg) target.db = Env("MUSTER_DB").value_or("muster.db");
  }
  return OpenTarget(target, create_key);
}

Result<std::unique_ptr<Context>> OpenTarget(const StoreTarget& target, bool create_key) {
  auto ctx = std::make_unique<Context>();
  const std::optional<std::string>& pg = target.pg;
  const std::optional<std::string>& db = target.db;
  if (pg) {
    if (target.sync) {
      return BadRequest("--sync is for SQLite; PostgreSQL's durability is the server's setting",
                        "sync");
    }
    MUSTER_ASSIGN(ctx->store, store::OpenPostgres({.conninfo = *pg}));
    ctx->description = "PostgreSQL";
    ctx->key_path = "muster.key";
  } else {
    MUSTER_ASSIGN(bool full, SynchronousFull(target.sync ? target.sync : Env("MUSTER_SYNC")));
    MUSTER_ASSIGN(ctx->store, store::OpenSqlite({.path = *db, .synchronous_full = full}));
    ctx->description = "SQLite " + *db;
    ctx->key_path = *db + ".key";
  }
  if (auto k = Env("MUSTER_KEY_FILE")) ctx->key_path = *k;
  if (target.key_file) ctx->key_path = *target.key_file;
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
