#include "quic_common.h"

#include <cstdio>

#include "crypto/key_exchange.h"
#include "h3_session.h"

namespace adieu::tools {

void apply_quic_options(const char* program, const Options& options, Config& config) {
  for (const char* tls_only : {"tls1_2", "no_tls1_3", "psk", "early_data", "sess_in", "sess_out"}) {
    if (options.has(tls_only)) {
      fail(program, std::string("-") + tls_only + " is not available with -quic", kExitUsage);
    }
  }
  apply_common_options(program, options, config);
  std::string error;
  if (!config.set_versions(0x0304, 0x0304, &error)) fail(program, error, kExitUsage);
  if (!options.has("alpn") && !config.set_alpn({"h3"}, &error)) fail(program, error);
}

std::string describe_quic_parameters(const quic::Connection& c) {
  char suite[8];
  std::snprintf(suite, sizeof suite, "0x%04x", c.cipher_suite());
  std::string out = "version=TLSv1.3";
  out += " suite=" + std::string(c.cipher_suite_name() != nullptr ? c.cipher_suite_name() : suite);
  const char* group = crypto::group_name(c.group());
  out += std::string(" group=") + (group != nullptr ? group : "none");
  out += " alpn=" + (c.alpn().empty() ? std::string("none") : c.alpn());
  out += " sni=" + (c.server_name().empty() ? std::string("none") : c.server_name());
  out += " peer_certs=" + std::to_string(c.peer_certificates().size());
  out += std::string(" resumed=") + (c.resumed() ? "yes" : "no");
  return out;
}

std::string describe_quic_stats(const quic::Connection& c) {
  const quic::ConnectionStats s = c.stats();
  auto item = [](const char* name, uint64_t value) {
    return std::string(" ") + name + "=" + std::to_string(value);
  };
  return "stats:" + item("datagrams_sent", s.datagrams_sent) +
         item("datagrams_received", s.datagrams_received) + item("packets_sent", s.packets_sent) +
         item("packets_received", s.packets_received) + item("packets_lost", s.packets_lost) +
         item("packets_dropped", s.packets_dropped) + item("key_updates", s.key_updates) +
         item("smoothed_rtt_us", static_cast<uint64_t>(s.smoothed_rtt.count()));
}

std::string quic_shutdown_value(const quic::Connection& c) {
  if (c.terminated()) return "SENT|RECEIVED";
  if (c.close_sent() || c.state() == quic::ConnectionState::closing) return "SENT";
  return "0";
}

namespace {

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

const char* state_name(quic::ConnectionState state) {
  switch (state) {
    case quic::ConnectionState::handshaking:
      return "handshaking";
    case quic::ConnectionState::established:
      return "established";
    case quic::ConnectionState::closing:
      return "closing";
    case quic::ConnectionState::draining:
      return "draining";
    case quic::ConnectionState::closed:
      return "closed";
  }
  return "?";
}

}  // namespace

std::string describe_quic_end(const quic::Connection& c) {
  const std::string shutdown = ", shutdown=" + quic_shutdown_value(c);
  const std::optional<quic::CloseInfo>& info = c.close_info();
  if (!info)
    return std::string("ended: not closed (state ") + state_name(c.state()) + ")" + shutdown;
  using Cause = quic::CloseInfo::Cause;
  if (info->cause == Cause::idle_timeout) return "ended: idle timeout" + shutdown;
  if (info->cause == Cause::stateless_reset) return "ended: stateless reset" + shutdown;
  std::string out = std::string("ended: CONNECTION_CLOSE ") +
                    (info->cause == Cause::local ? "sent" : "received") + ", ";
  if (info->transport) {
    out += "transport error " + hex(info->error_code);
    if (info->frame_type != 0) out += " (frame " + hex(info->frame_type) + ")";
    if (info->tls_error != Error::none) {
      out += std::string(" (TLS: ") + error_string(info->tls_error) + ")";
    }
  } else {
    out += "application error " + hex(info->error_code);
    const std::string name = h3_error_name(info->error_code);
    if (!name.empty()) out += " (" + name + ")";
  }
  out += ", reason '" + info->reason + "'";
  out += std::string(", state ") + state_name(c.state());
  return out + shutdown;
}

bool quic_ended_cleanly(const quic::Connection& c) {
  const std::optional<quic::CloseInfo>& info = c.close_info();
  if (!info || c.state() != quic::ConnectionState::closed) return false;
  if (info->cause != quic::CloseInfo::Cause::local && info->cause != quic::CloseInfo::Cause::peer) {
    return false;
  }
  return info->transport ? info->error_code == 0 : info->error_code == kH3NoError;
}

}  // namespace adieu::tools
