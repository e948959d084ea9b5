// The demo city's outbreak, played through the application's use cases on a moving clock.
#include "app/demo_outbreak.h"

#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <vector>

#include "app/demo_rng.h"
#include "app/dispatch_plans.h"
#include "app/oversight.h"
#include "app/registry.h"
#include "app/workflow.h"

namespace muster::app {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

using Rng = DemoRng;

struct Member {
  MemberId id;
  UnitId unit;
  std::int64_t branch = 0;  // 0: in no branch
};

// A unit's members by branch: a call goes to every branch, and each branch sends its people.
struct UnitPool {
  std::vector<std::vector<Member>> branches;
  std::size_t next = 0;  // the branch whose turn it is
};

struct Community {
  CommunityId id;
  SiteId site;
};

struct Street {
  StreetId id;
  std::string name;
  std::optional<UnitId> unit;  // the paired unit
  std::vector<Community> communities;
  std::size_t next_community = 0;  // communities take turns, so that most are served
};

// The registry the playback works over, read once.
struct City {
  std::vector<Street> streets;
  std::vector<UnitId> units;
  std::map<std::int64_t, std::string> unit_names;
  std::map<std::int64_t, UnitPool> pools;
  std::vector<Member> members;
};

Result<City> LoadCity(store::Store& store) {
  return store.Read([](store::Transaction& tx) -> Result<City> {
    City city;
    std::map<std::int64_t, std::size_t> street_index;
    MUSTER_TRY(tx.Query(
        "SELECT s.id, s.name, (SELECT p.unit_id FROM street_pairings p WHERE p.street_id = s.id AND "
        "p.valid_to IS NULL ORDER BY p.valid_from DESC, p.id DESC LIMIT 1) FROM streets s ORDER BY s.id",
        {}, [&](const store::Row& r) {
          Street s;
          s.id = StreetId(r.Int(0));
          s.name = r.String(1);
          if (!r.IsNull(2)) s.unit = UnitId(r.Int(2));
          street_index[s.id.value] = city.streets.size();
          city.streets.push_back(std::move(s));
          return Ok();
        }));
    MUSTER_TRY(tx.Query("SELECT c.street_id, c.id, MIN(si.id) FROM communities c JOIN sites si ON "
                        "si.community_id = c.id GROUP BY c.street_id, c.id ORDER BY c.id",
                        {}, [&](const store::Row& r) {
                          auto it = street_index.find(r.Int(0));
                          if (it != street_index.end()) {
                            city.streets[it->second].communities.push_back(
                                {CommunityId(r.Int(1)), SiteId(r.Int(2))});
                          }
                          return Ok();
                        }));
    MUSTER_TRY(tx.Query("SELECT id, name FROM units ORDER BY id", {}, [&](const store::Row& r) {
      city.units.push_back(UnitId(r.Int(0)));
      city.unit_names[r.Int(0)] = r.String(1);
      return Ok();
    }));
    std::map<std::int64_t, std::map<std::int64_t, std::vector<Member>>> by_branch;
    MUSTER_TRY(tx.Query("SELECT id, unit_id, branch_id FROM members ORDER BY id", {},
                        [&](const store::Row& r) {
                          Member m{MemberId(r.Int(0)), UnitId(r.Int(1)), r.OptInt(2).value_or(0)};
                          city.members.push_back(m);
                          by_branch[m.unit.value][m.branch].push_back(m);
                          return Ok();
                        }));
    for (auto& [unit, branches] : by_branch) {
      for (auto& [branch, members] : branches) city.pools[unit].branches.push_back(std::move(members));
    }
    std::erase_if(city.streets, [](const Street& s) { return !s.unit || s.communities.empty(); });
    return city;
  });
}

Actor CityActor() { return Actor{UserId(), "demo-city", Role::kCityAdmin, 0, "demo"}; }
Actor UnitAdmin(UnitId u) {
  return Actor{UserId(), "demo-unit-" + std::to_string(u.value), Role::kUnitAdmin, u.value, "demo"};
}
Actor StreetCoordinator(StreetId s) {
  return Actor{UserId(), "demo-street-" + std::to_string(s.value), Role::kStreetCoordinator,
               s.value, "demo"};
}
Actor Volunteer(MemberId m) {
  return Actor{UserId(), "demo-member-" + std::to_string(m.value), Role::kVolunteer, m.value, "demo"};
}

// Errors a volunteer's attempt may meet in a busy night: the playback counts them and moves on.
bool RuleRefusal(const Error& e) {
  return e.code == ErrorCode::kValidationFailed || e.code == ErrorCode::kScheduleConflict ||
         e.code == ErrorCode::kShiftFull || e.code == ErrorCode::kConflict;
}

// The outcome of a use case whose answer the playback does not need.
template <typename T>
Status Done(Result<T> r) {
  if (!r.ok()) return std::move(r).error();
  return Ok();
}

Timestamp At(Date day, int hour, int minute) {
  return ShanghaiMidnight(day) + hours(hour) + minutes(minute);
}

Date NextDay(Date d) { return Date{std::chrono::sys_days(d) + std::chrono::days(1)}; }
Date PreviousDay(Date d) { return Date{std::chrono::sys_days(d) - std::chrono::days(1)}; }

struct PlannedShift {
  ShiftId id;
  SiteId site;
  StreetId street;
  Timestamp starts;
  Timestamp ends;
  int headcount = 0;
};

constexpr const char* kNotes[] = {
    "明日开展全员核酸检测，采样点人手紧缺，请挂点单位支援",
    "封控区卡口值守人员不足，急需党员干部下沉",
    "社区重点人员排查和信息录入任务重，请求支援",
    "小区出入口秩序维护和测温扫码，需要志愿者",
};
constexpr domain::ShiftTask kTasks[] = {
    domain::ShiftTask::kSamplingAssistance, domain::ShiftTask::kSamplingAssistance,
    domain::ShiftTask::kCheckpoint,         domain::ShiftTask::kOrderKeeping,
    domain::ShiftTask::kInformationEntry,   domain::ShiftTask::kDataScreening,
};
constexpr const char* kSupplies[] = {"医用外科口罩", "防护服", "消毒液", "矿泉水", "方便面",
                                     "面包牛奶", "暖宝宝", "对讲机"};
constexpr const char* kDonors[] = {"爱心企业", "社会组织", "个体商户", "市慈善会"};

// The playback: a queue of timed steps, run in time order with the clock set to each step's time.
class Outbreak {
 public:
  Outbreak(store::Store& store, const crypto::Keyring& keys, FakeClock& clock,
           const OutbreakOptions& options, City city)
      : store_(store),
        clock_(clock),
        options_(options),
        rng_(options.seed),
        city_(std::move(city)),
        registry_(store, keys, clock),
        workflow_(store, keys, clock, WorkflowOptions{.public_url = ""}),
        plans_(store, clock),
        oversight_(store, clock) {}

