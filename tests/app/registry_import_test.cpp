// Registry imports: idempotent, all-or-nothing by default, one refusal per bad row.
#include "app/registry_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "store/registry_repo.h"
#include "store/sqlite/sqlite_store.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

using tabular::Sheet;
const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::vector<Sheet> GoodCity() {
  return {
      {"pairings.csv",
       {{"street", "community", "unit", "department", "from"},
        {"黄贝街道", "", "市委党校", "", "2021-06-01"},
        {"黄贝街道", "新谊社区", "市委党校", "办公室", "2021-06-01"},
        {"黄贝街道", "新谊社区", "市委党校", "教务处", "2021-06-01"},
        {"东门街道", "湖贝社区", "市教育局", "基教处", ""}}},
      {"members",
       {{"姓名", "手机", "单位", "处室", "党支部", "是否党员", "身份证号", "技能", "带领人手机"},
        {"张小三", "13912345678", "市委党校", "", "", "否", "", "", "138 1234 5678"},
        {"张三", "+86 138-1234-5678", "市委党校", "办公室", "第一党支部", "是", "11010519491231002X",
         "medical;driving", ""},
        {"李四", "13712345678", "市教育局", "基教处", "机关第一党支部", "是", "360426199101010071", "", ""}}},
      {"regions",
       {{"district", "street", "community"},
        {"罗湖区", "黄贝街道", "新谊社区"},
        {"罗湖区", "黄贝街道", "黄贝岭村"},
        {"罗湖区", "东门街道", "湖贝社区"},
        {"深汕特别合作区", "鹅埠镇", ""}}},
      {"单位", {{"单位", "类型"}, {"市委党校", "机关"}, {"市教育局", "agency"}, {"深圳地铁集团", "国企"}}},
      {"departments", {{"unit", "department"}, {"市委党校", "办公室"}, {"市委党校", "教务处"}, {"市教育局", "基教处"}}},
      {"branches", {{"unit", "branch"}, {"市委党校", "第一党支部"}, {"市教育局", "机关第一党支部"}}},
      {"sites",
       {{"street", "community", "site", "kind", "lat", "lon", "risk"},
        {"黄贝街道", "新谊社区", "新谊核酸采集点", "collection_point", "22.5481", "114.1352", "high"}}},
  };
}

class ImportTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override { store_ = muster::testing::NewStore(GetParam()); }

  Result<ImportReport> Import(const std::vector<Sheet>& sheets, bool valid_rows_only = false) {
    return ImportRegistry(*store_, rules_, sheets, {.valid_rows_only = valid_rows_only});
  }

  std::int64_t Count(std::string_view table) {
    return *store_->Read([&](store::Transaction& tx) { return store::RegistryRepo(tx).Count(table); });
  }

  std::map<std::string, std::int64_t> Counts() {
    std::map<std::string, std::int64_t> out;
    for (auto t : {"districts", "streets", "communities", "sites", "units", "departments",
                   "branches", "members", "street_pairings", "community_pairings"}) {
      out[t] = Count(t);
    }
    return out;
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{ShanghaiMidnight(*ParseDate("2022-01-11", "d"))};
  RegistryRules rules_{keys_, clock_};
  std::unique_ptr<store::Store> store_;
};

TEST_P(ImportTest, ImportsEveryTableAndASecondImportChangesNothing) {
  auto first = Import(GoodCity());
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(first->committed);
  EXPECT_TRUE(first->rejected.empty()) << first->rejected[0].message;
  auto counts = Counts();
  EXPECT_EQ(counts["districts"], 2);
  EXPECT_EQ(counts["streets"], 3);
  EXPECT_EQ(counts["communities"], 3);
  EXPECT_EQ(counts["members"], 3);
  EXPECT_EQ(counts["street_pairings"], 1);
  EXPECT_EQ(counts["community_pairings"], 3);

  auto second = Import(GoodCity());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->Imported(), 0);
  for (const auto& t : second->tables) EXPECT_EQ(t.created + t.updated, 0) << t.table;
  EXPECT_EQ(Counts(), counts);
}

