// The registry repository on both backends: natural keys, pages, pairing history and mode.
#include "store/registry_repo.h"

#include <gtest/gtest.h>

#include "support/test_store.h"

namespace muster::store {
namespace {

using domain::Community;
using domain::Street;

Date D(const char* s) { return *ParseDate(s, "date"); }

class RegistryRepoTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    auto ids = store_->Write([&](Transaction& tx) -> Result<std::vector<std::int64_t>> {
      RegistryRepo repo(tx);
      MUSTER_ASSIGN(auto district, repo.InsertDistrict({{}, "罗湖区"}));
      MUSTER_ASSIGN(auto street, repo.InsertStreet({{}, district, "黄贝街道", domain::StreetKind::kStreet}));
      MUSTER_ASSIGN(auto c1, repo.InsertCommunity({{}, street, "新谊社区", domain::CommunityKind::kCommunity}));
      MUSTER_ASSIGN(auto c2, repo.InsertCommunity({{}, street, "黄贝岭村", domain::CommunityKind::kVillage}));
      MUSTER_ASSIGN(auto unit, repo.InsertUnit({{}, "市委党校", domain::UnitKind::kAgency}));
      MUSTER_ASSIGN(auto unit2, repo.InsertUnit({{}, "市教育局", domain::UnitKind::kAgency}));
      MUSTER_ASSIGN(auto d1, repo.InsertDepartment({{}, unit, "办公室"}));
      MUSTER_ASSIGN(auto d2, repo.InsertDepartment({{}, unit, "教务处"}));
      return std::vector<std::int64_t>{street.value, c1.value, c2.value, unit.value, unit2.value,
                                       d1.value, d2.value};
    });
    ASSERT_TRUE(ids.ok()) << ids.error().message;
    street_ = StreetId((*ids)[0]);
    c1_ = CommunityId((*ids)[1]);
    c2_ = CommunityId((*ids)[2]);
    unit_ = UnitId((*ids)[3]);
    unit2_ = UnitId((*ids)[4]);
    d1_ = DepartmentId((*ids)[5]);
    d2_ = DepartmentId((*ids)[6]);
  }

  std::unique_ptr<Store> store_;
  StreetId street_;
  CommunityId c1_, c2_;
  UnitId unit_, unit2_;
  DepartmentId d1_, d2_;
};

