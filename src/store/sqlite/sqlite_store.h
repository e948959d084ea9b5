#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "store/store.h"

namespace muster::store {

struct SqliteOptions {
  std::string path;               // database file; created if missing
  bool synchronous_full = false;  // FULL survives power loss; NORMAL (default) survives crashes
  int max_readers = 8;            // pooled read connections
  int max_group = 128;            // most Write calls one COMMIT carries; 1: no group commit
  // How long the leader of a group may wait for more writers before it starts (as PostgreSQL's
  // commit_delay), when writes have lately come from more than one thread: one COMMIT then
  // carries more of them, which under load costs less CPU per write than it adds in latency.
  // The wait ends as soon as as many writers are queued as there were threads writing lately,
  // or when none joined for half of it. A lone thread's writes never wait. 0: never wait.
  int commit_linger_us = 500;
  // WAL size in pages at which a checkpoint starts on a thread of its own, off the writer's
  // path; at 8 times that (a checkpointer that cannot keep up) the writer checkpoints itself.
  // 0: the writer checkpoints at 1000 pages itself, as SQLite does by default.
  int checkpoint_pages = 1000;
  // Page cache of the writer connection, in KiB (SQLite's default is 2,000): the pages the
  // writes of a busy server touch stay in memory instead of being read again each group.
  int writer_cache_kib = 32 * 1024;
  std::string vfs = {};           // SQLite VFS by name; empty: the default (tests inject faults)
};

// Counters of the writer queue since the store was opened.
struct SqliteWriteStats {
  std::uint64_t commits = 0;        // COMMITs that succeeded
  std::uint64_t transactions = 0;   // Write calls whose work those COMMITs carried
  std::uint64_t largest_group = 0;  // most Write calls one COMMIT carried
  std::uint64_t queued = 0;         // Write calls in the queue now, the running group included
  std::uint64_t checkpoints = 0;    // checkpoints the background checkpointer ran
};

// Opens (creating if needed) an SQLite database in WAL mode with foreign keys on, and returns a
// Store over it. Does not migrate: call Migrate().
//
// Writes use one connection and group commit, as LevelDB's writer queue: concurrent Write calls
// queue up; the first becomes the leader, takes the calls waiting behind it (up to max_group) and
// runs them in one BEGIN IMMEDIATE ... COMMIT, each function inside its own SAVEPOINT, in queue
// order. A function that fails is rolled back to its savepoint alone and its caller gets its
// error; the others are unaffected. Every caller returns only after the COMMIT carrying its work
// succeeded. If that COMMIT fails, no function of the group took effect: on contention all are
// rerun, otherwise all get the COMMIT's error. A Write with no one waiting runs alone, without a
// savepoint. Contention with other processes is absorbed by busy waiting and reruns, never
// reaching a caller as SQLITE_BUSY. An exception thrown by a function is rethrown to its caller
// after its savepoint was rolled back.
//
// Checkpoints (copying the WAL into the database file, with its fsyncs) run on a background
// thread with a connection of its own, so that writers do not wait for them; see
// SqliteOptions::checkpoint_pages.
//
// Write must not be called from inside a function running in a Write of the same store (the call
// would wait for its own transaction): such a call returns kInternal at once. Read may.
Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options);

// Sets what SQLite allows only before its first use in the process: no memory statistics (which
// take a global mutex at every allocation). OpenSqlite calls it; a program that uses SQLite
// before (a benchmark's own ceiling) calls it first. Harmless when called again or too late.
void ConfigureSqliteProcess();

// Returns the writer-queue counters of a store made by OpenSqlite; nullopt for another store.
// Thread-safe.
std::optional<SqliteWriteStats> GetSqliteWriteStats(const Store& store);

}  // namespace muster::store
