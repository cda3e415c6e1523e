#include "engine/quic/stream_state.h"

namespace adieu::quic {

const char* send_state_name(SendState state) {
  switch (state) {
    case SendState::ready:
      return "Ready";
    case SendState::send:
      return "Send";
    case SendState::data_sent:
      return "Data Sent";
    case SendState::data_recvd:
      return "Data Recvd";
    case SendState::reset_sent:
      return "Reset Sent";
    case SendState::reset_recvd:
      return "Reset Recvd";
  }
  return "unknown";
}

const char* recv_state_name(RecvState state) {
  switch (state) {
    case RecvState::recv:
      return "Recv";
    case RecvState::size_known:
      return "Size Known";
    case RecvState::data_recvd:
      return "Data Recvd";
    case RecvState::data_read:
      return "Data Read";
    case RecvState::reset_recvd:
      return "Reset Recvd";
    case RecvState::reset_read:
      return "Reset Read";
  }
  return "unknown";
}

StreamIoState write_io_state(const SendPartView& part, bool connection_closed) {
  if (!part.exists) return StreamIoState::wrong_dir;
  if (connection_closed) return StreamIoState::conn_closed;
  if (part.state == SendState::reset_sent || part.state == SendState::reset_recvd) {
    return StreamIoState::reset_local;
  }
  if (part.stop_sending_received) return StreamIoState::reset_remote;
  if (part.fin_queued || part.state == SendState::data_sent ||
      part.state == SendState::data_recvd) {
    return StreamIoState::finished;
  }
  return StreamIoState::ok;
}

StreamIoState read_io_state(const RecvPartView& part, bool connection_closed) {
  if (!part.exists) return StreamIoState::wrong_dir;
  if (connection_closed) return StreamIoState::conn_closed;
  if (part.state == RecvState::data_read) return StreamIoState::finished;
  if (part.stop_sending_sent) return StreamIoState::reset_local;
  if (part.state == RecvState::reset_recvd || part.state == RecvState::reset_read) {
    return StreamIoState::reset_remote;
  }
  return StreamIoState::ok;
}

}  // namespace adieu::quic