TEST_P(ImportTest, KindsFollowChineseWordsAndNames) {
  ASSERT_TRUE(Import(GoodCity()).ok());
  auto r = store_->Read([](store::Transaction& tx) -> Status {
    store::RegistryRepo repo(tx);
    MUSTER_ASSIGN(auto town, repo.FindStreetByName("鹅埠镇"));
    MUSTER_ASSIGN(auto street, repo.FindStreet(*town));
    EXPECT_EQ(street->kind, domain::StreetKind::kTown);
    MUSTER_ASSIGN(auto metro, repo.FindUnitByName("深圳地铁集团"));
    MUSTER_ASSIGN(auto unit, repo.FindUnit(*metro));
    EXPECT_EQ(unit->kind, domain::UnitKind::kCompany);
    MUSTER_ASSIGN(auto child, repo.FindMemberByPhone("13912345678"));
    MUSTER_ASSIGN(auto parent, repo.FindMemberByPhone("13812345678"));
    MUSTER_ASSIGN(auto m, repo.FindMember(*child));
    EXPECT_EQ(m->brought_by, parent);  // brought by a member listed further down
    return Ok();
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(ImportTest, ABadFileIsRefusedRowByRowAndChangesNothing) {
  ASSERT_TRUE(Import(GoodCity()).ok());
  auto before = Counts();
  std::vector<Sheet> bad = {
      {"members",
       {{"name", "phone", "unit", "id_number"},
        {"王五", "12812345678", "市委党校", ""},
        {"赵六", "13612345678", "市委党校", "340524198001010013"},
        {"钱七", "13512345678", "市委党校", ""}}},
      {"pairings",
       {{"street", "community", "unit", "department"},
        {"黄贝街道", "黄贝岭村", "市委党校", "办公室"},
        {"黄贝街道", "黄贝岭村", "市委党校", "教务处"},
        {"黄贝街道", "黄贝岭村", "市教育局", "基教处"},
        {"东门街道", "", "市委党校", ""},
        {"东门街道", "", "市教育局", ""},
        {"不存在街道", "", "市委党校", ""}}},
  };
  auto report = Import(bad);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->committed);
  ASSERT_EQ(report->rejected.size(), 5u);
  // Each refused row carries its error's reason, for messages in the reader's language.
  auto expect = [&](std::size_t i, const char* sheet, int row, const char* field,
                    const char* reason) {
    EXPECT_EQ(report->rejected[i].sheet, sheet);
    EXPECT_EQ(report->rejected[i].row, row);
    EXPECT_EQ(report->rejected[i].field, field) << report->rejected[i].message;
    EXPECT_EQ(report->rejected[i].reason, reason) << report->rejected[i].message;
  };
  expect(0, "members", 2, "phone", "mobile_prefix");
  expect(1, "members", 3, "id_number", "id_checksum");
  expect(2, "pairings", 4, "department", "pairing_departments");
  expect(3, "pairings", 6, "unit", "pairing_units");
  expect(4, "pairings", 7, "street", "unknown_reference");
  EXPECT_EQ(Counts(), before);

  auto partial = Import(bad, /*valid_rows_only=*/true);
  ASSERT_TRUE(partial.ok());
  EXPECT_TRUE(partial->committed);
  EXPECT_EQ(partial->rejected.size(), 5u);
  EXPECT_EQ(Count("members"), before["members"] + 1);  // 钱七
}

TEST_P(ImportTest, UnreadableSheetsAreBadRequests) {
  auto unknown_table = Import({{"people", {{"name"}}}});
  EXPECT_EQ(unknown_table.error().code, ErrorCode::kBadRequest);
  auto unknown_column = Import({{"units", {{"unit", "colour"}}}});
  EXPECT_NE(unknown_column.error().message.find("colour"), std::string::npos);
  auto missing_column = Import({{"departments", {{"unit"}}}});
  EXPECT_NE(missing_column.error().message.find("department"), std::string::npos);
}

TEST_P(ImportTest, DuplicateRowsInOneFileAreRefused) {
  auto report = Import({{"units", {{"unit", "kind"}, {"市委党校", "agency"}, {"市委党校", "company"}}}});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->rejected.size(), 1u);
  EXPECT_EQ(report->rejected[0].row, 3);
  EXPECT_NE(report->rejected[0].message.find("row 2"), std::string::npos);
}

TEST_P(ImportTest, ExportWithPersonalDataImportsBackIdentically) {
  ASSERT_TRUE(Import(GoodCity()).ok());
  auto exported = ExportRegistry(*store_, rules_, /*with_personal_data=*/true);
  ASSERT_TRUE(exported.ok());
  auto other = muster::testing::NewStore(GetParam());
  auto report = ImportRegistry(*other, rules_, *exported, {});
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->rejected.empty()) << report->rejected[0].sheet << ":" << report->rejected[0].row
                                        << ": " << report->rejected[0].message;
  auto again = ExportRegistry(*other, rules_, true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *exported);
  auto masked = ExportRegistry(*store_, rules_, false);
  const auto& members = (*masked)[5];
  EXPECT_EQ(members.name, "members");
  for (std::size_t i = 1; i < members.rows.size(); ++i) {
    EXPECT_NE(members.rows[i][1].find("****"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) { return muster::testing::BackendName(param_info.param); });

// The database file and its write-ahead log hold no resident ID number in clear.
TEST(ImportAtRest, SqliteFilesHoldNoClearIdNumber) {
  muster::testing::TempDir dir;
  std::string path = dir.path() + "/city.db";
  auto store = store::OpenSqlite({.path = path});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  crypto::Keyring keys = *crypto::Keyring::FromHex(kKey);
  FakeClock clock{ShanghaiMidnight(*ParseDate("2022-01-11", "d"))};
  RegistryRules rules{keys, clock};
  ASSERT_TRUE(ImportRegistry(**store, rules, GoodCity(), {}).ok());
  for (std::string file : {path, path + "-wal"}) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find("11010519491231002X"), std::string::npos) << file;
    EXPECT_EQ(bytes.str().find("360426199101010071"), std::string::npos) << file;
    EXPECT_EQ(bytes.str().find("19491231"), std::string::npos) << file;
  }
}

}  // namespace
}  // namespace muster::app
