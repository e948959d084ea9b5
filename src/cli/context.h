#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "cli/args.h"
#include "crypto/keyring.h"
#include "store/store.h"

namespace muster::cli {

// The composition root's pieces that every database command needs: the store chosen by
// --db/--pg, the data key, the real clock.
struct Context {
  std::unique_ptr<store::Store> store;
  std::optional<crypto::Keyring> keys;
  RealClock clock;
  std::string description;  // "SQLite muster.db" / "PostgreSQL ..." for messages
  std::string key_path;
};

// Declares --db, --pg, --key-file and --sync on `args`.
void AddStoreOptions(Args& args);

// Where the data lives: exactly one of `db` (SQLite file) and `pg` (connection string).
struct StoreTarget {
  std::optional<std::string> db = std::nullopt;
  std::optional<std::string> pg = std::nullopt;
  std::optional<std::string> key_file = std::nullopt;
  // SQLite durability: "normal" (default; an acknowledged write survives a crash of the process)
  // or "full" (it also survives power loss). Unset: MUSTER_SYNC, else normal.
  std::optional<std::string> sync = std::nullopt;
};

// Opens and migrates the store of `target` and loads its data key (`create_key` makes a missing
// key file).
Result<std::unique_ptr<Context>> OpenTarget(const StoreTarget& target, bool create_key);

// Opens the store named by the options (SQLite `--db`, default ./muster.db, or PostgreSQL `--pg`;
// also MUSTER_DB / MUSTER_PG; SQLite durability `--sync normal|full` or MUSTER_SYNC), migrates it,
// and loads the data key (`--key-file`, MUSTER_KEY_FILE, default <database>.key, or
// MUSTER_DATA_KEY). `create_key` makes a missing key file.
Result<std::unique_ptr<Context>> OpenContext(const Args& args, bool create_key);

}  // namespace muster::cli