  Result<OutbreakReport> Run() {
    MUSTER_TRY(Prepare());
    for (Date d = options_.first; std::chrono::sys_days(d) <= std::chrono::sys_days(options_.last);
         d = NextDay(d)) {
      PlanNight(d);
    }
    PlanFundsAndSupplies();
    // The clock-driven work runs every half hour, as the server's sweeper would.
    for (Timestamp t = At(PreviousDay(options_.first), 20, 0);
         t <= At(NextDay(options_.last), 2, 0); t += minutes(30)) {
      Schedule(t, [this]() -> Status {
        MUSTER_ASSIGN(SweepReport s, workflow_.Sweep());
        report_.escalations += s.escalated;
        report_.no_shows += s.no_shows;
        return Ok();
      });
    }
    while (!queue_.empty()) {
      Step step = queue_.top();
      queue_.pop();
      clock_.Set(step.at);
      MUSTER_TRY(step.run());
    }
    return report_;
  }

 private:
  struct Step {
    Timestamp at;
    std::uint64_t seq;
    std::function<Status()> run;
    bool operator>(const Step& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void Schedule(Timestamp at, std::function<Status()> run) {
    queue_.push(Step{at, next_seq_++, std::move(run)});
  }

  // The evening before: the emergency switch, and one volunteer in ten declares his availability
  // for the whole period (the dispatch plans staff shifts from them).
  Status Prepare() {
    const Date eve = PreviousDay(options_.first);
    clock_.Set(At(eve, 18, 0));
    MUSTER_TRY(Done(registry_.SetMode(CityActor(), domain::Mode::kEmergency,
                                 "本土疫情：全市启动应急响应，党员干部下沉社区")));
    Availability av;
    av.windows.push_back({At(eve, 0, 0), At(NextDay(NextDay(options_.last)), 0, 0)});
    av.max_hours_per_day = 8;
    av.high_risk_ok = true;
    for (const Member& m : city_.members) {
      if (rng_.Between(1, 10) != 1) continue;
      MUSTER_TRY(workflow_.SetAvailability(Volunteer(m.id), m.id, av));
      available_.insert(m.id.value);
    }
    street_order_.resize(city_.streets.size());
    for (std::size_t i = 0; i < street_order_.size(); ++i) street_order_[i] = i;
    rng_.Shuffle(street_order_);
    for (Street& s : city_.streets) {
      rng_.Shuffle(s.communities);
    }
    return Ok();
  }

  // The night before `day`: streets post their requests between 21:00 and 22:00.
  void PlanNight(Date day) {
    const Date eve = PreviousDay(day);
    const int count = std::min<int>(options_.streets_per_night, static_cast<int>(city_.streets.size()));
    for (int i = 0; i < count; ++i) {
      Street& street = city_.streets[street_order_[next_street_++ % street_order_.size()]];
      RequestInput in;
      in.note = street.name + "：" + kNotes[rng_.Next() % std::size(kNotes)];
      in.urgent = rng_.Percent(15);
      const int communities = std::min<int>(rng_.Between(2, 4), static_cast<int>(street.communities.size()));
      for (int c = 0; c < communities; ++c) {
        const Community& community = street.communities[street.next_community++ % street.communities.size()];
        const bool afternoon = rng_.Percent(35);
        const bool both = rng_.Percent(10);
        for (int w = 0; w < (both ? 2 : 1); ++w) {
          ShiftInput s;
          s.site_id = community.site;
          s.task = kTasks[rng_.Next() % std::size(kTasks)];
          const bool late = both ? w == 1 : afternoon;
          s.starts_at = late ? At(day, 14, 0) : At(day, 8, 0);
          s.ends_at = s.starts_at + hours(4);
          s.headcount = rng_.Between(4, 8);
          s.priority = in.urgent ? 1 : 0;
          in.shifts.push_back(s);
        }
      }
      const Timestamp posted = At(eve, 21, 0) + minutes(i * 60 / std::max(count, 1)) +
                               minutes(rng_.Between(0, 3));
      const bool dispatch = rng_.Percent(20);
      Schedule(posted, [this, &street, in, dispatch, day]() -> Status {
        return Post(street, in, dispatch, day);
      });
    }
    // In the morning the paired units send their volunteers off in batches.
    Schedule(At(day, 6, 30), [this, day]() -> Status { return FormBatches(day); });
  }

  Status Post(const Street& street, const RequestInput& in, bool dispatch, Date day) {
    MUSTER_ASSIGN(RequestView request, workflow_.PostRequest(StreetCoordinator(street.id), in));
    ++report_.requests;
    report_.shifts += static_cast<int>(request.shifts.size());
    streets_by_day_[DayNumber(day)].insert(street.id.value);
    const Timestamp now = clock_.Now();
    const UnitId unit = *street.unit;
    Schedule(now + minutes(rng_.Between(5, 15)), [this, unit, id = request.id]() -> Status {
      CallInput call{id, std::nullopt, "紧急通知：挂点街道请求支援，请各支部组织党员报名"};
      MUSTER_TRY(Done(workflow_.SendCall(UnitAdmin(unit), call)));
      ++report_.calls;
      return Ok();
    });
    if (dispatch) {
      // The unit's administrator staffs the request with a dispatch plan of the volunteers who
      // declared their availability, then lets the others sign up for what is left.
      Schedule(now + minutes(40), [this, unit, street_id = street.id, day]() -> Status {
        PlanInput p{day, day, street_id};
        MUSTER_ASSIGN(PlanView plan, plans_.Plan(UnitAdmin(unit), p));
        MUSTER_ASSIGN(CommitResult done, plans_.Commit(UnitAdmin(unit), plan.id));
        report_.dispatched += done.confirmed;
        return Ok();
      });
    }
    for (const ShiftView& s : request.shifts) {
      PlannedShift shift{s.id, s.site_id, street.id, s.starts_at, s.ends_at, s.headcount};
      const Timestamp escalates = request.escalates_at;
      // The paired unit's members answer the call until the escalation time; a few more than
      // the places sometimes, who join the waiting list.
      const int answers = std::max(1, s.headcount * rng_.Between(60, 115) / 100);
      const auto span = std::max<std::int64_t>(
          60, std::chrono::duration_cast<std::chrono::seconds>(escalates - now).count() - 20 * 60);
      for (int k = 0; k < answers; ++k) {
        const Timestamp at = now + minutes(dispatch ? 50 : 10) +
                             std::chrono::seconds(static_cast<std::int64_t>(rng_.Next() % span));
        Schedule(std::min(at, escalates - minutes(5)), [this, shift, unit]() -> Status {
          return SignUpOne(shift, &city_.pools[unit.value], true);
        });
      }
      // After the escalation every unit may answer: others fill part of what is left.
      Schedule(escalates + minutes(rng_.Between(5, 30)), [this, shift]() -> Status {
        return FillEscalated(shift);
      });
      // Half an hour before the start the coordinator opens the check-in.
      Schedule(shift.starts - minutes(28), [this, shift]() -> Status { return OpenCheckin(shift); });
    }
    return Ok();
  }

  // One volunteer of the unit's next branch tries to take a place; the rules may refuse him.
  Status SignUpOne(const PlannedShift& shift, UnitPool* pool, bool waitlist) {
    if (pool->branches.empty()) return Ok();
    const Date day = ShanghaiDate(shift.starts);
    const std::vector<Member>& branch = pool->branches[pool->next++ % pool->branches.size()];
    for (int attempt = 0; attempt < 8; ++attempt) {
      const Member& m = rng_.Pick(branch);
      auto& days = busy_[m.id.value];
      if (days.count(DayNumber(day))) continue;  // one shift a day each
      SignupInput in;
      in.shift_id = shift.id;
      in.member_id = m.id;
      in.waitlist = waitlist;
      in.high_risk_ok = true;
      auto done = workflow_.SignUp(Volunteer(m.id), in);
      if (!done.ok()) {
        if (!RuleRefusal(done.error())) return std::move(done).error();
        ++report_.signups_refused;
        continue;
      }
      days.insert(DayNumber(day));
      ++report_.signups;
      if (rng_.Percent(3)) {  // plans change: he cancels an hour or two later
        const Timestamp later = clock_.Now() + minutes(rng_.Between(60, 120));
        if (later < shift.starts - hours(1)) {
          Schedule(later, [this, m, id = done->id]() -> Status {
            auto cancelled = workflow_.Cancel(Volunteer(m.id), id);
            if (!cancelled.ok() && !RuleRefusal(cancelled.error())) return std::move(cancelled).error();
            if (cancelled.ok()) ++report_.cancellations;
            return Ok();
          });
        }
      }
      return Ok();
    }
    return Ok();
  }

  Status FillEscalated(const PlannedShift& shift) {
    MUSTER_ASSIGN(ShiftView s, workflow_.GetShift(CityActor(), shift.id));
    if (!s.escalated) return Ok();
    const int missing = s.headcount - s.confirmed;
    const int answers = missing * rng_.Between(50, 100) / 100;
    for (int k = 0; k < answers; ++k) {
      const UnitId unit = rng_.Pick(city_.units);
      const Timestamp at = clock_.Now() + minutes(rng_.Between(1, 60));
      if (at >= shift.starts - minutes(10)) break;
      Schedule(at, [this, shift, unit]() -> Status {
        return SignUpOne(shift, &city_.pools[unit.value], false);
      });
    }
    return Ok();
  }

  Status FormBatches(Date day) {
    for (std::int64_t street_id : streets_by_day_[DayNumber(day)]) {
      auto street = std::find_if(city_.streets.begin(), city_.streets.end(),
                                 [&](const Street& s) { return s.id.value == street_id; });
      if (street == city_.streets.end()) continue;
      const Actor admin = UnitAdmin(*street->unit);
      BatchProposalInput p{street->id, day, 12, "中型客车", "单位大院", minutes(60)};
      MUSTER_ASSIGN(auto proposals, workflow_.ProposeBatches(admin, p));
      for (const BatchInput& b : proposals) {
        if (b.member_ids.empty()) continue;
        MUSTER_TRY(Done(workflow_.CreateBatch(admin, b)));
        ++report_.batches;
      }
    }
    return Ok();
  }

  // The coordinator's code goes up at the site; the confirmed volunteers check in with it, a
  // few do not come, now and then someone helps without a sign-up.
  Status OpenCheckin(const PlannedShift& shift) {
    MUSTER_ASSIGN(auto roster, workflow_.Roster(CityActor(), shift.id));
    for (const RosterEntry& e : roster) {
      if (e.status != SignupStatus::kConfirmed) continue;
      if (rng_.Percent(2)) {
        // A no-show; now and then the coordinator knows he came after all and records it.
        if (rng_.Percent(20)) {
          Schedule(shift.ends + minutes(10), [this, shift, m = e.member_id]() -> Status {
            AttendanceInput in{shift.id, m, shift.starts + minutes(15), shift.ends,
                               "手机没电未能扫码，现场登记"};
            MUSTER_TRY(Done(workflow_.RecordAttendance(StreetCoordinator(shift.street), in)));
            ++report_.corrections;
            return Ok();
          });
        }
        continue;
      }
      const Timestamp at = shift.starts - minutes(rng_.Between(0, 25)) + minutes(rng_.Between(0, 5));
      Schedule(at, [this, shift, m = e.member_id]() -> Status { return CheckIn(shift, m, false); });
    }
    if (rng_.Percent(4) && !city_.members.empty()) {
      const Member& walk_in = rng_.Pick(city_.members);
      if (!busy_[walk_in.id.value].count(DayNumber(ShanghaiDate(shift.starts)))) {
        busy_[walk_in.id.value].insert(DayNumber(ShanghaiDate(shift.starts)));
        Schedule(shift.starts + minutes(20),
                 [this, shift, m = walk_in.id]() -> Status { return CheckIn(shift, m, true); });
      }
    }
    return Ok();
  }

  Status CheckIn(const PlannedShift& shift, MemberId m, bool walk_in) {
    MUSTER_ASSIGN(CheckinCodeView code, workflow_.CheckinCode(StreetCoordinator(shift.street), shift.site));
    auto in = workflow_.CheckIn(Volunteer(m), code.token, std::nullopt);
    if (!in.ok()) {
      // Another shift of his at the same site may come first; the playback's own choices never
      // produce anything else.
      if (walk_in && RuleRefusal(in.error())) return Ok();
      return std::move(in).error();
    }
    ++report_.checkins;
    if (in->flagged) ++report_.walk_ins;
    if (rng_.Percent(88)) {  // the others forget, and the sweep closes their turn at the end
      Schedule(shift.ends + minutes(rng_.Between(-10, 15)), [this, m, id = in->attendance_id]() -> Status {
        auto out = workflow_.CheckOut(Volunteer(m), id);
        if (!out.ok()) {
          if (!RuleRefusal(out.error())) return std::move(out).error();
          return Ok();
        }
        ++report_.checkouts;
        return Ok();
      });
    }
    return Ok();
  }

  // The city allocates 4.59 million yuan across the units on the second day; units spend part of
  // it on their communities; supplies reach streets and communities; the city inspects.
  void PlanFundsAndSupplies() {
    const Date second = NextDay(options_.first);
    Schedule(At(second, 10, 0), [this, second]() -> Status {
      const std::int64_t total = 459'000'000;  // fen
      std::vector<std::int64_t> weights;
      std::int64_t sum = 0;
      for (std::size_t i = 0; i < city_.units.size(); ++i) {
        weights.push_back(rng_.Between(60, 140));
        sum += weights.back();
      }
      std::int64_t given = 0;
      for (std::size_t i = 0; i < city_.units.size(); ++i) {
        // Whole hundreds of yuan, the last unit takes the remainder so the total is exact.
        std::int64_t fen = i + 1 == city_.units.size() ? total - given
                                                        : total * weights[i] / sum / 10'000 * 10'000;
        given += fen;
        AllocationInput in{city_.units[i], Fen{fen}, "疫情防控专项经费", second};
        MUSTER_TRY(Done(oversight_.Allocate(CityActor(), in)));
        allocated_[city_.units[i].value] = fen;
        ++report_.allocations;
      }
      return Ok();
    });
    for (Date d = NextDay(NextDay(options_.first));
         std::chrono::sys_days(d) <= std::chrono::sys_days(options_.last); d = NextDay(d)) {
      for (int k = 0; k < 6; ++k) {
        Schedule(At(d, 15, rng_.Between(0, 59)), [this, d]() -> Status { return SpendSome(d); });
      }
      for (int k = 0; k < 5; ++k) {
        Schedule(At(d, 11, rng_.Between(0, 59)), [this, d]() -> Status { return Supply(d); });
      }
    }
    for (Date d : {Date{std::chrono::sys_days(options_.first) + std::chrono::days(9)}, options_.last}) {
      if (std::chrono::sys_days(d) > std::chrono::sys_days(options_.last)) continue;
      Schedule(At(d, 17, 0), [this, d]() -> Status {
        for (int k = 0; k < 6 && !city_.units.empty(); ++k) {
          const UnitId unit = rng_.Pick(city_.units);
          InspectionInput in{unit, d, "市委组织部督查组",
                             rng_.Percent(80) ? "下沉党员到岗及时，台账规范" : "个别支部响应偏慢，已督促整改",
                             rng_.Percent(80) ? Rating::kGood : Rating::kFair};
          MUSTER_TRY(Done(oversight_.RecordInspection(CityActor(), in)));
          ++report_.inspections;
        }
        return Ok();
      });
    }
  }

  Status SpendSome(Date day) {
    if (city_.units.empty() || city_.streets.empty()) return Ok();
    const Street& street = city_.streets[rng_.Next() % city_.streets.size()];
    const UnitId unit = *street.unit;
    const std::int64_t left = allocated_[unit.value] - spent_[unit.value];
    const std::int64_t fen = std::min<std::int64_t>(left, rng_.Between(50, 800) * 10'000);  // 500-8000 yuan
    if (fen <= 0) return Ok();
    ExpenseInput in{unit, Fen{fen}, std::string("采购") + kSupplies[rng_.Next() % std::size(kSupplies)],
                    day, rng_.Pick(street.communities).id};
    MUSTER_TRY(Done(oversight_.Spend(UnitAdmin(unit), in)));
    spent_[unit.value] += fen;
    ++report_.expenses;
    return Ok();
  }

  Status Supply(Date day) {
    if (city_.streets.empty()) return Ok();
    const Street& street = city_.streets[rng_.Next() % city_.streets.size()];
    SupplyInput in;
    if (rng_.Percent(50)) {
      in.recipient_community_id = rng_.Pick(street.communities).id;
    } else {
      in.recipient_street_id = street.id;
    }
    const bool from_unit = rng_.Percent(50);
    in.donor = from_unit ? city_.unit_names[street.unit->value] : kDonors[rng_.Next() % std::size(kDonors)];
    in.coordinated_by_unit_id = street.unit;
    in.description = kSupplies[rng_.Next() % std::size(kSupplies)];
    in.quantity = rng_.Between(2, 100) * 10;
    in.value = Fen{in.quantity * rng_.Between(5, 60) * 100};
    in.date = day;
    MUSTER_TRY(Done(oversight_.RecordSupply(UnitAdmin(*street.unit), in)));
    ++report_.supplies;
    return Ok();
  }

  store::Store& store_;
  FakeClock& clock_;
  OutbreakOptions options_;
  Rng rng_;
  City city_;
  Registry registry_;
  Workflow workflow_;
  DispatchPlans plans_;
  Oversight oversight_;
  OutbreakReport report_;
  std::priority_queue<Step, std::vector<Step>, std::greater<Step>> queue_;
  std::uint64_t next_seq_ = 0;
  std::vector<std::size_t> street_order_;
  std::size_t next_street_ = 0;
  std::set<std::int64_t> available_;
  std::map<std::int64_t, std::set<int>> busy_;  // member: day numbers he serves
  std::map<int, std::set<std::int64_t>> streets_by_day_;
  std::map<std::int64_t, std::int64_t> allocated_;
  std::map<std::int64_t, std::int64_t> spent_;
};

}  // namespace

Result<int> PostTomorrowsRequests(store::Store& store, const crypto::Keyring& keys,
                                  const Clock& clock, int streets, std::uint64_t seed) {
  MUSTER_ASSIGN(City city, LoadCity(store));
  Workflow workflow(store, keys, clock);
  Rng rng(seed ^ 0x5EEDULL);
  rng.Shuffle(city.streets);
  const Date tomorrow = NextDay(ShanghaiDate(clock.Now()));
  int posted = 0;
  for (const Street& street : city.streets) {
    if (posted >= streets) break;
    RequestInput in;
    in.note = street.name + "：" + kNotes[rng.Next() % std::size(kNotes)];
    for (std::size_t c = 0; c < std::min<std::size_t>(2, street.communities.size()); ++c) {
      for (int start : {8, 14}) {
        ShiftInput s;
        s.site_id = street.communities[c].site;
        s.task = kTasks[rng.Next() % std::size(kTasks)];
        s.starts_at = At(tomorrow, start, 0);
        s.ends_at = s.starts_at + hours(4);
        s.headcount = rng.Between(4, 8);
        in.shifts.push_back(s);
      }
    }
    MUSTER_ASSIGN(RequestView request, workflow.PostRequest(StreetCoordinator(street.id), in));
    CallInput call{request.id, std::nullopt, "挂点街道请求明日支援，请各支部组织党员报名"};
    MUSTER_TRY(Done(workflow.SendCall(UnitAdmin(*street.unit), call)));
    ++posted;
  }
  return posted;
}

Result<OutbreakReport> PlayOutbreak(store::Store& store, const crypto::Keyring& keys,
                                    FakeClock& clock, const OutbreakOptions& options) {
  if (std::chrono::sys_days(options.last) < std::chrono::sys_days(options.first)) {
    return Invalid("last", "the outbreak must end on or after its first day", "order");
  }
  MUSTER_ASSIGN(City city, LoadCity(store));
  Outbreak outbreak(store, keys, clock, options, std::move(city));
  return outbreak.Run();
}

}  // namespace muster::app
