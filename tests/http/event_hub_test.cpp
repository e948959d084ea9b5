#include "http/event_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace muster::http {
namespace {

TEST(FormatEvent, SplitsDataLinesAndNamesTheEvent) {
  EXPECT_EQ(FormatEvent(Event{"shift_updated", "{\"id\":1}", ""}, 7),
            "id: 7\nevent: shift_updated\ndata: {\"id\":1}\n\n");
  EXPECT_EQ(FormatEvent(Event{"", "a\nb", ""}, 1), "id: 1\ndata: a\ndata: b\n\n");
  EXPECT_EQ(FormatEvent(Event{"x\ndata: forged", "d", ""}, 2), "id: 2\nevent: x\ndata: d\n\n");
}

TEST(EventHub, DeliversToSubscribersThatAcceptTheEvent) {
  EventHub hub;
  auto all = hub.Subscribe();
  auto street7 = hub.Subscribe([](const Event& e) { return e.topic == "street:7"; });
  hub.Publish(Event{"a", "1", "street:7"});
  hub.Publish(Event{"b", "2", "street:8"});
  EXPECT_EQ(all->TakeAll(), "id: 1\nevent: a\ndata: 1\n\nid: 2\nevent: b\ndata: 2\n\n");
  EXPECT_EQ(street7->TakeAll(), "id: 1\nevent: a\ndata: 1\n\n");
  EXPECT_EQ(all->TakeAll(), "");
}

TEST(EventHub, ForgetsStreamsWhoseConnectionHasGone) {
  EventHub hub;
  auto kept = hub.Subscribe();
  {
    auto dropped = hub.Subscribe();
    EXPECT_EQ(hub.subscriber_count(), 2u);
  }
  EXPECT_EQ(hub.subscriber_count(), 1u);
  kept->Close();
  EXPECT_EQ(hub.subscriber_count(), 0u);
}

TEST(EventHub, ClosesTheStreamsOfOneOwner) {
  EventHub hub;
  auto first = hub.Subscribe(nullptr, "session:a");
  auto second = hub.Subscribe(nullptr, "session:a");
  auto other = hub.Subscribe(nullptr, "session:b");
  auto anonymous = hub.Subscribe();
  EXPECT_EQ(hub.CloseOwnedBy(""), 0u);
  EXPECT_EQ(hub.CloseOwnedBy("session:a"), 2u);
  EXPECT_TRUE(first->closed());
  EXPECT_TRUE(second->closed());
  EXPECT_FALSE(other->closed());
  EXPECT_FALSE(anonymous->closed());
  hub.Publish(Event{"a", "1", ""});
  EXPECT_EQ(first->TakeAll(), "");
  EXPECT_EQ(other->TakeAll(), "id: 1\nevent: a\ndata: 1\n\n");
  EXPECT_EQ(hub.CloseOwnedBy("session:a"), 0u);
}

TEST(EventStream, ClosesASubscriberThatFallsTooFarBehind) {
  EventHub hub(EventHub::Options{3});
  auto slow = hub.Subscribe();
  for (int i = 0; i < 3; ++i) hub.Publish(Event{"", std::to_string(i), ""});
  EXPECT_FALSE(slow->closed());
  hub.Publish(Event{"", "overflow", ""});
  EXPECT_TRUE(slow->closed());
  EXPECT_EQ(hub.subscriber_count(), 0u);
}

TEST(EventStream, WakesOnceWhenTheQueueTurnsNonEmpty) {
  EventHub hub;
  auto stream = hub.Subscribe();
  std::atomic<int> wakes{0};
  stream->SetWaker([&] { ++wakes; });
  hub.Publish(Event{"", "1", ""});
  hub.Publish(Event{"", "2", ""});
  EXPECT_EQ(wakes.load(), 1);
  (void)stream->TakeAll();
  hub.Publish(Event{"", "3", ""});
  EXPECT_EQ(wakes.load(), 2);
  stream->Close();
  EXPECT_EQ(wakes.load(), 3);
}

TEST(EventHub, PublishesFromManyThreads) {
  EventHub hub(EventHub::Options{100000});
  auto stream = hub.Subscribe();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) hub.Publish(Event{"", "x", ""});
    });
  }
  for (auto& thread : threads) thread.join();
  std::string all = stream->TakeAll();
  std::size_t count = 0;
  for (std::size_t at = 0; (at = all.find("data: x", at)) != std::string::npos; ++at) ++count;
  EXPECT_EQ(count, 4000u);
}

}  // namespace
}  // namespace muster::http
