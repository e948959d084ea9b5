#include "store/fault_vfs.h"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace muster::testing {

// A file of the fault VFS: its own header, then the real VFS's file. Every method but xWrite
// forwards to the real file.
struct FaultFile {
  sqlite3_file base;
  FaultVfs* owner;
  bool wal;

  static FaultFile* Of(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f); }
  static sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<sqlite3_file*>(Of(f) + 1); }
  static FaultVfs* Owner(sqlite3_vfs* v) { return static_cast<FaultVfs*>(v->pAppData); }
  static sqlite3_vfs* RealOf(sqlite3_vfs* v) { return Owner(v)->real_; }

  static int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags,
                  int* out_flags) {
    FaultFile* f = Of(file);
    f->base.pMethods = nullptr;
    f->owner = Owner(vfs);
    f->wal = (flags & SQLITE_OPEN_WAL) != 0;
    sqlite3_vfs* real = RealOf(vfs);
    int rc = real->xOpen(real, name, Real(file), flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    f->base.pMethods = &kMethods;
    return SQLITE_OK;
  }

  static int Write(sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
    FaultFile* self = Of(f);
    if (self->wal && self->owner->TakeFailure()) {
      self->owner->failed_writes_.fetch_add(1);
      return self->owner->code_.load();
    }
    return Real(f)->pMethods->xWrite(Real(f), data, n, offset);
  }

  static const sqlite3_io_methods kMethods;
};

const sqlite3_io_methods FaultFile::kMethods = {
    3,
    [](sqlite3_file* f) {
      sqlite3_file* r = Real(f);
      return r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
    },
    [](sqlite3_file* f, void* p, int n, sqlite3_int64 o) {
      return Real(f)->pMethods->xRead(Real(f), p, n, o);
    },
    &FaultFile::Write,
    [](sqlite3_file* f, sqlite3_int64 size) { return Real(f)->pMethods->xTruncate(Real(f), size); },
    [](sqlite3_file* f, int flags) { return Real(f)->pMethods->xSync(Real(f), flags); },
    [](sqlite3_file* f, sqlite3_int64* size) {
      return Real(f)->pMethods->xFileSize(Real(f), size);
    },
    [](sqlite3_file* f, int lock) { return Real(f)->pMethods->xLock(Real(f), lock); },
    [](sqlite3_file* f, int lock) { return Real(f)->pMethods->xUnlock(Real(f), lock); },
    [](sqlite3_file* f, int* out) { return Real(f)->pMethods->xCheckReservedLock(Real(f), out); },
    [](sqlite3_file* f, int op, void* arg) {
      return Real(f)->pMethods->xFileControl(Real(f), op, arg);
    },
    [](sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); },
    [](sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); },
    [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
      return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
    },
    [](sqlite3_file* f, int offset, int n, int flags) {
      return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
    },
    [](sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); },
    [](sqlite3_file* f, int del) { return Real(f)->pMethods->xShmUnmap(Real(f), del); },
    [](sqlite3_file* f, sqlite3_int64 o, int n, void** p) {
      return Real(f)->pMethods->xFetch(Real(f), o, n, p);
    },
    [](sqlite3_file* f, sqlite3_int64 o, void* p) {
      return Real(f)->pMethods->xUnfetch(Real(f), o, p);
    },
};

FaultVfs::FaultVfs(std::string name) : name_(std::move(name)) {
  real_ = sqlite3_vfs_find(nullptr);
  if (real_ == nullptr || real_->iVersion < 3) throw std::runtime_error("no default SQLite VFS");
  vfs_ = std::make_unique<sqlite3_vfs>(*real_);
  vfs_->szOsFile = static_cast<int>(sizeof(FaultFile)) + real_->szOsFile;
  vfs_->zName = name_.c_str();
  vfs_->pAppData = this;
  vfs_->pNext = nullptr;
  vfs_->xOpen = &FaultFile::Open;
  // The rest are handed the VFS they were called on: pass them the real one.
  vfs_->xDelete = [](sqlite3_vfs* v, const char* n, int sync) {
    return FaultFile::RealOf(v)->xDelete(FaultFile::RealOf(v), n, sync);
  };
  vfs_->xAccess = [](sqlite3_vfs* v, const char* n, int flags, int* out) {
    return FaultFile::RealOf(v)->xAccess(FaultFile::RealOf(v), n, flags, out);
  };
  vfs_->xFullPathname = [](sqlite3_vfs* v, const char* n, int size, char* out) {
    return FaultFile::RealOf(v)->xFullPathname(FaultFile::RealOf(v), n, size, out);
  };
  vfs_->xRandomness = [](sqlite3_vfs* v, int n, char* out) {
    return FaultFile::RealOf(v)->xRandomness(FaultFile::RealOf(v), n, out);
  };
  vfs_->xSleep = [](sqlite3_vfs* v, int us) {
    return FaultFile::RealOf(v)->xSleep(FaultFile::RealOf(v), us);
  };
  vfs_->xCurrentTime = [](sqlite3_vfs* v, double* t) {
    return FaultFile::RealOf(v)->xCurrentTime(FaultFile::RealOf(v), t);
  };
  vfs_->xGetLastError = [](sqlite3_vfs* v, int n, char* out) {
    return FaultFile::RealOf(v)->xGetLastError(FaultFile::RealOf(v), n, out);
  };
  vfs_->xCurrentTimeInt64 = [](sqlite3_vfs* v, sqlite3_int64* t) {
    return FaultFile::RealOf(v)->xCurrentTimeInt64(FaultFile::RealOf(v), t);
  };
  // No extensions and no system-call overrides through this VFS.
  vfs_->xDlOpen = nullptr;
  vfs_->xDlError = nullptr;
  vfs_->xDlSym = nullptr;
  vfs_->xDlClose = nullptr;
  vfs_->xSetSystemCall = nullptr;
  vfs_->xGetSystemCall = nullptr;
  vfs_->xNextSystemCall = nullptr;
  if (sqlite3_vfs_register(vfs_.get(), 0) != SQLITE_OK) {
    throw std::runtime_error("cannot register the fault VFS");
  }
}

FaultVfs::~FaultVfs() { sqlite3_vfs_unregister(vfs_.get()); }

}  // namespace muster::testing
