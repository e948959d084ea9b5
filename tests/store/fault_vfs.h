#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

struct sqlite3_vfs;

namespace muster::testing {

// An SQLite VFS over the default one whose writes to WAL files fail on demand, to test what a
// failed COMMIT does. Open a store over it with
// SqliteOptions::vfs = name(). Registered on construction (not as the default VFS), unregistered
// on destruction; every connection using it must be closed first.
class FaultVfs {
 public:
  explicit FaultVfs(std::string name);
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  const std::string& name() const { return name_; }

  // Makes the next `count` writes to a WAL file fail with the SQLite result code `code` (such as
  // SQLITE_IOERR_WRITE or SQLITE_BUSY); a count of 0 lets writes pass again. Thread-safe.
  void FailWalWrites(int count, int code) {
    code_.store(code);
    remaining_.store(count);
  }
  // Returns how many writes failed so far. Thread-safe.
  std::uint64_t failed_writes() const { return failed_writes_.load(); }

 private:
  friend struct FaultFile;
  // Returns true, counting down, when the next WAL write is to fail.
  bool TakeFailure() {
    int left = remaining_.load();
    while (left > 0 && !remaining_.compare_exchange_weak(left, left - 1)) {
    }
    return left > 0;
  }

  std::string name_;
  sqlite3_vfs* real_ = nullptr;
  std::unique_ptr<sqlite3_vfs> vfs_;  // registered with SQLite while this lives
  std::atomic<int> remaining_{0};
  std::atomic<int> code_{0};
  std::atomic<std::uint64_t> failed_writes_{0};
};

}  // namespace muster::testing
