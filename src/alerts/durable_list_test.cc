// DurableList: ids handed out once, every change written before it shows, a failed write changes
// nothing.
#include "alerts/durable_list.h"

#include <gtest/gtest.h>

namespace mltrack::alerts {
namespace {

struct Item {
  std::string id;
  int value = 0;
};

class DurableListTest : public ::testing::Test {
 protected:
  DurableList<Item> list_{"it-", "item", [this](const std::vector<Item>& items, uint64_t next_id) {
                            if (fail_) return Status::IOError("disk full");
                            written_ = items;
                            written_next_ = next_id;
                            return Status::OK();
                          }};
  bool fail_ = false;
  std::vector<Item> written_;
  uint64_t written_next_ = 0;
};

TEST_F(DurableListTest, AddsModifiesAndRemovesWritingEachChangeFirst) {
  list_.Load({{"it-4", 40}}, 5);
  Result<Item> added = list_.Add({"ignored", 50});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->id, "it-5");
  EXPECT_EQ(written_.size(), 2u);
  EXPECT_EQ(written_next_, 6u);

  Result<Item> changed = list_.Modify("it-4", [](Item& item) { item.value = 41; });
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->value, 41);
  EXPECT_EQ(list_.Get("it-4")->value, 41);
  EXPECT_EQ(written_[0].value, 41);

  ASSERT_TRUE(list_.Remove("it-5").ok());
  EXPECT_FALSE(list_.Get("it-5"));
  EXPECT_EQ(written_next_, 6u);  // the id is not handed out again
  EXPECT_EQ(list_.Add({"", 60})->id, "it-6");

  EXPECT_EQ(list_.Modify("it-99", [](Item&) {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(list_.Remove("it-99").message(), "no item it-99");
}

TEST_F(DurableListTest, AFailedWriteChangesNothing) {
  list_.Load({{"it-1", 10}}, 2);
  fail_ = true;
  EXPECT_FALSE(list_.Add({"", 20}).ok());
  EXPECT_FALSE(list_.Modify("it-1", [](Item& item) { item.value = 11; }).ok());
  EXPECT_FALSE(list_.Remove("it-1").ok());
  ASSERT_EQ(list_.List().size(), 1u);
  EXPECT_EQ(list_.Get("it-1")->value, 10);
  fail_ = false;
  EXPECT_EQ(list_.Add({"", 20})->id, "it-2");  // the failed Add used no id
}

}  // namespace
}  // namespace mltrack::alerts
