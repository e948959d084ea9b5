#include "support/pg_server.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace muster::testing {
namespace {

namespace fs = std::filesystem;

// Finds the newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl.
std::string FindBinDir() {
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(entry.path() / "bin" / "initdb") && fs::exists(entry.path() / "bin" / "pg_ctl")) {
      candidates.push_back(entry.path() / "bin");
    }
  }
  if (candidates.empty()) {
    throw std::runtime_error(
        "PostgreSQL server binaries not found under /usr/lib/postgresql: run scripts/setup.sh "
        "(it installs the postgresql package)");
  }
  std::sort(candidates.begin(), candidates.end());
  return candidates.back().string();
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("cannot find a free port for PostgreSQL");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) throw std::runtime_error("cannot run: " + command);
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  int rc = ::pclose(p);
  if (rc != 0) throw std::runtime_error("command failed: " + command + "\n" + out);
  return out;
}

void Exec(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test PostgreSQL: " + msg);
  }
  PGresult* r = PQexec(c, sql.c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error(sql + ": " + msg);
}

}  // namespace

PgServer::PgServer(std::string bin_dir, std::string dir, int port, bool as_postgres_user)
    : bin_dir_(std::move(bin_dir)),
      dir_(std::move(dir)),
      port_(port),
      as_postgres_user_(as_postgres_user),
      owned_(false) {
  // Databases made by different processes must not collide.
  next_db_ = static_cast<int>(::getpid()) * 1000;
}

PgServer::PgServer(bool owned) : bin_dir_(FindBinDir()), port_(FreePort()), owned_(owned) {
  struct stat null_stat {};
  if (::stat("/dev/null", &null_stat) != 0 || !S_ISCHR(null_stat.st_mode)) {
    throw std::runtime_error(
        "/dev/null is not a character device (initdb needs one): restore it with "
        "`rm -f /dev/null; mknod -m 666 /dev/null c 1 3` or run scripts/setup.sh as root");
  }
  as_postgres_user_ = ::geteuid() == 0;
  char tmpl[] = "/tmp/muster-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("cannot create a temporary directory");
  dir_ = tmpl;
  if (as_postgres_user_) {
    passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      throw std::runtime_error(
          "tests run as root but there is no `postgres` user to run PostgreSQL: install the "
          "postgresql package (scripts/setup.sh)");
    }
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("cannot hand " + dir_ + " to the postgres user");
    }
  }
  RunAsServerUser(bin_dir_ + "/initdb -D " + dir_ + "/data -U postgres --auth=trust -E UTF8 " +
                  "--locale=C.UTF-8 --no-sync");
  RunAsServerUser(bin_dir_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/log -w -t 60 -o \"-p " +
                  std::to_string(port_) + " -k " + dir_ +
                  " -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                  "-c full_page_writes=off -c max_connections=200 -c max_pred_locks_per_transaction=1024\" start");
}

PgServer::~PgServer() {
  if (owned_) Stop();
}

void PgServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  try {
    RunAsServerUser(bin_dir_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop");
  } catch (const std::exception&) {
    // The server may already be gone; the directory is removed all the same.
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgServer::RunAsServerUser(const std::string& command) const {
  if (!as_postgres_user_) return Run(command);
  // runuser keeps no environment of root's that PostgreSQL would refuse; cd to a readable dir.
  return Run("cd " + dir_ + " && runuser -u postgres -- " + command);
}

std::string PgServer::AdminConninfo() const {
  return "host=" + dir_ + " port=" + std::to_string(port_) + " user=postgres dbname=postgres";
}

std::string PgServer::CreateDatabase() {
  std::string name = "test_" + std::to_string(++next_db_);
  Exec(AdminConninfo(), "CREATE DATABASE " + name + " TEMPLATE template0");
  return "host=" + dir_ + " port=" + std::to_string(port_) + " user=postgres dbname=" + name;
}

void PgServer::Save(const std::string& path) const {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot write " + path);
  std::fprintf(f, "%s\n%s\n%d\n%d\n", bin_dir_.c_str(), dir_.c_str(), port_,
               as_postgres_user_ ? 1 : 0);
  std::fclose(f);
}

std::unique_ptr<PgServer> PgServer::Attach(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) throw std::runtime_error("cannot read " + path);
  char bin[4096], dir[4096];
  int port = 0, as_user = 0;
  int n = std::fscanf(f, "%4095s %4095s %d %d", bin, dir, &port, &as_user);
  std::fclose(f);
  if (n != 4) throw std::runtime_error(path + " does not describe a PostgreSQL test server");
  return std::make_unique<PgServer>(bin, dir, port, as_user != 0);
}

PgServer& PgServer::Shared() {
  // Function-local statics: made on first use; an owned server is stopped at process exit.
  static std::unique_ptr<PgServer> server = [] {
    const char* state = std::getenv("MUSTER_TEST_PG_STATE");
    if (state != nullptr && *state != '\0' && std::filesystem::exists(state)) {
      return Attach(state);
    }
    return std::make_unique<PgServer>();
  }();
  return *server;
}

}  // namespace muster::testing
