#pragma once

#include <memory>
#include <string>

namespace muster::testing {

// A throwaway PostgreSQL server for tests: initdb on a temporary directory, started with pg_ctl
// on a free port and a Unix socket in that directory, stopped and removed on destruction.
// Runs the server as the `postgres` user when the tests run as root (PostgreSQL refuses root).
// Throws std::runtime_error with a clear reason when it cannot start.
class PgServer {
 public:
  // Starts a new server; with `owned`, the destructor stops it and removes its directory.
  explicit PgServer(bool owned = true);
  // Attaches to a running server started by another process (see Save), without owning it.
  PgServer(std::string bin_dir, std::string dir, int port, bool as_postgres_user);
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // Creates a new empty database and returns its libpq connection string.
  std::string CreateDatabase();

  // Returns the connection string of the server's default database.
  std::string AdminConninfo() const;

  // Returns the process-wide server: the one named by the file in MUSTER_TEST_PG_STATE (started
  // once for the whole CTest run by the postgres fixture), else one started on first use.
  static PgServer& Shared();

  // Writes what Attach needs to `path`; Attach reads it back.
  void Save(const std::string& path) const;
  static std::unique_ptr<PgServer> Attach(const std::string& path);
  // Stops the server and removes its directory.
  void Stop();

 private:
  std::string RunAsServerUser(const std::string& command) const;

  std::string bin_dir_;
  std::string dir_;
  int port_ = 0;
  int next_db_ = 0;
  bool as_postgres_user_ = false;
  bool owned_ = true;
  bool stopped_ = false;
};

}  // namespace muster::testing