TEST_P(RegistryRepoTest, FindsByIdAndNaturalKey) {
  auto r = store_->Read([&](Transaction& tx) -> Status {
    RegistryRepo repo(tx);
    MUSTER_ASSIGN(auto street, repo.FindStreet(street_));
    EXPECT_TRUE(street.has_value());
    EXPECT_EQ(street->name, "黄贝街道");
    MUSTER_ASSIGN(auto by_name, repo.FindCommunityByName(street_, "黄贝岭村"));
    EXPECT_EQ(by_name, c2_);
    MUSTER_ASSIGN(auto c, repo.FindCommunity(c2_));
    EXPECT_EQ(c->kind, domain::CommunityKind::kVillage);
    MUSTER_ASSIGN(auto missing, repo.FindStreet(StreetId(9999)));
    EXPECT_FALSE(missing.has_value());
    return Ok();
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(RegistryRepoTest, ListsInPagesByIdOrder) {
  auto r = store_->Write([&](Transaction& tx) -> Status {
    RegistryRepo repo(tx);
    for (int i = 0; i < 5; ++i) {
      MUSTER_TRY(repo.InsertUnit({{}, "单位" + std::to_string(i), domain::UnitKind::kCompany}));
    }
    MUSTER_ASSIGN(auto first, repo.ListUnits({0, 3}));
    EXPECT_EQ(first.size(), 3u);
    MUSTER_ASSIGN(auto rest, repo.ListUnits({first.back().id.value, 3}));
    EXPECT_EQ(rest.size(), 3u);
    EXPECT_GT(rest.front().id, first.back().id);
    MUSTER_ASSIGN(auto last, repo.ListUnits({rest.back().id.value, 3}));
    EXPECT_EQ(last.size(), 1u);
    return Ok();
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(RegistryRepoTest, PairingHistoryAnswersWhoWasPairedOnADay) {
  auto r = store_->Write([&](Transaction& tx) -> Status {
    RegistryRepo repo(tx);
    MUSTER_TRY(repo.ReplaceStreetPairing(street_, unit_, D("2021-06-01")));
    MUSTER_TRY(repo.ReplaceStreetPairing(street_, unit2_, D("2022-01-10")));
    MUSTER_ASSIGN(auto before, repo.StreetPairingOn(street_, D("2021-05-31")));
    EXPECT_FALSE(before.has_value());
    MUSTER_ASSIGN(auto old, repo.StreetPairingOn(street_, D("2022-01-09")));
    EXPECT_EQ(old->unit_id, unit_);
    EXPECT_EQ(old->to, D("2022-01-09"));
    MUSTER_ASSIGN(auto now, repo.StreetPairingOn(street_, D("2022-01-10")));
    EXPECT_EQ(now->unit_id, unit2_);
    EXPECT_FALSE(now->to.has_value());
    MUSTER_ASSIGN(auto all, repo.StreetPairingsOn(D("2022-01-12")));
    EXPECT_EQ(all.size(), 1u);
    MUSTER_ASSIGN(auto paired, repo.StreetsPairedWith(unit_, D("2021-12-01")));
    EXPECT_EQ(paired, std::vector<StreetId>{street_});
    return Ok();
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(RegistryRepoTest, PairingFromTheSameDayReplacesIt) {
  auto r = store_->Write([&](Transaction& tx) -> Status {
    RegistryRepo repo(tx);
    MUSTER_TRY(repo.ReplaceCommunityPairing(c1_, {d1_}, D("2022-01-01")));
    MUSTER_TRY(repo.ReplaceCommunityPairing(c1_, {d1_, d2_}, D("2022-01-01")));
    MUSTER_ASSIGN(auto p, repo.CommunityPairingOn(c1_, D("2022-01-05")));
    EXPECT_EQ(p->department_ids, (std::vector<DepartmentId>{d1_, d2_}));
    MUSTER_ASSIGN(auto n, repo.Count("community_pairings"));
    EXPECT_EQ(n, 2);
    MUSTER_TRY(repo.ReplaceCommunityPairing(c1_, {d2_}, D("2022-02-01")));
    MUSTER_ASSIGN(auto latest, repo.LatestCommunityPairing(c1_));
    EXPECT_EQ(latest->department_ids, std::vector<DepartmentId>{d2_});
    MUSTER_ASSIGN(auto jan, repo.CommunityPairingOn(c1_, D("2022-01-31")));
    EXPECT_EQ(jan->department_ids.size(), 2u);
    EXPECT_EQ(jan->to, D("2022-01-31"));
    return Ok();
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(RegistryRepoTest, ModeKeepsItsHistoryNewestFirst) {
  auto r = store_->Write([&](Transaction& tx) -> Status {
    RegistryRepo repo(tx);
    MUSTER_ASSIGN(auto initial, repo.CurrentMode());
    EXPECT_EQ(initial.mode, domain::Mode::kRoutine);
    EXPECT_FALSE(initial.since.has_value());
    MUSTER_TRY(repo.AppendMode({domain::Mode::kEmergency, FromUnixSeconds(1000), "outbreak", "admin"}));
    MUSTER_TRY(repo.AppendMode({domain::Mode::kRoutine, FromUnixSeconds(2000), "over", "admin"}));
    MUSTER_ASSIGN(auto history, repo.ModeHistory(10));
    EXPECT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].mode, domain::Mode::kRoutine);
    EXPECT_EQ(history[1].reason, "outbreak");
    return Ok();
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(RegistryRepoTest, MembersKeepSkillsAndSealedIdsOnly) {
  auto r = store_->Write([&](Transaction& tx) -> Status {
    RegistryRepo repo(tx);
    domain::Member m;
    m.name = "张三";
    m.phone = "13812345678";
    m.unit_id = unit_;
    m.department_id = d1_;
    m.party_member = true;
    m.skills = {"driving", "medical"};
    m.home_lat = 22.55;
    m.home_lon = 114.13;
    MUSTER_ASSIGN(auto id, repo.InsertMember(m, SealedIdNumber{"sealed", "hash", "110105********002X"},
                                             FromUnixSeconds(5)));
    MUSTER_ASSIGN(auto back, repo.FindMember(id));
    EXPECT_EQ(back->skills, m.skills);
    EXPECT_EQ(back->id_number_masked, "110105********002X");
    EXPECT_FALSE(back->id_number.has_value());
    MUSTER_ASSIGN(auto by_hash, repo.FindMemberByIdHash("hash"));
    EXPECT_EQ(by_hash, id);
    MUSTER_ASSIGN(auto list, repo.ListMembers({}, MemberFilter{.unit_id = unit_}));
    EXPECT_EQ(list.size(), 1u);
    MUSTER_ASSIGN(auto none, repo.ListMembers({}, MemberFilter{.unit_id = unit2_}));
    EXPECT_TRUE(none.empty());
    return Ok();
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryRepoTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) { return muster::testing::BackendName(param_info.param); });

}  // namespace
}  // namespace muster::store
