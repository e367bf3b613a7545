// How often a SQLite migration run waits for the disk: commits inside a run
// do not sync, the run syncs its write-ahead log once at its end
// (docs/decisions/0006). Counted by a VFS over the default one, made the
// process's default for one test so that the connections strata opens use it.
#include <gmock/gmock.h>
#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "environment.h"
#include "process.h"
#include "strata/strata.h"

namespace strata::testing {
namespace {

std::atomic<int> g_wal_syncs{0};
sqlite3_vfs* g_real_vfs = nullptr;

// A file of the counting VFS: our methods, then the real file right after.
struct CountingFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool wal;
};

sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<CountingFile*>(file)->real; }

// Forwards each method to the real file; xSync counts the log's syncs.
const sqlite3_io_methods kMethods = {
    3,
    [](sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); },
    [](sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
      return Real(f)->pMethods->xRead(Real(f), buffer, amount, offset);
    },
    [](sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
      return Real(f)->pMethods->xWrite(Real(f), buffer, amount, offset);
    },
    [](sqlite3_file* f, sqlite3_int64 size) { return Real(f)->pMethods->xTruncate(Real(f), size); },
    [](sqlite3_file* f, int flags) {
      if (reinterpret_cast<CountingFile*>(f)->wal) ++g_wal_syncs;
      return Real(f)->pMethods->xSync(Real(f), flags);
    },
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
    [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
      return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
    },
    [](sqlite3_file* f, int offset, int n, int flags) {
      return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
    },
    [](sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); },
    [](sqlite3_file* f, int remove) { return Real(f)->pMethods->xShmUnmap(Real(f), remove); },
    [](sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
      return Real(f)->pMethods->xFetch(Real(f), offset, amount, out);
    },
    [](sqlite3_file* f, sqlite3_int64 offset, void* page) {
      return Real(f)->pMethods->xUnfetch(Real(f), offset, page);
    },
};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* counting = reinterpret_cast<CountingFile*>(file);
  counting->real = reinterpret_cast<sqlite3_file*>(counting + 1);
  counting->wal = (flags & SQLITE_OPEN_WAL) != 0;
  const int rc = g_real_vfs->xOpen(g_real_vfs, name, counting->real, flags, out_flags);
  counting->base.pMethods = counting->real->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}

// Installs the counting VFS as the default for its lifetime.
class CountingVfs {
 public:
  CountingVfs() {
    g_real_vfs = sqlite3_vfs_find(nullptr);
    vfs_ = *g_real_vfs;
    vfs_.pNext = nullptr;
    vfs_.zName = "strata_sync_counting";
    vfs_.szOsFile = static_cast<int>(sizeof(CountingFile)) + g_real_vfs->szOsFile;
    vfs_.xOpen = Open;
    sqlite3_vfs_register(&vfs_, 1);
  }
  ~CountingVfs() {
    sqlite3_vfs_unregister(&vfs_);
    sqlite3_vfs_register(g_real_vfs, 1);
  }
  CountingVfs(const CountingVfs&) = delete;
  CountingVfs& operator=(const CountingVfs&) = delete;

 private:
  sqlite3_vfs vfs_{};
};

TEST(MigrationDurabilityTest, ASqliteRunSyncsItsLogOnceAtTheEndFailedOrNot) {
  if (!BackendSelected(Backend::kSqlite)) GTEST_SKIP() << "STRATA_TEST_BACKENDS excludes sqlite";
  const std::string root = TestEnvironment::Get().MakeGuardedDirectory("strata-durability-");
  std::filesystem::create_directories(root + "/sqlite");
  const auto write = [&](const std::string& file, const std::string& sql) {
    std::ofstream(root + "/sqlite/" + file) << sql;
  };
  for (int v = 1; v <= 20; ++v) {
    const std::string t = "t" + std::to_string(v);
    write(std::to_string(v) + "_" + t + ".up.sql",
          "CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, name TEXT);\nCREATE INDEX " + t +
              "_name ON " + t + " (name);\n");
  }
  StoreOptions options;
  options.backend = Backend::kSqlite;
  options.url = root + "/durable.db";
  options.migrations_dir = root;
  {
    CountingVfs counting;
    auto migrator = Migrator::Open(options);
    g_wal_syncs = 0;
    EXPECT_EQ(migrator->Up().applied.size(), 20u);
    // The header of the fresh log SQLite starts, and the run's end: not one
    // per migration (22 with the ledger's table, as synchronous = FULL gives).
    EXPECT_EQ(g_wal_syncs.load(), 2);

    // A failing run is synced too: the migrations before the failure stay.
    for (int v = 21; v <= 25; ++v) {
      write(std::to_string(v) + "_t" + std::to_string(v) + ".up.sql",
            "CREATE TABLE t" + std::to_string(v) + " (id INTEGER);\n");
    }
    write("26_bad.up.sql", "CREATE TABLE t26 (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n");
    migrator = Migrator::Open(options);
    g_wal_syncs = 0;
    EXPECT_THROW(migrator->Up(), MigrationError);
    EXPECT_EQ(g_wal_syncs.load(), 2);
    EXPECT_EQ(migrator->CurrentVersion(), 25);
    migrator.reset();
  }
  RemoveTree(root);
}

}  // namespace
}  // namespace strata::testing
