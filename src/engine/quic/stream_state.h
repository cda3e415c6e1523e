// The states of a stream's two parts (RFC 9000 §3) and how they read through
// OpenSSL's QUIC API (SSL_get_stream_read_state / SSL_get_stream_write_state).
#pragma once

#include <cstdint>

namespace adieu::quic {

// RFC 9000 §3.1, Figure 2.
enum class SendState : std::uint8_t {
  ready,       // nothing sent yet
  send,        // data being sent
  data_sent,   // FIN sent, waiting for acknowledgments
  data_recvd,  // everything acknowledged (terminal)
  reset_sent,  // RESET_STREAM sent
  reset_recvd  // RESET_STREAM acknowledged (terminal)
};

// RFC 9000 §3.2, Figure 3.
enum class RecvState : std::uint8_t {
  recv,         // receiving data
  size_known,   // FIN received, data missing
  data_recvd,   // all data up to the final size received
  data_read,    // the application read everything (terminal)
  reset_recvd,  // RESET_STREAM received
  reset_read    // the application learnt of the reset (terminal)
};

const char* send_state_name(SendState state);
const char* recv_state_name(RecvState state);

// One part of a stream as OpenSSL's QUIC API reports it; the values are
// those of SSL_STREAM_STATE_* in OpenSSL 3.2+, so compat can pass them on.
enum class StreamIoState : int {
  none = 0,          // no stream
  ok = 1,            // data can flow
  wrong_dir = 2,     // this part does not exist (unidirectional stream)
  finished = 3,      // write: we concluded; read: the peer's FIN was read
  reset_local = 4,   // write: we reset it; read: we sent STOP_SENDING
  reset_remote = 5,  // write: the peer sent STOP_SENDING; read: the peer reset it
  conn_closed = 6    // the connection has ended
};

// The send part's facts beyond its RFC state that OpenSSL's classification
// uses.
struct SendPartView {
  bool exists = true;  // false: the peer's unidirectional stream
  SendState state = SendState::ready;
  bool stop_sending_received = false;  // the peer sent STOP_SENDING
  bool fin_queued = false;             // the application concluded the stream
};

struct RecvPartView {
  bool exists = true;  // false: our own unidirectional stream
  RecvState state = RecvState::recv;
  bool stop_sending_sent = false;  // we sent STOP_SENDING
};

// OpenSSL's order of precedence (ssl/quic/quic_impl.c, quic_classify_stream):
// wrong direction, then connection closed, then (read) FIN read, then a local
// reset, a remote reset, (write) concluded, else ok.
StreamIoState write_io_state(const SendPartView& part, bool connection_closed);
StreamIoState read_io_state(const RecvPartView& part, bool connection_closed);

}  // namespace adieu::quic
