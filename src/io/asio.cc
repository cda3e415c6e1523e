// The out-of-line parts of the Asio adapter (include/adieu/asio.h): the error
// category of adieu::Error and each thread's receive buffer.
#include <adieu/asio.h>

#include <array>
#include <string>

namespace adieu {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "adieu"; }
  std::string message(int value) const override { return error_string(static_cast<Error>(value)); }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

namespace asio::detail {

std::span<uint8_t> receive_scratch() {
  // Filled by one read_some() and handed to Connection::receive() at once
  // (the engine copies a record cut short), so one buffer serves every
  // stream of the thread.
  thread_local std::array<uint8_t, kReceiveChunk> buffer;
  return buffer;
}

}  // namespace asio::detail
}  // namespace adieu
