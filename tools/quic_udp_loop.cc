#include "quic_udp_loop.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

namespace adieu::tools {

quic::Instant quic_now() {
  const auto since_epoch = std::chrono::steady_clock::now().time_since_epoch();
  return quic::Instant(std::chrono::duration_cast<quic::Duration>(since_epoch));
}

std::string UdpAddress::text() const {
  char host[INET6_ADDRSTRLEN] = "?";
  if (storage.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (storage.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    std::string out = "[";
    out.append(host).append("]:").append(std::to_string(ntohs(v6->sin6_port)));
    return out;
  }
  return "unknown";
}

namespace {

using AddressList = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

AddressList resolve(const std::string& host, const std::string& port, bool passive,
                    std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  if (passive) hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    *error = gai_strerror(rc);
    return AddressList(nullptr, freeaddrinfo);
  }
  return AddressList(found, freeaddrinfo);
}

int udp_socket(const std::string& host, const std::string& port, bool bind_it, std::string* error) {
  AddressList addresses = resolve(host, port, bind_it, error);
  if (!addresses) return -1;
  *error = "no address";
  for (addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    const int fd =
        socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      *error = std::strerror(errno);
      continue;
    }
    // Room for a congestion window's burst (the kernel caps it at
    // net.core.rmem_max): the engine does not pace (RFC 9002 section 7.7).
    const int buffer = 1 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    if ((bind_it ? ::bind(fd, a->ai_addr, a->ai_addrlen)
                 : ::connect(fd, a->ai_addr, a->ai_addrlen)) == 0) {
      return fd;
    }
    *error = std::strerror(errno);
    ::close(fd);
  }
  return -1;
}

int poll_timeout_ms(quic::Instant deadline, quic::Instant now) {
  if (deadline == quic::kNever) return -1;
  if (deadline <= now) return 0;
  // Rounded up: waking before the deadline would only poll again.
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return static_cast<int>(std::min<int64_t>(wait, 60 * 1000));
}

}  // namespace

int udp_connect(const std::string& host, const std::string& port, std::string* error) {
  return udp_socket(host, port, false, error);
}

int udp_bind(const std::string& host, const std::string& port, UdpAddress* bound,
             std::string* error) {
  const int fd = udp_socket(host, port, true, error);
  if (fd < 0) return -1;
  bound->length = sizeof bound->storage;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound->storage), &bound->length) != 0) {
    *error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

UdpLoopResult run_udp_loop(int fd, UdpEndpoint& endpoint, const UdpLoopHooks& hooks) {
  std::vector<uint8_t> out;
  std::array<uint8_t, 65536> in;
  UdpLoopResult result;
  for (;;) {
    if (hooks.step && !hooks.step()) {
      result.end = UdpLoopEnd::stopped;
      return result;
    }
    bool blocked = false;  // the socket's send buffer is full
    UdpAddress to;
    while (!blocked && endpoint.send(quic_now(), out, to)) {
      for (;;) {
        const ssize_t sent =
            to.length != 0 ? ::sendto(fd, out.data(), out.size(), 0,
                                      reinterpret_cast<const sockaddr*>(&to.storage), to.length)
                           : ::send(fd, out.data(), out.size(), 0);
        if (sent >= 0) break;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          // The datagram is dropped, as a full network queue would: loss
          // recovery sends it again. Wait for room before the next one.
          blocked = true;
          break;
        }
        if (errno == ECONNREFUSED) break;
        result.end = UdpLoopEnd::socket_error;
        result.os_error = errno;
        return result;
      }
      to = UdpAddress{};
    }
    if (endpoint.finished()) return result;
    const quic::Instant now = quic_now();
    const quic::Instant wake = std::min(endpoint.next_timeout(), hooks.deadline);
    pollfd entry{fd, static_cast<short>(POLLIN | (blocked ? POLLOUT : 0)), 0};
    const int ready = poll(&entry, 1, poll_timeout_ms(wake, now));
    if (ready < 0 && errno != EINTR) {
      result.end = UdpLoopEnd::socket_error;
      result.os_error = errno;
      return result;
    }
    if (ready < 0 && hooks.interrupted && hooks.interrupted()) {
      result.end = UdpLoopEnd::interrupted;
      return result;
    }
    if (ready > 0 && (entry.revents & (POLLIN | POLLERR))) {
      for (;;) {
        UdpAddress from;
        from.length = sizeof from.storage;
        const ssize_t n = ::recvfrom(fd, in.data(), in.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from.storage), &from.length);
        if (n >= 0) {
          endpoint.receive(std::span<const uint8_t>(in.data(), static_cast<size_t>(n)), from,
                           quic_now());
          continue;
        }
        if (errno == EINTR || errno == ECONNREFUSED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        result.end = UdpLoopEnd::socket_error;
        result.os_error = errno;
        return result;
      }
    }
    const quic::Instant later = quic_now();
    if (endpoint.next_timeout() <= later) endpoint.on_timeout(later);
    if (endpoint.finished()) return result;
    if (hooks.deadline != quic::kNever && later >= hooks.deadline) {
      result.end = UdpLoopEnd::deadline;
      return result;
    }
  }
}

}  // namespace adieu::tools
