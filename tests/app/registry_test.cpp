// The registry's use cases: every refusal names its field and changes nothing.
#include "app/registry.h"

#include <gtest/gtest.h>

#include "store/registry_repo.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Date D(const char* s) { return *ParseDate(s, "d"); }

class RegistryTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    registry_ = std::make_unique<Registry>(*store_, keys_, clock_);
    district_ = registry_->CreateDistrict(admin_, {{}, "罗湖区"})->id;
    street_ = registry_->CreateStreet(admin_, {{}, district_, "黄贝街道", domain::StreetKind::kStreet})->id;
    community_ = registry_->CreateCommunity(admin_, {{}, street_, "新谊社区", domain::CommunityKind::kCommunity})->id;
    unit_ = registry_->CreateUnit(admin_, {{}, "市委党校", domain::UnitKind::kAgency})->id;
    other_unit_ = registry_->CreateUnit(admin_, {{}, "市教育局", domain::UnitKind::kAgency})->id;
    dept_ = registry_->CreateDepartment(admin_, {{}, unit_, "办公室"})->id;
    other_dept_ = registry_->CreateDepartment(admin_, {{}, other_unit_, "基教处"})->id;
    branch_ = registry_->CreateBranch(admin_, {{}, unit_, "第一党支部"})->id;
  }

  MemberInput Member(std::string phone) {
    MemberInput in;
    in.name = "张三";
    in.phone = std::move(phone);
    in.unit_id = unit_;
    in.department_id = dept_;
    in.branch_id = branch_;
    in.party_member = true;
    return in;
  }

  std::int64_t Count(std::string_view table) {
    return *store_->Read([&](store::Transaction& tx) { return store::RegistryRepo(tx).Count(table); });
  }

  Actor admin_ = Actor::System("admin");
  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{ShanghaiMidnight(D("2022-01-11")) + std::chrono::hours(22)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
  DistrictId district_;
  StreetId street_;
  CommunityId community_;
  UnitId unit_, other_unit_;
  DepartmentId dept_, other_dept_;
  BranchId branch_;
};

TEST_P(RegistryTest, DuplicateNamesAreConflictsOnName) {
  auto again = registry_->CreateStreet(admin_, {{}, district_, " 黄贝街道 ", domain::StreetKind::kStreet});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().field, "name");
}

TEST_P(RegistryTest, MissingReferencesNameTheirField) {
  auto street = registry_->CreateStreet(admin_, {{}, DistrictId(999), "东门街道", domain::StreetKind::kStreet});
  EXPECT_EQ(street.error().field, "district_id");
  EXPECT_EQ(street.error().code, ErrorCode::kValidationFailed);
  auto site = registry_->CreateSite(admin_, {{}, CommunityId(999), "点", "checkpoint", 22.5, 114.1, domain::Risk::kHigh});
  EXPECT_EQ(site.error().field, "community_id");
  EXPECT_EQ(Count("streets"), 1);
  EXPECT_EQ(Count("sites"), 0);
}

TEST_P(RegistryTest, SiteCoordinatesAreChecked) {
  auto site = registry_->CreateSite(admin_, {{}, community_, "点", "checkpoint", 91, 114.1, domain::Risk::kHigh});
  EXPECT_EQ(site.error().field, "lat");
  site = registry_->CreateSite(admin_, {{}, community_, "点", "checkpoint", 22.5, 181, domain::Risk::kHigh});
  EXPECT_EQ(site.error().field, "lon");
}

TEST_P(RegistryTest, MemberIsNormalisedSealedAndMasked) {
  MemberInput in = Member("+86 138-1234-5678");
  in.id_number = "11010519491231002x";
  in.skills = {"Medical", " driving", "medical"};
  auto m = registry_->CreateMember(admin_, in);
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_EQ(m->phone, "13812345678");
  EXPECT_EQ(m->id_number_masked, "110105********002X");
  EXPECT_EQ(m->birth_date, D("1949-12-31"));
  EXPECT_EQ(m->skills, (std::vector<std::string>{"driving", "medical"}));
  auto clear = registry_->RevealMember(admin_, m->id);
  ASSERT_TRUE(clear.ok()) << clear.error().ToString();
  EXPECT_EQ(clear->id_number, "11010519491231002X");
  EXPECT_EQ(clear->phone, "13812345678");
  EXPECT_EQ(Count("audit_log"), 1);
}

