// fuzz-link: adieu_quic
//
// QUIC packet headers on arbitrary datagrams: byte 0 gives the length of
// short-header connection IDs (mod 21), the rest is the datagram. Every
// packet CoalescedPackets returns must lie inside the datagram, right after
// the previous one (or after packets it skipped), carry the first packet's
// Destination Connection ID, and parse alone to the same header; its fields must lie
// inside it. Each Initial packet is then run through header and packet
// protection removal with the Initial keys of its Destination Connection ID
// (arbitrary bytes must be refused or opened, never crash).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "engine/quic/initial_secrets.h"
#include "engine/quic/packet_header.h"
#include "engine/quic/packet_protection.h"
#include "engine/quic/retry.h"

namespace {

using adieu::quic::Bytes;
using adieu::quic::HeaderStatus;
using adieu::quic::PacketHeader;
using adieu::quic::PacketType;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

bool inside(Bytes part, Bytes whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void try_unprotect(const PacketHeader& h) {
  const adieu::quic::InitialSecrets secrets = adieu::quic::derive_initial_secrets(h.dcid);
  adieu::quic::PacketProtection keys;
  if (!keys.install(adieu::quic::kInitialSuite, secrets.client.span())) fail("install failed");
  std::vector<uint8_t> copy(h.packet.begin(), h.packet.end());
  adieu::quic::UnprotectedPacket opened;
  const auto status = keys.unprotect(copy, h.pn_offset, std::nullopt, opened);
  if (status == adieu::quic::UnprotectStatus::ok &&
      (opened.payload.data() < copy.data() ||
       opened.payload.data() + opened.payload.size() > copy.data() + copy.size())) {
    fail("payload outside the packet");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t short_dcid_length = data[0] % 21;
  const Bytes datagram(data + 1, size - 1);

  adieu::quic::CoalescedPackets packets(datagram, short_dcid_length);
  PacketHeader h;
  size_t offset = 0;
  std::optional<Bytes> first_dcid;
  while (packets.next(h)) {
    // Skipped packets (another connection ID) may lie in between.
    if (h.packet.data() < datagram.data() + offset || h.packet.empty() ||
        !inside(h.packet, datagram)) {
      fail("packet before the previous one's end");
    }
    if (packets.skipped() == 0 && h.packet.data() != datagram.data() + offset) {
      fail("packet not where the previous one ended");
    }
    offset = static_cast<size_t>(h.packet.data() - datagram.data()) + h.packet.size();
    if (!first_dcid) first_dcid = h.dcid;
    if (!std::equal(h.dcid.begin(), h.dcid.end(), first_dcid->begin(), first_dcid->end())) {
      fail("a packet for another connection ID was returned");
    }
    if (!inside(h.dcid, h.packet) || !inside(h.scid, h.packet) || !inside(h.token, h.packet) ||
        !inside(h.integrity_tag, h.packet) || !inside(h.supported_versions, h.packet)) {
      fail("field outside its packet");
    }
    PacketHeader alone;
    if (adieu::quic::parse_packet_header(h.packet, short_dcid_length, alone) != HeaderStatus::ok ||
        alone.type != h.type || alone.packet.size() != h.packet.size() ||
        alone.pn_offset != h.pn_offset) {
      fail("a packet parses differently on its own");
    }
    switch (h.type) {
      case PacketType::initial:
      case PacketType::zero_rtt:
      case PacketType::handshake:
      case PacketType::one_rtt:
        if (h.pn_offset >= h.packet.size()) fail("no room for the packet number");
        if (h.type == PacketType::initial) try_unprotect(h);
        break;
      case PacketType::retry:
        if (h.token.size() + h.integrity_tag.size() + 7 + h.dcid.size() + h.scid.size() !=
            h.packet.size()) {
          fail("Retry fields do not add up");
        }
        adieu::quic::verify_retry(h, h.dcid);
        break;
      case PacketType::version_negotiation:
        if (h.supported_versions.empty() || h.supported_versions.size() % 4 != 0) {
          fail("bad version list accepted");
        }
        break;
    }
  }
  if (packets.rest().data() + packets.rest().size() != datagram.data() + datagram.size() ||
      (packets.skipped() == 0 && offset + packets.rest().size() != datagram.size())) {
    fail("bytes lost between packets");
  }
  if (packets.status() == HeaderStatus::ok && !packets.rest().empty()) fail("stopped early");
  return 0;
}
