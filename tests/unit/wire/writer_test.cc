// wire::Writer: integers, length-prefixed vectors filled in afterwards, and
// the writer failing (never writing a wrong length) on misuse.
#include "wire/writer.h"

#include <gtest/gtest.h>

#include <vector>

namespace adieu::wire {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(Writer, IntegersAreBigEndian) {
  Bytes out;
  Writer w(out);
  w.u8(0x01);
  w.u16(0x0203);
  w.u24(0x040506);
  w.u32(0x0708090a);
  w.u64(0x0b0c0d0e0f101112);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(out, (Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}));
}

TEST(Writer, AppendsToWhatIsAlreadyThere) {
  Bytes out = {0xaa};
  Writer w(out);
  w.vec8(Bytes{1, 2});
  EXPECT_EQ(out, (Bytes{0xaa, 2, 1, 2}));
}

TEST(Writer, NestedVectorsGetTheirLengths) {
  Bytes out;
  Writer w(out);
  size_t outer = w.open_vec24();
  size_t middle = w.open_vec16();
  w.vec8(Bytes{7, 7, 7});
  w.u8(9);
  w.close_vec(middle);
  w.u16(0x0102);
  w.close_vec(outer);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(out, (Bytes{0, 0, 9, 0, 5, 3, 7, 7, 7, 9, 1, 2}));
}

TEST(Writer, ReservesOnceForATypicalMessage) {
  Bytes out;
  Writer w(out);
  const size_t capacity = out.capacity();
  EXPECT_GE(capacity, Writer::kInitialCapacity);
  for (int i = 0; i < 200; ++i) w.u16(static_cast<uint16_t>(i));
  EXPECT_EQ(out.capacity(), capacity);  // 400 bytes: no reallocation
}

TEST(Writer, BodyTooLongForItsPrefixFails) {
  Bytes out;
  Writer w(out);
  w.vec8(Bytes(256, 0));
  EXPECT_FALSE(w.ok());
}

TEST(Writer, ClosingOutOfOrderFails) {
  Bytes out;
  Writer w(out);
  size_t outer = w.open_vec16();
  w.open_vec16();
  w.close_vec(outer);
  EXPECT_FALSE(w.ok());
}

TEST(Writer, ClosingWithNothingOpenFails) {
  Bytes out;
  Writer w(out);
  w.close_vec(0);
  EXPECT_FALSE(w.ok());
}

TEST(Writer, NestingDeeperThanTheLimitFails) {
  Bytes out;
  Writer w(out);
  std::vector<size_t> handles;
  for (size_t i = 0; i < Writer::kMaxDepth; ++i) handles.push_back(w.open_vec8());
  EXPECT_TRUE(w.ok());
  size_t too_deep = w.open_vec8();
  EXPECT_FALSE(w.ok());
  w.close_vec(too_deep);  // refused, and no write past the buffer
  EXPECT_FALSE(w.ok());
}

TEST(Writer, FullDepthClosesInOrder) {
  Bytes out;
  Writer w(out);
  std::vector<size_t> handles;
  for (size_t i = 0; i < Writer::kMaxDepth; ++i) handles.push_back(w.open_vec8());
  for (size_t i = handles.size(); i-- > 0;) w.close_vec(handles[i]);
  ASSERT_TRUE(w.ok());
  // Each prefix counts the prefixes nested inside it.
  EXPECT_EQ(out, (Bytes{7, 6, 5, 4, 3, 2, 1, 0}));
}

}  // namespace
}  // namespace adieu::wire