TEST_P(RegistryTest, MemberRefusalsNameTheirFieldAndWriteNothing) {
  struct Case {
    std::function<void(MemberInput&)> change;
    const char* field;
  };
  std::vector<Case> cases = {
      {[](MemberInput& m) { m.phone = "12812345678"; }, "phone"},
      {[](MemberInput& m) { m.id_number = "340524198001010013"; }, "id_number"},
      {[](MemberInput& m) { m.name = ""; }, "name"},
      {[&](MemberInput& m) { m.department_id = other_dept_; }, "department_id"},
      {[](MemberInput& m) { m.branch_id = BranchId(777); }, "branch_id"},
      {[](MemberInput& m) { m.unit_id = UnitId(777); }, "unit_id"},
      {[](MemberInput& m) { m.skills = {"bad skill!"}; }, "skills[0]"},
      {[](MemberInput& m) { m.home_lat = 22.5; }, "home_lon"},
      {[](MemberInput& m) { m.brought_by = MemberId(777); }, "brought_by"},
      {[](MemberInput& m) { m.birth_date = D("2030-01-01"); }, "birth_date"},
      {[](MemberInput& m) {
         m.id_number = "11010519491231002X";
         m.birth_date = D("1950-01-01");
       }, "birth_date"},
  };
  for (const Case& c : cases) {
    MemberInput in = Member("13812345678");
    c.change(in);
    auto m = registry_->CreateMember(admin_, in);
    ASSERT_FALSE(m.ok()) << c.field;
    EXPECT_EQ(m.error().field, c.field);
  }
  EXPECT_EQ(Count("members"), 0);
}

TEST_P(RegistryTest, PhoneAndIdNumberAreUnique) {
  MemberInput first = Member("13812345678");
  first.id_number = "360426199101010071";
  ASSERT_TRUE(registry_->CreateMember(admin_, first).ok());
  auto same_phone = registry_->CreateMember(admin_, Member("138 1234 5678"));
  EXPECT_EQ(same_phone.error().code, ErrorCode::kConflict);
  EXPECT_EQ(same_phone.error().field, "phone");
  MemberInput same_id = Member("13912345678");
  same_id.id_number = "３６０４２６１９９１０１０１００７１";  // the same number, full-width
  auto dup = registry_->CreateMember(admin_, same_id);
  EXPECT_EQ(dup.error().field, "id_number");
  EXPECT_EQ(Count("members"), 1);
}

TEST_P(RegistryTest, PairingsKeepHistory) {
  ASSERT_TRUE(registry_->PairStreet(admin_, street_, unit_, D("2021-06-01")).ok());
  ASSERT_TRUE(registry_->PairStreet(admin_, street_, other_unit_, D("2022-01-05")).ok());
  auto old = registry_->PairingsOn(D("2022-01-04"));
  ASSERT_EQ(old->streets.size(), 1u);
  EXPECT_EQ(old->streets[0].unit_id, unit_);
  auto now = registry_->PairingsOn(std::nullopt);  // today by the clock: 2022-01-11
  EXPECT_EQ(now->streets[0].unit_id, other_unit_);
  auto back_in_time = registry_->PairStreet(admin_, street_, unit_, D("2021-01-01"));
  EXPECT_EQ(back_in_time.error().field, "from");
}

TEST_P(RegistryTest, CommunityTakesOneOrTwoDepartments) {
  auto three = registry_->PairCommunity(admin_, community_, {dept_, other_dept_, DepartmentId(99)}, {});
  EXPECT_EQ(three.error().field, "department_ids");
  auto none = registry_->PairCommunity(admin_, community_, {}, {});
  EXPECT_EQ(none.error().field, "department_ids");
  auto missing = registry_->PairCommunity(admin_, community_, {dept_, DepartmentId(99)}, {});
  EXPECT_EQ(missing.error().field, "department_ids[1]");
  ASSERT_TRUE(registry_->PairCommunity(admin_, community_, {other_dept_, dept_}, {}).ok());
  auto table = registry_->PairingsOn(std::nullopt);
  ASSERT_EQ(table->communities.size(), 1u);
  EXPECT_EQ(table->communities[0].department_ids.size(), 2u);
  EXPECT_EQ(registry_->PairStreet(admin_, StreetId(999), unit_, {}).error().code, ErrorCode::kNotFound);
}

TEST_P(RegistryTest, ModeSwitchIsRecordedOnceWithReason) {
  EXPECT_EQ(registry_->GetMode()->mode, domain::Mode::kRoutine);
  EXPECT_EQ(registry_->SetMode(admin_, domain::Mode::kEmergency, "  ").error().field, "reason");
  auto on = registry_->SetMode(admin_, domain::Mode::kEmergency, "本土疫情");
  ASSERT_TRUE(on.ok());
  EXPECT_EQ(on->since, clock_.Now());
  clock_.Advance(std::chrono::hours(1));
  auto again = registry_->SetMode(admin_, domain::Mode::kEmergency, "again");
  EXPECT_EQ(again->since, on->since);  // unchanged
  EXPECT_EQ(Count("mode_changes"), 1);
}

TEST_P(RegistryTest, ActivityNeedsThePairingOnItsDate) {
  auto m = registry_->CreateMember(admin_, Member("13812345678"));
  domain::Activity a{{}, community_, dept_, domain::StandingTask::kVisits, D("2022-01-10"), {m->id}, "走访"};
  EXPECT_EQ(registry_->CreateActivity(admin_, a).error().reason, "not_paired");
  ASSERT_TRUE(registry_->PairCommunity(admin_, community_, {dept_}, D("2022-01-01")).ok());
  auto ok = registry_->CreateActivity(admin_, a);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  a.member_ids = {MemberId(999)};
  EXPECT_EQ(registry_->CreateActivity(admin_, a).error().field, "member_ids[0]");
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) { return muster::testing::BackendName(param_info.param); });

}  // namespace
}  // namespace muster::app
