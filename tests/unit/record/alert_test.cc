#include <adieu/alert.h>
#include <adieu/error.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace adieu {
namespace {

TEST(Alert, Names) {
  EXPECT_EQ(std::string(alert_name(Alert::close_notify)), "close_notify");
  EXPECT_EQ(std::string(alert_name(Alert::bad_record_mac)), "bad_record_mac");
  EXPECT_EQ(std::string(alert_name(Alert::record_overflow)), "record_overflow");
  EXPECT_EQ(std::string(alert_name(Alert::no_application_protocol)), "no_application_protocol");
  EXPECT_EQ(std::string(alert_name(Alert::user_canceled)), "user_canceled");
  EXPECT_EQ(std::string(alert_name(static_cast<Alert>(21))),
            "unknown");  // decryption_failed: TLS 1.0 only
  EXPECT_EQ(std::string(alert_name(static_cast<Alert>(255))), "unknown");
}

TEST(Error, AlertForEachProtocolError) {
  EXPECT_EQ(error_alert(Error::decode_error), Alert::decode_error);
  EXPECT_EQ(error_alert(Error::unexpected_message), Alert::unexpected_message);
  EXPECT_EQ(error_alert(Error::bad_record_mac), Alert::bad_record_mac);
  EXPECT_EQ(error_alert(Error::record_overflow), Alert::record_overflow);
  EXPECT_EQ(error_alert(Error::illegal_parameter), Alert::illegal_parameter);
  EXPECT_EQ(error_alert(Error::handshake_failure), Alert::handshake_failure);
  EXPECT_EQ(error_alert(Error::protocol_version), Alert::protocol_version);
  EXPECT_EQ(error_alert(Error::missing_extension), Alert::missing_extension);
  EXPECT_EQ(error_alert(Error::unsupported_extension), Alert::unsupported_extension);
  EXPECT_EQ(error_alert(Error::decrypt_error), Alert::decrypt_error);
  EXPECT_EQ(error_alert(Error::bad_certificate), Alert::bad_certificate);
  EXPECT_EQ(error_alert(Error::unknown_ca), Alert::unknown_ca);
  EXPECT_EQ(error_alert(Error::certificate_expired), Alert::certificate_expired);
  EXPECT_EQ(error_alert(Error::certificate_unknown), Alert::certificate_unknown);
  EXPECT_EQ(error_alert(Error::certificate_required), Alert::certificate_required);
  EXPECT_EQ(error_alert(Error::unrecognized_name), Alert::unrecognized_name);
  EXPECT_EQ(error_alert(Error::no_application_protocol), Alert::no_application_protocol);
  EXPECT_EQ(error_alert(Error::insufficient_security), Alert::insufficient_security);
  EXPECT_EQ(error_alert(Error::internal_error), Alert::internal_error);
}

TEST(Error, NoAlertForPeerEndingsAndMisuse) {
  for (Error e :
       {Error::none, Error::peer_alert, Error::truncated, Error::write_after_close,
        Error::not_connected, Error::bad_argument, Error::buffer_too_small, Error::wrong_role,
        Error::wrong_version, Error::not_offered, Error::peer_closed}) {
    EXPECT_EQ(error_alert(e), Alert::close_notify) << error_string(e);
  }
}

TEST(Error, Fatality) {
  EXPECT_FALSE(error_is_fatal(Error::none));
  EXPECT_FALSE(error_is_fatal(Error::write_after_close));
  EXPECT_FALSE(error_is_fatal(Error::not_connected));
  EXPECT_FALSE(error_is_fatal(Error::bad_argument));
  EXPECT_FALSE(error_is_fatal(Error::buffer_too_small));
  EXPECT_FALSE(error_is_fatal(Error::wrong_role));
  EXPECT_FALSE(error_is_fatal(Error::wrong_version));
  EXPECT_FALSE(error_is_fatal(Error::not_offered));
  EXPECT_FALSE(error_is_fatal(Error::peer_closed));
  EXPECT_TRUE(error_is_fatal(Error::bad_record_mac));
  EXPECT_TRUE(error_is_fatal(Error::internal_error));
  EXPECT_TRUE(error_is_fatal(Error::peer_alert));
  EXPECT_TRUE(error_is_fatal(Error::truncated));
}

TEST(Error, EveryErrorHasItsOwnDescription) {
  std::set<std::string> seen;
  for (int i = 0; i <= static_cast<int>(Error::peer_closed); ++i) {
    const std::string s = error_string(static_cast<Error>(i));
    EXPECT_NE(s, "unknown error") << i;
    EXPECT_TRUE(seen.insert(s).second) << "duplicate description: " << s;
  }
  EXPECT_EQ(std::string(error_string(Error::bad_record_mac)), "record does not authenticate");
}

}  // namespace
}  // namespace adieu
